// A customer's logout and the wrong code that locks the same contract, at the same moment, must
// queue, never deadlock (PostgreSQL aborts one of a deadlocked pair: a 500 page). The lock ends
// every session of the contract; the logout ends one and writes its audit record. Both keep one
// order — the customer's row (the lock only), the sessions, then the audit chain's head — as the
// console's operators do (src/branch/web/sign-in-lock-order.test.ts, where the fuzzer found the
// inverted order). Staged: a transaction of the test's own holds the audit head, the lock queues
// first, the logout second (the order that deadlocked), then the head is let go. SQLite has one
// writer at a time, so only PostgreSQL can deadlock here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STEP_MS, wrongCode } from '../../../test/support/authority/authority-testing.js';
import { lockStaging, type LockStaging } from '../../../test/support/db/lock-order-testing.js';
import { skipReason } from '../../../test/support/db/testing.js';
import { confirmationFields, createBankHarness, DEMO, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';

const BASE = '/ib/demo/';

describe('a logout and the lock of the same contract queue on PostgreSQL [postgres]', { skip: skipReason('postgres') }, () => {
  let h: BankHarness;
  let s: LockStaging;
  before(async () => { h = await createBankHarness('postgres'); s = await lockStaging(h.database); });
  after(async () => { await s?.end(); await h?.close(); });

  it('the fifth wrong code locks the contract and ends its sessions while one of them logs out: a lock page and a logout, neither a 500', async () => {
    // 利用開始, then one browser signed in and another at the one-time password step.
    const token = await h.token();
    const registering = h.client();
    await registering.get(`${BASE}register`);
    const form = await registering.follow(await registering.post(`${BASE}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password }));
    h.clock.advance(STEP_MS);
    const registered = await registering.post(`${BASE}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
    assert.equal(registered.statusCode, 200, registered.body.slice(0, 300));
    const passwordStep = async () => {
      const c = h.client();
      await c.get(BASE);
      const step = await c.post(`${BASE}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(step.headers.location, `${BASE}login/otp`);
      await c.follow(step);
      return c;
    };
    const signedIn = await passwordStep();
    h.clock.advance(STEP_MS);
    const main = await signedIn.post(`${BASE}login/otp`, { code: token.codeAt(h.clock.nowMs()) });
    assert.equal(main.headers.location, `${BASE}main`);
    await signedIn.follow(main);
    const guessing = await passwordStep();
    const policy = await h.database.db.selectFrom('institutions').select('policy').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    const threshold = (JSON.parse(policy.policy) as { otpLockThreshold: number }).otpLockThreshold;
    await h.database.db.updateTable('customers').set({ otp_failures: threshold - 1 }).where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).execute();

    const head = await s.holdAuditHead('demo');
    const first = guessing.post(`${BASE}login/otp`, { code: wrongCode(token, h.clock.nowMs()) });
    await s.waitUntilQueued(1);
    const second = signedIn.post(`${BASE}logout`, {});
    await s.waitUntilQueued(2);
    await head.release();
    const [locked, loggedOut] = await Promise.all([first, second]);

    assert.equal(locked.statusCode, 403, locked.body.slice(0, 300));
    assert.match(locked.body, /ロック/);
    assert.equal(loggedOut.statusCode, 303, loggedOut.body.slice(0, 300));
    const customer = await h.database.db.selectFrom('customers').select('otp_failures').where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).executeTakeFirstOrThrow();
    assert.equal(customer.otp_failures, threshold);
    const sessions = await h.database.db.selectFrom('sessions').select('id_hash').where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).execute();
    assert.deepEqual(sessions, []);
  });
});
