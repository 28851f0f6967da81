// The authority's HTTP API as `mamori serve authority` runs it (buildApp + authorityHttpPart,
// the same request log at info, the same timeouts), in a child process of the benchmark, over
// the benchmark's database. Differences, on purpose: the clock is fixed at the benchmark's
// instant (so the codes the load generator made stay valid for the whole run) and the policy
// may be set by the benchmark (bench/authority-http.ts says which and why).
import type { AuthorityPolicy } from '../src/authority/authority.js';
import { createAuthority, createKeyring, parseMasterKeySpec } from '../src/authority/authority.js';
import { authorityHttpPart } from '../src/authority/http/authority-http.js';
import { openDatabase, type DatabaseLocation } from '../src/db/database.js';
import { loggerOptions } from '../src/server.js';
import { manualClock, systemRandomBytes } from '../src/shared/clock.js';
import { buildApp } from '../src/web/app.js';
import { serveUntilStopped } from './child-process.js';

export interface AuthorityServerOrder {
  location: DatabaseLocation;
  masterKeySpec: string;
  nowMs: number;
  policy?: Partial<AuthorityPolicy>;
  /** 'info' logs every request like the deployed server; 'off' measures without the log. */
  logLevel: 'info' | 'off';
}

const order = JSON.parse(process.argv[2] ?? '{}') as AuthorityServerOrder;
const database = openDatabase(order.location);
const clock = manualClock(order.nowMs);
const keyring = createKeyring({ ...parseMasterKeySpec(order.masterKeySpec), randomBytes: systemRandomBytes });
const authority = createAuthority({ database, keyring, clock, randomBytes: systemRandomBytes, ...(order.policy ? { policy: order.policy } : {}) });
const app = await buildApp(
  { database, clock, randomBytes: systemRandomBytes, logger: order.logLevel === 'off' ? false : loggerOptions({ logLevel: order.logLevel }) },
  [authorityHttpPart({ authority })],
);
app.server.keepAliveTimeout = 5_000;
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
serveUntilStopped(typeof address === 'object' && address !== null ? address.port : 0, async () => {
  await app.close();
  await database.close();
});
