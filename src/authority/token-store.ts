// Rows of `tokens`. Store functions take the database (or a transaction) first; every write
// that can race is one conditional statement (compare and set), never read-modify-write.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Schema } from '../db/schema.js';
import { retryWithin } from '../shared/retry-within.js';
import type { AuthorityPolicy } from './authority-policy.js';
import type { TokenState, TokenTable } from './authority.tables.js';

export type TokenRow = Selectable<TokenTable>;
type Db = Kysely<Schema>;

export interface NewToken {
  serial: string;
  kind: 'mobile' | 'desktop';
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  periodSeconds: number;
  secretCiphertext: string;
  secretKeyId: string;
  nowMs: number;
}

/** Inserts a token unless the serial is taken; false on a collision (draw another serial). */
export async function insertTokenIfSerialFree(db: Db, token: NewToken): Promise<boolean> {
  const result = await db
    .insertInto('tokens')
    .values({
      serial: token.serial,
      kind: token.kind,
      algorithm: token.algorithm,
      digits: token.digits,
      period_seconds: token.periodSeconds,
      secret_ciphertext: token.secretCiphertext,
      secret_key_id: token.secretKeyId,
      state: 'active',
      created_at: token.nowMs,
      updated_at: token.nowMs,
    })
    .onConflict((oc) => oc.column('serial').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findToken(db: Db, serial: string): Promise<TokenRow | undefined> {
  return db.selectFrom('tokens').selectAll().where('serial', '=', serial).executeTakeFirst();
}

/** Throttle (per token, across every relying party): is the failure budget of this window spent? */
export function isThrottled(
  token: Pick<TokenRow, 'throttle_failures' | 'throttle_window_start'>,
  input: { nowMs: number; maxFailures: number; windowMs: number },
): boolean {
  return token.throttle_failures >= input.maxFailures && Number(token.throttle_window_start) > input.nowMs - input.windowMs;
}

/**
 * How long a throttle attempt may stay unjudged: far longer than checking a code takes (a few
 * HMACs and one write), so only an attempt whose process died ever lapses by itself.
 */
export const THROTTLE_ATTEMPT_LEASE_MS = 30_000;
/**
 * While the remaining attempts are all in flight (a burst at one token: only the first few are
 * checked at once), a check waits this long for one to come free before it is throttled.
 */
const THROTTLE_ATTEMPT_WAIT_MS = 2_000;
const THROTTLE_ATTEMPT_POLL_MS = 10;

interface ThrottleInput {
  serial: string;
  nowMs: number;
  maxFailures: number;
  windowMs: number;
}

/** The throttle of the token `serial` at `nowMs`, under the authority's policy. */
export function throttleOf(policy: Pick<AuthorityPolicy, 'throttleMaxFailures' | 'throttleWindowMs'>, serial: string, nowMs: number): ThrottleInput {
  return { serial, nowMs, maxFailures: policy.throttleMaxFailures, windowMs: policy.throttleWindowMs };
}

/**
 * The columns that give one attempt back: one fewer in flight, never below zero (lapsed ones
 * may have been reset meanwhile), and the lapse time cleared with the last one, so that a check
 * that counted nothing leaves the row as it found it.
 */
const attemptGivenBack = {
  throttle_in_flight: sql<number>`(case when throttle_in_flight > 0 then throttle_in_flight - 1 else 0 end)`,
  throttle_lapse_at: sql<number>`(case when throttle_in_flight > 1 then throttle_lapse_at else 0 end)`,
};

/**
 * Takes one of the token's remaining throttle attempts before a code is checked, in one
 * conditional statement: the failures of the live window plus the attempts still being checked
 * (not lapsed) must stay below `maxFailures`. So the throttle bounds the codes CHECKED, however
 * many requests race in however many processes, not only those counted. False: throttled (or no
 * such token). withTokenAttempt settles it.
 */
async function takeTokenAttempt(db: Db, input: ThrottleInput): Promise<boolean> {
  const taken = await retryWithin({ waitMs: THROTTLE_ATTEMPT_WAIT_MS, pollMs: THROTTLE_ATTEMPT_POLL_MS }, async (waitedMs) => {
    const nowMs = input.nowMs + waitedMs;
    const failures = sql<number>`(case when throttle_window_start <= ${nowMs - input.windowMs} then 0 else throttle_failures end)`;
    const inFlight = sql<number>`(case when throttle_lapse_at > ${nowMs} then throttle_in_flight else 0 end)`;
    const result = await db
      .updateTable('tokens')
      .set({ throttle_in_flight: sql<number>`${inFlight} + 1`, throttle_lapse_at: nowMs + THROTTLE_ATTEMPT_LEASE_MS })
      .where('serial', '=', input.serial)
      .where(sql<number>`${failures} + ${inFlight}`, '<', input.maxFailures)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return true;
    const token = await db.selectFrom('tokens').select(['throttle_failures', 'throttle_window_start']).where('serial', '=', input.serial).executeTakeFirst();
    // Throttled for good (the failures alone fill the window), or wait for an attempt in flight.
    return token === undefined || isThrottled(token, { ...input, nowMs }) ? false : undefined;
  });
  return taken ?? false;
}

/** A taken attempt whose code was right, malformed or replayed: it counts nothing. */
async function giveBackTokenAttempt(db: Db, serial: string): Promise<void> {
  await db.updateTable('tokens').set(attemptGivenBack).where('serial', '=', serial).execute();
}

/**
 * Checks a code of the token under one of its throttle attempts (takeTokenAttempt): `check`
 * calls `countFailure` for a wrong code, which settles the attempt as a failure; otherwise
 * (a right, malformed or replayed code, or a throw) the attempt is given back. Not taken: throttled.
 */
export async function withTokenAttempt<T>(
  db: Db,
  input: ThrottleInput,
  check: (countFailure: () => Promise<void>) => Promise<T>,
): Promise<{ taken: true; value: T } | { taken: false }> {
  if (!(await takeTokenAttempt(db, input))) return { taken: false };
  let counted = false;
  try {
    const value = await check(async () => {
      if (counted) throw new Error('a throttle attempt counts once');
      counted = true;
      await recordTokenFailure(db, input);
    });
    return { taken: true, value };
  } finally {
    if (!counted) await giveBackTokenAttempt(db, input.serial);
  }
}

/**
 * Counts one wrong code, settling the attempt it was checked under. One atomic statement: a
 * window that has ended restarts at 1 with this instant as its start, a live one counts on.
 * Concurrent failures (any process) each count, because the database applies the expressions
 * to the latest row under its lock.
 */
export async function recordTokenFailure(db: Db, input: { serial: string; nowMs: number; windowMs: number }): Promise<void> {
  const expired = sql<boolean>`throttle_window_start <= ${input.nowMs - input.windowMs}`;
  await db
    .updateTable('tokens')
    .set({
      throttle_failures: sql<number>`case when ${expired} then 1 else throttle_failures + 1 end`,
      throttle_window_start: sql<number>`case when ${expired} then ${input.nowMs} else throttle_window_start end`,
      ...attemptGivenBack,
    })
    .where('serial', '=', input.serial)
    .execute();
}

/** Compare and set on the drift seen when the code was checked, so two nudges never add up. */
export async function setDriftIfUnchanged(db: Db, input: { serial: string; from: number; to: number; nowMs: number }): Promise<boolean> {
  const result = await db
    .updateTable('tokens')
    .set({ drift_steps: input.to, updated_at: input.nowMs })
    .where('serial', '=', input.serial)
    .where('drift_steps', '=', input.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setDrift(db: Db, input: { serial: string; driftSteps: number; nowMs: number }): Promise<void> {
  await db.updateTable('tokens').set({ drift_steps: input.driftSteps, updated_at: input.nowMs }).where('serial', '=', input.serial).execute();
}

/**
 * Inside a transaction: true while the token is active, holding its row (PostgreSQL locks the
 * row until commit; SQLite's writer lock covers the whole transaction) so that it cannot be
 * disabled or revoked before the transaction commits. A no-op write (state = state) is what
 * takes the lock on both dialects without changing anything.
 */
export async function holdActiveToken(db: Db, serial: string): Promise<boolean> {
  const result = await db.updateTable('tokens').set({ state: 'active' }).where('serial', '=', serial).where('state', '=', 'active').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Revoked is final: a revoked token never comes back. */
export async function updateTokenState(
  db: Db,
  input: { serial: string; state: TokenState; nowMs: number },
): Promise<{ changed: true } | { changed: false; reason: 'unknown_serial' | 'revoked' }> {
  const result = await db
    .updateTable('tokens')
    .set({ state: input.state, updated_at: input.nowMs })
    .where('serial', '=', input.serial)
    .where('state', '!=', 'revoked')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return { changed: true };
  const row = await db.selectFrom('tokens').select('state').where('serial', '=', input.serial).executeTakeFirst();
  return { changed: false, reason: row === undefined ? 'unknown_serial' : 'revoked' };
}

/** Compare and set on the old ciphertext: a row written meanwhile is left for the next pass. */
export async function replaceSecretIfUnchanged(
  db: Db,
  input: { serial: string; fromCiphertext: string; toCiphertext: string; toKeyId: string },
): Promise<boolean> {
  const result = await db
    .updateTable('tokens')
    .set({ secret_ciphertext: input.toCiphertext, secret_key_id: input.toKeyId })
    .where('serial', '=', input.serial)
    .where('secret_ciphertext', '=', input.fromCiphertext)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Rows sealed with another key than `activeKeyId`, in serial order after `afterSerial`. */
export async function listTokensSealedWithOtherKeys(
  db: Db,
  input: { activeKeyId: string; afterSerial: string; limit: number },
): Promise<Pick<TokenRow, 'serial' | 'secret_ciphertext' | 'secret_key_id'>[]> {
  return db
    .selectFrom('tokens')
    .select(['serial', 'secret_ciphertext', 'secret_key_id'])
    .where('secret_key_id', '!=', input.activeKeyId)
    .where('serial', '>', input.afterSerial)
    .orderBy('serial')
    .limit(input.limit)
    .execute();
}
