// The `mamori` command line: one entry point that dispatches to a small module per command
// (commands/<name>.ts). Exit codes: 0 done, 1 could not be done (or a check failed), 2 the
// command line is wrong. Results go to stdout, everything else to stderr.
import { MAMORI_VERSION } from '../shared/version.js';
import { CliError, UsageError, type CliIo, type Command } from './command.js';

interface CommandEntry {
  summary: string;
  // Loaded on demand, so that `mamori otp totp` does not pay for the database driver and the
  // web framework it never uses.
  load(): Promise<{ command: Command }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  serve: { summary: 'run the server: everything, or the token authority or the bank side of a split deployment', load: () => import('./commands/serve.js') },
  migrate: { summary: 'bring the database schema up to date', load: () => import('./commands/migrate.js') },
  demo: { summary: 'create the demo institutions, customers and operators (idempotent)', load: () => import('./commands/demo.js') },
  institution: { summary: 'list institutions, change their policies', load: () => import('./commands/institution.js') },
  token: { summary: 'the CLI software token: new, show, code, sign', load: () => import('./commands/token.js') },
  otp: { summary: 'compute a TOTP code from a base32 secret (for testing)', load: () => import('./commands/otp.js') },
  operator: { summary: 'add a branch operator', load: () => import('./commands/operator.js') },
  audit: { summary: 'verify the hash-chained audit log', load: () => import('./commands/audit.js') },
  jobs: { summary: 'run the scheduled jobs once (limit fallback, stale transfer clean-up, notifications)', load: () => import('./commands/jobs.js') },
  keys: { summary: 'rotate the master key and re-encrypt token secrets; API keys of institutions', load: () => import('./commands/keys.js') },
  routes: { summary: 'list every route a server of a role answers (METHOD /path)', load: () => import('./commands/routes.js') },
  ledger: { summary: 'check the ledger and transfer invariants', load: () => import('./commands/ledger.js') },
  db: { summary: 'check the data: ledger, transfers, audit chains and orphan rows together', load: () => import('./commands/db.js') },
};

// `mamori token show | head -1` closes the pipe after one line: the rest of the output has no
// reader, which is not an error of the command (as with SIGPIPE for C programs).
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});

export const processIo: CliIo = {
  env: process.env,
  out: (line) => {
    if (!stdoutClosed) process.stdout.write(`${line}\n`);
  },
  err: (line) => void process.stderr.write(`${line}\n`),
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    printOverview(io.err); // no command at all is a usage error
    return 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`mamori ${MAMORI_VERSION}`);
    return 0;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    if (args[0] !== undefined) return printUsage(args[0], io);
    printOverview(io.out);
    return 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    io.err(`mamori: unknown command "${name}"`);
    io.err('Run `mamori help` for the list of commands.');
    return 2;
  }
  let command: Command | undefined;
  try {
    command = (await entry.load()).command;
    if (args.includes('--help') || args.includes('-h')) {
      io.out(command.usage);
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mamori ${name}: ${error.message}`);
      if (command) io.err(command.usage);
      return 2;
    }
    if (error instanceof CliError) {
      io.err(`mamori ${name}: ${error.message}`);
      return 1;
    }
    // A bug or an unreachable database: say what failed in one line; the stack only on request,
    // since it helps a developer and only alarms an operator.
    io.err(`mamori ${name}: failed: ${error instanceof Error ? error.message : String(error)}`);
    if (io.env.MAMORI_DEBUG === '1' && error instanceof Error && error.stack) io.err(error.stack);
    else io.err('(set MAMORI_DEBUG=1 to see the stack trace)');
    return 1;
  }
}

function printOverview(print: (line: string) => void): void {
  print('usage: mamori <command> [options]   (`mamori help <command>` for details)');
  print('');
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  for (const [name, entry] of Object.entries(COMMANDS)) print(`  ${name.padEnd(width)}  ${entry.summary}`);
  print(`  ${'help'.padEnd(width)}  this list`);
  print(`  ${'version'.padEnd(width)}  the release (also --version)`);
}

async function printUsage(name: string, io: CliIo): Promise<number> {
  const entry = COMMANDS[name];
  if (entry === undefined) {
    io.err(`mamori help: unknown command "${name}"`);
    return 2;
  }
  io.out((await entry.load()).command.usage);
  return 0;
}
