import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from './migrate.js';
import { createTestDatabase, DIALECTS, skipReason } from '../../test/support/db/testing.js';

for (const dialect of DIALECTS) {
  describe(`migrations [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('apply to a fresh database and are idempotent', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const again = await migrateToLatest(database.db);
        assert.deepEqual(again, { ok: true, applied: [] });
        const rows = await database.db.selectFrom('tokens').selectAll().execute();
        assert.deepEqual(rows, []);
      } finally {
        await database.close();
      }
    });

    it('store BIGINT instants as exact numbers', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const at = Date.UTC(2026, 10, 21, 12, 0, 0, 123);
        await database.db.insertInto('rate_limits').values({ key: 'k', window_start: at, count: 1 }).execute();
        const row = await database.db.selectFrom('rate_limits').selectAll().executeTakeFirstOrThrow();
        assert.equal(row.window_start, at);
      } finally {
        await database.close();
      }
    });
  });
}
