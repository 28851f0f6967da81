// `mamori serve [all|authority|bank]`: runs the server until SIGTERM or SIGINT.
import { loadConfig } from '../../config.js';
import { closeOnSignal, SERVER_ROLES, ServerStartError, startServer, type ServerRole } from '../../server.js';
import { CliError, parseFlags, UsageError, type Command } from '../command.js';

export const command: Command = {
  usage: [
    'usage: mamori serve [all|authority|bank]',
    '',
    'all        everything in one process (the default): the token authority, the bank sites,',
    '           the branch consoles and the browser token',
    'authority  the token authority API (/authority/v1) and the browser token (/token/)',
    'bank       the bank sites and branch consoles of every institution, calling the token',
    '           authority (MAMORI_AUTHORITY_URL) with each institution\'s key from MAMORI_RP_KEYS',
    '           (slug:key,slug:key — `mamori keys rp <slug>` makes a key)',
    '',
    'Configured by environment variables: PORT, HOST, MAMORI_DATA_DIR, DATABASE_URL,',
    'MAMORI_MASTER_KEY, MAMORI_CONFIRMATION_PEPPER, MAMORI_SMTP_URL, MAMORI_MODE, LOG_LEVEL…',
    '(one table in docs/OPERATIONS.md). Logs are JSON lines on stdout. In development mode the',
    'demo data is created on first start. /healthz, /readyz and /metrics serve monitoring.',
  ].join('\n'),

  async run(args, io) {
    const { positionals } = parseFlags(args, {}, { positionals: 1 });
    const role = positionals[0] ?? 'all';
    if (!(SERVER_ROLES as readonly string[]).includes(role)) throw new UsageError(`unknown role "${role}" (one of: ${SERVER_ROLES.join(', ')})`);

    const loaded = loadConfig(io.env, { purpose: role as ServerRole });
    if (!loaded.ok) throw new CliError(`the configuration is not valid:\n  ${loaded.errors.join('\n  ')}`);
    const { config } = loaded;

    let server;
    try {
      server = await startServer({ config, role: role as ServerRole });
    } catch (error) {
      if (error instanceof ServerStartError) throw new CliError(error.message);
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`port ${config.port} is already in use (set PORT to another one)`);
      throw error;
    }
    // In development a person reads the terminal; in production the banner is one more JSON
    // log line, so that log collectors reading stdout see nothing but JSON.
    if (config.mode === 'development') for (const line of server.banner) io.out(line);
    else server.app.log.info({ url: server.baseUrl, role }, 'listening');
    return closeOnSignal(server, { timeoutMs: config.shutdownTimeoutMs });
  },
};
