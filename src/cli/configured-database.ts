// The database the configuration names, as the server would open it: DATABASE_URL, or the
// SQLite file in MAMORI_DATA_DIR (./data by default).
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config.js';
import { locationFromUrl, openDatabase, type Database, type DatabaseLocation } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { CliError, type CliIo } from './command.js';

/** The validated configuration, or a CliError listing every problem at once. */
export function configOrThrow(io: CliIo): Config {
  const result = loadConfig(io.env);
  if (!result.ok) throw new CliError(`the configuration is not valid:\n  ${result.errors.join('\n  ')}`);
  return result.config;
}

export interface OpenedDatabase {
  database: Database;
  location: DatabaseLocation;
  config: Config;
}

/**
 * Opens the configured database. With `mustExist`, a missing SQLite file is an error rather
 * than a new empty database: `audit verify` in the wrong directory must not report "ok" on a
 * database it just created.
 */
export function openConfiguredDatabase(io: CliIo, { mustExist }: { mustExist: boolean }): OpenedDatabase {
  const config = configOrThrow(io);
  const location = locationFromUrl(config.databaseUrl, config.dataDir);
  if (mustExist && location.dialect === 'sqlite' && !existsSync(location.file)) {
    throw new CliError(`no database at ${location.file} (set MAMORI_DATA_DIR or DATABASE_URL, or run \`mamori migrate\` first)`);
  }
  return { database: openDatabase(location), location, config };
}

/** The configured database (as openConfiguredDatabase) for `work`, closed after it whatever it does. */
export async function withConfiguredDatabase<T>(io: CliIo, options: { mustExist: boolean }, work: (opened: OpenedDatabase) => Promise<T>): Promise<T> {
  const opened = openConfiguredDatabase(io, options);
  try {
    return await work(opened);
  } finally {
    await opened.database.close();
  }
}

/** Brings the schema up to date, or a CliError naming the migration that failed. */
export async function migrateOrThrow(database: Database): Promise<void> {
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) throw new CliError(`migration ${migrated.failed} failed; run \`mamori migrate\` for details`);
}

/** Where the data is, for a person to read: the file, or the URL without its password. */
export function describeLocation(location: DatabaseLocation): string {
  if (location.dialect === 'sqlite') return `SQLite ${location.file}`;
  try {
    const url = new URL(location.url);
    if (url.password) url.password = '***';
    return `PostgreSQL ${url.toString()}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
