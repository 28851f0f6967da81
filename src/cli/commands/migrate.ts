// `mamori migrate`: brings the configured database up to the latest schema. Safe to run while
// servers run and from several processes at once (Kysely's migrator takes a lock).
import { migrateToLatest } from '../../db/migrate.js';
import { CliError, parseFlags, type Command } from '../command.js';
import { describeLocation, openConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori migrate',
    '',
    'Applies every pending migration to the database named by DATABASE_URL, or to the SQLite',
    'file in MAMORI_DATA_DIR (./data). Prints the migrations applied.',
  ].join('\n'),

  async run(args, io) {
    parseFlags(args, {});
    const { database, location } = openConfiguredDatabase(io, { mustExist: false });
    try {
      io.out(`database: ${describeLocation(location)}`);
      const result = await migrateToLatest(database.db);
      if (!result.ok) {
        const reason = result.error instanceof Error ? result.error.message : String(result.error);
        throw new CliError(`migration ${result.failed} failed, nothing after it was applied: ${reason}`);
      }
      if (result.applied.length === 0) io.out('already up to date');
      for (const name of result.applied) io.out(`applied ${name}`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
