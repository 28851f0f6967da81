// Test support for the ledger, transfers and limits: institutions and customers inserted
// directly (no password hashing: these tests never sign in), branches, funded accounts.
import type { Kysely } from 'kysely';
import type { Schema } from '../../../../src/db/schema.js';
import { manualClock, type ManualClock } from '../../../../src/shared/clock.js';
import { DEFAULT_POLICY, type InstitutionPolicy } from '../../../../src/banking/institution-policy.js';
import { addBranch, openAccount, type Account } from '../../../../src/banking/ledger/accounts.js';
import { deposit } from '../../../../src/banking/ledger/deposit.js';

/** 2026-11-21 10:00 in Tokyo (01:00 UTC). */
export const TEST_START_MS = Date.UTC(2026, 10, 21, 1, 0, 0);

let counter = 0;
/** Deterministic, non-repeating bytes: ids differ, runs are reproducible. */
export function countingRandomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let n = ++counter;
  for (let i = size - 1; i >= 0 && n > 0; i--) {
    out[i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  out[0] = 0x42;
  return out;
}

export interface TestBank {
  slug: string;
  bankCode: string;
  policy: InstitutionPolicy;
  clock: ManualClock;
}

/** The institutions row of a test bank `slug` (its policy as stored: JSON). */
export function testInstitutionRow(input: { slug: string; bankCode: string; policy: string; nowMs: number }) {
  return {
    slug: input.slug,
    name: `${input.slug}信用金庫`,
    name_en: `${input.slug} Shinkin Bank`,
    bank_code: input.bankCode,
    primary_colour: '#004488',
    support_name: 'サポート',
    support_phone: '0120-000-000',
    support_hours: '9:00-17:00',
    confirmation_mode: 'whole' as const,
    confirmation_positions: 2,
    confirmation_name: '確認用パスワード',
    confirmation_name_en: 'confirmation password',
    policy: input.policy,
    created_at: input.nowMs,
  };
}

export async function seedInstitution(
  db: Kysely<Schema>,
  input: { slug: string; bankCode: string; policy?: Partial<InstitutionPolicy>; clock?: ManualClock },
): Promise<TestBank> {
  const clock = input.clock ?? manualClock(TEST_START_MS);
  const policy = { ...DEFAULT_POLICY, ...input.policy };
  await db.insertInto('institutions').values(testInstitutionRow({ ...input, policy: JSON.stringify(policy), nowMs: clock.nowMs() })).execute();
  const branch = await addBranch(db, { nowMs: clock.nowMs(), actor: 'system' }, { institution: input.slug, code: '001', name: '本店', kana: 'ホンテン' });
  if (!branch.ok) throw new Error(branch.error);
  return { slug: input.slug, bankCode: input.bankCode, policy, clock };
}

export async function seedCustomer(
  db: Kysely<Schema>,
  bank: TestBank,
  input: { contractId: string; tokenBindingId?: string | null; tokenDeregisteredAtMs?: number | null },
): Promise<void> {
  const now = bank.clock.nowMs();
  await db
    .insertInto('customers')
    .values({
      institution: bank.slug,
      contract_id: input.contractId,
      name: 'テスト',
      login_password_hash: 'x',
      confirmation_hash: 'x',
      confirmation_pairs: '{}',
      status: 'active',
      token_binding_id: input.tokenBindingId ?? null,
      token_serial: input.tokenBindingId ? 'SYMC00000000' : null,
      token_kind: input.tokenBindingId ? 'mobile' : null,
      token_registered_at: input.tokenBindingId ? now : null,
      token_deregistered_at: input.tokenDeregisteredAtMs ?? null,
      registration_blocked_until: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** A customer with one ordinary account at branch 001 holding `balanceYen`. */
export async function seedFundedAccount(
  db: Kysely<Schema>,
  bank: TestBank,
  input: { contractId: string; holderName: string; balanceYen: number; accountNumber?: string; tokenBindingId?: string | null },
): Promise<Account> {
  await seedCustomer(db, bank, input);
  const opened = await openAccount(
    db,
    { nowMs: bank.clock.nowMs(), randomBytes: countingRandomBytes },
    { institution: bank.slug, contractId: input.contractId, branchCode: '001', holderName: input.holderName, actor: 'system', ...(input.accountNumber ? { accountNumber: input.accountNumber } : {}) },
  );
  if (!opened.ok) throw new Error(opened.error);
  if (input.balanceYen > 0) {
    const funded = await deposit(db, { nowMs: bank.clock.nowMs(), randomBytes: countingRandomBytes }, { accountId: opened.account.id, amountYen: input.balanceYen, actor: 'system' });
    if (!funded.ok) throw new Error(funded.error);
    return { ...opened.account, balance: funded.balanceAfterYen, last_seq: 1 };
  }
  return opened.account;
}
