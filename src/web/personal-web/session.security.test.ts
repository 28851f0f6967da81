// Attacks on the session: forced browsing (opening a later step's URL without taking the steps
// before it), session fixation (planting a known session id before the victim logs in, or
// keeping a pre-step id valid after a step up), cross-site request forgery (a form on another
// site posting to ours), stolen-but-idle sessions (idle and absolute lifetimes), and open
// redirects; and a sign-in racing the branch's suspension (or a password lock, or a password
// reset), which must not leave a session behind that the suspension (or reset) never saw to end.
// DESIGN §5 and issue 3 §6; the password reset: issue 12 §5.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { STEP_MS } from '../../../test/support/authority/authority-testing.js';
import type { AuthorityClient } from '../../authority/authority-client.js';
import { findCustomer, suspendCustomer } from '../../banking/customers.js';
import { countWrongPassword } from '../../banking/fail-counters.js';
import { DEFAULT_POLICY } from '../../banking/institution-policy.js';
import type { PasswordHasher } from '../../banking/password-hasher.js';
import { CUSTOMER } from '../../identity/principals.js';
import { hashSessionToken } from '../../identity/sessions.js';
import { lockStaging, type LockStaging } from '../../../test/support/db/lock-order-testing.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { systemRandomBytes } from '../../shared/clock.js';
import { buildApp } from '../app.js';
import { resetPasswordAtBranch } from '../../../test/support/web/personal-web/branch-actions-testing.js';
import { createPersonalWebPart } from './part.js';
import { confirmationFields, createBankHarness, DEMO, FormClient, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';

const base = '/ib/demo/';

for (const dialect of DIALECTS) {
  describe(`sessions, CSRF, forced browsing [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    it('forced browsing past a step not taken lands on the login page', async () => {
      const c = h.client();
      const pages = ['main', 'login/otp', 'register/token', 'deregister/token', 'exchange/current', 'exchange/new'];
      for (const page of pages) {
        const r = await c.get(`${base}${page}`);
        assert.equal(r.statusCode, 303, page);
        assert.equal(r.headers.location, base, page);
        if (page === 'main') continue; // a page without a form
        const p = await c.post(`${base}${page}`, { code: '123456' });
        assert.equal(p.statusCode, 303, `POST ${page}`);
        assert.equal(p.headers.location, base);
      }
      // Past the password of 利用開始 is not past the password of login, nor of 利用登録/交換.
      await c.get(`${base}register`);
      await c.post(`${base}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      for (const page of ['main', 'login/otp', 'deregister/token', 'exchange/current', 'exchange/new']) {
        const r = await c.get(`${base}${page}`);
        assert.equal(r.headers.location, base, page);
      }
    });

    it('issues a new session id at every step and the old one stops working', async () => {
      const token = await h.token();
      const r = h.client();
      await r.get(`${base}register`);
      const form = await r.follow(await r.post(`${base}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password }));
      await r.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
      h.clock.advance(STEP_MS);

      const c = h.client();
      c.setCookie('mamori_session', 'F'.repeat(43), base); // a planted (fixated) id
      await c.get(base);
      await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      const afterPassword = c.cookie('mamori_session')!;
      assert.notEqual(afterPassword, 'F'.repeat(43));
      await c.get(`${base}login/otp`);
      await c.post(`${base}login/otp`, { code: token.codeAt(h.clock.nowMs()) });
      const signedIn = c.cookie('mamori_session')!;
      assert.notEqual(signedIn, afterPassword);
      const rows = await h.database.db.selectFrom('sessions').select('id_hash').execute();
      assert.deepEqual(rows.map((row) => row.id_hash), [hashSessionToken(CUSTOMER, signedIn)], 'only the newest id exists, stored hashed');

      const stale = h.client();
      stale.setCookie('mamori_session', afterPassword, base);
      assert.equal((await stale.get(`${base}main`)).headers.location, base);
      assert.equal((await c.get(`${base}main`)).statusCode, 200);
    });

    it('refuses a POST without the CSRF token, or with a wrong one, and changes nothing', async () => {
      const c = h.client();
      await c.get(base);
      for (const csrf of [null, 'x'.repeat(43), '']) {
        const r = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password }, { csrf });
        assert.equal(r.statusCode, 403);
        assert.match(r.body, /操作を受け付けられませんでした/);
        assert.equal(c.cookie('mamori_session'), undefined);
      }
      // The double-submit token must match its own cookie: a token from another browser fails.
      const other = h.client();
      await other.get(base);
      const foreign = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password }, { csrf: other.csrf()! });
      assert.equal(foreign.statusCode, 403);

      // Signed in: the session's synchronizer token.
      await c.get(base);
      await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      await c.get(`${base}main`);
      const logout = await c.post(`${base}logout`, {}, { csrf: null });
      assert.equal(logout.statusCode, 403);
      // A forged logout ends nothing: the session row stays, and so does this browser's cookie.
      assert.equal((await h.database.db.selectFrom('sessions').selectAll().execute()).length, 1);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 0);
    });

    it('a forged logout (no or a wrong CSRF token) logs no one out: the CSRF check comes before the cookie is cleared', async () => {
      const c = h.client();
      await c.get(base);
      await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      await c.get(`${base}main`);
      const cookie = c.cookie('mamori_session')!;
      const auditBefore = (await h.database.db.selectFrom('audit_log').select('seq').execute()).length;
      for (const csrf of [null, '', 'x'.repeat(43)]) {
        const forged = await c.post(`${base}logout`, {}, { csrf });
        assert.equal(forged.statusCode, 403, String(csrf));
        assert.match(forged.body, /操作を受け付けられませんでした/);
        assert.equal(forged.headers['set-cookie'], undefined, 'the session cookie is not cleared');
        assert.equal(c.cookie('mamori_session'), cookie);
      }
      // A cross-site form arrives without the cookie (SameSite=Strict): refused, nothing cleared.
      const crossSite = h.client();
      const blind = await crossSite.post(`${base}logout`, {}, { csrf: null });
      assert.equal(blind.statusCode, 403);
      assert.equal(blind.headers['set-cookie'], undefined);
      // Still signed in, nothing written.
      assert.equal((await c.get(`${base}main`)).statusCode, 200);
      assert.deepEqual((await h.database.db.selectFrom('sessions').select('id_hash').execute()).map((row) => row.id_hash), [hashSessionToken(CUSTOMER, cookie)]);
      assert.equal((await h.database.db.selectFrom('audit_log').select('seq').execute()).length, auditBefore);
      // The real logout button still works.
      const out = await c.post(`${base}logout`, {});
      assert.equal(out.headers.location, `${base}?logout=1`);
      assert.equal(c.cookie('mamori_session'), undefined);
      assert.equal((await h.database.db.selectFrom('sessions').selectAll().execute()).length, 0);
    });

    it('ends a session idle for longer than the policy (5 min) and at the absolute lifetime (12 h)', async () => {
      const c = h.client();
      await c.get(base);
      await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      h.clock.advance(5 * 60_000 - 1000);
      assert.equal((await c.get(`${base}main`)).statusCode, 200);
      h.clock.advance(5 * 60_000 + 1000);
      const idle = await c.get(`${base}main`);
      assert.equal(idle.statusCode, 303);
      assert.equal(idle.headers.location, `${base}?timeout=1`);
      assert.match((await c.follow(idle)).body, /一定時間操作がなかったため、ログアウトしました/);
      assert.equal((await h.database.db.selectFrom('sessions').selectAll().execute()).length, 0);

      await c.get(base);
      await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      for (let minutes = 0; minutes < 12 * 60 - 4; minutes += 4) {
        h.clock.advance(4 * 60_000);
        assert.equal((await c.get(`${base}main`)).statusCode, 200, `at ${minutes} min`);
      }
      h.clock.advance(8 * 60_000);
      assert.equal((await c.get(`${base}main`)).headers.location, `${base}?timeout=1`);
    });

    it('session cookies are HttpOnly, SameSite=Strict and confined to the institution', async () => {
      const c = h.client();
      await c.get(base);
      const r = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      const cookie = String(r.headers['set-cookie']);
      assert.match(cookie, /mamori_session=[A-Za-z0-9_-]{43}; Path=\/ib\/demo\/; HttpOnly; SameSite=Strict/);
      // The demo session means nothing at sample.
      const sample = h.client();
      sample.setCookie('mamori_session', c.cookie('mamori_session')!, '/ib/sample/');
      assert.equal((await sample.get('/ib/sample/main')).headers.location, '/ib/sample/');
    });

    it('redirects only to fixed paths of the site (no target from input)', async () => {
      const c = h.client();
      await c.get(`${base}?next=https://evil.example/&redirect=//evil.example`);
      const r = await c.post(`${base}login?next=https://evil.example/`, { contractId: DEMO.contractId, loginPassword: DEMO.password, next: 'https://evil.example/' });
      assert.equal(r.headers.location, `${base}main`);
      const unknown = await c.get('/ib/nosuchbank/');
      assert.equal(unknown.statusCode, 404);
      assert.equal((await c.get('/ib/demo')).headers.location, base);
    });
  });
}

// The branch suspends the contract (or wrong passwords lock it, or the branch resets its login
// password) while a sign-in is between its checks and the issuing of its session — during the
// argon2 work, or the authority's answer. Suspension, lock and reset end every session there
// is; a session issued after them would live on (found over HTTP: test/security/sessions.test.ts;
// the reset: issue 12 §5 — the old password, checked a moment before, still got its session).
// The hooks below make the other party commit in exactly that window.
for (const dialect of DIALECTS) {
  describe(`a sign-in racing a suspension, a password lock or a password reset [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    let meanwhile: (() => Promise<unknown>) | undefined;
    let client: () => FormClient;
    let closeApp: () => Promise<void>;
    beforeEach(async () => {
      h = await createBankHarness(dialect);
      meanwhile = undefined;
      initialPassword = undefined;
      const runMeanwhile = async () => {
        const run = meanwhile;
        meanwhile = undefined;
        await run?.();
      };
      const hasher: PasswordHasher = {
        hash: (plain) => h.hasher.hash(plain),
        verify: async (hash, plain) => {
          const matches = await h.hasher.verify(hash, plain);
          await runMeanwhile();
          return matches;
        },
        verifyDummy: (plain) => h.hasher.verifyDummy(plain),
      };
      const authorityFor = (slug: string): AuthorityClient => {
        const inner = h.authority.clientFor(slug);
        return {
          ...inner,
          verify: async (input) => {
            const result = await inner.verify(input);
            await runMeanwhile();
            return result;
          },
        };
      };
      const app = await buildApp({ database: h.database, clock: h.clock, randomBytes: systemRandomBytes }, [
        createPersonalWebPart({ database: h.database, clock: h.clock, randomBytes: systemRandomBytes, authorityFor, confirmationPepper: h.pepper, hasher }),
      ]);
      client = () => new FormClient(app);
      closeApp = () => app.close();
    });
    afterEach(async () => {
      await closeApp();
      await h.close();
    });

    const suspend = () => suspendCustomer(h.database.db, { institution: 'demo', contractId: DEMO.contractId, nowMs: h.clock.nowMs(), actor: 'operator:teller' });
    const lockPasswords = async () => {
      for (let i = 0; i < 5; i++) {
        await countWrongPassword(h.database.db, { institution: 'demo', contractId: DEMO.contractId, policy: DEFAULT_POLICY, nowMs: h.clock.nowMs(), path: 'login' });
      }
    };
    const sessionsOfContract = () => h.database.db.selectFrom('sessions').select('stage').where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).execute();

    it('suspended while the password is checked: the login is refused like a suspended contract, no session', async () => {
      const c = client();
      await c.get(base);
      meanwhile = suspend;
      const r = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(r.statusCode, 401);
      assert.match(r.body, /契約者IDまたはログインパスワードが正しくないか、現在ご利用いただけない状態です/);
      assert.deepEqual(await sessionsOfContract(), []);
      assert.equal(c.cookie('mamori_session'), undefined);
    });

    it('suspended during the first step of 利用開始: refused the same way, no session', async () => {
      const c = client();
      await c.get(`${base}register`);
      meanwhile = suspend;
      const r = await c.post(`${base}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(r.statusCode, 401);
      assert.match(r.body, /契約者IDまたはログインパスワードが正しくないか/);
      assert.deepEqual(await sessionsOfContract(), []);
    });

    // --- the password reset (issue 12 §5): the step-up holds the password the check verified,
    // and a later step the session of the step before, which the reset ended.
    const reset = () => resetPasswordAtBranch(h);
    const loginFailedText = /契約者IDまたはログインパスワードが正しくないか、現在ご利用いただけない状態です/;
    let initialPassword: string | undefined;
    const resetMeanwhile = async () => {
      initialPassword = await reset();
    };

    it('the password reset at the branch while the old password is checked: refused like a wrong password, no session; the new one signs in', async () => {
      const c = client();
      await c.get(base);
      meanwhile = resetMeanwhile;
      const r = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.ok(initialPassword, 'the reset ran inside the password check');
      assert.equal(r.statusCode, 401, `${r.statusCode} ${String(r.headers.location)}`);
      assert.match(r.body, loginFailedText);
      assert.deepEqual(await sessionsOfContract(), []);
      assert.equal(c.cookie('mamori_session'), undefined);
      // The reset itself went through: its password leads to the forced change.
      const n = client();
      await n.get(base);
      assert.equal((await n.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: initialPassword })).headers.location, `${base}password/change`);
    });

    it('the password reset during the first step of 利用開始: refused the same way, no session', async () => {
      const c = client();
      await c.get(`${base}register`);
      meanwhile = resetMeanwhile;
      const r = await c.post(`${base}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(r.statusCode, 401);
      assert.match(r.body, loginFailedText);
      assert.deepEqual(await sessionsOfContract(), []);
    });

    it("the customer's own password change while a sign-in with the password it replaces is checked: refused, only the changer's session lives", async () => {
      const initial = await reset();
      const changer = client();
      await changer.get(base);
      assert.equal((await changer.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: initial })).headers.location, `${base}password/change`);
      await changer.get(`${base}password/change`);
      const other = client();
      await other.get(base);
      meanwhile = async () => {
        const changed = await changer.post(`${base}password/change`, { currentPassword: initial, newPassword: 'Kawari-2027', newPasswordAgain: 'Kawari-2027' });
        assert.equal(changed.headers.location, `${base}main?done=password`);
      };
      const r = await other.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: initial });
      assert.equal(meanwhile, undefined, 'the change ran inside the password check');
      assert.equal(r.statusCode, 401);
      assert.match(r.body, loginFailedText);
      assert.deepEqual(await sessionsOfContract(), [{ stage: 'signed_in' }]);
      assert.equal((await changer.get(`${base}main`)).statusCode, 200);
    });

    for (const flow of ['login', 'exchange'] as const) {
      it(`the password reset while the authority checks the one-time password (${flow}): no session, and the customer is told`, async () => {
        const token = await h.token();
        const r = client();
        await r.get(`${base}register`);
        const form = await r.follow(await r.post(`${base}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password }));
        assert.match((await r.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) })).body, /利用開始が完了しました/);
        h.clock.advance(STEP_MS);

        const c = client();
        const codePath = flow === 'login' ? 'login/otp' : 'exchange/current';
        await c.get(`${base}${flow === 'login' ? '' : 'exchange'}`);
        assert.equal((await c.post(`${base}${flow}`, { contractId: DEMO.contractId, loginPassword: DEMO.password })).headers.location, `${base}${codePath}`);
        await c.get(`${base}${codePath}`);
        meanwhile = resetMeanwhile;
        const answer = await c.post(`${base}${codePath}`, { code: token.codeAt(h.clock.nowMs()) });
        assert.ok(initialPassword, 'the reset ran inside the code check');
        assert.deepEqual(await sessionsOfContract(), []);
        assert.equal(c.cookie('mamori_session'), undefined);
        if (flow === 'login') {
          // The session the reset ended left its note: the login page says what happened.
          assert.equal(answer.statusCode, 303);
          assert.equal(answer.headers.location, `${base}?ended=password_reset`);
          assert.match((await c.follow(answer)).body, /ログインパスワードが再設定されました/);
        } else {
          assert.equal(answer.statusCode, 409);
          assert.match(answer.body, /最初からやり直してください/);
        }
      });
    }

    for (const [what, happen] of [['suspended', suspend], ['locked by wrong passwords', lockPasswords]] as const) {
      it(`${what} while the authority checks the one-time password: no signed-in session`, async () => {
        const token = await h.token();
        const r = client();
        await r.get(`${base}register`);
        const form = await r.follow(await r.post(`${base}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password }));
        const done = await r.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
        assert.match(done.body, /利用開始が完了しました/);
        h.clock.advance(STEP_MS);

        const c = client();
        await c.get(base);
        assert.equal((await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password })).headers.location, `${base}login/otp`);
        await c.get(`${base}login/otp`);
        meanwhile = happen;
        const answer = await c.post(`${base}login/otp`, { code: token.codeAt(h.clock.nowMs()) });
        assert.equal(answer.statusCode, 409);
        assert.match(answer.body, /最初からやり直してください/);
        assert.deepEqual(await sessionsOfContract(), []);
        assert.equal(c.cookie('mamori_session'), undefined);
      });
    }
  });
}

// The other order of the same race, on PostgreSQL (the interleaving SQLite's one writer cannot
// stage): the sign-in holds the contract's row and has inserted its session when the reset
// arrives. The reset must wait for it, and then end that session like any other. Parked as the
// lock-order tests park requests: behind the institution's audit head, which the issuing
// transaction touches last, held until the reset is seen queued behind the sign-in.
describe('a password reset arriving while the session is being issued [postgres]', { skip: skipReason('postgres') }, () => {
  let h: BankHarness;
  let s: LockStaging;
  beforeEach(async () => {
    h = await createBankHarness('postgres', { poolSize: 12 });
    s = await lockStaging(h.database);
  });
  afterEach(async () => {
    await s.end();
    await h.close();
  });

  it('the reset waits for the sign-in, then ends its session: the next page is the login page with the notice', async () => {
    const c = h.client();
    await c.get(base);
    const head = await s.holdAuditHead('demo');
    const signingIn = c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
    let resetting: Promise<string> | undefined;
    try {
      await s.waitUntilQueued(1); // the sign-in, holding the contract's row, at the audit head
      resetting = resetPasswordAtBranch(h);
      await s.waitUntilQueued(2); // the reset, behind the sign-in
    } finally {
      await head.release();
    }
    const [answer] = await Promise.all([signingIn, resetting]);
    assert.equal(answer.statusCode, 303, 'the sign-in came first');
    const sessions = await h.database.db.selectFrom('sessions').select('stage').where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).execute();
    assert.deepEqual(sessions, [], 'the reset ended the session issued before it');
    const click = await c.get(`${base}main`);
    assert.equal(click.headers.location, `${base}?ended=password_reset`);
  });
});
