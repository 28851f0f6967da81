// Attack: someone who knows a password the branch set — printed on a card, said at a counter,
// or reset on a written request — tries to use the contract without replacing it: by opening
// signed-in pages directly (forced browsing past the change page, including the transfer pages
// of another part), by skipping the one-time password on the way to the change page, by a
// forged form, by guessing the current password from a stolen change-page session, or by
// racing two changes. And a second login with the same known password must not outlive the
// customer's change. Both dialects.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { findCustomer } from '../../banking/customers.js';
import { isPasswordChangeRequired } from '../../identity/password-change-requirement.js';
import { CUSTOMER } from '../../identity/principals.js';
import { hashSessionToken } from '../../identity/sessions.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { createTransferHarness } from '../../../test/support/web/transfers/transfers-web-testing.js';
import { logIn, registerTokenOnSite, resetPasswordAtBranch } from '../../../test/support/web/personal-web/branch-actions-testing.js';
import { DEMO, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';

const base = '/ib/demo/';
const change = `${base}password/change`;
const NEW_PASSWORD = 'Kawasemi-2027';

for (const dialect of DIALECTS) {
  describe(`forced password change cannot be bypassed [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createTransferHarness(dialect); });
    afterEach(() => h.close());

    async function stages(): Promise<string[]> {
      return (await h.database.db.selectFrom('sessions').select('stage').execute()).map((row) => row.stage);
    }

    it('forced browsing: every signed-in page and form (bank site and transfers) leads back to the change page', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c, location } = await logIn(h, { base, password: initial });
      assert.equal(location, change);
      const cookie = c.cookie('mamori_session')!;
      await c.get(change);
      const csrf = c.csrf()!;
      const gets = ['main', 'login/otp', 'register/token', 'deregister/token', 'exchange/current', 'exchange/new', 'transfers', 'transfers/new', 'transfers/history', 'transfers/limit', 'transfers/payees', 'transfers/payees/new'];
      for (const page of gets) {
        const r = await c.get(`${base}${page}`);
        assert.equal(r.statusCode, 303, page);
        assert.equal(r.headers.location, change, page);
      }
      const posts: [string, Record<string, string>][] = [
        ['login/otp', { code: '123456' }],
        ['register/token', { serial: 'MMOB12345678', code: '123456' }],
        ['transfers/new', { amount: '1000' }],
        ['transfers/limit', { newLimitYen: '100000' }],
        ['transfers/payees/new', { accountNumber: '1234567' }],
      ];
      for (const [page, fields] of posts) {
        const r = await c.post(`${base}${page}`, fields, { csrf });
        assert.equal(r.statusCode, 303, `POST ${page}`);
        assert.equal(r.headers.location, change, `POST ${page}`);
      }
      // Nothing was stepped up and the customer is still only at the change page.
      assert.deepEqual(await stages(), ['password_change']);
      assert.equal(c.cookie('mamori_session'), cookie);
      assert.equal((await h.database.db.selectFrom('transfers').selectAll().execute()).length, 0);
      assert.ok(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId: DEMO.contractId }));
      // The main page never rendered, and no page offers the menu.
      assert.doesNotMatch((await c.get(change)).body, /振込/);
    });

    it('the change page is not a way around the one-time password, nor open without a login', async () => {
      await registerTokenOnSite(h, base);
      const initial = await resetPasswordAtBranch(h);
      const c = h.client();
      await c.get(base);
      const pw = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: initial });
      assert.equal(pw.headers.location, `${base}login/otp`);
      await c.follow(pw);
      const csrf = c.csrf()!;
      const skip = await c.get(change);
      assert.equal(skip.statusCode, 303);
      assert.equal(skip.headers.location, base, 'a password_verified session does not reach the change page');
      const posted = await c.post(change, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD }, { csrf });
      assert.equal(posted.headers.location, base);
      assert.ok(!(await h.hasher.verify((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.login_password_hash, NEW_PASSWORD)));

      const anonymous = h.client();
      assert.equal((await anonymous.get(change)).headers.location, base);
      assert.equal((await anonymous.post(change, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD }, { csrf: 'x'.repeat(43) })).headers.location, base);
    });

    it('refuses a forged change (no or wrong CSRF token) and changes nothing', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c } = await logIn(h, { base, password: initial });
      await c.get(change);
      for (const csrf of [null, '', 'x'.repeat(43)]) {
        const r = await c.post(change, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD }, { csrf });
        assert.equal(r.statusCode, 403);
        assert.match(r.body, /操作を受け付けられませんでした/);
      }
      assert.ok(await h.hasher.verify((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.login_password_hash, initial));
      assert.deepEqual(await stages(), ['password_change']);
    });

    it('guessing the current password from a stolen change-page session counts toward the lock, which ends it', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c } = await logIn(h, { base, password: initial });
      await c.get(change);
      for (let attempt = 1; attempt <= 4; attempt++) {
        const r = await c.post(change, { currentPassword: `Guess-${attempt}x`, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
        assert.equal(r.statusCode, 401, `attempt ${attempt}`);
      }
      const fifth = await c.post(change, { currentPassword: 'Guess-5x', newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      assert.equal(fifth.statusCode, 403);
      assert.match(fifth.body, /ご利用いただけなくなりました/);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 5);
      assert.deepEqual(await stages(), [], 'the lock ended the session');
      // Locked: even the right current password changes nothing now.
      const again = await c.post(change, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD }, { csrf: 'x'.repeat(43) });
      assert.equal(again.statusCode, 303);
      assert.ok(await h.hasher.verify((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.login_password_hash, initial));
    });

    it('two changes racing on one session: exactly one is stored, with one audit record', async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: c } = await logIn(h, { base, password: initial });
      await c.get(change);
      const results = await Promise.all(
        ['Racer-one-1', 'Racer-two-2', 'Racer-three-3'].map((password) => c.post(change, { currentPassword: initial, newPassword: password, newPasswordAgain: password })),
      );
      const stored = results.filter((r) => r.statusCode === 303 && r.headers.location === `${base}main?done=password`);
      assert.equal(stored.length, 1, results.map((r) => `${r.statusCode} ${String(r.headers.location)}`).join(', '));
      const audit = await h.database.db.selectFrom('audit_log').select('action').where('action', '=', 'login_password_changed').execute();
      assert.equal(audit.length, 1);
      const rows = await h.database.db.selectFrom('sessions').select(['stage']).execute();
      assert.deepEqual(rows, [{ stage: 'signed_in' }]);
      assert.equal(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId: DEMO.contractId }), false);
    });

    it("a second login with the same known password does not outlive the customer's change", async () => {
      const initial = await resetPasswordAtBranch(h);
      const { client: other } = await logIn(h, { base, password: initial });
      const otherCookie = other.cookie('mamori_session')!;
      const { client: customer } = await logIn(h, { base, password: initial });
      await customer.get(change);
      const done = await customer.post(change, { currentPassword: initial, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
      assert.equal(done.headers.location, `${base}main?done=password`);
      const ids = (await h.database.db.selectFrom('sessions').select('id_hash').execute()).map((row) => row.id_hash);
      assert.deepEqual(ids, [hashSessionToken(CUSTOMER, customer.cookie('mamori_session')!)]);
      assert.ok(!ids.includes(hashSessionToken(CUSTOMER, otherCookie)));
      assert.equal((await other.get(`${base}main`)).headers.location, base);
    });
  });
}
