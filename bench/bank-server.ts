// The bank site as `mamori serve` runs it (buildApp with the authority's API and the Personal
// Web part, argon2id at the production parameters, the request log at info), over the
// benchmark's database, in a child process of the benchmark. The demo data of DESIGN §3.4 is
// seeded here, with the same hasher the server uses. Not mounted: the browser token's static
// files (they play no part in a login and would build the bundle at start).
import { createAuthority, createKeyring } from '../src/authority/authority.js';
import { authorityHttpPart } from '../src/authority/http/authority-http.js';
import { seedDemoData } from '../src/banking/demo-data.js';
import { createPasswordHasher } from '../src/banking/password-hasher.js';
import { openDatabase, type DatabaseLocation } from '../src/db/database.js';
import { loggerOptions } from '../src/server.js';
import { systemClock, systemRandomBytes } from '../src/shared/clock.js';
import { buildApp } from '../src/web/app.js';
import { createPersonalWebPart } from '../src/web/personal-web/part.js';
import { serveUntilStopped } from './child-process.js';

export interface BankServerOrder {
  location: DatabaseLocation;
  logLevel: 'info' | 'off';
}

const order = JSON.parse(process.argv[2] ?? '{}') as BankServerOrder;
const database = openDatabase(order.location);
const clock = systemClock;
const randomBytes = systemRandomBytes;
const keyring = createKeyring({ keys: new Map([['k1', randomBytes(32)]]), activeKeyId: 'k1', randomBytes });
const authority = createAuthority({ database, keyring, clock, randomBytes });
const hasher = createPasswordHasher(); // PRODUCTION_ARGON2, as server.ts
const confirmationPepper = randomBytes(32);
await seedDemoData({ database, authority, clock, hasher, confirmationPepper });
const personalWeb = createPersonalWebPart({ database, clock, randomBytes, authorityFor: (slug) => authority.clientFor(slug), confirmationPepper, hasher });
const app = await buildApp(
  { database, clock, randomBytes, logger: order.logLevel === 'off' ? false : loggerOptions({ logLevel: order.logLevel }) },
  [authorityHttpPart({ authority }), personalWeb],
);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
serveUntilStopped(typeof address === 'object' && address !== null ? address.port : 0, async () => {
  await app.close();
  await database.close();
});
