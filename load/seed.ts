// The customers of the load run, opened before the servers start. This is the bank's own set-up,
// not the measured part, so it calls the domain functions in-process on the scratch database
// instead of going through the pages:
//  - customers and their ¥3,000,000 accounts as the counter opens them (`createCustomer`,
//    `ensureDemoAccount`), every one with the same passwords. argon2id costs ~25 ms of CPU per
//    hash and every customer needs two (login and confirmation password): 2,000 customers would
//    take minutes of both CPUs. The hasher handed to `createCustomer` is the production one
//    (PRODUCTION_ARGON2) but hashes each distinct password ONCE and hands every customer that
//    same encoded hash. A stored argon2id hash carries its salt and parameters, so verifying it
//    at login costs exactly what a per-customer hash would; only the salts are shared, which
//    matters for a stolen database, not for a load test.
//  - tokens: the authority's own `provisionToken` and the bank's `registerToken` (利用開始
//    without the pages' password check), through the in-process authority on the same tables.
//    The authority's public HTTP endpoint would refuse this many tokens from one address (20
//    per 15 minutes, by design), and 利用開始 through the pages would cost another argon2id
//    verification per customer.
//  - every tenth customer gets a daily limit of ¥10,000 (the smallest unit; lowering needs no
//    OTP), so that transfers of ¥1,000–¥15,000 run into the limit during the run and the limit
//    check has contracts at their limit to look at.
import { createAuthority, loadKeyring } from '../src/authority/authority.js';
import { createCustomer } from '../src/banking/customers.js';
import { findInstitution } from '../src/banking/institutions.js';
import { demoAccountNumber, ensureDemoAccount } from '../src/banking/ledger/demo-accounts.js';
import { changeDailyLimit } from '../src/banking/limits/change-limit.js';
import { createPasswordHasher, type PasswordHasher } from '../src/banking/password-hasher.js';
import { registerToken } from '../src/banking/register-token.js';
import { openDatabase } from '../src/db/database.js';
import { createHmacKey, decodeBase32, generateTotpAtStep, timeStepAt } from '../src/otp/index.js';
import { systemClock, systemRandomBytes } from '../src/shared/clock.js';

export const LOGIN_PASSWORD = 'Mamori-2026';
export const CONFIRMATION_PASSWORD = '246810';
export const LOW_LIMIT_YEN = 10_000;
/** The first contract ID of the run's customers (the demo customers are 1000000001/2). */
const FIRST_CONTRACT_ID = 2_000_000_101;
const STEP_SECONDS = 30;

export type Slug = 'demo' | 'sample';

/** A software token's codes, computed here (the run's "phone"). */
export interface LoadToken {
  readonly serial: string;
  codeAtStep(step: number): string;
}

export interface SeededCustomer {
  readonly slug: Slug;
  readonly contractId: string;
  /** Branch 001: where transfers to this customer go. */
  readonly accountNumber: string;
  readonly bindingId: string;
  readonly token: LoadToken;
  readonly lowLimit: boolean;
  /** The time step the registration used: the first login must use a later one. */
  readonly registeredStep: number;
}

export const stepAt = (nowMs: number): number => timeStepAt({ nowMs, periodSeconds: STEP_SECONDS });

/** The production hasher, hashing each distinct password once (see the file comment). */
function hashOncePerPassword(): PasswordHasher {
  const real = createPasswordHasher();
  const hashes = new Map<string, Promise<string>>();
  return {
    ...real,
    hash(plain) {
      let hash = hashes.get(plain);
      if (hash === undefined) {
        hash = real.hash(plain);
        hashes.set(plain, hash);
      }
      return hash;
    },
  };
}

/** Opens `count` customers with registered tokens, half at each institution. */
export async function seedCustomers(input: { env: NodeJS.ProcessEnv; databaseUrl: string; count: number; concurrency?: number; log(line: string): void }): Promise<SeededCustomer[]> {
  const database = openDatabase({ dialect: 'postgres', url: input.databaseUrl, poolSize: 12 });
  try {
    const keyring = loadKeyring({ masterKey: input.env.MAMORI_MASTER_KEY, dataDir: input.env.MAMORI_DATA_DIR!, randomBytes: systemRandomBytes });
    const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
    const hasher = hashOncePerPassword();
    const pepper = Buffer.from(input.env.MAMORI_CONFIRMATION_PEPPER!, 'base64');
    const institutions = new Map<Slug, NonNullable<Awaited<ReturnType<typeof findInstitution>>>>();
    for (const slug of ['demo', 'sample'] as const) {
      const institution = await findInstitution(database.db, slug);
      if (!institution) throw new Error(`institution ${slug} missing after mamori demo`);
      institutions.set(slug, institution);
    }
    const plan = Array.from({ length: input.count }, (_, i) => ({
      slug: (i % 2 === 0 ? 'demo' : 'sample') as Slug,
      contractId: String(FIRST_CONTRACT_ID + Math.floor(i / 2)),
      lowLimit: Math.floor(i / 2) % 10 === 9,
    }));
    const seeded: SeededCustomer[] = new Array(plan.length);
    let next = 0;
    let done = 0;
    const started = performance.now();
    const openOne = async (index: number) => {
      const { slug, contractId, lowLimit } = plan[index]!;
      const institution = institutions.get(slug)!;
      await createCustomer(
        database.db,
        { institution: slug, contractId, name: `負荷 試験${contractId.slice(-4)}`, loginPassword: LOGIN_PASSWORD, confirmationPassword: CONFIRMATION_PASSWORD, email: `${contractId}@demo.mamori.example` },
        { hasher, confirmationPepper: pepper, nowMs: systemClock.nowMs(), actor: 'system' },
      );
      await ensureDemoAccount(database.db, { clock: systemClock, randomBytes: systemRandomBytes }, { institution: slug, contractId });
      const provisioned = await authority.provisionToken({ kind: 'mobile' });
      if (!provisioned.ok || !('secret' in provisioned.token)) throw new Error(`provisioning for ${slug}/${contractId} failed`);
      const key = createHmacKey('SHA1', decodeBase32(provisioned.token.secret));
      const token: LoadToken = { serial: provisioned.token.serial, codeAtStep: (step) => generateTotpAtStep({ key, timeStep: step, digits: 6 }) };
      // The code of the PREVIOUS step (inside the authority's ±1 window): the step now is then
      // still unused, and the customer can sign in at once.
      const registeredStep = stepAt(systemClock.nowMs()) - 1;
      const registered = await registerToken(database.db, { authority: authority.clientFor(slug), nowMs: () => systemClock.nowMs() }, {
        institution: slug,
        contractId,
        policy: institution.policy,
        path: 'register',
        serial: token.serial,
        code: token.codeAtStep(registeredStep),
      });
      if (!registered.ok) throw new Error(`利用開始 for ${slug}/${contractId} failed: ${registered.reason}`);
      const row = await database.db.selectFrom('customers').select('token_binding_id').where('institution', '=', slug).where('contract_id', '=', contractId).executeTakeFirstOrThrow();
      if (lowLimit) {
        const lowered = await changeDailyLimit(database.db, { nowMs: systemClock.nowMs() }, {
          institution: slug, contractId, policy: institution.policy, newLimitYen: LOW_LIMIT_YEN, tokenRegistered: true, otpProof: null, actor: 'system',
        });
        if (!lowered.ok) throw new Error(`lowering the limit of ${slug}/${contractId} failed: ${lowered.error}`);
      }
      seeded[index] = { slug, contractId, accountNumber: demoAccountNumber(contractId), bindingId: row.token_binding_id!, token, lowLimit, registeredStep };
    };
    const worker = async () => {
      while (next < plan.length) {
        await openOne(next++);
        done++;
        if (done % 500 === 0) input.log(`  ${done.toLocaleString('en')} customers open (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    };
    await Promise.all(Array.from({ length: input.concurrency ?? 8 }, worker));
    return seeded;
  } finally {
    await database.close();
  }
}
