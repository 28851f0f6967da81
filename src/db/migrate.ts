// One migration set for both dialects. Migrations are listed here, in order, rather than read
// from a folder: the list is the history, and a missing import is a compile error.
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-authority.js';
import * as m0002 from './migrations/0002-banking.js';
import * as m0003 from './migrations/0003-authority-binding-uniqueness.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-authority': m0001,
  '0002-banking': m0002,
  '0003-authority-binding-uniqueness': m0003,
};

class ListedMigrations implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  }
}

export type MigrateResult =
  | { ok: true; applied: string[] }
  | { ok: false; failed: string; error: unknown };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<MigrateResult> {
  // Kysely's migrator takes a lock table of its own, so several processes may start at once.
  // On PostgreSQL the migrator must be told its schema: without it, Kysely checks whether its
  // tables exist in ANY schema, so a stale test schema (or another tenant's) holding
  // kysely_migration_lock makes it skip creating its own and fail. current_schema() is the
  // search_path's first schema ('public' for a plain URL), so existing databases are unchanged.
  const migrationTableSchema = db.getExecutor().adapter instanceof PostgresAdapter
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
  const migrator = new Migrator({ db, provider: new ListedMigrations(), ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    return { ok: false, failed, error };
  }
  return { ok: true, applied };
}
