// The lock counters of any principal (principals.ts): wrong passwords and wrong one-time
// passwords, counted separately on the principal's row, and the ATTEMPTS under which alone a
// password is compared or a code checked (DESIGN §4).
//
// An answer is checked only inside an attempt: one conditional write takes one of the
// principal's remaining attempts of that factor — failures counted plus attempts still being
// checked must stay below the lock threshold — before the code goes to the token authority or
// the password to argon2. So a lock bounds the guesses EVALUATED, in any number of processes,
// not only those counted: with 4 wrong codes counted, of 200 codes sent at once exactly one is
// checked. A wrong answer turns its attempt into a counted failure (a compare-and-set, so
// concurrent failures never count past the lock, with its audit record in the same
// transaction; the failure that locks ends every session of the principal), a right one gives
// it back and restarts the count (never clearing a lock a concurrent failure has just set), and
// one that was never judged (the authority throttled or unreachable) gives it back uncounted.
import { sql, type Kysely, type Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { retryWithin } from '../shared/retry-within.js';
import type { PrincipalKind, PrincipalRef } from './principals.js';
import { endSessionsOf } from './sessions.js';

export type Factor = 'password' | 'otp' | 'passkey';

/** How many wrong answers of the password and of the one-time password lock the principal (policy). */
export interface LockThresholds {
  password: number;
  otp: number;
}

/**
 * Wrong passkey assertions (a bad signature, a replayed challenge, a counter gone backwards, no
 * user verification) lock passkey sign-in after this many, for every principal (issue 15). That
 * lock is the passkey's alone: the principal still signs in with the password and the one-time
 * password, and no session ends.
 */
export const PASSKEY_LOCK_THRESHOLD = 5;

function thresholdOf(target: AttemptTarget, factor: Factor): number {
  return factor === 'passkey' ? PASSKEY_LOCK_THRESHOLD : target.thresholds[factor];
}

export interface AttemptTarget extends PrincipalRef {
  thresholds: LockThresholds;
  nowMs: number;
  /** Where the attempt was made, for the audit record: 'login', 'register', 'sign_in'… */
  path: string;
  /** More facts for the audit record of a failure: where it came from (sign-in-environment.ts), never a secret. */
  details?: Record<string, string>;
}

/** What a site adds to a lock: a notification in the locking transaction, a metric after it. */
export interface LockHooks {
  inLockingTransaction?(trx: Transaction<Schema>, factor: Factor, target: AttemptTarget): Promise<void>;
  afterLock?(factor: Factor): void;
}

export type CountResult =
  | { counted: true; failures: number; lockedNow: boolean }
  | { counted: false; locked: true }; // already locked: nothing moved

/** An attempt taken: settle it with exactly one of wrong(), right() or giveBack(). */
export interface Attempt {
  /** The answer was wrong: the attempt becomes a counted failure, which may lock the principal. */
  wrong(): Promise<CountResult>;
  /** The answer was right: the attempt goes back and the count restarts; false if a lock came meanwhile. */
  right(): Promise<boolean>;
  /** The answer was not judged (the authority throttled it, or did not answer), or is not to count: nothing counts. */
  giveBack(): Promise<void>;
}

export type AttemptRefusal = 'locked' | 'throttled';

const COLUMNS = {
  password: { failures: 'password_failures', inFlight: 'password_attempts_in_flight', lapseAt: 'password_attempts_lapse_at' },
  otp: { failures: 'otp_failures', inFlight: 'otp_attempts_in_flight', lapseAt: 'otp_attempts_lapse_at' },
  passkey: { failures: 'passkey_failures', inFlight: 'passkey_attempts_in_flight', lapseAt: 'passkey_attempts_lapse_at' },
} as const;

/**
 * With every remaining attempt in flight (a burst at one principal), an answer waits this long
 * for one to come free: a right one among them must not fail merely for being concurrent. A
 * right code gives its attempt back, a wrong one that locks answers the wait with the lock;
 * after this long the answer is refused 'throttled' (try again, nothing counted).
 */
const ATTEMPT_WAIT_MS = 5_000;

/**
 * How long an attempt may stay unjudged before it lapses by itself: longer than any call to the
 * token authority may take (MAMORI_AUTHORITY_TIMEOUT_MS is at most 60 s), so only an attempt
 * whose process died while checking it ever lapses. All of a principal's attempts in flight of
 * one factor lapse together, 90 s after the latest was taken.
 */
const ATTEMPT_LEASE_MS = 90_000;
const ATTEMPT_POLL_MS = 25;

/** The principals' rows as one: the columns this file reads and writes, both key columns. */
interface PrincipalRow {
  institution: string;
  contract_id: string;
  login: string;
  password_failures: number;
  otp_failures: number;
  password_attempts_in_flight: number;
  password_attempts_lapse_at: number;
  otp_attempts_in_flight: number;
  otp_attempts_lapse_at: number;
  passkey_failures: number;
  passkey_attempts_in_flight: number;
  passkey_attempts_lapse_at: number;
  updated_at: number;
}
type Rows = Kysely<Record<PrincipalKind['row']['table'], PrincipalRow>>;

function rows(db: Kysely<Schema> | Transaction<Schema>): Rows {
  return db as unknown as Rows;
}

/** The principal's row, by its key: an update or select of it. */
function ofPrincipal<QB extends { where: (column: 'institution' | 'contract_id' | 'login', op: '=', value: string) => QB }>(qb: QB, kind: PrincipalKind, target: PrincipalRef): QB {
  return qb.where('institution', '=', target.institution).where(kind.row.subject, '=', target.subject);
}

/** The attempts in flight that have not lapsed at `nowMs`: an SQL expression over the row. */
function attemptsInFlightAt(factor: Factor, nowMs: number) {
  const { inFlight, lapseAt } = COLUMNS[factor];
  return sql<number>`(case when ${sql.ref(lapseAt)} > ${nowMs} then ${sql.ref(inFlight)} else 0 end)`;
}

/**
 * The columns that give one attempt back: one fewer in flight, never below zero (a lapsed one
 * may have been reset meanwhile), and the lapse time cleared with the last one, so that a check
 * that counted nothing leaves the row as it found it.
 */
function attemptGivenBack(factor: Factor) {
  const inFlight = sql.ref(COLUMNS[factor].inFlight);
  const lapseAt = sql.ref(COLUMNS[factor].lapseAt);
  return {
    [COLUMNS[factor].inFlight]: sql<number>`(case when ${inFlight} > 0 then ${inFlight} - 1 else 0 end)`,
    [COLUMNS[factor].lapseAt]: sql<number>`(case when ${inFlight} > 1 then ${lapseAt} else 0 end)`,
  };
}

async function giveBackAttempt(db: Kysely<Schema>, kind: PrincipalKind, factor: Factor, target: PrincipalRef): Promise<void> {
  await ofPrincipal(rows(db).updateTable(kind.row.table).set(attemptGivenBack(factor)), kind, target).execute();
}

/** A wrong answer: the attempt becomes a counted failure, in one compare-and-set with its audit record. */
async function countFailure(db: Kysely<Schema>, kind: PrincipalKind, factor: Factor, target: AttemptTarget, hooks: LockHooks): Promise<CountResult> {
  const column = COLUMNS[factor].failures;
  const threshold = thresholdOf(target, factor);
  const result = await db.transaction().execute(async (trx) => {
    const row = await ofPrincipal(
      rows(trx)
        .updateTable(kind.row.table)
        .set((eb) => ({ [column]: eb(column, '+', 1), ...attemptGivenBack(factor), updated_at: target.nowMs })),
      kind,
      target,
    )
      .where(column, '<', threshold)
      .returning(column)
      .executeTakeFirst();
    if (!row) {
      await giveBackAttempt(trx, kind, factor, target);
      return { counted: false, locked: true } as const;
    }
    const failures = Number(row[column]);
    const lockedNow = failures >= threshold;
    // A lock ends every session of the principal, whichever path set it — before the audit head
    // is taken (the principal's row is already held): a logout holds its session and then waits
    // for the head, so the other order deadlocks with it on PostgreSQL. The passkey's lock locks
    // only passkey sign-in: the sessions stay.
    if (lockedNow && factor !== 'passkey') await endSessionsOf(trx, kind, target);
    await appendAudit(trx, {
      chain: target.institution,
      at: target.nowMs,
      actor: kind.actor(target.subject),
      action: `${kind.auditPrefix}${factor}_${lockedNow ? 'locked' : 'failed'}`,
      subject: target.subject,
      details: { ...target.details, path: target.path, failures },
    });
    if (lockedNow) await hooks.inLockingTransaction?.(trx, factor, target);
    return { counted: true, failures, lockedNow } as const;
  });
  if (result.counted && result.lockedNow) hooks.afterLock?.(factor);
  return result;
}

/** A right answer: the attempt goes back and the count restarts, unless a lock came meanwhile (false). */
async function clearFailures(db: Kysely<Schema>, kind: PrincipalKind, factor: Factor, target: AttemptTarget): Promise<boolean> {
  const column = COLUMNS[factor].failures;
  const result = await ofPrincipal(
    rows(db)
      .updateTable(kind.row.table)
      .set({ [column]: 0, ...attemptGivenBack(factor), updated_at: target.nowMs }),
    kind,
    target,
  )
    .where(column, '<', thresholdOf(target, factor))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  await giveBackAttempt(db, kind, factor, target);
  return false;
}

/**
 * Takes one of the principal's remaining attempts of `factor` with one conditional write:
 * counted failures plus live attempts in flight must stay below the lock threshold. When they
 * do not, the answer is 'locked' if the lock is counted, else (every remaining attempt is being
 * checked elsewhere) it waits for one to come free, up to ATTEMPT_WAIT_MS, then 'throttled'.
 * An unknown principal is 'locked'.
 */
async function takeAttempt(db: Kysely<Schema>, kind: PrincipalKind, factor: Factor, target: AttemptTarget, hooks: LockHooks): Promise<Attempt | AttemptRefusal> {
  const { failures, inFlight, lapseAt } = COLUMNS[factor];
  const threshold = thresholdOf(target, factor);
  const taken = await retryWithin({ waitMs: ATTEMPT_WAIT_MS, pollMs: ATTEMPT_POLL_MS }, async (waitedMs) => {
    const nowMs = target.nowMs + waitedMs;
    const live = attemptsInFlightAt(factor, nowMs);
    const result = await ofPrincipal(
      rows(db)
        .updateTable(kind.row.table)
        .set({ [inFlight]: sql<number>`${live} + 1`, [lapseAt]: nowMs + ATTEMPT_LEASE_MS }),
      kind,
      target,
    )
      .where(sql<number>`${sql.ref(failures)} + ${live}`, '<', threshold)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return attemptOn(db, kind, factor, target, hooks);
    const row = await ofPrincipal(rows(db).selectFrom(kind.row.table).select(failures), kind, target).executeTakeFirst();
    const counted = row === undefined ? threshold : Number(row[failures]);
    return counted >= threshold ? 'locked' : undefined; // undefined: all in flight, wait
  });
  return taken ?? 'throttled';
}

function attemptOn(db: Kysely<Schema>, kind: PrincipalKind, factor: Factor, target: AttemptTarget, hooks: LockHooks): Attempt {
  let settled = false;
  const settle = () => {
    if (settled) throw new Error('an attempt is settled once');
    settled = true;
  };
  return {
    wrong: () => {
      settle();
      return countFailure(db, kind, factor, target, hooks);
    },
    right: () => {
      settle();
      return clearFailures(db, kind, factor, target);
    },
    giveBack: async () => {
      if (settled) return; // giveBack is also the `finally` of a check that settled already
      settled = true;
      await giveBackAttempt(db, kind, factor, target);
    },
  };
}

/**
 * Checks an answer of `factor` under an attempt of the principal's: `check` settles it with
 * wrong() or right(); if it does not (or throws), the attempt is given back uncounted.
 */
export async function withAttempt<T>(
  db: Kysely<Schema>,
  kind: PrincipalKind,
  factor: Factor,
  target: AttemptTarget,
  check: (attempt: Attempt) => Promise<T>,
  hooks: LockHooks = {},
): Promise<{ taken: true; value: T } | { taken: false; refusal: AttemptRefusal }> {
  const attempt = await takeAttempt(db, kind, factor, target, hooks);
  if (typeof attempt === 'string') return { taken: false, refusal: attempt };
  try {
    return { taken: true, value: await check(attempt) };
  } finally {
    await attempt.giveBack();
  }
}
