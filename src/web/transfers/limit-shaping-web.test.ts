// The limits shaped in time on the pages (issue 14 §5), with the institution's defaults: the
// limit page shows a raise pending until 0:00 JST of the next day and lets the customer cancel
// it (a form: CSRF, audited), and a refusal by a cap names the rule and when it ends, in
// Japanese and in English, with nothing stored as done.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { checkTransferInvariants } from '../../banking/transfers/transfer-invariants.js';
import { STEP_MS } from '../../../test/support/authority/authority-testing.js';
import { DEMO, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { createTransferHarness, registerToken, signIn } from '../../../test/support/web/transfers/transfers-web-testing.js';
import { japanDateTime } from '../../shared/japan-time.js';
import { nextJapanMidnightMs } from '../../banking/limits/limit-shaping.js';

const base = '/ib/demo/';

for (const dialect of DIALECTS) {
  describe(`limits shaped in time on the pages [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => {
      h = await createTransferHarness(dialect);
    });
    afterEach(async () => {
      assert.equal((await checkTransferInvariants(h.database.db)).ok, true);
      assert.equal((await verifyAuditChain(h.database.db)).ok, true);
      await h.close();
    });

    it('shows a raise pending until 0:00 JST and when it starts, and cancels it on request', async () => {
      const token = await registerToken(h, base);
      const c = await signIn(h, base, { token });
      await c.get(`${base}transfers/limit`);
      const raised = await c.post(`${base}transfers/limit`, { limitManYen: '100', code: token.codeAt(h.clock.nowMs()) });
      assert.equal(raised.statusCode, 303, raised.body.slice(0, 500));
      h.clock.advance(STEP_MS);
      const page = await c.follow(raised);
      const from = japanDateTime(nextJapanMidnightMs(h.clock.nowMs()));
      assert.match(page.body, /限度額の引き上げを受け付けました。/);
      assert.match(page.body, /引き上げの予約/);
      assert.match(page.body, new RegExp(`¥1,000,000への引き上げを受け付けました。${from} から適用されます`));
      assert.match(page.body, /<strong>¥500,000<\/strong>/, 'the limit in force is still the old one');
      const english = await c.get(`${base}transfers/limit?lang=en`);
      assert.match(english.body, new RegExp(`Your raise to ¥1,000,000 takes effect from ${from}`));
      assert.match(english.body, /Cancel the raise/);

      const forged = await c.post(`${base}transfers/limit/cancel-raise`, { csrf: 'wrong' });
      assert.equal(forged.statusCode, 403);
      await c.get(`${base}transfers/limit?lang=ja`);
      const cancelled = await c.post(`${base}transfers/limit/cancel-raise`, {});
      assert.equal(cancelled.statusCode, 303);
      const after = await c.follow(cancelled);
      assert.match(after.body, /限度額の引き上げを取り消しました/);
      assert.doesNotMatch(after.body, /引き上げの予約/);
      const again = await c.follow(await c.post(`${base}transfers/limit/cancel-raise`, {}));
      assert.match(again.body, /取り消す引き上げの予約はありません/);
      const actions = await h.database.db.selectFrom('audit_log').select('action').where('action', 'like', 'daily_limit%').orderBy('seq').execute();
      assert.deepEqual(actions.map((a) => a.action), ['daily_limit_raise_scheduled', 'daily_limit_raise_cancelled']);
    });

    it('refuses past the new-payee cap and the new-token cap, naming the rule and when it ends, in both languages', async () => {
      const c = await signIn(h, base, { contractId: DEMO.other });
      await c.get(`${base}transfers/new`);
      const form = { op: 'next', bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: '1000001', payeeName: 'ﾏﾓﾘ ﾀﾛｳ' };
      const until = japanDateTime(nextJapanMidnightMs(h.clock.nowMs()));
      const refused = await c.post(`${base}transfers/new`, { ...form, amount: '100001' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, new RegExp(`本日ご登録の振込先や初めてのお振込先へは、あわせて本日10万円までです（${until} から通常の限度額）`));
      await c.get(`${base}transfers/new?lang=en`);
      const english = await c.post(`${base}transfers/new`, { ...form, amount: '100001' });
      assert.match(english.body, new RegExp(`Payees registered today and accounts you have never paid before can receive ¥100,000 today, all together \\(the usual limit from ${until}\\)`));
      assert.equal((await h.database.db.selectFrom('transfers').select('id').execute()).length, 0);

      // A token registered today: its cap (7 days from today) is named, with its end.
      await c.get(`${base}transfers/new?lang=ja`);
      const token = await registerToken(h, base, DEMO.other);
      const withToken = await signIn(h, base, { contractId: DEMO.other, token });
      await withToken.get(`${base}transfers/new`);
      const capped = await withToken.post(`${base}transfers/new`, { ...form, amount: '100001' });
      const ends = japanDateTime(nextJapanMidnightMs(h.clock.nowMs()) + 6 * 86_400_000);
      assert.match(capped.body, new RegExp(`ワンタイムパスワードのご登録から7日間は、振込は1日10万円までです（${ends} から通常の限度額）`));
      const menu = await withToken.get(`${base}transfers`);
      assert.match(menu.body, /ワンタイムパスワードのご登録から7日間/);
      assert.equal((await h.database.db.selectFrom('transfers').select('id').execute()).length, 0);
    });
  });
}
