// A real server for the transfer journeys: like personal-web-server.ts (temp SQLite, the token
// authority in-process with its HTTP API for the CLI token, demo data, real clock), plus the
// transfer pages and the demo accounts. Also a helper for `mamori token sign`.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAuthority, createKeyring } from '../../src/authority/authority.js';
import { authorityHttpPart } from '../../src/authority/http/authority-http.js';
import { seedDemoData } from '../../src/banking/demo-data.js';
import { ensureDemoAccount } from '../../src/banking/ledger/demo-accounts.js';
import { createPasswordHasher } from '../../src/banking/password-hasher.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { systemClock, systemRandomBytes, type Clock } from '../../src/shared/clock.js';
import { buildApp } from '../../src/web/app.js';
import { createPersonalWebPart } from '../../src/web/personal-web/part.js';
import { transfersMenuItems, transfersWebPart } from '../../src/web/transfers/transfers-part.js';

const run = promisify(execFile);
const REPO = new URL('../../', import.meta.url).pathname;

export interface TransfersServer {
  readonly baseUrl: string;
  readonly database: Database;
  close(): Promise<void>;
}

/**
 * `clock` is the bank's (sessions, limits, the business day): a test may move it. The token
 * authority keeps real time, so the CLI token's codes still verify.
 */
export async function startTransfersServer(options: { clock?: Clock } = {}): Promise<TransfersServer> {
  const bankClock = options.clock ?? systemClock;
  const dir = mkdtempSync(join(tmpdir(), 'mamori-e2e-transfers-'));
  const database = openDatabase({ dialect: 'sqlite', file: join(dir, 'mamori.sqlite') });
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) throw new Error(`migration failed: ${String(migrated.error)}`);
  const keyring = createKeyring({ keys: new Map([['k1', systemRandomBytes(32)]]), activeKeyId: 'k1', randomBytes: systemRandomBytes });
  const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
  const hasher = createPasswordHasher();
  const confirmationPepper = systemRandomBytes(32);
  await seedDemoData({
    database,
    authority,
    clock: bankClock,
    hasher,
    confirmationPepper,
    onCustomerCreated: async ({ institution, contractId }) => {
      await ensureDemoAccount(database.db, { clock: bankClock, randomBytes: systemRandomBytes }, { institution, contractId });
    },
  });
  const deps = {
    database,
    clock: bankClock,
    randomBytes: systemRandomBytes,
    authorityFor: (slug: string) => authority.clientFor(slug),
    confirmationPepper,
    hasher,
    mainMenuItems: transfersMenuItems,
  };
  const app = await buildApp({ database, clock: bankClock, randomBytes: systemRandomBytes }, [
    authorityHttpPart({ authority }),
    createPersonalWebPart(deps),
    transfersWebPart(deps),
  ]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    database,
    async close() {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `mamori token sign --account N [--amount Y]` with the CLI token in `tokenFile`. */
export async function signTransaction(tokenFile: string, input: { account: string; amountYen?: number }): Promise<string> {
  const args = ['token', 'sign', '--account', input.account, ...(input.amountYen === undefined ? [] : ['--amount', String(input.amountYen)])];
  const { stdout } = await run(process.execPath, [join(REPO, 'bin/mamori.js'), ...args], {
    cwd: REPO,
    env: { ...process.env, MAMORI_TOKEN_FILE: tokenFile, XDG_CONFIG_HOME: join(tokenFile, '..') },
    timeout: 30_000,
  });
  const code = stdout.trim();
  if (!/^\d{6}$/.test(code)) throw new Error(`token sign printed ${code}`);
  return code;
}
