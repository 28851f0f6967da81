// Step 1 of a transfer (振込): the input form becomes a validated pending transfer, stored with
// an idempotency key and an expiry, and shown on the confirmation page. Nothing moves yet:
// confirmTransfer posts it, exactly once.
//
// Every refusal is a coded error naming the field it concerns; the form shows its message and
// keeps what was typed. The balance and the limit are checked here for an early answer, and
// again atomically when the transfer is confirmed.
import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.js';
import type { Clock, RandomBytes } from '../../shared/clock.js';
import { newIdempotencyKey } from '../../shared/idempotency-key.js';
import { pickPositions } from '../confirmation-password.js';
import type { ConfirmationMode } from '../banking.tables.js';
import type { InstitutionPolicy } from '../institution-policy.js';
import { findAccount, findCustomerAccountByNumber } from '../ledger/accounts.js';
import { holderNamesMatch } from '../ledger/holder-name.js';
import { newId } from '../ledger/transact.js';
import { getLimitStatus, refusingRule, type LimitRefusal } from '../limits/daily-limit.js';
import { readTransferShaping, type ShapingPolicy } from '../limits/limit-shaping.js';
import { parseAmountYen, type AmountError } from './amount.js';
import { findBank, findBranch } from './bank-directory.js';
import { validatePayeeInput, type PayeeField, type PayeeInput, type PayeeInputError } from './payee-input.js';
import { platformBanks } from './platform-banks.js';
import { DEFAULT_FEE_SCHEDULE, transferFeeYen, type FeeSchedule } from './transfer-fees.js';
import { transferFromRow, type TransferView } from './transfer-store.js';

/** A pending transfer must be confirmed within this time (the page says so). */
export const PENDING_TRANSFER_TTL_MS = 10 * 60_000;

export type PrepareTransferError =
  | AmountError
  | PayeeInputError
  | 'source_account_not_found'
  | 'bank_not_found'
  | 'branch_not_found'
  | 'payee_not_found' // same institution: no such ordinary account
  | 'payee_is_source'
  | 'payee_name_mismatch' // same institution: the name does not match the account holder
  | 'insufficient_funds' // amount + fee above the balance
  | 'limit_exceeded'; // above what is left of today's limit

export type PrepareTransferField = PayeeField | 'amount' | 'sourceAccount';

export type PrepareTransferResult =
  | { ok: true; transfer: TransferView }
  | { ok: false; error: PrepareTransferError; field: PrepareTransferField; remainingYen?: number; /** limit_exceeded: the rule that refused. */ refusal?: LimitRefusal };

export interface TransferInstitution {
  slug: string;
  bankCode: string;
  policy: Pick<InstitutionPolicy, 'dailyLimitDefaultYen'> & ShapingPolicy;
  confirmation: { mode: ConfirmationMode; positions: number };
}

export interface PrepareTransferInput {
  institution: TransferInstitution;
  contractId: string;
  sourceAccountId: string;
  payee: PayeeInput;
  /** As typed into 「金額」. */
  amount: string;
}

export interface PrepareTransferDeps {
  clock: Clock;
  randomBytes: RandomBytes;
  fees?: FeeSchedule;
}

export async function prepareTransfer(db: Kysely<Schema>, deps: PrepareTransferDeps, input: PrepareTransferInput): Promise<PrepareTransferResult> {
  const nowMs = deps.clock.nowMs();
  const source = await findAccount(db, input.sourceAccountId);
  if (!source || source.role !== 'customer' || source.institution !== input.institution.slug || source.contract_id !== input.contractId) {
    return { ok: false, error: 'source_account_not_found', field: 'sourceAccount' };
  }
  const validPayee = validatePayeeInput(input.payee);
  if (!validPayee.ok) return validPayee;
  const payee = validPayee.payee;
  const amount = parseAmountYen(input.amount);
  if (!amount.ok) return { ok: false, error: amount.error, field: 'amount' };

  const extraBanks = await platformBanks(db);
  const bank = findBank(payee.bankCode, { extraBanks });
  if (!bank) return { ok: false, error: 'bank_not_found', field: 'bankCode' };
  const branch = findBranch(payee.bankCode, payee.branchCode, { extraBanks });
  if (!branch) return { ok: false, error: 'branch_not_found', field: 'branchCode' };

  const kind = payee.bankCode === input.institution.bankCode ? 'internal' : 'external';
  let payeeAccountId: string | null = null;
  if (kind === 'internal') {
    const target =
      payee.accountType === 'ordinary'
        ? await findCustomerAccountByNumber(db, { institution: input.institution.slug, branchCode: payee.branchCode, accountNumber: payee.accountNumber })
        : undefined;
    if (!target) return { ok: false, error: 'payee_not_found', field: 'accountNumber' };
    if (target.id === source.id) return { ok: false, error: 'payee_is_source', field: 'accountNumber' };
    if (!holderNamesMatch(payee.name, target.holder_name)) return { ok: false, error: 'payee_name_mismatch', field: 'name' };
    payeeAccountId = target.id;
  }

  const feeYen = transferFeeYen(deps.fees ?? DEFAULT_FEE_SCHEDULE, kind);
  if (Number(source.balance) < amount.value + feeYen) return { ok: false, error: 'insufficient_funds', field: 'amount' };
  const limit = await getLimitStatus(db, {
    institution: input.institution.slug,
    contractId: input.contractId,
    defaultLimitYen: input.institution.policy.dailyLimitDefaultYen,
    nowMs,
  });
  const shaping = await readTransferShaping(db, { institution: input.institution.slug, contractId: input.contractId, payee, policy: input.institution.policy, nowMs });
  const refusal = refusingRule({ amountYen: amount.value, limitYen: limit.limitYen, usedYen: limit.usedYen, newPayeeUsedYen: limit.newPayeeUsedYen, shaping });
  if (refusal) return { ok: false, error: 'limit_exceeded', field: 'amount', remainingYen: refusal.remainingYen, refusal };

  const positions =
    input.institution.confirmation.mode === 'positions' ? pickPositions(input.institution.confirmation.positions, deps.randomBytes) : null;
  const row = {
    id: newId(deps.randomBytes, 'tr'),
    institution: input.institution.slug,
    contract_id: input.contractId,
    source_account_id: source.id,
    kind,
    payee_bank_code: payee.bankCode,
    payee_bank_name: bank.name,
    payee_branch_code: payee.branchCode,
    payee_branch_name: branch.name,
    payee_account_type: payee.accountType,
    payee_account_number: payee.accountNumber,
    payee_name: payee.name,
    payee_account_id: payeeAccountId,
    amount_yen: amount.value,
    fee_yen: feeYen,
    idempotency_key: newIdempotencyKey(deps.randomBytes),
    status: 'pending',
    password_positions: positions === null ? null : JSON.stringify(positions),
    confirming_until: null,
    created_at: nowMs,
    expires_at: nowMs + PENDING_TRANSFER_TTL_MS,
    confirmed_at: null,
    business_day: null,
    reference_no: null,
    entry_id: null,
    exported_at: null,
  } as const;
  await db.insertInto('transfers').values(row).execute();
  return { ok: true, transfer: transferFromRow(row) };
}
