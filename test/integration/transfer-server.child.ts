// A child process for the two-server test: the bank site with the transfer pages on a shared
// database, listening on an ephemeral port (printed as `port N`), until killed.
import { createAuthority } from '../../src/authority/authority-service.js';
import { createKeyring, parseMasterKeySpec } from '../../src/authority/keyring.js';
import { createPasswordHasher, TEST_ARGON2 } from '../../src/banking/password-hasher.js';
import { openDatabase, type DatabaseLocation } from '../../src/db/database.js';
import { systemClock, systemRandomBytes } from '../../src/shared/clock.js';
import { buildApp } from '../../src/web/app.js';
import { createPersonalWebPart } from '../../src/web/personal-web/part.js';
import { transfersMenuItems, transfersWebPart } from '../../src/web/transfers/transfers-part.js';

interface ServerOrder {
  location: DatabaseLocation;
  masterKeySpec: string;
  pepperHex: string;
}

const order = JSON.parse(process.argv[2] ?? '{}') as ServerOrder;
const database = openDatabase(order.location);
const keyring = createKeyring({ ...parseMasterKeySpec(order.masterKeySpec), randomBytes: systemRandomBytes });
const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
const deps = {
  database,
  clock: systemClock,
  randomBytes: systemRandomBytes,
  authorityFor: (slug: string) => authority.clientFor(slug),
  confirmationPepper: new Uint8Array(Buffer.from(order.pepperHex, 'hex')),
  hasher: createPasswordHasher(TEST_ARGON2),
  mainMenuItems: transfersMenuItems,
};
const app = await buildApp({ database, clock: systemClock, randomBytes: systemRandomBytes }, [createPersonalWebPart(deps), transfersWebPart(deps)]);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('no address');
process.stdout.write(`port ${address.port}\n`);
