// Transfers to other banks leave the customer's account into the institution's clearing
// account; here they are listed for the hand-over to the interbank clearing (内国為替).
//
// Out of scope: the 全銀 (Zengin) fixed-length record format and the clearing network itself.
// The export is a plain CSV (RFC 4180, UTF-8) that an operator or a converter takes from here;
// marking rows exported is its own audited step, so a failed hand-over can be repeated.
import type { Kysely } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import { zenginAccountTypeCode } from './payee-input.js';
import { transferFromRow, type TransferView } from './transfer-store.js';

export interface OutgoingTransfer extends TransferView {
  sourceBranchCode: string;
  sourceAccountNumber: string;
  sourceHolderName: string;
}

export async function listOutgoingForExport(
  db: Kysely<Schema>,
  input: { institution: string; includeExported?: boolean; businessDay?: string },
): Promise<OutgoingTransfer[]> {
  let query = db
    .selectFrom('transfers as t')
    .innerJoin('accounts as a', 'a.id', 't.source_account_id')
    .selectAll('t')
    .select(['a.branch_code as source_branch_code', 'a.account_number as source_account_number', 'a.holder_name as source_holder_name'])
    .where('t.institution', '=', input.institution)
    .where('t.kind', '=', 'external')
    .where('t.status', '=', 'done');
  if (!input.includeExported) query = query.where('t.exported_at', 'is', null);
  if (input.businessDay !== undefined) query = query.where('t.business_day', '=', input.businessDay);
  const rows = await query.orderBy('t.reference_no').execute();
  return rows.map((row) => ({
    ...transferFromRow(row),
    sourceBranchCode: row.source_branch_code ?? '',
    sourceAccountNumber: row.source_account_number ?? '',
    sourceHolderName: row.source_holder_name,
  }));
}

/** Marks transfers handed over; only done, external, not yet exported ones are touched. */
export async function markTransfersExported(
  db: Kysely<Schema>,
  deps: { nowMs: number },
  input: { institution: string; transferIds: string[]; actor: string },
): Promise<{ marked: number }> {
  if (input.transferIds.length === 0) return { marked: 0 };
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('transfers')
      .set({ exported_at: deps.nowMs })
      .where('institution', '=', input.institution)
      .where('id', 'in', input.transferIds)
      .where('kind', '=', 'external')
      .where('status', '=', 'done')
      .where('exported_at', 'is', null)
      .executeTakeFirst();
    const marked = Number(result.numUpdatedRows);
    await appendAudit(trx, {
      chain: input.institution,
      at: deps.nowMs,
      actor: input.actor,
      action: 'transfers_exported',
      details: { marked, requested: input.transferIds.length },
    });
    return { marked };
  });
}

export const OUTGOING_CSV_HEADER = [
  'reference_no',
  'business_day',
  'confirmed_at_jst',
  'source_branch_code',
  'source_account_number',
  'source_holder_name',
  'payee_bank_code',
  'payee_bank_name',
  'payee_branch_code',
  'payee_branch_name',
  'payee_account_type', // zengin 預金種目: 1 普通, 2 当座, 4 貯蓄
  'payee_account_number',
  'payee_name',
  'amount_yen',
] as const;

export function formatOutgoingCsv(rows: readonly OutgoingTransfer[]): string {
  const lines = [OUTGOING_CSV_HEADER.join(',')];
  for (const t of rows) {
    lines.push(
      [
        t.referenceNo ?? '',
        t.businessDay ?? '',
        t.confirmedAtMs === null ? '' : jstTimestamp(t.confirmedAtMs),
        t.sourceBranchCode,
        t.sourceAccountNumber,
        t.sourceHolderName,
        t.payee.bankCode,
        t.payee.bankName,
        t.payee.branchCode,
        t.payee.branchName,
        zenginAccountTypeCode(t.payee.accountType),
        t.payee.accountNumber,
        t.payee.name,
        String(t.amountYen),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  // RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(value) && !/^-?\d+$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function jstTimestamp(ms: number): string {
  return `${new Date(ms + 9 * 3600_000).toISOString().slice(0, 19)}+09:00`;
}
