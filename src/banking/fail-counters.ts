// The two lock counters (DESIGN §4): wrong passwords and wrong one-time passwords, counted
// separately. Every write is a compare-and-set (`where failures < threshold`), so concurrent
// wrong attempts can never count past the lock, and a success can never clear a lock that a
// concurrent failure has just set. Each change carries its audit record in the same transaction.
//
// A one-time code is checked only inside an ATTEMPT (takeCodeAttempt): one conditional write
// takes one of the contract's remaining attempts — failures counted plus attempts still being
// checked must stay below the threshold — before the code goes to the token authority. So the
// lock bounds the guesses EVALUATED, in any number of processes, not only those counted: with
// 4 wrong codes counted, of 200 codes sent at once exactly one is checked. A wrong code turns
// its attempt into a counted failure, a right one gives it back and restarts the count, a code
// that was never judged (the authority throttled or unreachable) gives it back uncounted.
import { sql, type Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import { metrics } from '../observability/mamori-metrics.js';
import { retryWithin } from '../shared/retry-within.js';
import type { InstitutionPolicy } from './institution-policy.js';
import { endSessionsOfCustomer } from './sessions.js';

export interface CounterTarget {
  institution: string;
  contractId: string;
  policy: InstitutionPolicy;
  nowMs: number;
  /** Where the attempt was made, for the audit record: 'login', 'register', 'transfer'… */
  path: string;
}

export type CountResult =
  | { counted: true; failures: number; lockedNow: boolean }
  | { counted: false; locked: true }; // already locked: nothing moved

export function isOtpLocked(customer: { otp_failures: number }, policy: InstitutionPolicy): boolean {
  return customer.otp_failures >= policy.otpLockThreshold;
}

export function isPasswordLocked(customer: { password_failures: number }, policy: InstitutionPolicy): boolean {
  return customer.password_failures >= policy.passwordLockThreshold;
}

async function countFailure(
  db: Kysely<Schema>,
  column: 'password_failures' | 'otp_failures',
  threshold: number,
  target: CounterTarget,
  actions: { failed: string; locked: string },
): Promise<CountResult> {
  // A wrong code settles the attempt it was checked under (takeCodeAttempt) in the same write.
  const settles = column === 'otp_failures' ? { otp_attempts_in_flight: attemptGivenBack } : {};
  const result = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('customers')
      .set((eb) => ({ [column]: eb(column, '+', 1), ...settles, updated_at: target.nowMs }))
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .where(column, '<', threshold)
      .returning(column)
      .executeTakeFirst();
    if (!row) {
      if (column === 'otp_failures') await giveBackCodeAttempt(trx, target);
      return { counted: false, locked: true } as const;
    }
    const failures = Number((row as Record<string, unknown>)[column]);
    const lockedNow = failures >= threshold;
    // A lock ends every session of the contract, whichever path set it — before the audit head
    // is taken (the customer's row is already held): a logout holds its session and then waits
    // for the head, so the other order deadlocks with it on PostgreSQL.
    if (lockedNow) await endSessionsOfCustomer(trx, target.institution, target.contractId);
    await appendAudit(trx, {
      chain: target.institution,
      at: target.nowMs,
      actor: `customer:${target.contractId}`,
      action: lockedNow ? actions.locked : actions.failed,
      subject: target.contractId,
      details: { path: target.path, failures },
    });
    // The customer hears of an OTP lock (取引通知); a password lock is not mailed: anyone who
    // knows a contract ID could otherwise make the bank mail its customer at will.
    if (lockedNow && column === 'otp_failures') {
      await enqueueNotification(trx, { institution: target.institution, contractId: target.contractId, atMs: target.nowMs, event: { kind: 'otp_locked' } });
    }
    return { counted: true, failures, lockedNow } as const;
  });
  if (result.counted && result.lockedNow) metrics.locks.inc({ kind: column === 'otp_failures' ? 'otp' : 'password' });
  return result;
}

async function clearFailures(
  db: Kysely<Schema>,
  column: 'password_failures' | 'otp_failures',
  threshold: number,
  target: Omit<CounterTarget, 'path'>,
): Promise<boolean> {
  if (column === 'otp_failures') {
    // A right code gives its attempt back in the write that restarts the count; under a lock
    // set meanwhile only the attempt goes back.
    const result = await db
      .updateTable('customers')
      .set({ otp_failures: 0, otp_attempts_in_flight: attemptGivenBack, updated_at: target.nowMs })
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .where('otp_failures', '<', threshold)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    await giveBackCodeAttempt(db, target);
    return false;
  }
  // Clearing a zero counter changes nothing, so it needs no write (and no audit record).
  const result = await db
    .updateTable('customers')
    .set({ [column]: 0, updated_at: target.nowMs })
    .where('institution', '=', target.institution)
    .where('contract_id', '=', target.contractId)
    .where(column, '<', threshold)
    .where(column, '>', 0)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  const row = await db
    .selectFrom('customers')
    .select(column)
    .where('institution', '=', target.institution)
    .where('contract_id', '=', target.contractId)
    .executeTakeFirst();
  return row !== undefined && Number((row as Record<string, unknown>)[column]) < threshold;
}

/** A wrong login or confirmation password of an existing, unlocked contract. */
export function countWrongPassword(db: Kysely<Schema>, target: CounterTarget): Promise<CountResult> {
  return countFailure(db, 'password_failures', target.policy.passwordLockThreshold, target, {
    failed: 'password_failed',
    locked: 'password_locked',
  });
}

// --- attempts: a code is checked only after it has taken one -------------------------------

/**
 * How long an attempt may stay unjudged before it lapses by itself: longer than any call to the
 * token authority may take (MAMORI_AUTHORITY_TIMEOUT_MS is at most 60 s), so only an attempt
 * whose process died while checking it ever lapses. All of a contract's attempts in flight
 * lapse together, 90 s after the latest was taken.
 */
export const CODE_ATTEMPT_LEASE_MS = 90_000;
/**
 * While every remaining attempt is being checked by other requests, a code waits this long for
 * one to come free (a right code gives its attempt back; a wrong one that locks answers the
 * wait with the lock) before it is answered 'throttled': try again, nothing counted.
 */
export const CODE_ATTEMPT_WAIT_MS = 5_000;
const CODE_ATTEMPT_POLL_MS = 25;

/** The attempts in flight that have not lapsed at `nowMs`: an SQL expression over the row. */
function attemptsInFlightAt(nowMs: number) {
  return sql<number>`(case when otp_attempts_lapse_at > ${nowMs} then otp_attempts_in_flight else 0 end)`;
}

/** One attempt fewer in flight, never below zero (a lapsed one may have been reset meanwhile). */
const attemptGivenBack = sql<number>`(case when otp_attempts_in_flight > 0 then otp_attempts_in_flight - 1 else 0 end)`;

async function giveBackCodeAttempt(db: Kysely<Schema>, target: Omit<CounterTarget, 'path' | 'policy'>): Promise<void> {
  await db
    .updateTable('customers')
    .set({ otp_attempts_in_flight: attemptGivenBack })
    .where('institution', '=', target.institution)
    .where('contract_id', '=', target.contractId)
    .execute();
}

/** An attempt taken: settle it with exactly one of wrong(), right() or giveBack(). */
export interface CodeAttempt {
  /** The code was wrong: the attempt becomes a counted failure, which may lock the contract. */
  wrong(): Promise<CountResult>;
  /** The code was right: the attempt goes back and the count restarts; false if a lock came meanwhile. */
  right(): Promise<boolean>;
  /** The code was not judged (the authority throttled it, or did not answer): nothing counts. */
  giveBack(): Promise<void>;
}

export type AttemptRefusal = 'locked' | 'throttled';

/**
 * Takes one of the contract's remaining one-time-code attempts with one conditional write:
 * counted failures plus live attempts in flight must stay below the lock threshold. When they
 * do not, the answer is 'locked' if the lock is counted, else (every remaining attempt is being
 * checked elsewhere) it waits for one to come free, up to CODE_ATTEMPT_WAIT_MS, then 'throttled'.
 */
export async function takeCodeAttempt(db: Kysely<Schema>, target: CounterTarget): Promise<CodeAttempt | AttemptRefusal> {
  const threshold = target.policy.otpLockThreshold;
  const taken = await retryWithin({ waitMs: CODE_ATTEMPT_WAIT_MS, pollMs: CODE_ATTEMPT_POLL_MS }, async (waitedMs) => {
    const nowMs = target.nowMs + waitedMs;
    const inFlight = attemptsInFlightAt(nowMs);
    const result = await db
      .updateTable('customers')
      .set({ otp_attempts_in_flight: sql<number>`${inFlight} + 1`, otp_attempts_lapse_at: nowMs + CODE_ATTEMPT_LEASE_MS })
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .where(sql<number>`otp_failures + ${inFlight}`, '<', threshold)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return codeAttempt(db, target);
    const row = await db
      .selectFrom('customers')
      .select('otp_failures')
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .executeTakeFirst();
    return row === undefined || isOtpLocked(row, target.policy) ? 'locked' : undefined; // undefined: all in flight, wait
  });
  return taken ?? 'throttled';
}

function codeAttempt(db: Kysely<Schema>, target: CounterTarget): CodeAttempt {
  let settled = false;
  const settle = () => {
    if (settled) throw new Error('a code attempt is settled once');
    settled = true;
  };
  return {
    wrong: () => {
      settle();
      return countFailure(db, 'otp_failures', target.policy.otpLockThreshold, target, { failed: 'otp_failed', locked: 'otp_locked' });
    },
    right: () => {
      settle();
      return clearFailures(db, 'otp_failures', target.policy.otpLockThreshold, target);
    },
    giveBack: async () => {
      if (settled) return; // giveBack is also the `finally` of a check that settled already
      settled = true;
      await giveBackCodeAttempt(db, target);
    },
  };
}

/**
 * Checks a code under an attempt: `check` settles it with wrong() or right(); if it does not
 * (or throws), the attempt is given back uncounted.
 */
export async function withCodeAttempt<T>(
  db: Kysely<Schema>,
  target: CounterTarget,
  check: (attempt: CodeAttempt) => Promise<T>,
): Promise<{ taken: true; value: T } | { taken: false; refusal: AttemptRefusal }> {
  const attempt = await takeCodeAttempt(db, target);
  if (typeof attempt === 'string') return { taken: false, refusal: attempt };
  try {
    return { taken: true, value: await check(attempt) };
  } finally {
    await attempt.giveBack();
  }
}

/** After a right password: resets the count unless a lock is in place. False when locked. */
export function clearWrongPasswords(db: Kysely<Schema>, target: Omit<CounterTarget, 'path'>): Promise<boolean> {
  return clearFailures(db, 'password_failures', target.policy.passwordLockThreshold, target);
}

/** Operator action (branch console): lifts the OTP lock, with its audit record. */
export async function unlockOtp(
  db: Kysely<Schema>,
  input: { institution: string; contractId: string; nowMs: number; actor: string },
): Promise<{ ok: boolean }> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('customers')
      .set({ otp_failures: 0, updated_at: input.nowMs })
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return { ok: false };
    await appendAudit(trx, { chain: input.institution, at: input.nowMs, actor: input.actor, action: 'otp_unlocked', subject: input.contractId });
    return { ok: true };
  });
}
