// 入出金明細 as a file through the routes: the form under the statement, the download in both
// encodings (an attachment named by its period, no account number, no-store), a bad period as
// the statement page with a clear message and no file, and only the customer's own account.
// Both dialects.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { listAccountsOfContract } from '../../banking/ledger/accounts.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { DEMO, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { createTransferHarness, signIn } from '../../../test/support/web/transfers/transfers-web-testing.js';

const base = '/ib/demo/';

for (const dialect of DIALECTS) {
  describe(`statement as a file at ${base} [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createTransferHarness(dialect); });
    afterEach(() => h.close());

    it('offers the form and sends the period as CSV, UTF-8 with BOM or Shift_JIS', async () => {
      const c = await signIn(h, base);
      const page = await c.get(`${base}transfers/history`);
      assert.equal(page.statusCode, 200);
      for (const label of ['開始日', '終了日', '文字コード', 'UTF-8 (BOM付き)', 'Shift_JIS (Excel向け)']) assert.ok(page.body.includes(label), label);
      assert.match(page.body, /action="\/ib\/demo\/transfers\/history\.csv"/);
      const account = /name="account" value="(acc_[^"]+)"/.exec(page.body)?.[1];
      assert.ok(account);
      const day = new Date(h.clock.nowMs() + 9 * 3600_000).toISOString().slice(0, 10);

      const utf8 = await c.get(`${base}transfers/history.csv?account=${account}&from=${day}&to=${day}&encoding=utf8`);
      assert.equal(utf8.statusCode, 200, utf8.body.slice(0, 500));
      assert.equal(utf8.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(utf8.headers['cache-control'], 'no-store');
      const compact = day.replaceAll('-', '');
      assert.equal(utf8.headers['content-disposition'], `attachment; filename="nyushukkin-meisai_${compact}-${compact}.csv"`);
      assert.doesNotMatch(String(utf8.headers['content-disposition']), /1000001/, 'no account number in the file name');
      const bytes = utf8.rawPayload;
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const text = bytes.subarray(3).toString('utf8');
      const rows = text.split('\r\n');
      assert.equal(rows[0], '"取引日時","摘要","お支払金額","お預り金額","差引残高"');
      assert.match(rows[1]!, /^"\d{4}\/\d\d\/\d\d \d\d:\d\d","開設入金","","3000000","3000000"$/);
      assert.equal(rows.length, 3);

      const sjis = await c.get(`${base}transfers/history.csv?account=${account}&from=${day}&to=${day}&encoding=sjis`);
      assert.equal(sjis.headers['content-type'], 'text/csv; charset=Shift_JIS');
      assert.notEqual(sjis.rawPayload[0], 0xef);
      assert.equal(iconv.decode(sjis.rawPayload, 'Shift_JIS'), text);

      const english = await c.get(`${base}transfers/history.csv?account=${account}&from=${day}&to=${day}&encoding=utf8&lang=en`);
      assert.match(english.rawPayload.subarray(3).toString('utf8'), /^"Date and time \(JST\)","Description"/);
    });

    it('answers a bad period or encoding with the statement page and a clear message, no file', async () => {
      const c = await signIn(h, base);
      const cases: [string, RegExp][] = [
        ['from=&to=&encoding=utf8', /日付を入力してください。/],
        ['from=2026-02-30&to=2026-03-01&encoding=utf8', /実在する日を入力してください。/],
        ['from=2099-01-01&to=2099-01-02&encoding=utf8', /本日より後の日付は指定できません。/],
        ['from=2026-03-10&to=2026-03-01&encoding=utf8', /終了日は開始日と同じか、それより後の日付にしてください。/],
        ['from=2024-01-01&to=2026-01-01&encoding=utf8', /期間は最長366日です。/],
        ['from=2026-03-01&to=2026-03-01&encoding=latin1', /文字コードを選んでください。/],
        ['from=2026-03-01&from=2026-03-02&to=2026-03-02&encoding=utf8', /実在する日を入力してください。/],
        [`from=${'9'.repeat(100)}&to=%00&encoding=utf8`, /実在する日を入力してください。/],
      ];
      for (const [query, message] of cases) {
        const answer = await c.get(`${base}transfers/history.csv?${query}`);
        assert.equal(answer.statusCode, 400, query);
        assert.match(answer.headers['content-type'] as string, /^text\/html/, query);
        assert.equal(answer.headers['content-disposition'], undefined, query);
        assert.match(answer.body, message, query);
        assert.match(answer.body, /role="alert"/, query);
      }
      const english = await c.get(`${base}transfers/history.csv?from=2024-01-01&to=2026-01-01&encoding=utf8&lang=en`);
      assert.match(english.body, /The period can be at most 366 days\./);
    });

    it("sends only the customer's own account; signed out, the login page", async () => {
      const c = await signIn(h, base);
      const [other] = await listAccountsOfContract(h.database.db, { institution: 'demo', contractId: DEMO.other });
      assert.ok(other);
      const day = new Date(h.clock.nowMs() + 9 * 3600_000).toISOString().slice(0, 10);
      const foreign = await c.get(`${base}transfers/history.csv?account=${other.id}&from=${day}&to=${day}&encoding=utf8`);
      assert.equal(foreign.statusCode, 404);
      assert.equal(foreign.headers['content-disposition'], undefined);
      const anonymous = await h.client().get(`${base}transfers/history.csv?from=${day}&to=${day}&encoding=utf8`);
      assert.equal(anonymous.statusCode, 303);
      assert.equal(anonymous.headers.location, base);
    });
  });
}
