// Reading transfers: rows to views, and the lookups the pages and the confirm step need.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import type { PayeeAccountType, TransferKind, TransferStatus, TransferTable } from './transfers.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;
export type TransferRow = Selectable<TransferTable>;

export interface TransferPayee {
  bankCode: string;
  bankName: string;
  branchCode: string;
  branchName: string;
  accountType: PayeeAccountType;
  accountNumber: string;
  name: string;
}

export interface TransferView {
  id: string;
  idempotencyKey: string;
  institution: string;
  contractId: string;
  sourceAccountId: string;
  kind: TransferKind;
  payee: TransferPayee;
  /** The payee's account here, for internal transfers; null for other banks. */
  payeeAccountId: string | null;
  amountYen: number;
  feeYen: number;
  status: TransferStatus;
  /** Digit positions of the confirmation password asked for this transfer (1-based), if any. */
  passwordPositions: number[] | null;
  createdAtMs: number;
  expiresAtMs: number;
  confirmedAtMs: number | null;
  businessDay: string | null;
  referenceNo: string | null;
}

export function transferFromRow(row: TransferRow): TransferView {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    institution: row.institution,
    contractId: row.contract_id,
    sourceAccountId: row.source_account_id,
    kind: row.kind,
    payee: {
      bankCode: row.payee_bank_code,
      bankName: row.payee_bank_name,
      branchCode: row.payee_branch_code,
      branchName: row.payee_branch_name,
      accountType: row.payee_account_type,
      accountNumber: row.payee_account_number,
      name: row.payee_name,
    },
    payeeAccountId: row.payee_account_id,
    amountYen: Number(row.amount_yen),
    feeYen: Number(row.fee_yen),
    status: row.status,
    passwordPositions: row.password_positions === null ? null : (JSON.parse(row.password_positions) as number[]),
    createdAtMs: Number(row.created_at),
    expiresAtMs: Number(row.expires_at),
    confirmedAtMs: row.confirmed_at === null ? null : Number(row.confirmed_at),
    businessDay: row.business_day,
    referenceNo: row.reference_no,
  };
}

/** The shape of every transfer id (newId(…, 'tr')): anything else names no transfer. */
export const TRANSFER_ID_PATTERN = /^tr_[0-9a-f]{32}$/;

/**
 * A transfer of this contract at this institution; undefined for anyone else's, and for an id
 * of another shape, which never reaches the database (PostgreSQL refuses a NUL in text with an
 * error: a 500 page for `payees/from/%00`).
 */
export async function findTransferOfContract(
  db: Db,
  input: { institution: string; contractId: string; transferId: string },
): Promise<TransferView | undefined> {
  if (!TRANSFER_ID_PATTERN.test(input.transferId)) return undefined;
  const row = await db
    .selectFrom('transfers')
    .selectAll()
    .where('id', '=', input.transferId)
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
  return row ? transferFromRow(row) : undefined;
}

/** The contract's confirmed transfers, newest first (振込履歴). */
export async function listDoneTransfers(
  db: Db,
  input: { institution: string; contractId: string; limit: number },
): Promise<TransferView[]> {
  const rows = await db
    .selectFrom('transfers')
    .selectAll()
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('status', '=', 'done')
    .orderBy('confirmed_at', 'desc')
    .orderBy('reference_no', 'desc')
    .limit(input.limit)
    .execute();
  return rows.map(transferFromRow);
}
