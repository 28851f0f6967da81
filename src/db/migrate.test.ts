import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from './migrate.js';
import { DIALECTS, skipReason, withTestDatabase } from '../../test/support/db/testing.js';

for (const dialect of DIALECTS) {
  describe(`migrations [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('apply to a fresh database and are idempotent', () =>
      withTestDatabase(dialect, async (database) => {
        const again = await migrateToLatest(database.db);
        assert.deepEqual(again, { ok: true, applied: [] });
        const rows = await database.db.selectFrom('tokens').selectAll().execute();
        assert.deepEqual(rows, []);
      }));

    it('store BIGINT instants as exact numbers', () =>
      withTestDatabase(dialect, async (database) => {
        const at = Date.UTC(2026, 10, 21, 12, 0, 0, 123);
        await database.db.insertInto('rate_limits').values({ key: 'k', window_start: at, count: 1 }).execute();
        const row = await database.db.selectFrom('rate_limits').selectAll().executeTakeFirstOrThrow();
        assert.equal(row.window_start, at);
      }));
  });
}
