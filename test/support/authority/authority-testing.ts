// Test support for the authority: a fresh database per test (either dialect), a moved clock,
// an in-memory keyring, two relying parties, and tokens whose codes a test can compute.
import { createTestDatabase, type TestDatabase } from '../db/testing.js';
import type { DialectName } from '../../../src/db/database.js';
import { createHmacKey, generateTotp, generateTransactionCode, type HmacKey } from '../../../src/otp/index.js';
import { manualClock, systemRandomBytes, type ManualClock } from '../../../src/shared/clock.js';
import { createAuthority, type Authority } from '../../../src/authority/authority-service.js';
import type { AuthorityPolicy } from '../../../src/authority/authority-policy.js';
import { createKeyring, type Keyring } from '../../../src/authority/keyring.js';

/** A step boundary of both 30-second TOTP steps and one-minute OCRA steps. */
export const T0 = Date.UTC(2026, 3, 1, 0, 0, 0);
export const STEP_MS = 30_000;

export interface TestAuthority {
  database: TestDatabase;
  clock: ManualClock;
  keyring: Keyring;
  masterKeySpec: string; // the keyring as MAMORI_MASTER_KEY, for child processes
  authority: Authority;
  close(): Promise<void>;
}

export interface TestAuthorityOptions {
  policy?: Partial<AuthorityPolicy>;
  poolSize?: number;
}

export async function createTestAuthority(dialect: DialectName, options: TestAuthorityOptions = {}): Promise<TestAuthority> {
  const database = await createTestDatabase(dialect, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  // 5 s into a step: a code made "now" is the centre step.
  const clock = manualClock(T0 + 5_000);
  const masterKey = systemRandomBytes(32);
  const keyring = createKeyring({ keys: new Map([['k1', masterKey]]), activeKeyId: 'k1', randomBytes: systemRandomBytes });
  const authority = createAuthority({ database, keyring, clock, randomBytes: systemRandomBytes, ...(options.policy ? { policy: options.policy } : {}) });
  await authority.ensureRelyingParty({ id: 'bank-a', name: 'Bank A' });
  await authority.ensureRelyingParty({ id: 'bank-b', name: 'Bank B' });
  return { database, clock, keyring, masterKeySpec: `k1:${Buffer.from(masterKey).toString('base64')}`, authority, close: () => database.close() };
}

type Work = (t: TestAuthority) => Promise<void>;

/** A fresh test authority (as createTestAuthority) for `work`, a test's body; closed after it, whatever it does. */
export function withTestAuthority(dialect: DialectName, work: Work): Promise<void>;
export function withTestAuthority(dialect: DialectName, options: TestAuthorityOptions, work: Work): Promise<void>;
export async function withTestAuthority(dialect: DialectName, ...rest: [Work] | [TestAuthorityOptions, Work]): Promise<void> {
  const [options, work] = rest.length === 1 ? [{}, rest[0]] : rest;
  const t = await createTestAuthority(dialect, options);
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

/** A token bound to `subject` at `relyingParty` one step ago, so that the current step stays unspent (and no drift is learnt). */
export async function boundTestToken(t: TestAuthority, relyingParty = 'bank-a', subject = '1000000001'): Promise<{ token: TestToken; bindingId: string }> {
  const token = await provisionTestToken(t);
  t.clock.advance(-STEP_MS);
  const bound = await t.authority.clientFor(relyingParty).bind({ serial: token.serial, subject, code: token.codeAt(t.clock.nowMs()) });
  t.clock.advance(STEP_MS);
  if (!bound.ok) throw new Error(`binding the test token failed: ${JSON.stringify(bound)}`);
  return { token, bindingId: bound.bindingId };
}

export interface TestToken {
  serial: string;
  secret: Uint8Array;
  key: HmacKey;
  /** The login code the token shows at `nowMs`. */
  codeAt(nowMs: number): string;
  transactionCodeAt(input: { nowMs: number; payeeAccount: string; amountYen?: number }): string;
}

export function testToken(serial: string, secret: Uint8Array): TestToken {
  const key = createHmacKey('SHA1', secret);
  return {
    serial,
    secret,
    key,
    codeAt: (nowMs) => generateTotp({ key, nowMs, periodSeconds: 30, digits: 6 }),
    transactionCodeAt: (input) => generateTransactionCode({ key, ...input }),
  };
}

/** A plain token; its secret is read back through the keyring (what the authority holds). */
export async function provisionTestToken(t: Pick<TestAuthority, 'authority' | 'database' | 'keyring'>, kind: 'mobile' | 'desktop' = 'mobile'): Promise<TestToken> {
  const result = await t.authority.provisionToken({ kind });
  if (!result.ok || !('secret' in result.token)) throw new Error('plain provisioning failed');
  const row = await t.database.db.selectFrom('tokens').selectAll().where('serial', '=', result.token.serial).executeTakeFirstOrThrow();
  return testToken(row.serial, t.keyring.open({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, row.serial));
}

/** A code the token does not show now (nor one step around it). */
export function wrongCode(token: TestToken, nowMs: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => token.codeAt(nowMs + d * STEP_MS)));
  for (let n = 0; ; n++) {
    const code = String((123_456 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}
