// The help page (ワンタイムパスワードにかかるQ&A) says what the customer can do and when, as the
// institution's policy sets it: here the limits shaped in time (issue 14 §5).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setInstitutionPolicy } from '../../banking/institutions.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { createBankHarness, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';

for (const dialect of DIALECTS) {
  describe(`help page [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    const setPolicy = async (key: string, value: unknown) =>
      assert.ok((await setInstitutionPolicy(h.database.db, 'demo', key, value, { nowMs: h.clock.nowMs(), actor: 'test' })).ok);

    it('states the limit rules with the default policy, in Japanese and English', async () => {
      const ja = (await h.client().get('/ib/demo/help')).body;
      assert.match(ja, /振込限度額と、振込できる金額の上限について/);
      assert.match(ja, /当初は¥500,000/);
      assert.match(ja, /引き上げは翌日0:00から適用されます/);
      assert.match(ja, /トークンの利用開始・交換の日から7日間\(その日を含みます\)は、1日の振込の合計が¥100,000まで/);
      assert.match(ja, /これまでに振込したことのない口座への振込は、その日はあわせて¥100,000まで/);
      const en = (await h.client().get('/ib/demo/help?lang=en')).body;
      assert.match(en, /My daily transfer limit, and the caps on what I can send/);
      assert.match(en, /a raise from 0:00 the next day/);
      assert.match(en, /For 7 days from the day your contract was opened/);
      assert.match(en, /may receive at most ¥100,000 together today/);
    });

    it('follows the institution policy: rules turned off are not promised', async () => {
      await setPolicy('limitRaiseNextDay', false);
      await setPolicy('newContractOrTokenCapDays', 0);
      await setPolicy('newPayeeCapYen', null);
      await setPolicy('dailyLimitDefaultYen', 300_000);
      const ja = (await h.client().get('/ib/demo/help')).body;
      assert.match(ja, /当初は¥300,000/);
      assert.match(ja, /変更はすぐに適用されます/);
      assert.doesNotMatch(ja, /翌日0:00から/);
      assert.doesNotMatch(ja, /日間\(その日を含みます\)/);
      assert.doesNotMatch(ja, /これまでに振込したことのない口座/);
      const en = (await h.client().get('/ib/demo/help?lang=en')).body;
      assert.match(en, /A change takes effect at once/);
      assert.doesNotMatch(en, /For \d+ days from the day/);
      assert.doesNotMatch(en, /accounts you have never paid before/);
    });
  });
}
