// Accounts (普通預金口座) and branches (取引店舗). A customer account has a 3-digit branch code
// and a 7-digit number unique within its institution and branch; system accounts (clearing
// for other banks' transfers, fees, and the demo's funding source) have neither.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import type { RandomBytes } from '../../shared/clock.js';
import { normalizeHolderName } from './holder-name.js';
import type { AccountRole, AccountTable, BranchTable } from './ledger.tables.js';
import { isUniqueViolation, newId } from './transact.js';

export type Account = Selectable<AccountTable>;
export type Branch = Selectable<BranchTable>;
export type SystemRole = Exclude<AccountRole, 'customer'>;
type Db = Kysely<Schema> | Transaction<Schema>;

export const BRANCH_CODE_PATTERN = /^\d{3}$/;
export const ACCOUNT_NUMBER_PATTERN = /^\d{7}$/;
/** Numbers handed out when the caller names none start here. */
const FIRST_ACCOUNT_NUMBER = 1_000_001;

const SYSTEM_HOLDER_NAMES: Record<SystemRole, string> = {
  clearing: 'ﾀｺｳﾌﾘｺﾐｾｲｻﾝｶﾝｼﾞﾖｳ', // 他行振込精算勘定
  fees: 'ﾃｽｳﾘﾖｳｼﾕｳｴｷ', // 手数料収益
  demo_funding: 'ﾃﾞﾓｼｷﾝ', // デモ資金
};

/** The id of an institution's system account; the row exists once any customer account does. */
export function systemAccountId(institution: string, role: SystemRole): string {
  return `sys_${institution}_${role}`;
}

export async function ensureSystemAccounts(db: Db, institution: string, nowMs: number): Promise<void> {
  for (const role of Object.keys(SYSTEM_HOLDER_NAMES) as SystemRole[]) {
    await db
      .insertInto('accounts')
      .values({
        id: systemAccountId(institution, role),
        institution,
        role,
        contract_id: null,
        branch_code: null,
        account_number: null,
        account_type: 'ordinary',
        holder_name: SYSTEM_HOLDER_NAMES[role],
        balance: 0,
        last_seq: 0,
        opened_at: nowMs,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

export type AddBranchResult = { ok: true; branch: Branch } | { ok: false; error: 'invalid_branch_code' | 'branch_exists' };

export async function addBranch(
  db: Kysely<Schema>,
  deps: { nowMs: number; actor: string },
  input: { institution: string; code: string; name: string; kana: string },
): Promise<AddBranchResult> {
  if (!BRANCH_CODE_PATTERN.test(input.code)) return { ok: false, error: 'invalid_branch_code' };
  const row: Branch = {
    institution: input.institution,
    code: input.code,
    name: input.name,
    kana: input.kana,
    last_account_number: FIRST_ACCOUNT_NUMBER - 1,
    created_at: deps.nowMs,
  };
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('branches').values(row).execute();
      await appendAudit(trx, {
        chain: input.institution,
        at: deps.nowMs,
        actor: deps.actor,
        action: 'branch_added',
        subject: input.code,
        details: { name: input.name },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: 'branch_exists' };
    throw error;
  }
  return { ok: true, branch: row };
}

export function listBranches(db: Db, institution: string): Promise<Branch[]> {
  return db.selectFrom('branches').selectAll().where('institution', '=', institution).orderBy('code').execute();
}

export type OpenAccountError =
  | 'invalid_branch_code'
  | 'invalid_account_number'
  | 'unknown_branch'
  | 'account_number_taken'
  | 'holder_name_empty'
  | 'holder_name_invalid_characters'
  | 'holder_name_too_long';

export type OpenAccountResult = { ok: true; account: Account } | { ok: false; error: OpenAccountError };

export interface NewAccount {
  institution: string;
  contractId: string;
  branchCode: string;
  /** 7 digits; when omitted, the next free number of the branch. */
  accountNumber?: string;
  holderName: string;
  actor: string;
}

/** Opens an ordinary account with a zero balance, with its audit record. */
export async function openAccount(
  db: Kysely<Schema>,
  deps: { nowMs: number; randomBytes: RandomBytes },
  input: NewAccount,
): Promise<OpenAccountResult> {
  if (!BRANCH_CODE_PATTERN.test(input.branchCode)) return { ok: false, error: 'invalid_branch_code' };
  if (input.accountNumber !== undefined && !ACCOUNT_NUMBER_PATTERN.test(input.accountNumber)) {
    return { ok: false, error: 'invalid_account_number' };
  }
  const name = normalizeHolderName(input.holderName);
  if (!name.ok) return { ok: false, error: name.error };
  // A named number may be taken; a counted one may collide with a number named earlier, and
  // then the next attempt takes the next number.
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => openAccountIn(trx, deps, { ...input, holderName: name.value }));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (input.accountNumber !== undefined) return { ok: false, error: 'account_number_taken' };
      if (attempt >= 20) throw error;
    }
  }
}

/**
 * The same inside a caller's transaction (e.g. a branch opening customer and account together).
 * `holderName` must already be normalised; a taken number throws the database's unique
 * violation (see isUniqueViolation), which rolls the caller's transaction back.
 */
export async function openAccountIn(
  trx: Transaction<Schema>,
  deps: { nowMs: number; randomBytes: RandomBytes },
  input: NewAccount,
): Promise<OpenAccountResult> {
  const accountNumber = input.accountNumber ?? (await takeNextAccountNumber(trx, input.institution, input.branchCode));
  const branch = await trx
    .selectFrom('branches')
    .select('code')
    .where('institution', '=', input.institution)
    .where('code', '=', input.branchCode)
    .executeTakeFirst();
  if (!branch || accountNumber === undefined) return { ok: false, error: 'unknown_branch' };
  await ensureSystemAccounts(trx, input.institution, deps.nowMs);
  const account: Account = {
    id: newId(deps.randomBytes, 'acc'),
    institution: input.institution,
    role: 'customer',
    contract_id: input.contractId,
    branch_code: input.branchCode,
    account_number: accountNumber,
    account_type: 'ordinary',
    holder_name: input.holderName,
    balance: 0,
    last_seq: 0,
    opened_at: deps.nowMs,
  };
  await trx.insertInto('accounts').values(account).execute();
  await appendAudit(trx, {
    chain: input.institution,
    at: deps.nowMs,
    actor: input.actor,
    action: 'account_opened',
    subject: input.contractId,
    details: { accountId: account.id, branchCode: input.branchCode, accountNumber },
  });
  return { ok: true, account };
}

/**
 * The branch's next free account number, or undefined for an unknown branch. A number named
 * earlier (the demo accounts 1000001, 1000002, …) may lie ahead of the counter: it is skipped
 * here, in the caller's transaction. Leaving it to the unique index would not do: the
 * violation rolls the counter's increment back with it, so every retry drew the same number.
 */
export async function takeNextAccountNumber(trx: Transaction<Schema>, institution: string, branchCode: string): Promise<string | undefined> {
  for (;;) {
    const row = await trx
      .updateTable('branches')
      .set((eb) => ({ last_account_number: eb('last_account_number', '+', 1) }))
      .where('institution', '=', institution)
      .where('code', '=', branchCode)
      .returning('last_account_number')
      .executeTakeFirst();
    if (!row) return undefined;
    const next = Number(row.last_account_number);
    if (next > 9_999_999) throw new Error(`branch ${branchCode} of ${institution} has no free account numbers`);
    const candidate = String(next).padStart(7, '0');
    const taken = await trx
      .selectFrom('accounts')
      .select('id')
      .where('institution', '=', institution)
      .where('branch_code', '=', branchCode)
      .where('account_number', '=', candidate)
      .executeTakeFirst();
    if (!taken) return candidate;
  }
}

export function findAccount(db: Db, accountId: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}

/** A customer account by its number, as a payee is named (same institution only). */
export function findCustomerAccountByNumber(
  db: Db,
  input: { institution: string; branchCode: string; accountNumber: string },
): Promise<Account | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('institution', '=', input.institution)
    .where('branch_code', '=', input.branchCode)
    .where('account_number', '=', input.accountNumber)
    .where('role', '=', 'customer')
    .executeTakeFirst();
}

export function listAccountsOfContract(db: Db, input: { institution: string; contractId: string }): Promise<Account[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('role', '=', 'customer')
    .orderBy('branch_code')
    .orderBy('account_number')
    .execute();
}

/** The balance kept in the account row, in yen; undefined for an unknown account. */
export async function getBalance(db: Db, accountId: string): Promise<number | undefined> {
  const row = await db.selectFrom('accounts').select('balance').where('id', '=', accountId).executeTakeFirst();
  return row === undefined ? undefined : Number(row.balance);
}
