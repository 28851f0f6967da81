// The SQLite statement cache must be invisible: results stay right when a statement is reused,
// when the cache evicts, and when the schema changes under a cached statement.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from './database.js';

describe('SQLite connection', () => {
  it('gives the same answers through cached statements, after eviction and after a schema change', async () => {
    const database = openDatabase({ dialect: 'sqlite', file: ':memory:' });
    try {
      await sql`create table t (id integer primary key, v text)`.execute(database.db);
      for (let i = 0; i < 3; i++) await sql`insert into t (v) values (${`v${i}`})`.execute(database.db);
      const read = () => sql<{ v: string }>`select v from t order by id`.execute(database.db);
      assert.deepEqual((await read()).rows.map((r) => r.v), ['v0', 'v1', 'v2']);
      // 600 distinct statements push the first one out of the 500-entry cache.
      for (let i = 0; i < 600; i++) await sql.raw(`select ${i} as n`).execute(database.db);
      assert.deepEqual((await read()).rows.map((r) => r.v), ['v0', 'v1', 'v2']);
      await sql`alter table t add column w text default 'x'`.execute(database.db);
      const wide = await sql<{ v: string; w: string }>`select * from t order by id`.execute(database.db);
      assert.deepEqual(wide.rows[0], { id: 1, v: 'v0', w: 'x' });
    } finally {
      await database.close();
    }
  });

  it('runs in WAL mode with synchronous=FULL on a file', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mamori-db-'));
    const database = openDatabase({ dialect: 'sqlite', file: join(dir, 'x.sqlite') });
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db);
      assert.equal(mode.rows[0]?.journal_mode, 'wal');
      assert.equal(sync.rows[0]?.synchronous, 2); // 2 = FULL
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
