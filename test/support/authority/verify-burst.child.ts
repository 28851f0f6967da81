// A child process for concurrency tests: opens the same database as the parent, waits for
// "go" on stdin (so that every process fires at once), sends `count` identical verifications
// at once, and prints the results as JSON. Not a test file itself.
import { createInterface } from 'node:readline';
import { openDatabase, type DatabaseLocation } from '../../../src/db/database.js';
import { manualClock, systemRandomBytes } from '../../../src/shared/clock.js';
import { createAuthority } from '../../../src/authority/authority-service.js';
import { createKeyring, parseMasterKeySpec } from '../../../src/authority/keyring.js';

interface BurstOrder {
  location: DatabaseLocation;
  masterKeySpec: string;
  nowMs: number;
  relyingPartyId: string;
  bindingId: string;
  code: string;
  count: number;
}

const order = JSON.parse(process.argv[2] ?? '{}') as BurstOrder;
const database = openDatabase(order.location);
try {
  const keyring = createKeyring({ ...parseMasterKeySpec(order.masterKeySpec), randomBytes: systemRandomBytes });
  const authority = createAuthority({ database, keyring, clock: manualClock(order.nowMs), randomBytes: systemRandomBytes });
  const client = authority.clientFor(order.relyingPartyId);
  // Warm the pool (and the module graph) before the start line.
  await database.db.selectFrom('tokens').select('serial').limit(1).execute();
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'go') break;
  lines.close();
  const results = await Promise.all(Array.from({ length: order.count }, () => client.verify({ bindingId: order.bindingId, code: order.code })));
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  await database.close();
}
