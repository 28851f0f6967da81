// ログインパスワードの変更 after a password the branch set (reset, or a new contract's initial
// one): the login leads only to the change page; a new password that keeps the rules is stored
// as argon2id together with the end of the requirement and its audit record, and the customer
// goes on to the main page under a new session id. Both dialects, with and without a token.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { findCustomer } from '../../banking/customers.js';
import { newPasswordProblem } from '../../banking/change-login-password.js';
import { isPasswordChangeRequired, requirePasswordChange } from '../../identity/password-change-requirement.js';
import { CUSTOMER } from '../../identity/principals.js';
import { hashSessionToken } from '../../identity/sessions.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { logIn, registerTokenOnSite, resetPasswordAtBranch } from '../../../test/support/web/personal-web/branch-actions-testing.js';
import { createBankHarness, DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';

const base = '/ib/demo/';
const NEW_PASSWORD = 'Kawasemi-2027';

describe('the rules of a new login password', () => {
  const context = { currentPassword: 'Initial2026x', contractId: DEMO.contractId };
  it('accepts 8–64 half-width characters with a letter and a digit', () => {
    for (const ok of ['abcdefg1', 'A1234567', 'Kawasemi-2027', `a1${'x'.repeat(62)}`, 'pass9word']) {
      assert.equal(newPasswordProblem(ok, context), undefined, ok);
    }
  });
  it('refuses what breaks them, each with its reason', () => {
    const cases: [string, string][] = [
      ['abc1234', 'length'],
      [`a1${'x'.repeat(63)}`, 'length'],
      ['abcdefgh', 'letters_and_digits'],
      ['12345678', 'letters_and_digits'],
      ['abcd 1234', 'characters'],
      ['パスワード1234abc', 'characters'],
      ['ａｂｃｄ１２３４', 'characters'],
      ['Initial2026x', 'same_as_current'],
      [DEMO.contractId, 'letters_and_digits'],
      [`x${DEMO.contractId}`, 'contains_contract_id'],
    ];
    for (const [password, problem] of cases) assert.equal(newPasswordProblem(password, context), problem, password);
  });
});

for (const dialect of DIALECTS) {
  describe(`forced change of a login password the branch set [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    async function change(c: FormClient, fields: Record<string, string>) {
      await c.get(`${base}password/change`);
      return c.post(`${base}password/change`, fields);
    }

    it('without a token: login → only the change page → a new session id → main; the new password works, the old does not', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c, location } = await logIn(h, { base, password: initial });
      assert.equal(location, `${base}password/change`);
      const form = await c.get(`${base}password/change`);
      assert.equal(form.statusCode, 200);
      assert.equal(form.headers['cache-control'], 'no-store');
      for (const label of ['現在のログインパスワード', '新しいログインパスワード', '新しいログインパスワード(確認用)']) {
        assert.ok(form.body.includes(`>${label}</label>`), label);
      }
      assert.match(form.body, /autocomplete="new-password"/);
      assert.match(form.body, />変更<\/button>/);
      assert.match(form.body, />ログアウト</, 'the customer may still leave');
      assert.doesNotMatch(form.body, /振込|メニュー/);
      const before = c.cookie('mamori_session')!;

      const done = await c.post(`${base}password/change`, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      assert.equal(done.statusCode, 303, done.body.slice(0, 800));
      assert.equal(done.headers.location, `${base}main?done=password`);
      const after = c.cookie('mamori_session')!;
      assert.notEqual(after, before, 'a new session id');
      const rows = await h.database.db.selectFrom('sessions').select(['id_hash', 'stage']).execute();
      assert.deepEqual(rows, [{ id_hash: hashSessionToken(CUSTOMER, after), stage: 'signed_in' }]);
      assert.equal((await c.follow(done)).statusCode, 200);

      const customer = (await findCustomer(h.database.db, 'demo', DEMO.contractId))!;
      assert.match(customer.login_password_hash, /^\$argon2id\$/);
      assert.ok(await h.hasher.verify(customer.login_password_hash, NEW_PASSWORD));
      assert.equal(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId: DEMO.contractId }), false);
      const audit = await h.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'login_password_changed').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor, `customer:${DEMO.contractId}`);
      assert.ok(!JSON.stringify(audit).includes(NEW_PASSWORD) && !JSON.stringify(audit).includes(initial), 'no password in the audit log');
      assert.ok((await verifyAuditChain(h.database.db)).ok);

      // The stale id is dead; the initial password no longer logs in; the new one leads to main.
      const stale = h.client();
      stale.setCookie('mamori_session', before, base);
      assert.equal((await stale.get(`${base}main`)).headers.location, base);
      const old = h.client();
      await old.get(base);
      assert.equal((await old.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: initial })).statusCode, 401);
      assert.equal((await logIn(h, { base, password: NEW_PASSWORD })).location, `${base}main`);
      // Signed in, the change page leads back to main (nothing to change).
      const signedIn = (await logIn(h, { base, password: NEW_PASSWORD })).client;
      assert.equal((await signedIn.get(`${base}password/change`)).headers.location, `${base}main`);
    });

    it('with a token: password → one-time password → only the change page', async () => {
      const token = await registerTokenOnSite(h, base);
      const initial = await resetPasswordAtBranch(h);
      const { client: c, location } = await logIn(h, { base, password: initial, token });
      assert.equal(location, `${base}password/change`);
      const done = await change(c, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      assert.equal(done.headers.location, `${base}main?done=password`);
      assert.match((await c.follow(done)).body, /利用中/);
      h.clock.advance(30_000);
      assert.equal((await logIn(h, { base, password: NEW_PASSWORD, token })).location, `${base}main`);
      const signedIn = await h.database.db.selectFrom('audit_log').select('details').where('action', '=', 'signed_in').execute();
      assert.ok(signedIn.some((row) => row.details.includes('"passwordChangeRequired":true') && row.details.includes('"otp":true')));
    });

    it('the ログイン通知 and the device cookie come when the sign-in completes, after the change, not at its password', async () => {
      const notices = () => h.database.db.selectFrom('notification_outbox').select('kind').where('contract_id', '=', DEMO.contractId).where('kind', '=', 'signed_in').execute();
      const initial = await resetPasswordAtBranch(h);
      const { client: c, location } = await logIn(h, { base, password: initial });
      assert.equal(location, `${base}password/change`);
      assert.equal((await notices()).length, 0, 'a sign-in left at the change is not completed: no notice');
      assert.equal(c.cookie('mamori_device'), undefined, 'nor a device cookie');
      assert.equal((await h.database.db.selectFrom('sign_in_devices').select('device_hash').execute()).length, 0);
      const done = await change(c, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      assert.equal(done.statusCode, 303);
      assert.equal((await notices()).length, 1, 'completed: one notice for the new browser');
      assert.match(c.cookie('mamori_device') ?? '', /^[A-Za-z0-9_-]{43}$/);
      // The same browser signs in again: known, no second notice.
      h.clock.advance(60_000);
      await c.get(base);
      assert.equal((await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: NEW_PASSWORD })).headers.location, `${base}main`);
      assert.equal((await notices()).length, 1);
    });

    it('the main page says the password was changed, on arrival from the change only', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c } = await logIn(h, { base, password: initial });
      const done = await change(c, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      const main = await c.follow(done);
      assert.equal(main.statusCode, 200);
      assert.match(main.body, /role="status">\s*<p>ログインパスワードを変更しました。次回から新しいログインパスワードでログインしてください。<\/p>/);
      assert.doesNotMatch((await c.get(`${base}main`)).body, /ログインパスワードを変更しました/, 'not without the query');
      assert.doesNotMatch((await c.get(`${base}main?done=%3Cscript%3E`)).body, /ログインパスワードを変更しました|<script>/, 'no other value');
      assert.match((await c.get(`${base}main?done=password&lang=en`)).body, /Your login password has been changed\. Log in with the new password from now on\./);
    });

    it('a new contract: the initial password (required at opening) leads to the change page too', async () => {
      // As open-contract.ts does: the requirement with cause `initial`, set with the password.
      const initial = 'Opening2026x';
      await h.database.db.transaction().execute(async (trx) => {
        await trx.updateTable('customers').set({ login_password_hash: await h.hasher.hash(initial) }).where('institution', '=', 'demo').where('contract_id', '=', DEMO.other).execute();
        await requirePasswordChange(trx, { institution: 'demo', contractId: DEMO.other, cause: 'initial', nowMs: h.clock.nowMs() });
      });
      const { client: c, location } = await logIn(h, { base, contractId: DEMO.other, password: initial });
      assert.equal(location, `${base}password/change`);
      const done = await change(c, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      assert.equal(done.headers.location, `${base}main?done=password`);
      assert.equal(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId: DEMO.other }), false);
    });

    it('explains every refusal on the form and changes nothing', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c } = await logIn(h, { base, password: initial });
      const hashBefore = (await findCustomer(h.database.db, 'demo', DEMO.contractId))!.login_password_hash;
      const cases: [Record<string, string>, number, RegExp][] = [
        [{ currentPassword: initial, newPassword: 'short1', newPasswordAgain: 'short1' }, 400, /8文字以上64文字以内/],
        [{ currentPassword: initial, newPassword: 'onlyletters', newPasswordAgain: 'onlyletters' }, 400, /英字と数字をそれぞれ1文字以上/],
        [{ currentPassword: initial, newPassword: '1234567890', newPasswordAgain: '1234567890' }, 400, /英字と数字をそれぞれ1文字以上/],
        [{ currentPassword: initial, newPassword: 'ぱすわーど12ab', newPasswordAgain: 'ぱすわーど12ab' }, 400, /使用できない文字/],
        [{ currentPassword: initial, newPassword: initial, newPasswordAgain: initial }, 400, /現在のログインパスワードとは異なる/],
        [{ currentPassword: initial, newPassword: `a${DEMO.contractId}`, newPasswordAgain: `a${DEMO.contractId}` }, 400, /契約者IDを含むパスワード/],
        [{ currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: `${NEW_PASSWORD}x` }, 400, /一致しません/],
        [{ currentPassword: initial, newPassword: NEW_PASSWORD }, 400, /新しいログインパスワード\(確認用\)を入力してください/],
        [{ newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD }, 400, /現在のログインパスワードを入力してください/],
        [{ currentPassword: 'Wrong-2026x', newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD }, 401, /現在のログインパスワードが正しくありません/],
      ];
      for (const [fields, status, message] of cases) {
        const r = await change(c, fields);
        assert.equal(r.statusCode, status, JSON.stringify(fields));
        assert.match(r.body, message, JSON.stringify(fields));
        assert.match(r.body, /role="alert"/);
        assert.ok(!r.body.includes(NEW_PASSWORD) && !r.body.includes(initial), 'no password is echoed back');
      }
      const after = (await findCustomer(h.database.db, 'demo', DEMO.contractId))!;
      assert.equal(after.login_password_hash, hashBefore);
      assert.equal(after.password_failures, 1, 'only the wrong current password counted');
      assert.ok(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId: DEMO.contractId }));
      // Still only the change page, and the right change still goes through.
      assert.equal((await c.get(`${base}main`)).headers.location, `${base}password/change`);
      const done = await change(c, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      assert.equal(done.headers.location, `${base}main?done=password`);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 0);
    });

    it('in English with ?lang=en', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c } = await logIn(h, { base, password: initial });
      const page = await c.get(`${base}password/change?lang=en`);
      assert.match(page.body, /<h1 id="page-title">Change your login password<\/h1>/);
      assert.match(page.body, />Current login password<\/label>/);
      assert.match(page.body, />New login password \(again\)<\/label>/);
      assert.match(page.body, /href="\/ib\/demo\/password\/change\?lang=ja"/);
      const r = await c.post(`${base}password/change`, { currentPassword: initial, newPassword: 'abcdefgh', newPasswordAgain: 'abcdefgh' });
      assert.match(r.body, /at least one letter and one digit/);
    });
  });
}
