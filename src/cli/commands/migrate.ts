// `mamori migrate`: brings the configured database up to the latest schema. Safe to run while
// servers run and from several processes at once (Kysely's migrator takes a lock). In
// production it is the one-shot job of a release (MAMORI_MIGRATE_ON_START=false on the servers,
// whose runtime role then needs no DDL rights); `--status` says what is applied and pending.
import { japanDateTime } from '../../shared/japan-time.js';
import { migrateToLatest, migrationStatus } from '../../db/migrate.js';
import { CliError, parseFlags, type Command } from '../command.js';
import { describeLocation, withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori migrate [--status]',
    '',
    'Applies every pending migration to the database named by DATABASE_URL, or to the SQLite',
    'file in MAMORI_DATA_DIR (./data). Prints the migrations applied.',
    '',
    '  --status   change nothing: list each migration, applied (when, JST) or pending;',
    '             exit 0 when the schema is up to date, 1 when a migration is pending.',
  ].join('\n'),

  async run(args, io) {
    const { values } = parseFlags(args, { status: { type: 'boolean' } });
    return withConfiguredDatabase(io, { mustExist: values.status === true }, async ({ database, location }) => {
      io.out(`database: ${describeLocation(location)}`);
      if (values.status === true) {
        const states = await migrationStatus(database.db);
        for (const state of states) io.out(`${state.appliedAt ? 'applied' : 'pending'}  ${state.name}${state.appliedAt ? `  ${japanDateTime(state.appliedAt.getTime())} JST` : ''}`);
        const pending = states.filter((state) => !state.appliedAt).length;
        io.out(pending === 0 ? 'up to date' : `${pending} pending: run \`mamori migrate\``);
        return pending === 0 ? 0 : 1;
      }
      const result = await migrateToLatest(database.db);
      if (!result.ok) {
        const reason = result.error instanceof Error ? result.error.message : String(result.error);
        throw new CliError(`migration ${result.failed} failed, nothing after it was applied: ${reason}`);
      }
      if (result.applied.length === 0) io.out('already up to date');
      for (const name of result.applied) io.out(`applied ${name}`);
      return 0;
    });
  },
};
