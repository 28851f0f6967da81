// `mamori operator add`: a branch operator (DESIGN §2 "branch console"). The password never
// goes on the command line, where `ps` and the shell history would keep it: it is generated
// and shown once, or read from stdin with --password-stdin.
import { randomBytes } from 'node:crypto';
import { addOperator, OPERATOR_LOGIN_PATTERN, OPERATOR_PASSWORD_MAX_LENGTH, OPERATOR_PASSWORD_MIN_LENGTH } from '../../branch/operators.js';
import { OPERATOR_ROLES } from '../../branch/permissions.js';
import { CliError, parseFlags, takeSubcommand, UsageError, type Command } from '../command.js';
import { migrateOrThrow, withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    `usage: mamori operator add <institution> <login> --role ${OPERATOR_ROLES.join('|')} [--password-stdin]`,
    '',
    'Adds a branch operator. Without --password-stdin an initial password is generated and shown',
    `once; with it, the password (${OPERATOR_PASSWORD_MIN_LENGTH}-${OPERATOR_PASSWORD_MAX_LENGTH} characters) is read from stdin.`,
    'The operator enrolls a token at the first sign-in to the branch console.',
  ].join('\n'),

  async run(args, io) {
    const [, rest] = takeSubcommand(args, ['add'] as const);
    const { values, positionals } = parseFlags(rest, { role: { type: 'string' }, 'password-stdin': { type: 'boolean' } }, { positionals: 2 });
    const [institution, login] = positionals;
    if (institution === undefined || login === undefined) throw new UsageError('missing <institution> and <login>');
    if (!OPERATOR_LOGIN_PATTERN.test(login)) throw new UsageError(`login "${login}" must be 2-32 characters: a lower-case letter, then a-z, 0-9, ".", "_" or "-"`);
    const role = values.role;
    if (role === undefined) throw new UsageError(`--role is required (${OPERATOR_ROLES.join(', ')})`);
    if (!(OPERATOR_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${OPERATOR_ROLES.join(', ')}, not "${role}"`);

    const fromStdin = values['password-stdin'] === true;
    // 18 random bytes: 24 base64url characters, 144 bits; typed once, then changed or kept.
    const password = fromStdin ? await readPasswordFromStdin() : randomBytes(18).toString('base64url');

    return withConfiguredDatabase(io, { mustExist: true }, async ({ database }) => {
      await migrateOrThrow(database);
      const result = await addOperator({ db: database.db, institution, login, role, password, actor: 'cli' });
      if (!result.ok) {
        switch (result.reason) {
          case 'unknown_institution':
            throw new CliError(`no institution "${institution}" (see \`mamori institution list\`)`);
          case 'login_taken':
            throw new CliError(`operator "${login}" already exists at ${institution}; nothing was changed`);
          case 'weak_password':
            throw new CliError(`the password must be ${OPERATOR_PASSWORD_MIN_LENGTH}-${OPERATOR_PASSWORD_MAX_LENGTH} characters without control characters`);
          case 'invalid_login':
          case 'invalid_role':
            throw new UsageError(`invalid ${result.reason === 'invalid_login' ? 'login' : 'role'}`); // checked above; kept for the exhaustive switch
        }
      }
      io.out(`added operator ${institution}/${login} (${role})`);
      // Showing the generated password is this command's purpose; it is printed once, here.
      if (!fromStdin) io.out(`initial password (shown once): ${password}`);
      return 0;
    });
  },
};

async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads a pipe, e.g. `pass show branch/alice | mamori operator add …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is how `echo` and password managers end a line; it is not part of it.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
