// 振込先登録: payees a contract keeps for reuse. A registered payee is validated like a typed
// one (codes, account number, name) and its bank and branch must exist in the directory;
// each change is audited. Using one fills in the transfer form — it is then prepared and
// confirmed like any other transfer, with the same checks.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import type { RandomBytes } from '../../shared/clock.js';
import { isUniqueViolation, newId } from '../ledger/transact.js';
import { findBank, findBranch } from './bank-directory.js';
import { validatePayeeInput, type PayeeField, type PayeeInput, type PayeeInputError } from './payee-input.js';
import { platformBanks } from './platform-banks.js';
import type { RegisteredPayeeTable } from './transfers.tables.js';

export type RegisteredPayee = Selectable<RegisteredPayeeTable>;

/** Per contract; a list longer than this is no longer a help. */
export const MAX_REGISTERED_PAYEES = 100;
export const MAX_NICKNAME_LENGTH = 30;

export type SavePayeeError =
  | PayeeInputError
  | 'bank_not_found'
  | 'branch_not_found'
  | 'nickname_too_long'
  | 'payee_already_registered'
  | 'too_many_payees'
  | 'payee_not_found';

export type SavePayeeResult = { ok: true; payee: RegisteredPayee } | { ok: false; error: SavePayeeError; field?: PayeeField | 'nickname' };

interface Contract {
  institution: string;
  contractId: string;
}

interface Deps {
  nowMs: number;
  randomBytes: RandomBytes;
}

export function listRegisteredPayees(db: Kysely<Schema>, input: Contract): Promise<RegisteredPayee[]> {
  return db
    .selectFrom('registered_payees')
    .selectAll()
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The shape of every payee id (newId(…, 'py')): anything else names no payee. */
export const PAYEE_ID_PATTERN = /^py_[0-9a-f]{32}$/;

/** The contract's payee; undefined for anyone else's, and for an id of another shape (never queried). */
export async function findRegisteredPayee(db: Kysely<Schema>, input: Contract & { payeeId: string }): Promise<RegisteredPayee | undefined> {
  if (!PAYEE_ID_PATTERN.test(input.payeeId)) return undefined;
  return db
    .selectFrom('registered_payees')
    .selectAll()
    .where('id', '=', input.payeeId)
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
}

async function resolve(db: Kysely<Schema>, input: PayeeInput, nickname: string) {
  const valid = validatePayeeInput(input);
  if (!valid.ok) return valid;
  if ([...nickname].length > MAX_NICKNAME_LENGTH) return { ok: false as const, error: 'nickname_too_long' as const, field: 'nickname' as const };
  const extraBanks = await platformBanks(db);
  const bank = findBank(valid.payee.bankCode, { extraBanks });
  if (!bank) return { ok: false as const, error: 'bank_not_found' as const, field: 'bankCode' as const };
  const branch = findBranch(valid.payee.bankCode, valid.payee.branchCode, { extraBanks });
  if (!branch) return { ok: false as const, error: 'branch_not_found' as const, field: 'branchCode' as const };
  return {
    ok: true as const,
    values: {
      bank_code: valid.payee.bankCode,
      bank_name: bank.name,
      branch_code: valid.payee.branchCode,
      branch_name: branch.name,
      account_type: valid.payee.accountType,
      account_number: valid.payee.accountNumber,
      payee_name: valid.payee.name,
      nickname: nickname.trim(),
    },
  };
}

export async function addRegisteredPayee(
  db: Kysely<Schema>,
  deps: Deps,
  input: Contract & { payee: PayeeInput; nickname?: string; actor: string },
): Promise<SavePayeeResult> {
  const resolved = await resolve(db, input.payee, input.nickname ?? '');
  if (!resolved.ok) return resolved;
  const row: RegisteredPayee = {
    id: newId(deps.randomBytes, 'py'),
    institution: input.institution,
    contract_id: input.contractId,
    ...resolved.values,
    created_at: deps.nowMs,
    updated_at: deps.nowMs,
  };
  return savePayee(db, deps, input, 'payee_registered', async (trx) => {
    const count = await trx
      .selectFrom('registered_payees')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_REGISTERED_PAYEES) return 'too_many_payees';
    await trx.insertInto('registered_payees').values(row).execute();
    return row;
  });
}

export async function updateRegisteredPayee(
  db: Kysely<Schema>,
  deps: Deps,
  input: Contract & { payeeId: string; payee: PayeeInput; nickname?: string; actor: string },
): Promise<SavePayeeResult> {
  const resolved = await resolve(db, input.payee, input.nickname ?? '');
  if (!resolved.ok) return resolved;
  return savePayee(db, deps, input, 'payee_updated', async (trx) => {
    const row = await trx
      .updateTable('registered_payees')
      .set({ ...resolved.values, updated_at: deps.nowMs })
      .where('id', '=', input.payeeId)
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .returningAll()
      .executeTakeFirst();
    return row ?? 'payee_not_found';
  });
}

/**
 * A payee's save: `write` (the payee as written, or why not) in one transaction with its audit
 * record; a payee the contract already has (the unique index) is refused.
 */
async function savePayee(
  db: Kysely<Schema>,
  deps: Pick<Deps, 'nowMs'>,
  input: Contract & { actor: string },
  action: 'payee_registered' | 'payee_updated',
  write: (trx: Transaction<Schema>) => Promise<RegisteredPayee | 'too_many_payees' | 'payee_not_found'>,
): Promise<SavePayeeResult> {
  try {
    return await db.transaction().execute(async (trx): Promise<SavePayeeResult> => {
      const payee = await write(trx);
      if (typeof payee === 'string') return { ok: false, error: payee };
      await appendAudit(trx, {
        chain: input.institution,
        at: deps.nowMs,
        actor: input.actor,
        action,
        subject: input.contractId,
        details: { payeeId: payee.id, payee: `${payee.bank_code}-${payee.branch_code}-${payee.account_number}` },
      });
      return { ok: true, payee };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: 'payee_already_registered' };
    throw error;
  }
}

export async function removeRegisteredPayee(
  db: Kysely<Schema>,
  deps: Pick<Deps, 'nowMs'>,
  input: Contract & { payeeId: string; actor: string },
): Promise<{ ok: true } | { ok: false; error: 'payee_not_found' }> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('registered_payees')
      .where('id', '=', input.payeeId)
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return { ok: false, error: 'payee_not_found' } as const;
    await appendAudit(trx, {
      chain: input.institution,
      at: deps.nowMs,
      actor: input.actor,
      action: 'payee_removed',
      subject: input.contractId,
      details: { payeeId: input.payeeId },
    });
    return { ok: true } as const;
  });
}
