// Fixed-window rate limits kept in the database (DESIGN §2), so every process sharing the
// database shares the count. One statement does the whole decision: an upsert that starts a
// new window or adds one to the current one and returns the count. PostgreSQL runs it under
// the row's lock (INSERT … ON CONFLICT DO UPDATE is atomic) and SQLite under its one write
// lock, so two processes can never both see "count 1" for one window.
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';

export interface RateLimitHit {
  key: string; // e.g. 'provision:ip:203.0.113.7'; never a secret
  limit: number; // hits allowed per window
  windowMs: number;
  nowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** 0 when allowed; else how long until the window ends. */
  retryAfterMs: number;
  remaining: number;
}

// Windows are aligned to multiples of windowMs, so every process computes the same start.
function windowStartOf(hit: Pick<RateLimitHit, 'windowMs' | 'nowMs'>): number {
  return Math.floor(hit.nowMs / hit.windowMs) * hit.windowMs;
}

export async function hitRateLimit(db: Kysely<Schema>, hit: RateLimitHit): Promise<RateLimitResult> {
  if (!Number.isSafeInteger(hit.limit) || hit.limit < 1) throw new TypeError('limit must be a positive integer');
  if (!Number.isSafeInteger(hit.windowMs) || hit.windowMs < 1) throw new TypeError('windowMs must be a positive integer');
  const windowStart = windowStartOf(hit);
  const row = await db
    .insertInto('rate_limits')
    .values({ key: hit.key, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // A newer window restarts at 1; the same window counts on. A process whose clock lags
        // (older window start) counts into the newer window rather than resetting it.
        count: sql<number>`case when rate_limits.window_start < excluded.window_start then 1 else rate_limits.count + 1 end`,
        window_start: sql<number>`case when rate_limits.window_start < excluded.window_start then excluded.window_start else rate_limits.window_start end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  if (count <= hit.limit) return { allowed: true, retryAfterMs: 0, remaining: hit.limit - count };
  return { allowed: false, retryAfterMs: Math.max(0, Number(row.window_start) + hit.windowMs - hit.nowMs), remaining: 0 };
}

/**
 * Takes back one allowed `hit` (the same object that was counted), so that only the hits that
 * turn out to matter count — e.g. a sign-in attempt whose password was right. The slot was taken
 * BEFORE the work it guards, so a burst can never have more than `limit` in flight; it is given
 * back only to the window it was taken from, and never below zero. A window that has ended
 * meanwhile is left alone (nothing to give back to).
 */
export async function giveBackRateLimitHit(db: Kysely<Schema>, hit: RateLimitHit): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', hit.key)
    .where('window_start', '=', windowStartOf(hit))
    .where('count', '>', 0)
    .execute();
}

/** Deletes counters whose window started before `nowMs - keepMs` (housekeeping; any process). */
export async function pruneRateLimits(db: Kysely<Schema>, input: { nowMs: number; keepMs: number }): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('window_start', '<', input.nowMs - input.keepMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
