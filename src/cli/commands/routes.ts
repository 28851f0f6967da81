// `mamori routes [all|authority|bank]`: every route a server of that role answers, one
// `METHOD /path` per line. The list comes from the app itself (buildApp's route catalogue),
// built on a throwaway SQLite database in a temporary directory, so it is always the real one:
// for engineers reading what a deployment exposes, and for the fuzzer, which aims at each route.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config.js';
import { SERVER_ROLES, startServer, type ServerRole } from '../../server.js';
import { routeCatalogue } from '../../web/app.js';
import { CliError, parseFlags, UsageError, type Command } from '../command.js';

export const command: Command = {
  usage: [
    'usage: mamori routes [all|authority|bank] [--with-head]',
    '',
    'Prints every route a server of the role (default all) answers, as "METHOD /path" lines,',
    'sorted by path. HEAD routes (Fastify adds one per GET) only with --with-head.',
    'Builds the app on a temporary SQLite database; the configured database is not touched.',
  ].join('\n'),

  async run(args, io) {
    const { positionals, values } = parseFlags(args, { 'with-head': { type: 'boolean' } }, { positionals: 1 });
    const role = positionals[0] ?? 'all';
    if (!(SERVER_ROLES as readonly string[]).includes(role)) throw new UsageError(`unknown role "${role}" (one of: ${SERVER_ROLES.join(', ')})`);
    const dir = mkdtempSync(join(tmpdir(), 'mamori-routes-'));
    try {
      // A development configuration of its own: nothing of the caller's database, keys or mail.
      const loaded = loadConfig(
        {
          MAMORI_DATA_DIR: join(dir, 'data'),
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'silent',
          MAMORI_MODE: 'development',
          ...(role === 'bank' ? { MAMORI_AUTHORITY_URL: 'http://127.0.0.1:9', MAMORI_RP_KEYS: `demo:mamori_rp_${'A'.repeat(43)}` } : {}),
        },
        { purpose: role as ServerRole },
      );
      if (!loaded.ok) throw new CliError(`cannot build the app: ${loaded.errors.join('; ')}`);
      const server = await startServer({ config: loaded.config, role: role as ServerRole });
      try {
        const lines = new Set(
          routeCatalogue(server.app)
            .filter((route) => values['with-head'] === true || route.method !== 'HEAD')
            .map((route) => `${route.method} ${route.url}`),
        );
        const sorted = [...lines].sort((a, b) => {
          const [ma, pa] = a.split(' ') as [string, string];
          const [mb, pb] = b.split(' ') as [string, string];
          return pa === pb ? ma.localeCompare(mb) : pa.localeCompare(pb);
        });
        for (const line of sorted) io.out(line);
      } finally {
        await server.close();
      }
      return 0;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
