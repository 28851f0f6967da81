// `mamori keys rotate`: a new master key for token secrets, then every secret re-sealed with
// it while the service runs (DESIGN §5: each ciphertext carries its key id, so old and new keys
// both open rows during the move).
//
// Where the keys live decides who may add one: the key file in the data directory belongs to
// mamori, which adds the key itself; MAMORI_MASTER_KEY belongs to the operator's secret store,
// which mamori cannot write, so it explains the steps and re-encrypts on the second run.
import { addKey, createAuthority, KEY_FILE_NAME, KeyringError, loadKeyring, parseMasterKeySpec, reencryptTokenSecrets, RelyingPartyError } from '../../authority/authority.js';
import { findInstitution } from '../../banking/institutions.js';
import { systemClock, systemRandomBytes } from '../../shared/clock.js';
import { CliError, parseFlags, parseWholeNumber, takeSubcommand, UsageError, type CliIo, type Command } from '../command.js';
import { migrateOrThrow, withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori keys rotate [--batch-size N] [--reencrypt-only]',
    '       mamori keys rp <institution> [--name NAME] [--overlap MINUTES]',
    '',
    'rp: a new API key for an institution (relying party) at the token authority, printed once on',
    'stdout; the institution is registered first when the authority does not know it. Give the key',
    'to the bank processes of a split deployment as MAMORI_RP_KEYS=<institution>:<key>,… and',
    'restart them. The previous key stops working at once (within 10 s in running authority',
    'processes: a leaked key), or with --overlap MINUTES keeps working that long (at most 7 days),',
    'so that the bank processes can be restarted one at a time without downtime.',
    '',
    'rotate:',
    `Adds a new master key to ${KEY_FILE_NAME} in the data directory and makes it active, then`,
    're-encrypts every token secret with it, in batches, while servers keep running.',
    'With MAMORI_MASTER_KEY set, the operator adds the key to the variable (the command says how)',
    'and runs `mamori keys rotate --reencrypt-only`.',
  ].join('\n'),

  async run(args, io) {
    const [subcommand, rest] = takeSubcommand(args, ['rotate', 'rp'] as const);
    if (subcommand === 'rp') return relyingPartyKey(rest, io);
    const { values } = parseFlags(rest, { 'batch-size': { type: 'string' }, 'reencrypt-only': { type: 'boolean' } });
    const batchSize = values['batch-size'] === undefined ? undefined : parseWholeNumber('--batch-size', values['batch-size'], { min: 1, max: 100_000 });
    // Opened first: a wrong MAMORI_DATA_DIR must fail before a key is added to the wrong place.
    return withConfiguredDatabase(io, { mustExist: true }, async ({ database, config }) => {
      if (values['reencrypt-only'] !== true) {
        if (config.masterKey !== undefined) throw new CliError(explainEnvironmentRotation(config.masterKey));
        const { keyId } = addKey({ dataDir: config.dataDir, randomBytes: systemRandomBytes });
        io.out(`added master key ${keyId} to ${config.dataDir}/${KEY_FILE_NAME}; new token secrets are sealed with it`);
      }
      const keyring = withClearErrors(() => loadKeyring({ masterKey: config.masterKey, dataDir: config.dataDir, randomBytes: systemRandomBytes }));
      const result = await reencryptTokenSecrets(database.db, keyring, batchSize === undefined ? {} : { batchSize }).catch((error: unknown) => {
        // A row sealed with a key that is not in the keyring: say so, rather than a stack.
        throw error instanceof KeyringError ? new CliError(`${error.message}; re-encryption stopped at that row (the rows before it were moved)`) : error;
      });
      io.out(`re-encrypted ${result.reencrypted} token secrets with key ${keyring.activeKeyId}`);
      if (result.skipped > 0) {
        io.out(`${result.skipped} changed while this ran and were left as they were: run \`mamori keys rotate --reencrypt-only\` again`);
        return 1; // not done yet, so a script does not retire the old key
      }
      const oldKeys = keyring.keyIds.filter((id) => id !== keyring.activeKeyId).join(', ');
      if (oldKeys !== '') {
        io.out(`no token secret uses ${oldKeys} now`);
        // Servers that started before the new key keep sealing new tokens with their old active
        // key until they restart (they only learn the new key to open rows with it).
        io.out(`Before removing ${oldKeys}: restart every server started before the new key, then run \`mamori keys rotate --reencrypt-only\` once more.`);
      }
      return 0;
    });
  },
};

function explainEnvironmentRotation(spec: string): string {
  const { keys, activeKeyId } = withClearErrors(() => parseMasterKeySpec(spec));
  let next = keys.size + 1;
  while (keys.has(`k${next}`)) next += 1;
  // The key material itself is never printed: only ids.
  const current = [...keys.keys()].map((id) => `${id}:<${id === activeKeyId ? 'current' : 'old'} key>`).join(',');
  return [
    'MAMORI_MASTER_KEY is set, so the master keys live in your environment, which mamori cannot change. To rotate:',
    '  1. make a key:        openssl rand -base64 32',
    `  2. append it, last:   MAMORI_MASTER_KEY="${current},k${next}:<new key>"   (the last key is the active one;`,
    '                        a single key without an id is "k1", so write it as k1:<key> now)',
    '  3. restart every mamori server with the new value, so that each can open both keys',
    '  4. run:               mamori keys rotate --reencrypt-only   (with the same MAMORI_MASTER_KEY)',
    '  5. when it reports no token secret needs the old key, remove that key from the variable.',
  ].join('\n');
}

function withClearErrors<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof KeyringError) throw new CliError(error.message);
    throw error;
  }
}

/** `mamori keys rp <slug>`: registers the institution at the authority if needed, then a new key. */
async function relyingPartyKey(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { name: { type: 'string' }, overlap: { type: 'string' } }, { positionals: 1 });
  const slug = positionals[0];
  if (slug === undefined) throw new UsageError('missing <institution> (its slug, e.g. demo)');
  const overlapMinutes = values.overlap === undefined ? 0 : parseWholeNumber('--overlap', values.overlap, { min: 0, max: 7 * 24 * 60 });
  return withConfiguredDatabase(io, { mustExist: false }, async ({ database, config }) => {
    await migrateOrThrow(database);
    const keyring = withClearErrors(() => loadKeyring({ masterKey: config.masterKey, dataDir: config.dataDir, randomBytes: systemRandomBytes }));
    const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
    // The bank's name when this database also holds the bank's tables; else what was given.
    const name = values.name ?? (await findInstitution(database.db, slug))?.name ?? slug;
    try {
      const registered = await authority.ensureRelyingParty({ id: slug, name, actor: 'cli' });
      // A party registered just now has no key anyone was given: nothing to overlap.
      const overlapMs = registered.created ? 0 : overlapMinutes * 60_000;
      const { apiKey } = await authority.rotateRelyingPartyKey(slug, { actor: 'cli', overlapMs });
      // Only the key on stdout (KEY=$(mamori keys rp demo)); the explanation on stderr.
      io.out(apiKey);
      const previous = overlapMs > 0 ? `the previous key keeps working for ${overlapMinutes} minutes (until ${new Date(Date.now() + overlapMs).toISOString()})` : 'any previous key no longer works';
      io.err(`${registered.created ? 'registered relying party' : 'new key for relying party'} "${slug}"; ${previous}.`);
      io.err(`Give it to the bank processes: MAMORI_RP_KEYS="${slug}:<this key>,…" (keep it in your secret store; it is not shown again).`);
      return 0;
    } catch (error) {
      if (error instanceof RelyingPartyError) throw new CliError(error.message);
      throw error;
    }
  });
}
