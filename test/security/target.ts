// The target of the attack suite: Mamori run as a bank runs it — real `mamori serve` child
// processes on SQLite or PostgreSQL — which the attack files then reach over HTTP only, as an
// outsider would. What happens here before the server starts is the bank's own doing, not the
// attacker's: `mamori demo`, and a pool of extra customers opened at the counter (so that each
// test signs in as its own customers and the one-code-per-30-second-step rule never makes one
// test wait for another's). After the attacks, `check()` asks the bank's own tool whether the
// books still balance, the audit chain is intact and no row lost its parent.
//
// The `bankDatabase()` handle is the bank's view, for two things only: reading back what an
// attack left (a test says why), and letting time pass (ageing a session row is how the
// suite waits five idle minutes in a second). An attack never uses it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCustomer } from '../../src/banking/customers.js';
import { demoAccountNumber, ensureDemoAccount } from '../../src/banking/ledger/demo-accounts.js';
import { createPasswordHasher } from '../../src/banking/password-hasher.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { systemClock, systemRandomBytes } from '../../src/shared/clock.js';
import { runMamori } from '../integration/cli-helpers.js';
import { createScratchDatabase, deploymentEnv, relyingPartyKey, startMamori, type MamoriProcess } from '../integration/deployment-helpers.js';

export const MASTER_KEY = Buffer.alloc(32, 41).toString('base64');
export const PEPPER = Buffer.alloc(32, 42).toString('base64');
export const LOGIN_PASSWORD = 'Mamori-2026';
export const CONFIRMATION_PASSWORD = '246810';

export type Slug = 'demo' | 'sample';

/** A contract of the pool: never used by another test of the same target. */
export interface Customer {
  readonly slug: Slug;
  readonly contractId: string;
  readonly loginPassword: string;
  readonly confirmationPassword: string;
  /** Branch 001, this account number: where transfers to this customer go. */
  readonly accountNumber: string;
}

export interface TargetOptions {
  dialect?: 'sqlite' | 'postgres';
  /**
   * `all`: one `mamori serve all` (the default). `split`: one `serve authority` and TWO
   * `serve bank` processes sharing the database (PostgreSQL only).
   */
  deployment?: 'all' | 'split';
  /** Extra customers opened per institution before the server starts (default 12). */
  customersPerInstitution?: number;
  /** More environment for the server processes (e.g. MAMORI_TRUST_PROXY). */
  env?: NodeJS.ProcessEnv;
  /**
   * Institution policies the bank sets (`mamori institution set-policy <slug> key=value…`)
   * before the server starts — e.g. a suite that sends more failed password attempts from one
   * address than a bank would allow (`signInFailuresPerAddress`), because that is not its attack.
   */
  policies?: Partial<Record<Slug, readonly string[]>>;
  /**
   * PostgreSQL only: the DATABASE_URL the server processes of `role` use instead of the
   * scratch database's own `url` (which the harness, the CLI and `bankDatabase()` keep using),
   * e.g. one through a proxy the test can cut to stop the database under the servers alone.
   */
  databaseUrlFor?: (url: string, role: 'all' | 'authority' | 'bank') => string;
}

export interface Target {
  readonly dialect: 'sqlite' | 'postgres';
  /** The bank site and console (and, in `all`, the authority): the first bank process. */
  readonly url: string;
  /** Every process serving the bank side (two in `split`). */
  readonly bankUrls: readonly string[];
  /** Where the authority's HTTP API answers (same as `url` in `all`). */
  readonly authorityUrl: string;
  readonly processes: readonly MamoriProcess[];
  /** The environment the CLI needs to reach the same data (`mamori ledger check`, …). */
  readonly env: NodeJS.ProcessEnv;
  /** A customer of `slug` no other caller of this target has had. */
  customer(slug?: Slug): Customer;
  /** The bank's own view of the database (see the file comment); opened on first use. */
  bankDatabase(): Database;
  /** The bank's checks: `mamori db check` (ledger, transfers, audit chains, orphan rows) must pass. */
  check(): Promise<{ ok: boolean; report: string }>;
  /** Everything the processes printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The policies of a suite that fails more password steps from one address than a bank allows
 * (timing samples, hostile fields, the fuzzer) without that being its attack: the limit per
 * address is raised out of its way. credential-stuffing.test.ts attacks the limit itself, at
 * the product's defaults.
 */
export const MANY_FAILED_SIGN_INS: NonNullable<TargetOptions['policies']> = {
  demo: ['signInFailuresPerAddress=100000'],
  sample: ['signInFailuresPerAddress=100000'],
};

/** The first contract ID of the pool; the demo customers are 1000000001 and 1000000002. */
const POOL_START = 2_000_000_101;

export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const dialect = options.dialect ?? 'sqlite';
  const deployment = options.deployment ?? 'all';
  if (deployment === 'split' && dialect !== 'postgres') throw new Error('a split deployment shares one PostgreSQL database');
  const perInstitution = options.customersPerInstitution ?? 12;
  const dir = mkdtempSync(join(tmpdir(), 'mamori-attack-'));
  const scratch = dialect === 'postgres' ? await createScratchDatabase() : undefined;
  const env = deploymentEnv(dir, { masterKey: MASTER_KEY, pepper: PEPPER }, scratch?.url);
  const processes: MamoriProcess[] = [];
  let database: Database | undefined;
  const cleanUp = async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM', 5_000)));
    await database?.close();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const demo = await runMamori(['demo'], env);
    if (demo.code !== 0) throw new Error(`mamori demo failed (${demo.code}): ${demo.stderr}`);
    for (const [slug, settings] of Object.entries(options.policies ?? {})) {
      const set = await runMamori(['institution', 'set-policy', slug, ...settings], env);
      if (set.code !== 0) throw new Error(`mamori institution set-policy ${slug} failed (${set.code}): ${set.stderr}`);
    }
    const pool = await openPool(env, dialect, scratch?.url, perInstitution);

    const databaseOf = (role: 'all' | 'authority' | 'bank'): NodeJS.ProcessEnv =>
      scratch && options.databaseUrlFor ? { DATABASE_URL: options.databaseUrlFor(scratch.url, role) } : {};
    let authorityUrl: string;
    if (deployment === 'all') {
      processes.push(await startMamori('all', { ...env, ...options.env, ...databaseOf('all') }));
      authorityUrl = processes[0]!.url;
    } else {
      const keys = `demo:${await relyingPartyKey('demo', env)},sample:${await relyingPartyKey('sample', env)}`;
      const { MAMORI_MASTER_KEY: _unused, ...bankEnv } = env;
      const authority = await startMamori('authority', { ...env, ...options.env, ...databaseOf('authority') });
      processes.push(authority);
      authorityUrl = authority.url;
      const banks = await Promise.all([0, 1].map(() => startMamori('bank', { ...bankEnv, MAMORI_AUTHORITY_URL: authority.url, MAMORI_RP_KEYS: keys, ...options.env, ...databaseOf('bank') })));
      processes.unshift(...banks); // processes[0] is a bank process, as `url` promises
    }
    const bankProcesses = deployment === 'all' ? processes : processes.filter((p) => p.url !== authorityUrl);
    const handedOut = new Map<Slug, number>([['demo', 0], ['sample', 0]]);
    return {
      dialect,
      url: bankProcesses[0]!.url,
      bankUrls: bankProcesses.map((p) => p.url),
      authorityUrl,
      processes,
      env,
      customer(slug = 'demo') {
        const list = pool.get(slug)!;
        const next = handedOut.get(slug)!;
        if (next >= list.length) throw new Error(`the target's pool of ${slug} customers (${list.length}) is used up: ask startTarget for more`);
        handedOut.set(slug, next + 1);
        return list[next]!;
      },
      bankDatabase() {
        database ??= openDatabase(scratch ? { dialect: 'postgres', url: scratch.url } : { dialect: 'sqlite', file: join(env.MAMORI_DATA_DIR!, 'mamori.sqlite') });
        return database;
      },
      async check() {
        // Ledger, transfers, every audit chain and orphan rows, in one run of the bank's tool.
        const checked = await runMamori(['db', 'check'], env);
        return { ok: checked.code === 0, report: `db check (${checked.code}): ${checked.stdout}${checked.stderr}` };
      },
      output: () => processes.map((p) => p.output()).join('\n'),
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Opens the pool's customers (with their ¥3,000,000 accounts) the way the counter would. */
async function openPool(env: NodeJS.ProcessEnv, dialect: 'sqlite' | 'postgres', url: string | undefined, perInstitution: number): Promise<Map<Slug, Customer[]>> {
  const database = openDatabase(dialect === 'postgres' ? { dialect, url: url! } : { dialect, file: join(env.MAMORI_DATA_DIR!, 'mamori.sqlite') });
  const hasher = createPasswordHasher();
  const pepper = Buffer.from(PEPPER, 'base64');
  const pool = new Map<Slug, Customer[]>();
  try {
    for (const slug of ['demo', 'sample'] as const) {
      const customers: Customer[] = [];
      for (let i = 0; i < perInstitution; i++) {
        const contractId = String(POOL_START + i);
        customers.push({ slug, contractId, loginPassword: LOGIN_PASSWORD, confirmationPassword: CONFIRMATION_PASSWORD, accountNumber: demoAccountNumber(contractId) });
      }
      // A few at a time: each is two argon2id hashes.
      for (let i = 0; i < customers.length; i += 4) {
        await Promise.all(
          customers.slice(i, i + 4).map(async (customer) => {
            await createCustomer(
              database.db,
              { institution: slug, contractId: customer.contractId, name: `攻撃 試験${customer.contractId.slice(-3)}`, loginPassword: LOGIN_PASSWORD, confirmationPassword: CONFIRMATION_PASSWORD, email: `${customer.contractId}@demo.mamori.example` },
              { hasher, confirmationPepper: pepper, nowMs: systemClock.nowMs(), actor: 'system' },
            );
            await ensureDemoAccount(database.db, { clock: systemClock, randomBytes: systemRandomBytes }, { institution: slug, contractId: customer.contractId });
          }),
        );
      }
      pool.set(slug, customers);
    }
  } finally {
    await database.close();
  }
  return pool;
}
