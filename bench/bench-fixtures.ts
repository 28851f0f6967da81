// Data for the authority benchmarks: a fresh migrated database (either dialect), a keyring, a
// relying party with its API key, and tokens with bindings written straight into the
// authority's tables in bulk. Provisioning them through the API would cost a transaction and an
// audit row each (minutes for 100,000 tokens) and measure nothing we want here.
//
// Every fixture token is what the authority itself would store: a random 160-bit secret sealed
// with the keyring (AES-256-GCM, AAD = the serial), RFC 6238 defaults, state active.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createAuthority, createKeyring, type Authority, type AuthorityPolicy, type Keyring } from '../src/authority/authority.js';
import type { DialectName } from '../src/db/database.js';
import { createTestDatabase, type TestDatabase } from '../test/support/db/testing.js';
import { createHmacKey, generateSerial, generateTotpAtStep, timeStepAt, type HmacKey } from '../src/otp/index.js';
import { manualClock, systemRandomBytes, type ManualClock } from '../src/shared/clock.js';

/** A fixed instant, 5 s into a 30-second step: codes made for it never straddle a boundary. */
export const BENCH_NOW_MS = Date.UTC(2026, 10, 21, 0, 0, 5);
export const PERIOD_SECONDS = 30;
export const BENCH_RELYING_PARTY = 'bench-bank';

export interface BenchToken {
  serial: string;
  bindingId: string;
  key: HmacKey;
}

export interface BenchWorld {
  database: TestDatabase;
  keyring: Keyring;
  /** The keyring as MAMORI_MASTER_KEY, for a child process. */
  masterKeySpec: string;
  clock: ManualClock;
  authority: Authority;
  apiKey: string;
  close(): Promise<void>;
}

export async function createBenchWorld(dialect: DialectName, options: { policy?: Partial<AuthorityPolicy>; poolSize?: number; nowMs?: number } = {}): Promise<BenchWorld> {
  const database = await createTestDatabase(dialect, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  const masterKey = systemRandomBytes(32);
  const keyring = createKeyring({ keys: new Map([['k1', masterKey]]), activeKeyId: 'k1', randomBytes: systemRandomBytes });
  const clock = manualClock(options.nowMs ?? BENCH_NOW_MS);
  const authority = createAuthority({ database, keyring, clock, randomBytes: systemRandomBytes, ...(options.policy ? { policy: options.policy } : {}) });
  const { apiKey } = await authority.registerRelyingParty({ id: BENCH_RELYING_PARTY, name: 'Bench Bank' });
  return {
    database,
    keyring,
    masterKeySpec: `k1:${Buffer.from(masterKey).toString('base64')}`,
    clock,
    authority,
    apiKey,
    close: () => database.close(),
  };
}

/** Fixture tokens per kind: 7-digit serials ending in 5 (see fixtureSerial). */
const FIXTURES_PER_KIND = 1_000_000;

/**
 * Serial number `index` of a fixture: 7 digits that end in 5, so they never collide with the
 * filler rows of `insertFillerTokens` (whose 7 digits end in 0), with a correct Luhn digit;
 * the first million are mobile tokens (MMOB…), the next million desktop ones (MDSK…).
 */
export function fixtureKind(index: number): 'mobile' | 'desktop' {
  if (!Number.isSafeInteger(index) || index < 0 || index >= 2 * FIXTURES_PER_KIND) throw new RangeError('fixture index must be 0 to 1,999,999');
  return index < FIXTURES_PER_KIND ? 'mobile' : 'desktop';
}

export function fixtureSerial(index: number): string {
  const kind = fixtureKind(index);
  return generateSerial({ kind, randomDigits: String((index % FIXTURES_PER_KIND) * 10 + 5).padStart(7, '0') });
}

function randomBindingId(): string {
  return `bnd_${randomBytes(16).toString('base64url')}`;
}

/**
 * Inserts `count` tokens, each with one binding of the bench relying party whose replay floor
 * is `floorStep`. Returns them with their HMAC keys, so a caller can compute their codes.
 */
export async function insertBenchTokens(world: BenchWorld, input: { count: number; firstIndex?: number; floorStep?: number }): Promise<BenchToken[]> {
  const { db } = world.database;
  const nowMs = world.clock.nowMs();
  const first = input.firstIndex ?? 0;
  const tokens: BenchToken[] = [];
  const batchSize = 500;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < input.count; start += batchSize) {
      const tokenRows = [];
      const bindingRows = [];
      for (let i = start; i < Math.min(input.count, start + batchSize); i++) {
        const serial = fixtureSerial(first + i);
        const secret = systemRandomBytes(20);
        const sealed = world.keyring.seal(secret, serial);
        const bindingId = randomBindingId();
        tokens.push({ serial, bindingId, key: createHmacKey('SHA1', secret) });
        tokenRows.push({
          serial,
          kind: fixtureKind(first + i),
          algorithm: 'SHA1' as const,
          digits: 6,
          period_seconds: PERIOD_SECONDS,
          secret_ciphertext: sealed.ciphertext,
          secret_key_id: sealed.keyId,
          state: 'active' as const,
          created_at: nowMs,
          updated_at: nowMs,
        });
        bindingRows.push({
          id: bindingId,
          relying_party_id: BENCH_RELYING_PARTY,
          serial,
          subject: String(1_000_000_000 + first + i),
          last_step: input.floorStep ?? -1,
          created_at: nowMs,
          deleted_at: null,
        });
      }
      await trx.insertInto('tokens').values(tokenRows).execute();
      await trx.insertInto('bindings').values(bindingRows).execute();
    }
  });
  // PostgreSQL plans by its statistics; a table that grew since the last ANALYZE (autovacuum
  // runs when it likes) can get another plan than a production table of that size would.
  if (world.database.dialect === 'postgres') await sql`ANALYZE tokens, bindings`.execute(db);
  return tokens;
}

/**
 * Adds `count` filler tokens, each with a binding, in two set-based statements (a recursive
 * CTE on SQLite, generate_series on PostgreSQL). They exist to make the tables and their
 * indexes big; none is ever verified, so they share one dummy ciphertext (it would not open:
 * the AAD is the serial). Serials: MMOB + 7 digits ending in 0 + a digit, spread over the
 * whole serial space so the fixture tokens sit among them in every index; binding ids are
 * hex digests, spread over the id index the same way.
 */
export async function insertFillerTokens(world: BenchWorld, count: number): Promise<void> {
  if (count <= 0) return;
  if (count > 999_999) throw new RangeError('at most 999,999 filler tokens (7-digit serial space / 10)');
  const { db } = world.database;
  const nowMs = world.clock.nowMs();
  const dummy = world.keyring.seal(systemRandomBytes(20), 'FILLER000000');
  const rp = BENCH_RELYING_PARTY;
  if (world.database.dialect === 'sqlite') {
    // SQLite: one statement per table over a recursive CTE, in one transaction.
    await db.transaction().execute(async (trx) => {
      await sql`
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
        INSERT INTO tokens (serial, kind, algorithm, digits, period_seconds, secret_ciphertext, secret_key_id, state, created_at, updated_at)
        SELECT 'MMOB' || substr('0000000' || (i * 10), -7, 7) || (i % 10), 'mobile', 'SHA1', 6, 30, ${dummy.ciphertext}, ${dummy.keyId}, 'active', ${nowMs}, ${nowMs}
        FROM n`.execute(trx);
      await sql`
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
        INSERT INTO bindings (id, relying_party_id, serial, subject, last_step, last_transaction_step, created_at, deleted_at)
        SELECT 'bnd_' || lower(hex(randomblob(16))), ${rp}, 'MMOB' || substr('0000000' || (i * 10), -7, 7) || (i % 10), CAST(2000000000 + i AS TEXT), -1, -1, ${nowMs}, NULL
        FROM n`.execute(trx);
    });
    await sql`ANALYZE`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO tokens (serial, kind, algorithm, digits, period_seconds, secret_ciphertext, secret_key_id, state, created_at, updated_at)
      SELECT 'MMOB' || lpad((i * 10)::text, 7, '0') || (i % 10)::text, 'mobile', 'SHA1', 6, 30, ${dummy.ciphertext}, ${dummy.keyId}, 'active', ${nowMs}::bigint, ${nowMs}::bigint
      FROM generate_series(1, ${count}::int) AS i`.execute(trx);
    await sql`
      INSERT INTO bindings (id, relying_party_id, serial, subject, last_step, last_transaction_step, created_at, deleted_at)
      SELECT 'bnd_' || md5(i::text || ${String(nowMs)}), ${rp}, 'MMOB' || lpad((i * 10)::text, 7, '0') || (i % 10)::text, (2000000000 + i)::text, -1, -1, ${nowMs}::bigint, NULL
      FROM generate_series(1, ${count}::int) AS i`.execute(trx);
  });
  await sql`ANALYZE tokens, bindings`.execute(db);
}

/** The step the authority calls "now" at `nowMs` (RFC 6238 T). */
export function stepAt(nowMs: number): number {
  return timeStepAt({ nowMs, periodSeconds: PERIOD_SECONDS });
}

/** The code a token shows at `step`. */
export function codeAtStep(token: BenchToken, step: number): string {
  return generateTotpAtStep({ key: token.key, timeStep: step, digits: 6 });
}

/**
 * The tokens whose code for centre+1 differs from their codes for centre and centre-1: only
 * those cost a verifier all three HMACs (one token in 500,000 shows one code at two steps;
 * among hundreds of thousands of fresh tokens a few do).
 */
export function lastCandidateOnly(tokens: BenchToken[], centreStep: number): BenchToken[] {
  return tokens.filter((token) => {
    const last = codeAtStep(token, centreStep + 1);
    return last !== codeAtStep(token, centreStep) && last !== codeAtStep(token, centreStep - 1);
  });
}

/** A 6-digit code that matches none of the steps centre-2 … centre+2 of this token. */
export function wrongCodeFor(token: BenchToken, centreStep: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => codeAtStep(token, centreStep + d)));
  for (let n = 0; ; n++) {
    const code = String((314_159 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}
