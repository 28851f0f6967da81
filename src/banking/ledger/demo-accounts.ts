// The demo customers' ordinary accounts (DESIGN §3.4): branch 001 本店 at each institution,
// account number 1 + the last six digits of the contract ID (1000000001 → 1000001), the
// holder's name in half-width katakana, and ¥3,000,000 deposited from demo funding.
// Idempotent: a customer that already has an account is left alone, so this can run as the
// demo seeding's onCustomerCreated hook AND at every start to repair a half-seeded database.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import type { Clock, RandomBytes } from '../../shared/clock.js';
import { addBranch, listAccountsOfContract, listBranches, openAccount } from './accounts.js';
import { deposit } from './deposit.js';

export const DEMO_BRANCH = { code: '001', name: '本店', kana: 'ホンテン' } as const;
export const DEMO_OPENING_BALANCE_YEN = 3_000_000;

/** Holder names of the demo customers (守 太郎, 守 花子); others get a generic name. */
export const DEMO_HOLDER_NAMES: Readonly<Record<string, string>> = {
  '1000000001': 'ﾏﾓﾘ ﾀﾛｳ',
  '1000000002': 'ﾏﾓﾘ ﾊﾅｺ',
};

export function demoAccountNumber(contractId: string): string {
  return `1${contractId.slice(-6).padStart(6, '0')}`;
}

export type EnsureDemoAccountResult = { created: false } | { created: true; accountId: string; accountNumber: string };

export async function ensureDemoAccount(
  db: Kysely<Schema> | Transaction<Schema>,
  deps: { clock: Clock; randomBytes: RandomBytes },
  input: { institution: string; contractId: string },
): Promise<EnsureDemoAccountResult> {
  if (db.isTransaction) throw new TypeError('ensureDemoAccount opens its own transactions; pass the database, not a transaction');
  if ((await listAccountsOfContract(db, input)).length > 0) return { created: false };
  const nowMs = deps.clock.nowMs();
  if (!(await listBranches(db, input.institution)).some((b) => b.code === DEMO_BRANCH.code)) {
    const added = await addBranch(db, { nowMs, actor: 'system' }, { institution: input.institution, ...DEMO_BRANCH });
    if (!added.ok && added.error !== 'branch_exists') throw new Error(`demo branch: ${added.error}`);
  }
  const opened = await openAccount(db, { nowMs, randomBytes: deps.randomBytes }, {
    institution: input.institution,
    contractId: input.contractId,
    branchCode: DEMO_BRANCH.code,
    accountNumber: demoAccountNumber(input.contractId),
    holderName: DEMO_HOLDER_NAMES[input.contractId] ?? 'ﾃﾞﾓ ｹｲﾔｸｼｬ',
    actor: 'system',
  });
  if (!opened.ok) {
    // Another process seeding the same database at once opened it first.
    if (opened.error === 'account_number_taken' && (await listAccountsOfContract(db, input)).length > 0) return { created: false };
    throw new Error(`demo account for ${input.institution}/${input.contractId}: ${opened.error}`);
  }
  const funded = await deposit(db, { nowMs, randomBytes: deps.randomBytes }, {
    accountId: opened.account.id,
    amountYen: DEMO_OPENING_BALANCE_YEN,
    actor: 'system',
    description: '開設入金',
  });
  if (!funded.ok) throw new Error(`demo deposit: ${funded.error}`);
  return { created: true, accountId: opened.account.id, accountNumber: opened.account.account_number! };
}

/** Each listed contract, at every institution, that has no account gets its demo account (start-up repair). */
export async function ensureDemoAccounts(db: Kysely<Schema>, deps: { clock: Clock; randomBytes: RandomBytes }, contractIds: readonly string[]): Promise<number> {
  if (contractIds.length === 0) return 0;
  const customers = await db.selectFrom('customers').select(['institution', 'contract_id']).where('contract_id', 'in', [...contractIds]).execute();
  let created = 0;
  for (const c of customers) {
    const result = await ensureDemoAccount(db, deps, { institution: c.institution, contractId: c.contract_id });
    if (result.created) created++;
  }
  return created;
}
