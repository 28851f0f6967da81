// A real server for the branch console journeys: SQLite in a temp directory, the token
// authority (in-process, plus its HTTP API), the demo data and operators, a branch per demo
// institution, the bank site and the console — all on ONE injected manual clock, so a journey
// can move time (the wait after a token reissue) and compute its tokens' codes at that time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthority, createKeyring } from '../../src/authority/authority.js';
import { provisionTestToken, STEP_MS, T0, type TestToken } from '../support/authority/authority-testing.js';
import { authorityHttpPart } from '../../src/authority/http/authority-http.js';
import { DEMO_INSTITUTIONS, seedDemoData } from '../../src/banking/demo-data.js';
import { addBranch } from '../../src/banking/ledger/accounts.js';
import { createPasswordHasher, TEST_ARGON2 } from '../../src/banking/password-hasher.js';
import { seedDemoOperators } from '../../src/branch/operators.js';
import { createBranchConsolePart } from '../../src/branch/web/part.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { manualClock, systemRandomBytes, type ManualClock } from '../../src/shared/clock.js';
import { buildApp } from '../../src/web/app.js';
import { createPersonalWebPart } from '../../src/web/personal-web/part.js';

export interface BranchConsoleServer {
  readonly baseUrl: string;
  readonly database: Database;
  readonly clock: ManualClock;
  /** A new token at the authority whose codes the test computes. */
  token(): Promise<TestToken>;
  /** The code `token` shows after moving the clock one step on (no code is ever reused). */
  nextCode(token: TestToken): string;
  close(): Promise<void>;
}

export async function startBranchConsoleServer(): Promise<BranchConsoleServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-e2e-branch-'));
  const location = { dialect: 'sqlite' as const, file: join(dir, 'mamori.sqlite') };
  const database = openDatabase(location);
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) throw new Error(`migration failed: ${String(migrated.error)}`);
  const clock = manualClock(T0 + 5_000);
  const keyring = createKeyring({ keys: new Map([['k1', systemRandomBytes(32)]]), activeKeyId: 'k1', randomBytes: systemRandomBytes });
  const authority = createAuthority({ database, keyring, clock, randomBytes: systemRandomBytes });
  // Argon2id with the test parameters: the journeys sign in many times; the algorithm is the same.
  const hasher = createPasswordHasher(TEST_ARGON2);
  const confirmationPepper = systemRandomBytes(32);
  await seedDemoData({ database, authority, clock, hasher, confirmationPepper });
  await seedDemoOperators({ database, hasher, clock });
  for (const spec of DEMO_INSTITUTIONS) {
    await addBranch(database.db, { nowMs: clock.nowMs(), actor: 'system' }, { institution: spec.slug, code: '001', name: '本店', kana: 'ホンテン' });
  }
  const deps = { database, clock, randomBytes: systemRandomBytes, authorityFor: (slug: string) => authority.clientFor(slug), confirmationPepper, hasher };
  const app = await buildApp({ database, clock, randomBytes: systemRandomBytes }, [
    authorityHttpPart({ authority }),
    createPersonalWebPart(deps),
    createBranchConsolePart(deps),
  ]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    database,
    clock,
    token: () => provisionTestToken({ authority, database: { ...database, location }, keyring }),
    nextCode(token) {
      clock.advance(STEP_MS);
      return token.codeAt(clock.nowMs());
    },
    async close() {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
