// 入出金明細 (CSV) at the branch, on a written request: the customer page links the form; the
// export sends the customer's file (both encodings, the formula guard) and is audited with the
// written request; bad input is the form again and records nothing; the administrator (who acts
// on no customer) is refused; another institution's customer is not found. Both dialects.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { listAccountsOfContract } from '../../banking/ledger/accounts.js';
import { ensureDemoAccount } from '../../banking/ledger/demo-accounts.js';
import { deposit } from '../../banking/ledger/deposit.js';
import { systemRandomBytes } from '../../shared/clock.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { createConsoleHarness, DEMO, type ConsoleHarness } from '../../../test/support/branch/web/branch-console-testing.js';

const base = '/branch/demo/';

for (const dialect of DIALECTS) {
  describe(`statement export at the console [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    let accountId: string;
    beforeEach(async () => {
      h = await createConsoleHarness(dialect);
      await ensureDemoAccount(h.database.db, { clock: h.clock, randomBytes: systemRandomBytes }, { institution: 'demo', contractId: DEMO.contractId });
      const [account] = await listAccountsOfContract(h.database.db, { institution: 'demo', contractId: DEMO.contractId });
      assert.ok(account);
      accountId = account.id;
      const posted = await deposit(h.database.db, { nowMs: h.clock.nowMs(), randomBytes: systemRandomBytes }, { accountId, amountYen: 1200, actor: 'system', description: '@SUM(A1:A9) ﾃｽﾄ' });
      assert.ok(posted.ok);
    });
    afterEach(() => h.close());

    const audits = () => h.database.db.selectFrom('audit_log').select(['actor', 'subject', 'details']).where('action', '=', 'statement_exported').execute();
    const today = () => new Date(h.clock.nowMs() + 9 * 3600_000).toISOString().slice(0, 10);

    it('exports the period on a written request, audited; both encodings', async () => {
      const teller = await h.signIn('demo', 'teller');
      const customerPage = await teller.get(`${base}customers/${DEMO.contractId}`);
      assert.match(customerPage.body, new RegExp(`href="${base}customers/${DEMO.contractId}/statement">入出金明細 \\(CSV\\) の出力<`));
      const form = await teller.get(`${base}customers/${DEMO.contractId}/statement`);
      assert.equal(form.statusCode, 200);
      for (const label of ['口座', '開始日', '終了日', '文字コード', '書面番号']) assert.ok(form.body.includes(label), label);

      const fields = { account: accountId, from: today(), to: today(), requestFormNo: 'R-2026-0101', reason: '相続手続きのため' };
      const file = await teller.post(`${base}customers/${DEMO.contractId}/statement`, { ...fields, encoding: 'sjis' });
      assert.equal(file.statusCode, 200, file.body.slice(0, 800));
      assert.equal(file.headers['content-type'], 'text/csv; charset=Shift_JIS');
      assert.equal(file.headers['cache-control'], 'no-store');
      assert.match(String(file.headers['content-disposition']), /^attachment; filename="nyushukkin-meisai_\d{8}-\d{8}\.csv"$/);
      const text = iconv.decode(file.rawPayload, 'Shift_JIS');
      const rows = text.split('\r\n');
      assert.equal(rows[0], '"取引日時","摘要","お支払金額","お預り金額","差引残高"');
      assert.match(rows[1]!, /"開設入金","","3000000","3000000"$/);
      assert.match(rows[2]!, /"'@SUM\(A1:A9\) ﾃｽﾄ","","1200","3001200"$/, 'the formula guard');

      const utf8 = await teller.post(`${base}customers/${DEMO.contractId}/statement`, { ...fields, encoding: 'utf8' });
      assert.deepEqual([...utf8.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.equal(utf8.rawPayload.subarray(3).toString('utf8'), text);

      const records = await audits();
      assert.equal(records.length, 2);
      assert.equal(records[0]!.actor, 'operator:teller');
      assert.equal(records[0]!.subject, DEMO.contractId);
      const details = JSON.parse(records[0]!.details) as Record<string, unknown>;
      assert.deepEqual({ ...details }, { accountId, from: today(), to: today(), encoding: 'sjis', rows: 2, requestFormNo: 'R-2026-0101', reason: '相続手続きのため' });
      assert.ok((await verifyAuditChain(h.database.db)).ok);
    });

    it('answers bad input with the form and its messages, recording nothing; refuses the administrator and forged forms', async () => {
      const teller = await h.signIn('demo', 'teller');
      await teller.get(`${base}customers/${DEMO.contractId}/statement`);
      const good = { account: accountId, from: today(), to: today(), encoding: 'utf8', requestFormNo: 'R-2026-0102', reason: '確認' };
      const cases: [Record<string, string>, RegExp][] = [
        [{ ...good, requestFormNo: '' }, /role="alert"/],
        [{ ...good, from: '2020-01-01' }, /期間は最長366日です。/],
        [{ ...good, to: '2099-01-01' }, /本日より後の日付は指定できません。/],
        [{ ...good, from: 'yesterday' }, /実在する日を入力してください。/],
        [{ ...good, encoding: 'ebcdic' }, /文字コードを選んでください。/],
        [{ ...good, account: 'acc_00000000000000000000000000000000' }, /このお客様の口座を選んでください。/],
      ];
      for (const [fields, message] of cases) {
        const answer = await teller.post(`${base}customers/${DEMO.contractId}/statement`, fields);
        assert.equal(answer.statusCode, 400, JSON.stringify(fields));
        assert.match(answer.headers['content-type'] as string, /^text\/html/);
        assert.match(answer.body, message, JSON.stringify(fields));
      }
      const forged = await teller.post(`${base}customers/${DEMO.contractId}/statement`, good, { csrf: 'forged' });
      assert.equal(forged.statusCode, 403);
      assert.equal((await teller.post(`${base}customers/9999999999/statement`, good)).statusCode, 404);
      assert.deepEqual(await audits(), []);

      await h.addOperator('demo', 'admin1', 'administrator');
      const admin = await h.signIn('demo', 'admin1');
      assert.equal((await admin.get(`${base}customers/${DEMO.contractId}/statement`)).statusCode, 403);
      const otherBank = await h.signIn('sample', 'teller');
      const foreign = await otherBank.post(`/branch/sample/customers/${DEMO.contractId}/statement`, good);
      assert.notEqual(foreign.statusCode, 200, 'the demo account is not a sample customer’s');
      assert.deepEqual(await audits(), []);
    });
  });
}
