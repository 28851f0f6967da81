// Test support: every database test runs once per dialect, each on a fresh database — a
// temporary SQLite file, or a new schema on the PostgreSQL server (which keeps state between
// runs on the machine). PostgreSQL is skipped only when no server answers, and says so; with
// MAMORI_REQUIRE_POSTGRES=1 (set by .ci/run) an unreachable server fails the run instead.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseLocation, type DialectName } from '../../../src/db/database.js';
import { migrateToLatest } from '../../../src/db/migrate.js';

export const TEST_POSTGRES_URL =
  process.env.DATABASE_URL && /^postgres/.test(process.env.DATABASE_URL)
    ? process.env.DATABASE_URL
    : 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends Database {
  /** Where it lives, so a test can open it again from another process. */
  readonly location: DatabaseLocation;
}

/**
 * Whether the test server answers. A refused connection fails at once; a slow one (a loaded
 * machine: the landing-page test once lost its 3 s probe while the security group ran beside
 * the suite) is given three tries of 10 s before the run says PostgreSQL is not there.
 */
async function probePostgres(): Promise<string | undefined> {
  let problem: string | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      problem = (error as Error).message;
      if (!/timeout/i.test(problem)) return problem;
    } finally {
      await client.end().catch(() => {});
    }
  }
  return problem;
}

const postgresProblem = await probePostgres();
if (postgresProblem !== undefined) {
  if (process.env.MAMORI_REQUIRE_POSTGRES === '1') {
    throw new Error(`PostgreSQL is required (MAMORI_REQUIRE_POSTGRES=1) but ${TEST_POSTGRES_URL} did not answer: ${postgresProblem}`);
  }
  console.log(`# PostgreSQL suite SKIPPED: ${TEST_POSTGRES_URL} did not answer (${postgresProblem})`);
}

export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

/** Why a dialect's tests are skipped here, or false when they run. Pass as node:test's `skip`. */
export function skipReason(dialect: DialectName): string | false {
  return dialect === 'postgres' && postgresProblem !== undefined
    ? `PostgreSQL not reachable at ${TEST_POSTGRES_URL}`
    : false;
}

/** One statement on a connection of its own to `url`, closed after it (creating and dropping schemas and databases). */
export async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database; `close()` removes it. */
export async function createTestDatabase(dialect: DialectName, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-test-'));
    const location: DatabaseLocation = { dialect: 'sqlite', file: join(dir, 'test.sqlite') };
    return openMigrated(location, () => rmSync(dir, { recursive: true, force: true }));
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(TEST_POSTGRES_URL, `create schema ${schema}`);
  const location: DatabaseLocation = { dialect: 'postgres', url: TEST_POSTGRES_URL, schema, poolSize: options.poolSize ?? 10 };
  return openMigrated(location, () => adminQuery(TEST_POSTGRES_URL, `drop schema ${schema} cascade`));
}

/** A fresh, migrated database (as createTestDatabase) for `work`, a test's body; removed after it, whatever it does. */
export async function withTestDatabase(dialect: DialectName, work: (database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await createTestDatabase(dialect);
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

/**
 * A test's fixture around a test database (what `fixture` resolves to: a set-up of the test
 * file's own) for `work`, the test's body; the database removed after it, whatever it does.
 */
export async function withFixture<F extends { database: Database }>(fixture: Promise<F>, work: (fixture: F) => Promise<void>): Promise<void> {
  const ready = await fixture;
  try {
    await work(ready);
  } finally {
    await ready.database.close();
  }
}

/** The database at `location`, migrated; its `close()` also runs `remove` (the file or schema). */
async function openMigrated(location: DatabaseLocation, remove: () => void | Promise<void>): Promise<TestDatabase> {
  const database = openDatabase(location);
  const result = await migrateToLatest(database.db);
  if (!result.ok) throw new Error(`migration ${result.failed} failed: ${String(result.error)}`);
  return {
    ...database,
    location,
    close: async () => {
      await database.close();
      await remove();
    },
  };
}
