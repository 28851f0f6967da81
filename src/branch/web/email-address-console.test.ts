// メールアドレス at the branch console (issue 14 §1): 新規契約 records an optional address, and a
// written request メールアドレス変更 changes it through maker-checker — audited (masked), the old
// and the new address told, the address shown masked on the console. Bad addresses are a message
// on the form and change nothing.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { findCustomer } from '../../banking/customers.js';
import { demoEmail } from '../../banking/demo-data.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { createConsoleHarness, DEMO, type ConsoleHarness, type FormClient } from '../../../test/support/branch/web/branch-console-testing.js';
import { listProposals } from '../proposals.js';

const consoleBase = '/branch/demo/';
const customerPage = `${consoleBase}customers/${DEMO.contractId}`;
const written = { requestFormNo: 'R-2026-0101', reason: '書面受付' };
const NEW = 'taro.branch@example.co.jp';

for (const dialect of DIALECTS) {
  describe(`branch console: メールアドレス [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    let teller: FormClient;
    let supervisor: FormClient;
    beforeEach(async () => {
      h = await createConsoleHarness(dialect);
      teller = await h.signIn('demo', 'teller');
      supervisor = await h.signIn('demo', 'supervisor');
    });
    afterEach(async () => {
      await h.close();
    });
    const outbox = () => h.database.db.selectFrom('notification_outbox').select(['kind', 'recipient', 'body']).where('kind', '=', 'notification_address_changed').execute();

    it('メールアドレス変更: a teller proposes, a supervisor approves; masked on the console and in the audit; old and new told', async () => {
      const old = demoEmail(DEMO.contractId);
      const page = await teller.get(customerPage);
      assert.match(page.body, /<dt>メールアドレス<\/dt><dd><code>1\*\*\*@demo\.mamori\.example<\/code><\/dd>/);
      assert.ok(!page.body.includes(old), 'the console never shows the address whole');
      assert.match(page.body, /メールアドレス変更/);

      for (const [newEmail, message] of [
        ['taro.example.jp', /メールアドレスに「@」がありません。/],
        ['taro@例え.jp', /punycode\(xn--で始まる形式\)/],
        ['', /メールアドレスを入力してください。/],
        [old, /登録中のメールアドレスと同じです。/],
      ] as const) {
        const refused = await teller.post(`${customerPage}/actions/change_email`, { ...written, newEmail });
        assert.ok(refused.statusCode === 400 || refused.statusCode === 409, `${newEmail}: ${refused.statusCode}`);
        assert.match(refused.body, message);
      }
      assert.equal((await listProposals(h.database.db, { institution: 'demo', status: 'pending' })).length, 0, 'nothing proposed');

      const proposed = await teller.post(`${customerPage}/actions/change_email`, { ...written, newEmail: NEW });
      assert.equal(proposed.statusCode, 303, proposed.body.slice(0, 1000));
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.email, old, 'nothing changed before the approval');
      const approvals = await supervisor.get(`${consoleBase}approvals`);
      assert.match(approvals.body, /メールアドレス変更<\/strong> → <code>t\*\*\*@example\.co\.jp<\/code>/);
      assert.ok(!approvals.body.includes(NEW));
      const [proposal] = await listProposals(h.database.db, { institution: 'demo', status: 'pending' });
      assert.ok(proposal);
      const approved = await supervisor.post(`${consoleBase}approvals/${proposal.id}/approve`, {});
      assert.ok(approved.statusCode === 303 || approved.statusCode === 200, `${approved.statusCode}`);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.email, NEW);

      const told = await outbox();
      assert.deepEqual(told.map((m) => m.recipient).sort(), [NEW, old].sort());
      for (const mail of told) assert.match(mail.body, /お届けにより/);
      const audit = await h.database.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', DEMO.contractId).where('chain', '=', 'demo').execute();
      const changed = audit.find((a) => a.action === 'notification_address_changed');
      assert.ok(changed);
      assert.equal(JSON.parse(changed.details).to, 't***@example.co.jp');
      assert.equal(JSON.parse(changed.details).requestFormNo, written.requestFormNo);
      for (const a of audit) assert.ok(!a.details.includes(NEW) && !a.details.includes(old), `${a.action} names an address`);
    });

    it('新規契約 records an optional address; a bad one is a message and opens nothing', async () => {
      const form = await teller.get(`${consoleBase}contracts/new`);
      assert.match(form.body, /メールアドレス\(任意\)/);
      const key = /name="idempotencyKey" value="([^"]+)"/.exec(form.body)?.[1];
      assert.ok(key);
      const fields = { name: '守 花子', holderName: 'マモリ ハナコ', branchCode: '001', ...written, idempotencyKey: key };
      const before = await h.database.db.selectFrom('customers').select('contract_id').execute();
      const bad = await teller.post(`${consoleBase}contracts`, { ...fields, email: 'hanako@@example.jp' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /「@」が複数あります/);
      assert.equal((await h.database.db.selectFrom('customers').select('contract_id').execute()).length, before.length, 'nothing opened');
      const opened = await teller.post(`${consoleBase}contracts`, { ...fields, email: 'Hanako@Example.JP' });
      assert.equal(opened.statusCode, 200, opened.body.slice(0, 1000));
      const contractId = /customers\/(\d{10})/.exec(opened.body)?.[1];
      assert.ok(contractId);
      assert.equal((await findCustomer(h.database.db, 'demo', contractId))!.email, 'Hanako@example.jp');
      const audit = await h.database.db.selectFrom('audit_log').select('details').where('action', '=', 'customer_created').where('subject', '=', contractId).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(audit.details).email, 'H***@example.jp');
      // Without one, none is recorded.
      const second = await teller.get(`${consoleBase}contracts/new`);
      const key2 = /name="idempotencyKey" value="([^"]+)"/.exec(second.body)?.[1];
      assert.ok(key2);
      const none = await teller.post(`${consoleBase}contracts`, { ...fields, idempotencyKey: key2, email: '' });
      const contract2 = /customers\/(\d{10})/.exec(none.body)?.[1];
      assert.ok(contract2);
      assert.equal((await findCustomer(h.database.db, 'demo', contract2))!.email, null);
    });
  });
}
