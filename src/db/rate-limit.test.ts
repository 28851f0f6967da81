import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { giveBackRateLimitHit, hitRateLimit, pruneRateLimits } from './rate-limit.js';
import { DIALECTS, skipReason, withTestDatabase } from '../../test/support/db/testing.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

for (const dialect of DIALECTS) {
  describe(`hitRateLimit [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('allows `limit` hits per fixed window, then tells how long to wait', () =>
      withTestDatabase(dialect, async (database) => {
        const hit = (nowMs: number) => hitRateLimit(database.db, { key: 'k', limit: 3, windowMs: MINUTE, nowMs });
        assert.deepEqual(await hit(T0), { allowed: true, retryAfterMs: 0, remaining: 2 });
        assert.equal((await hit(T0 + 1000)).allowed, true);
        assert.equal((await hit(T0 + 2000)).allowed, true);
        assert.deepEqual(await hit(T0 + 20_000), { allowed: false, retryAfterMs: 40_000, remaining: 0 });
        // The next window starts afresh.
        assert.deepEqual(await hit(T0 + MINUTE), { allowed: true, retryAfterMs: 0, remaining: 2 });
      }));

    it('keeps keys apart, and a lagging clock counts into the newer window', () =>
      withTestDatabase(dialect, async (database) => {
        const a = await hitRateLimit(database.db, { key: 'a', limit: 1, windowMs: MINUTE, nowMs: T0 + MINUTE });
        const b = await hitRateLimit(database.db, { key: 'b', limit: 1, windowMs: MINUTE, nowMs: T0 + MINUTE });
        assert.equal(a.allowed && b.allowed, true);
        const lagging = await hitRateLimit(database.db, { key: 'a', limit: 1, windowMs: MINUTE, nowMs: T0 });
        assert.equal(lagging.allowed, false);
      }));

    it('counts every one of 40 concurrent hits exactly once', () =>
      withTestDatabase(dialect, async (database) => {
        const results = await Promise.all(
          Array.from({ length: 40 }, () => hitRateLimit(database.db, { key: 'burst', limit: 10, windowMs: MINUTE, nowMs: T0 })),
        );
        assert.equal(results.filter((r) => r.allowed).length, 10);
        const row = await database.db.selectFrom('rate_limits').selectAll().where('key', '=', 'burst').executeTakeFirstOrThrow();
        assert.equal(row.count, 40);
      }));

    it('gives a hit back to the window it was counted in, never below zero', () =>
      withTestDatabase(dialect, async (database) => {
        const at = (nowMs: number) => ({ key: 'g', limit: 2, windowMs: MINUTE, nowMs });
        assert.equal((await hitRateLimit(database.db, at(T0))).allowed, true);
        assert.equal((await hitRateLimit(database.db, at(T0 + 1000))).allowed, true);
        await giveBackRateLimitHit(database.db, at(T0 + 1000));
        assert.deepEqual(await hitRateLimit(database.db, at(T0 + 2000)), { allowed: true, retryAfterMs: 0, remaining: 0 });
        assert.equal((await hitRateLimit(database.db, at(T0 + 3000))).allowed, false);
        // A hit of the window before is not given back to the new one.
        assert.equal((await hitRateLimit(database.db, at(T0 + MINUTE))).allowed, true);
        await giveBackRateLimitHit(database.db, at(T0 + 3000));
        const row = await database.db.selectFrom('rate_limits').selectAll().where('key', '=', 'g').executeTakeFirstOrThrow();
        assert.deepEqual([Number(row.window_start), Number(row.count)], [T0 + MINUTE, 1]);
        await giveBackRateLimitHit(database.db, at(T0 + MINUTE));
        await giveBackRateLimitHit(database.db, at(T0 + MINUTE));
        assert.equal(Number((await database.db.selectFrom('rate_limits').select('count').where('key', '=', 'g').executeTakeFirstOrThrow()).count), 0);
      }));

    it('prunes old windows', () =>
      withTestDatabase(dialect, async (database) => {
        await hitRateLimit(database.db, { key: 'old', limit: 1, windowMs: MINUTE, nowMs: T0 });
        await hitRateLimit(database.db, { key: 'new', limit: 1, windowMs: MINUTE, nowMs: T0 + 10 * MINUTE });
        assert.equal(await pruneRateLimits(database.db, { nowMs: T0 + 10 * MINUTE, keepMs: 5 * MINUTE }), 1);
      }));

    it('refuses nonsense limits', () =>
      withTestDatabase(dialect, async (database) => {
        await assert.rejects(hitRateLimit(database.db, { key: 'k', limit: 0, windowMs: MINUTE, nowMs: T0 }), TypeError);
        await assert.rejects(hitRateLimit(database.db, { key: 'k', limit: 1, windowMs: 0, nowMs: T0 }), TypeError);
      }));
  });
}
