// One migration set for both dialects. Migrations are listed here, in order, rather than read
// from a folder: the list is the history, and a missing import is a compile error.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-authority.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-authority': m0001,
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
  const migrator = new Migrator({ db, provider: new ListedMigrations() });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    return { ok: false, failed, error };
  }
  return { ok: true, applied };
}
