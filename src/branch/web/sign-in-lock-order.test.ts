// Two requests about one operator at the same moment must queue, never deadlock (PostgreSQL
// aborts one of a deadlocked pair: the operator got the 500 page). Every transaction about an
// operator takes the operator's row first, then the sessions, then the audit chain's head:
//   - a right code signing in (the new session, the audit record, last_sign_in_at) beside a
//     wrong code of the same operator being counted (found by the fuzzer, test/security/fuzz.test.ts,
//     as `POST /branch/demo/login/otp` answering 500 "deadlock detected");
//   - a logout beside the wrong code that locks the operator and ends their sessions.
// Each case is staged: a side transaction holds the institution's audit head, the two requests
// queue behind it in a fixed order (the order that deadlocked), then the side lets go. SQLite
// has one writer at a time, so only PostgreSQL can deadlock here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lockStaging, type LockStaging } from '../../../test/support/db/lock-order-testing.js';
import { skipReason } from '../../../test/support/db/testing.js';
import { DEMO_OPERATOR_PASSWORD } from '../operators.js';
import { OPERATOR_LOCK_THRESHOLD } from '../operator-lock.js';
import { createConsoleHarness, type ConsoleHarness, type FormClient } from '../../../test/support/branch/web/branch-console-testing.js';

const BASE = '/branch/demo/';

/** An operator browser past the password, at the one-time password step. */
async function atCodeStep(h: ConsoleHarness, login: string): Promise<FormClient> {
  const c = h.client();
  await c.get(BASE);
  const step = await c.post(`${BASE}login`, { login, password: DEMO_OPERATOR_PASSWORD });
  assert.equal(step.headers.location, `${BASE}login/otp`);
  await c.follow(step);
  return c;
}

describe('operator sign-in and lock queue on PostgreSQL [postgres]', { skip: skipReason('postgres') }, () => {
  let h: ConsoleHarness;
  let s: LockStaging;
  before(async () => { h = await createConsoleHarness('postgres'); s = await lockStaging(h.database); });
  after(async () => { await s?.end(); await h?.close(); });

  it('a right code signs in while a wrong code of the same operator is counted: both answered, neither a 500', async () => {
    await h.addOperator('demo', 'racer-a', 'teller');
    await h.signIn('demo', 'racer-a'); // enrols the operator's token
    const signingIn = await atCodeStep(h, 'racer-a');
    const guessing = await atCodeStep(h, 'racer-a');
    const right = h.operatorCode('demo', 'racer-a');
    const wrong = h.operatorWrongCode('demo', 'racer-a');

    const head = await s.holdAuditHead('demo');
    const first = signingIn.post(`${BASE}login/otp`, { code: right });
    await s.waitUntilQueued(1);
    const second = guessing.post(`${BASE}login/otp`, { code: wrong });
    await s.waitUntilQueued(2);
    await head.release();
    const [signedIn, refused] = await Promise.all([first, second]);

    assert.equal(signedIn.statusCode, 303, signedIn.body.slice(0, 300));
    assert.equal(signedIn.headers.location, `${BASE}home`);
    assert.equal(refused.statusCode, 401, refused.body.slice(0, 300));
    const row = await h.database.db.selectFrom('operators').select(['otp_failures', 'last_sign_in_at']).where('institution', '=', 'demo').where('login', '=', 'racer-a').executeTakeFirstOrThrow();
    assert.equal(row.otp_failures, 1);
    assert.notEqual(row.last_sign_in_at, null);
  });

  it('a logout while the wrong code that locks the operator ends their sessions: both answered, neither a 500', async () => {
    await h.addOperator('demo', 'racer-b', 'teller');
    const signedIn = await h.signIn('demo', 'racer-b');
    const guessing = await atCodeStep(h, 'racer-b');
    await h.database.db.updateTable('operators').set({ otp_failures: OPERATOR_LOCK_THRESHOLD - 1 }).where('institution', '=', 'demo').where('login', '=', 'racer-b').execute();
    const wrong = h.operatorWrongCode('demo', 'racer-b');

    const head = await s.holdAuditHead('demo');
    // The lock first (it holds the operator's row while it waits for the audit head), then the
    // logout (it holds its session's row while it waits for the audit head).
    const first = guessing.post(`${BASE}login/otp`, { code: wrong });
    await s.waitUntilQueued(1);
    const second = signedIn.post(`${BASE}logout`, {});
    await s.waitUntilQueued(2);
    await head.release();
    const [locked, loggedOut] = await Promise.all([first, second]);

    assert.equal(locked.statusCode, 423, locked.body.slice(0, 300));
    assert.equal(loggedOut.statusCode, 303, loggedOut.body.slice(0, 300));
    const sessions = await h.database.db.selectFrom('operator_sessions').select('id_hash').where('institution', '=', 'demo').where('login', '=', 'racer-b').execute();
    assert.deepEqual(sessions, []);
  });
});
