// The two lock counters (DESIGN §4): wrong passwords and wrong one-time passwords, counted
// separately. Every write is a compare-and-set (`where failures < threshold`), so concurrent
// wrong attempts can never count past the lock, and a success can never clear a lock that a
// concurrent failure has just set. Each change carries its audit record in the same transaction.
//
// A one-time code or a password is checked only inside an ATTEMPT (withCodeAttempt,
// withPasswordAttempt): one conditional write takes one of the contract's remaining attempts —
// failures counted plus attempts still being checked must stay below the threshold — before
// the code goes to the token authority or the password to argon2. So a lock bounds the guesses
// EVALUATED, in any number of processes, not only those counted: with 4 wrong codes counted, of
// 200 codes sent at once exactly one is checked. A wrong answer turns its attempt into a counted
// failure, a right one gives it back and restarts the count, one that was never judged (the
// authority throttled or unreachable) gives it back uncounted.
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

// --- the two factors: their columns, threshold and audit actions ----------------------------

type Factor = 'password' | 'otp';

const FACTORS = {
  password: {
    failures: 'password_failures',
    inFlight: 'password_attempts_in_flight',
    lapseAt: 'password_attempts_lapse_at',
    threshold: (policy: InstitutionPolicy) => policy.passwordLockThreshold,
    actions: { failed: 'password_failed', locked: 'password_locked' },
    // With every remaining attempt in flight (a burst at one contract), a password waits for
    // one, like a code: a right one among them must not fail merely for being concurrent.
    waitMs: 5_000,
  },
  otp: {
    failures: 'otp_failures',
    inFlight: 'otp_attempts_in_flight',
    lapseAt: 'otp_attempts_lapse_at',
    threshold: (policy: InstitutionPolicy) => policy.otpLockThreshold,
    actions: { failed: 'otp_failed', locked: 'otp_locked' },
    // A right code gives its attempt back, a wrong one that locks answers the wait with the lock;
    // after this long the code is refused 'throttled' (try again, nothing counted).
    waitMs: 5_000,
  },
} as const;

/**
 * How long an attempt may stay unjudged before it lapses by itself: longer than any call to the
 * token authority may take (MAMORI_AUTHORITY_TIMEOUT_MS is at most 60 s), so only an attempt
 * whose process died while checking it ever lapses. All of a contract's attempts in flight of
 * one factor lapse together, 90 s after the latest was taken.
 */
const ATTEMPT_LEASE_MS = 90_000;
const ATTEMPT_POLL_MS = 25;

/** The attempts in flight that have not lapsed at `nowMs`: an SQL expression over the row. */
function attemptsInFlightAt(factor: Factor, nowMs: number) {
  const { inFlight, lapseAt } = FACTORS[factor];
  return sql<number>`(case when ${sql.ref(lapseAt)} > ${nowMs} then ${sql.ref(inFlight)} else 0 end)`;
}

/**
 * The columns that give one attempt back: one fewer in flight, never below zero (a lapsed one
 * may have been reset meanwhile), and the lapse time cleared with the last one, so that a check
 * that counted nothing leaves the row as it found it.
 */
function attemptGivenBack(factor: Factor) {
  const inFlight = sql.ref(FACTORS[factor].inFlight);
  const lapseAt = sql.ref(FACTORS[factor].lapseAt);
  return {
    [FACTORS[factor].inFlight]: sql<number>`(case when ${inFlight} > 0 then ${inFlight} - 1 else 0 end)`,
    [FACTORS[factor].lapseAt]: sql<number>`(case when ${inFlight} > 1 then ${lapseAt} else 0 end)`,
  };
}

type ContractKey = Pick<CounterTarget, 'institution' | 'contractId'>;

async function giveBackAttempt(db: Kysely<Schema>, factor: Factor, target: ContractKey): Promise<void> {
  await db
    .updateTable('customers')
    .set(attemptGivenBack(factor))
    .where('institution', '=', target.institution)
    .where('contract_id', '=', target.contractId)
    .execute();
}

/** A wrong answer: the attempt becomes a counted failure, in one compare-and-set with its audit record. */
async function countFailure(db: Kysely<Schema>, factor: Factor, target: CounterTarget): Promise<CountResult> {
  const { failures: column, actions } = FACTORS[factor];
  const threshold = FACTORS[factor].threshold(target.policy);
  const result = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('customers')
      .set((eb) => ({ [column]: eb(column, '+', 1), ...attemptGivenBack(factor), updated_at: target.nowMs }))
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .where(column, '<', threshold)
      .returning(column)
      .executeTakeFirst();
    if (!row) {
      await giveBackAttempt(trx, factor, target);
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
    if (lockedNow && factor === 'otp') {
      await enqueueNotification(trx, { institution: target.institution, contractId: target.contractId, atMs: target.nowMs, event: { kind: 'otp_locked' } });
    }
    return { counted: true, failures, lockedNow } as const;
  });
  if (result.counted && result.lockedNow) metrics.locks.inc({ kind: factor });
  return result;
}

/** A right answer: the attempt goes back and the count restarts, unless a lock came meanwhile (false). */
async function clearFailures(db: Kysely<Schema>, factor: Factor, target: CounterTarget): Promise<boolean> {
  const { failures: column } = FACTORS[factor];
  const result = await db
    .updateTable('customers')
    .set({ [column]: 0, ...attemptGivenBack(factor), updated_at: target.nowMs })
    .where('institution', '=', target.institution)
    .where('contract_id', '=', target.contractId)
    .where(column, '<', FACTORS[factor].threshold(target.policy))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  await giveBackAttempt(db, factor, target);
  return false;
}

// --- attempts: an answer is checked only after it has taken one -----------------------------

/** An attempt taken: settle it with exactly one of wrong(), right() or giveBack(). */
export interface Attempt {
  /** The answer was wrong: the attempt becomes a counted failure, which may lock the contract. */
  wrong(): Promise<CountResult>;
  /** The answer was right: the attempt goes back and the count restarts; false if a lock came meanwhile. */
  right(): Promise<boolean>;
  /** The answer was not judged (the authority throttled it, or did not answer), or is not to count: nothing counts. */
  giveBack(): Promise<void>;
}

export type AttemptRefusal = 'locked' | 'throttled';

/**
 * Takes one of the contract's remaining attempts of `factor` with one conditional write:
 * counted failures plus live attempts in flight must stay below the lock threshold. When they
 * do not, the answer is 'locked' if the lock is counted, else (every remaining attempt is being
 * checked elsewhere) it waits for one to come free, up to the factor's wait, then 'throttled'.
 * An unknown contract is 'locked'.
 */
async function takeAttempt(db: Kysely<Schema>, factor: Factor, target: CounterTarget): Promise<Attempt | AttemptRefusal> {
  const { failures, inFlight, lapseAt, waitMs } = FACTORS[factor];
  const threshold = FACTORS[factor].threshold(target.policy);
  const taken = await retryWithin({ waitMs, pollMs: ATTEMPT_POLL_MS }, async (waitedMs) => {
    const nowMs = target.nowMs + waitedMs;
    const live = attemptsInFlightAt(factor, nowMs);
    const result = await db
      .updateTable('customers')
      .set({ [inFlight]: sql<number>`${live} + 1`, [lapseAt]: nowMs + ATTEMPT_LEASE_MS })
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .where(sql<number>`${sql.ref(failures)} + ${live}`, '<', threshold)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return attemptOn(db, factor, target);
    const row = await db
      .selectFrom('customers')
      .select(failures)
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .executeTakeFirst();
    const counted = row === undefined ? threshold : Number((row as Record<string, unknown>)[failures]);
    return counted >= threshold ? 'locked' : undefined; // undefined: all in flight, wait
  });
  return taken ?? 'throttled';
}

function attemptOn(db: Kysely<Schema>, factor: Factor, target: CounterTarget): Attempt {
  let settled = false;
  const settle = () => {
    if (settled) throw new Error('an attempt is settled once');
    settled = true;
  };
  return {
    wrong: () => {
      settle();
      return countFailure(db, factor, target);
    },
    right: () => {
      settle();
      return clearFailures(db, factor, target);
    },
    giveBack: async () => {
      if (settled) return; // giveBack is also the `finally` of a check that settled already
      settled = true;
      await giveBackAttempt(db, factor, target);
    },
  };
}

async function withAttempt<T>(
  db: Kysely<Schema>,
  factor: Factor,
  target: CounterTarget,
  check: (attempt: Attempt) => Promise<T>,
): Promise<{ taken: true; value: T } | { taken: false; refusal: AttemptRefusal }> {
  const attempt = await takeAttempt(db, factor, target);
  if (typeof attempt === 'string') return { taken: false, refusal: attempt };
  try {
    return { taken: true, value: await check(attempt) };
  } finally {
    await attempt.giveBack();
  }
}

/**
 * Checks a one-time code under an attempt: `check` settles it with wrong() or right(); if it
 * does not (or throws), the attempt is given back uncounted.
 */
export function withCodeAttempt<T>(db: Kysely<Schema>, target: CounterTarget, check: (attempt: Attempt) => Promise<T>) {
  return withAttempt(db, 'otp', target, check);
}

/**
 * Checks a login or confirmation password under an attempt, as withCodeAttempt does a code:
 * of any number of passwords sent at once for one contract, no more are hashed and compared
 * than the lock allows.
 */
export function withPasswordAttempt<T>(db: Kysely<Schema>, target: CounterTarget, check: (attempt: Attempt) => Promise<T>) {
  return withAttempt(db, 'password', target, check);
}

/** A wrong password counted under an attempt of its own (for tools and tests that stage a count). */
export async function countWrongPassword(db: Kysely<Schema>, target: CounterTarget): Promise<CountResult> {
  const counted = await withPasswordAttempt(db, target, (attempt) => attempt.wrong());
  return counted.taken ? counted.value : { counted: false, locked: true };
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
