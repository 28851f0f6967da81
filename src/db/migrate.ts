// One migration set for both dialects. Migrations are listed here, in order, rather than read
// from a folder: the list is the history, and a missing import is a compile error.
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-authority.js';
import * as m0002 from './migrations/0002-banking.js';
import * as m0003 from './migrations/0003-authority-binding-uniqueness.js';
import * as m0004 from './migrations/0004-ledger.js';
import * as m0005 from './migrations/0005-branch.js';
import * as m0006 from './migrations/0006-outbox.js';
import * as m0007 from './migrations/0007-relying-party-key-overlap.js';
import * as m0008 from './migrations/0008-code-attempt-reservations.js';
import * as m0010 from './migrations/0010-contract-openings.js';
import * as m0011 from './migrations/0011-identity-core.js';
import * as m0012 from './migrations/0012-notification-address.js';
import * as m0013 from './migrations/0013-sign-in-environments.js';
import * as m0014 from './migrations/0014-limit-shaping.js';
import * as m0015 from './migrations/0015-passkeys.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-authority': m0001,
  '0002-banking': m0002,
  '0003-authority-binding-uniqueness': m0003,
  '0004-ledger': m0004,
  '0005-branch': m0005,
  '0006-outbox': m0006,
  '0007-relying-party-key-overlap': m0007,
  '0008-code-attempt-reservations': m0008,
  '0010-contract-openings': m0010,
  '0011-identity-core': m0011,
  '0012-notification-address': m0012,
  '0013-sign-in-environments': m0013,
  '0014-limit-shaping': m0014,
  '0015-passkeys': m0015,
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
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return runMigrator(db, undefined);
  // On PostgreSQL the migrator is told its schema: without it, Kysely checks whether its tables
  // exist in ANY schema, so a stale test schema (or another tenant's) holding
  // kysely_migration_lock makes it skip creating its own and fail. current_schema() is the
  // search_path's first schema ('public' for a plain URL), so existing databases are unchanged.
  const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  for (let attempt = 1; ; attempt++) {
    const result = await runMigrator(db, schema);
    // Kysely's introspection reads the catalog of EVERY schema; when another process drops a
    // schema or table meanwhile (test databases come and go), it fails with "schema … does not
    // exist" (3F000) or "column … does not exist" (42703) before any migration ran. A failure
    // outside every migration ('(unknown)') changed nothing, and the migrator is idempotent:
    // try again.
    if (result.ok || result.failed !== '(unknown)' || attempt >= 5) return result;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function runMigrator(db: Kysely<any>, migrationTableSchema: string | undefined): Promise<MigrateResult> {
  // Kysely's migrator takes a lock table of its own, so several processes may start at once.
  const migrator = new Migrator({ db, provider: new ListedMigrations(), ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    return { ok: false, failed, error };
  }
  return { ok: true, applied };
}

export interface MigrationState {
  name: string;
  /** When it was applied; undefined: pending. */
  appliedAt: Date | undefined;
}

/**
 * Every listed migration and whether the database has it, in order (`mamori migrate --status`,
 * and `serve` with MAMORI_MIGRATE_ON_START=false, which refuses a schema that is behind).
 * Reads only: on a database never migrated, everything is pending.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrationStatus(db: Kysely<any>): Promise<MigrationState[]> {
  const schema = db.getExecutor().adapter instanceof PostgresAdapter ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider: new ListedMigrations(), ...(schema ? { migrationTableSchema: schema } : {}) });
  return (await migrator.getMigrations()).map((m) => ({ name: m.name, appliedAt: m.executedAt }));
}
