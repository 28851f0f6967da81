// パスワード変更 (signed in): the customer changes their own login password and confirmation
// password, with the current one and the one-time password (or, without a token, what a
// transfer confirmation would ask: the confirmation password, or the login password for the
// confirmation password's own change). The old stops working, the new works; a login password
// change ends the contract's other sessions and keeps this one under a new id; each change is
// audited and notified without a secret; every refusal is a clear message that changes nothing
// (a wrong current password counts toward the password lock, a wrong code toward the OTP lock,
// bad input counts nothing). Both dialects, both demo institutions.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { newConfirmationProblem } from '../../banking/change-confirmation-password.js';
import { confirmationMatches } from '../../banking/confirmation-password.js';
import { findCustomer } from '../../banking/customers.js';
import { CUSTOMER } from '../../identity/principals.js';
import { hashSessionToken } from '../../identity/sessions.js';
import { STEP_MS } from '../../../test/support/authority/authority-testing.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { logIn, registerTokenOnSite } from '../../../test/support/web/personal-web/branch-actions-testing.js';
import { confirmationFields, createBankHarness, DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';

const NEW_PASSWORD = 'Kawasemi-2027';
const NEW_CONFIRMATION = '135792';

describe('the rules of a new confirmation password', () => {
  it('refuses the current one, one digit six times and runs up or down', () => {
    for (const bad of ['111111', '000000', '123456', '234567', '987654', '890123', '210987']) assert.equal(newConfirmationProblem(bad, { current: '246810' }), 'too_simple', bad);
    assert.equal(newConfirmationProblem('246810', { current: '246810' }), 'same_as_current');
    assert.equal(newConfirmationProblem('12345', { current: '246810' }), 'format');
    for (const ok of ['135792', '112233', '121212', '102938']) assert.equal(newConfirmationProblem(ok, { current: '246810' }), undefined, ok);
  });
});

for (const dialect of DIALECTS) {
  for (const slug of ['demo', 'sample'] as const) {
    const base = `/ib/${slug}/`;
    describe(`パスワード変更 at ${base} [${dialect}]`, { skip: skipReason(dialect) }, () => {
      let h: BankHarness;
      beforeEach(async () => { h = await createBankHarness(dialect); });
      afterEach(() => h.close());

      const customer = () => findCustomer(h.database.db, slug, DEMO.contractId).then((c) => c!);
      const outbox = (kind: string) => h.database.db.selectFrom('notification_outbox').select(['subject', 'body']).where('kind', '=', kind).where('institution', '=', slug).execute();
      const audit = (action: string) => h.database.db.selectFrom('audit_log').select('details').where('action', '=', action).where('chain', '=', slug).execute();

      async function signedIn(token?: Parameters<typeof logIn>[1]['token']): Promise<FormClient> {
        const { client, location } = await logIn(h, { base, password: DEMO.password, ...(token ? { token } : {}) });
        assert.equal(location, `${base}main`);
        const main = await client.get(`${base}main`);
        assert.match(main.body, new RegExp(`<a href="${base}password">パスワード変更</a>`));
        return client;
      }

      it('without a token: the login password changes with the confirmation password; other sessions end, this one stays', async () => {
        const other = await signedIn();
        const c = await signedIn();
        const menu = await c.get(`${base}password`);
        assert.equal(menu.statusCode, 200);
        assert.equal(menu.headers['cache-control'], 'no-store');
        assert.match(menu.body, /ログインパスワード変更/);
        assert.match(menu.body, slug === 'demo' ? /確認用パスワード変更/ : /資金移動用パスワード変更/);
        const form = await c.get(`${base}password/login`);
        for (const label of ['現在のログインパスワード', '新しいログインパスワード', '新しいログインパスワード(確認用)']) assert.ok(form.body.includes(`>${label}</label>`), label);
        assert.doesNotMatch(form.body, /name="code"/, 'no token, no one-time password');
        // The positions asked are the session's, the same however often the page is shown.
        assert.equal((await c.get(`${base}password/login`)).body.match(/name="position\d"/g)?.join(), form.body.match(/name="position\d"/g)?.join());
        const before = c.cookie('mamori_session')!;

        const done = await c.post(`${base}password/login`, { currentPassword: DEMO.password, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD, ...confirmationFields(form.body) });
        assert.equal(done.statusCode, 303, done.body.slice(0, 1500));
        assert.equal(done.headers.location, `${base}password?done=login`);
        const after = c.cookie('mamori_session')!;
        assert.notEqual(after, before, 'a new session id');
        assert.match((await c.follow(done)).body, /ログインパスワードを変更しました。/);
        const sessions = await h.database.db.selectFrom('sessions').select('id_hash').where('institution', '=', slug).where('contract_id', '=', DEMO.contractId).execute();
        assert.deepEqual(sessions, [{ id_hash: hashSessionToken(CUSTOMER, after) }], 'only this session lives');
        assert.equal((await other.get(`${base}main`)).headers.location, base, 'the other session ended');

        assert.ok(await h.hasher.verify((await customer()).login_password_hash, NEW_PASSWORD));
        assert.equal((await logIn(h, { base, password: NEW_PASSWORD })).location, `${base}main`);
        const old = h.client();
        await old.get(base);
        assert.equal((await old.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password })).statusCode, 401);

        const records = await audit('login_password_changed');
        assert.equal(records.length, 1);
        assert.match(records[0]!.details, /"path":"password_settings_login"/);
        const mails = await outbox('login_password_changed');
        assert.equal(mails.length, 1);
        assert.match(mails[0]!.subject, /ログインパスワード変更/);
        for (const secret of [NEW_PASSWORD, DEMO.password, DEMO.confirmation, 'http']) assert.ok(!JSON.stringify([records, mails]).includes(secret), secret);
        assert.ok((await verifyAuditChain(h.database.db)).ok);
      });

      it('without a token: the confirmation password changes with the login password, stored whole and by digit pairs', async () => {
        const c = await signedIn();
        const form = await c.get(`${base}password/confirmation`);
        const name = slug === 'demo' ? '確認用パスワード' : '資金移動用パスワード';
        for (const label of [`現在の${name}`, `新しい${name}`, `新しい${name}(確認用)`, 'ログインパスワード']) assert.ok(form.body.includes(`>${label}</label>`), label);
        const done = await c.post(`${base}password/confirmation`, { currentConfirmation: DEMO.confirmation, newConfirmation: NEW_CONFIRMATION, newConfirmationAgain: NEW_CONFIRMATION, loginPassword: DEMO.password });
        assert.equal(done.statusCode, 303, done.body.slice(0, 1500));
        assert.equal(done.headers.location, `${base}password?done=confirmation`);
        assert.match((await c.follow(done)).body, new RegExp(`${name}を変更しました。`));
        assert.equal((await c.get(`${base}main`)).statusCode, 200, 'still signed in');

        const row = await customer();
        const stored = { contractId: DEMO.contractId, confirmationHash: row.confirmation_hash, confirmationPairs: row.confirmation_pairs };
        assert.ok(await confirmationMatches(h.hasher, h.pepper, stored, { mode: 'whole', value: NEW_CONFIRMATION }));
        assert.ok(!(await confirmationMatches(h.hasher, h.pepper, stored, { mode: 'whole', value: DEMO.confirmation })));
        assert.ok(await confirmationMatches(h.hasher, h.pepper, stored, { mode: 'positions', digits: { 2: NEW_CONFIRMATION[1]!, 5: NEW_CONFIRMATION[4]! } }));
        assert.ok(!(await confirmationMatches(h.hasher, h.pepper, stored, { mode: 'positions', digits: { 2: DEMO.confirmation[1]!, 5: DEMO.confirmation[4]! } })));
        assert.equal((await audit('confirmation_password_changed')).length, 1);
        const mails = await outbox('confirmation_password_changed');
        assert.equal(mails.length, 1);
        assert.ok(mails[0]!.subject.includes(`${name}変更`));
        assert.ok(!mails[0]!.body.includes(NEW_CONFIRMATION) && !mails[0]!.body.includes(DEMO.confirmation));
      });

      it('with a token: both ask the one-time password; a wrong code counts toward the OTP lock and changes nothing', async () => {
        const token = await registerTokenOnSite(h, base);
        const c = await signedIn(token);
        h.clock.advance(STEP_MS);
        const form = await c.get(`${base}password/login`);
        assert.match(form.body, /name="code"[^>]*autocomplete="one-time-code"/);
        assert.doesNotMatch(form.body, /name="confirmationPassword"|name="position/);
        const hashBefore = (await customer()).login_password_hash;
        const wrongCode = token.codeAt(h.clock.nowMs()) === '000000' ? '111111' : '000000';
        const wrong = await c.post(`${base}password/login`, { currentPassword: DEMO.password, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD, code: wrongCode });
        assert.equal(wrong.statusCode, 401);
        assert.match(wrong.body, /ワンタイムパスワードが正しくありません/);
        assert.equal((await customer()).otp_failures, 1);
        assert.equal((await customer()).login_password_hash, hashBefore);

        const done = await c.post(`${base}password/login`, { currentPassword: DEMO.password, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD, code: token.codeAt(h.clock.nowMs()) });
        assert.equal(done.statusCode, 303, done.body.slice(0, 1500));
        assert.equal((await customer()).otp_failures, 0);
        h.clock.advance(STEP_MS);
        const confirmationForm = await c.get(`${base}password/confirmation`);
        assert.match(confirmationForm.body, /name="code"/);
        assert.doesNotMatch(confirmationForm.body, /name="loginPassword"/);
        const changed = await c.post(`${base}password/confirmation`, { currentConfirmation: DEMO.confirmation, newConfirmation: NEW_CONFIRMATION, newConfirmationAgain: NEW_CONFIRMATION, code: token.codeAt(h.clock.nowMs()) });
        assert.equal(changed.statusCode, 303, changed.body.slice(0, 1500));
        // The same code again is a replay: refused, counted.
        const replay = await c.post(`${base}password/confirmation`, { currentConfirmation: NEW_CONFIRMATION, newConfirmation: '246813', newConfirmationAgain: '246813', code: token.codeAt(h.clock.nowMs()) });
        assert.equal(replay.statusCode, 401);
      });

      it('refuses bad input with a clear message, counting and changing nothing; a wrong current password counts toward the password lock', async () => {
        const c = await signedIn();
        const form = await c.get(`${base}password/login`);
        const confirm = confirmationFields(form.body);
        const before = await customer();
        const cases: [Record<string, string | string[]>, RegExp][] = [
          [{ currentPassword: DEMO.password, newPassword: NEW_PASSWORD, newPasswordAgain: 'Kawasemi-2028', ...confirm }, /確認用に入力された新しいログインパスワードが一致しません。/],
          [{ currentPassword: DEMO.password, newPassword: 'short1', newPasswordAgain: 'short1', ...confirm }, /8文字以上64文字以内/],
          [{ currentPassword: DEMO.password, newPassword: 'abcdefghij', newPasswordAgain: 'abcdefghij', ...confirm }, /英字と数字をそれぞれ1文字以上/],
          [{ currentPassword: DEMO.password, newPassword: DEMO.password, newPasswordAgain: DEMO.password, ...confirm }, /現在のログインパスワードとは異なる/],
          [{ currentPassword: DEMO.password, newPassword: `x${DEMO.contractId}`, newPasswordAgain: `x${DEMO.contractId}`, ...confirm }, /契約者IDを含む/],
          [{ currentPassword: '', newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD, ...confirm }, /現在のログインパスワード/],
          [{ currentPassword: [DEMO.password, DEMO.password], newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD, ...confirm }, /role="alert"/],
          [{ currentPassword: DEMO.password, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD }, /role="alert"/],
        ];
        for (const [fields, message] of cases) {
          const answer = await c.post(`${base}password/login`, fields);
          assert.equal(answer.statusCode, 400, JSON.stringify(fields));
          assert.match(answer.body, message, JSON.stringify(fields));
        }
        const confirmationCases: [Record<string, string>, RegExp][] = [
          [{ currentConfirmation: DEMO.confirmation, newConfirmation: '123456', newConfirmationAgain: '123456', loginPassword: DEMO.password }, /連続した数字/],
          [{ currentConfirmation: DEMO.confirmation, newConfirmation: NEW_CONFIRMATION, newConfirmationAgain: '135790', loginPassword: DEMO.password }, /一致しません/],
          [{ currentConfirmation: DEMO.confirmation, newConfirmation: '1357', newConfirmationAgain: '1357', loginPassword: DEMO.password }, /6桁/],
          [{ currentConfirmation: DEMO.confirmation, newConfirmation: DEMO.confirmation, newConfirmationAgain: DEMO.confirmation, loginPassword: DEMO.password }, /現在と同じ番号/],
        ];
        for (const [fields, message] of confirmationCases) {
          const answer = await c.post(`${base}password/confirmation`, fields);
          assert.equal(answer.statusCode, 400, JSON.stringify(fields));
          assert.match(answer.body, message, JSON.stringify(fields));
        }
        const unchanged = await customer();
        assert.deepEqual([unchanged.login_password_hash, unchanged.confirmation_hash, unchanged.password_failures, unchanged.otp_failures], [before.login_password_hash, before.confirmation_hash, 0, 0]);

        const wrong = await c.post(`${base}password/login`, { currentPassword: 'Wrong-2026', newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD, ...confirm });
        assert.equal(wrong.statusCode, 401);
        assert.match(wrong.body, /現在のログインパスワードが正しくありません。/);
        const wrongConfirmation = await c.post(`${base}password/confirmation`, { currentConfirmation: '999999', newConfirmation: NEW_CONFIRMATION, newConfirmationAgain: NEW_CONFIRMATION, loginPassword: DEMO.password });
        assert.equal(wrongConfirmation.statusCode, 401);
        const after = await customer();
        assert.equal(after.password_failures, 2);
        assert.equal(after.login_password_hash, before.login_password_hash);
        assert.equal(after.confirmation_hash, before.confirmation_hash);
        assert.deepEqual(await audit('login_password_changed'), []);

        const english = await c.post(`${base}password/login?lang=en`, { currentPassword: DEMO.password, newPassword: NEW_PASSWORD, newPasswordAgain: 'nope-2027', ...confirm });
        assert.match(english.body, /The two new passwords you entered do not match\./);
        // Forged: the CSRF refusal, nothing changed.
        const forged = await c.post(`${base}password/login`, { currentPassword: DEMO.password, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD, ...confirm }, { csrf: 'forged' });
        assert.equal(forged.statusCode, 403);
        assert.equal((await customer()).login_password_hash, before.login_password_hash);
        // Signed out: the login page.
        assert.equal((await h.client().get(`${base}password`)).headers.location, base);
      });
    });
  }
}
