// `mamori demo`: creates what is missing of the demo data (DESIGN §3.4: institutions, customers,
// operators) — the same that
// `npm start` creates on first start in development. Running it again changes nothing.
import { createAuthority, KeyringError, loadKeyring } from '../../authority/authority.js';
import { DEMO_INSTITUTIONS } from '../../banking/demo-data.js';
import { createPasswordHasher } from '../../banking/password-hasher.js';
import { seedDemo } from '../../demo-seed.js';
import { loadConfirmationPepper, ServerStartError } from '../../server.js';
import { systemClock, systemRandomBytes } from '../../shared/clock.js';
import { CliError, parseFlags, type Command } from '../command.js';
import { migrateOrThrow, withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori demo',
    '',
    `Creates the demo institutions (${DEMO_INSTITUTIONS.map((i) => i.slug).join(', ')}), their customers, accounts and operators where missing.`,
    'Refused in production mode: demo passwords are published in the README.',
  ].join('\n'),

  async run(args, io) {
    parseFlags(args, {});
    return withConfiguredDatabase(io, { mustExist: false }, async ({ database, config }) => {
      if (config.mode === 'production') throw new CliError('refused in production mode: the demo customers\' passwords are public');
      await migrateOrThrow(database);
      let confirmationPepper: Uint8Array;
      let keyring;
      try {
        // The server's pepper and keys: demo customers must be usable by the running server.
        confirmationPepper = loadConfirmationPepper({ value: config.confirmationPepper, dataDir: config.dataDir, mode: config.mode });
        keyring = loadKeyring({ masterKey: config.masterKey, dataDir: config.dataDir, randomBytes: systemRandomBytes });
      } catch (error) {
        if (error instanceof ServerStartError || error instanceof KeyringError) throw new CliError(error.message);
        throw error;
      }
      const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
      const hasher = createPasswordHasher();
      const created = await seedDemo({ database, registrar: authority, clock: systemClock, randomBytes: systemRandomBytes, hasher, confirmationPepper });
      if (created.length === 0) io.out('the demo data is complete; nothing to create');
      for (const line of created) io.out(line);
      return 0;
    });
  },
};
