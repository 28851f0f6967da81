// Invariants between transfers, the ledger and the limit counters, for the crash and
// concurrency tests (and operators): a done transfer has exactly one journal entry that moves
// exactly its amount and fee out of its source account and has a 受付番号; a pending transfer
// has none; each day's limit usage is the sum of that day's done transfers.
import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.js';

export type TransferProblem =
  | { kind: 'done_without_single_entry'; transferId: string; entries: number }
  | { kind: 'done_without_reference'; transferId: string }
  | { kind: 'pending_with_entry'; transferId: string }
  | { kind: 'source_debit_mismatch'; transferId: string; expectedYen: number; postedYen: number }
  | { kind: 'usage_mismatch'; institution: string; contractId: string; businessDay: string; usedYen: number; transfersYen: number }
  | { kind: 'entry_without_transfer'; entryId: string };

export type TransferCheck = { ok: true; done: number; pending: number } | { ok: false; problems: TransferProblem[] };

export async function checkTransferInvariants(db: Kysely<Schema>): Promise<TransferCheck> {
  const problems: TransferProblem[] = [];
  const transfers = await db
    .selectFrom('transfers')
    .select(['id', 'status', 'entry_id', 'reference_no', 'amount_yen', 'fee_yen', 'source_account_id', 'institution', 'contract_id', 'business_day'])
    .execute();
  const entries = await db.selectFrom('journal_entries').select(['id', 'transfer_id']).where('kind', '=', 'transfer').execute();
  const entriesByTransfer = new Map<string, string[]>();
  for (const entry of entries) {
    if (entry.transfer_id === null) {
      problems.push({ kind: 'entry_without_transfer', entryId: entry.id });
      continue;
    }
    entriesByTransfer.set(entry.transfer_id, [...(entriesByTransfer.get(entry.transfer_id) ?? []), entry.id]);
  }
  const debits = await db
    .selectFrom('postings as p')
    .innerJoin('journal_entries as e', 'e.id', 'p.entry_id')
    .innerJoin('transfers as t', (join) => join.onRef('t.id', '=', 'e.transfer_id').onRef('t.source_account_id', '=', 'p.account_id'))
    .select(['t.id', (eb) => eb.fn.sum<string | number>('p.amount').as('total')])
    .groupBy('t.id')
    .execute();
  const debitByTransfer = new Map(debits.map((d) => [d.id, Number(d.total)]));

  const usageFromTransfers = new Map<string, number>();
  let done = 0;
  let pending = 0;
  for (const t of transfers) {
    const own = entriesByTransfer.get(t.id) ?? [];
    entriesByTransfer.delete(t.id);
    if (t.status === 'pending') {
      pending++;
      if (own.length > 0) problems.push({ kind: 'pending_with_entry', transferId: t.id });
      continue;
    }
    done++;
    if (own.length !== 1 || own[0] !== t.entry_id) problems.push({ kind: 'done_without_single_entry', transferId: t.id, entries: own.length });
    if (t.reference_no === null) problems.push({ kind: 'done_without_reference', transferId: t.id });
    const expectedYen = -(Number(t.amount_yen) + Number(t.fee_yen));
    const postedYen = debitByTransfer.get(t.id) ?? 0;
    if (postedYen !== expectedYen) problems.push({ kind: 'source_debit_mismatch', transferId: t.id, expectedYen, postedYen });
    const key = `${t.institution}\u0000${t.contract_id}\u0000${t.business_day}`;
    usageFromTransfers.set(key, (usageFromTransfers.get(key) ?? 0) + Number(t.amount_yen));
  }
  for (const orphans of entriesByTransfer.values()) for (const entryId of orphans) problems.push({ kind: 'entry_without_transfer', entryId });

  const usage = await db.selectFrom('daily_usage').selectAll().execute();
  for (const row of usage) {
    const key = `${row.institution}\u0000${row.contract_id}\u0000${row.business_day}`;
    const transfersYen = usageFromTransfers.get(key) ?? 0;
    usageFromTransfers.delete(key);
    if (Number(row.used_yen) !== transfersYen) {
      problems.push({ kind: 'usage_mismatch', institution: row.institution, contractId: row.contract_id, businessDay: row.business_day, usedYen: Number(row.used_yen), transfersYen });
    }
  }
  for (const [key, transfersYen] of usageFromTransfers) {
    const [institution = '', contractId = '', businessDay = ''] = key.split('\u0000');
    problems.push({ kind: 'usage_mismatch', institution, contractId, businessDay, usedYen: 0, transfersYen });
  }
  return problems.length === 0 ? { ok: true, done, pending } : { ok: false, problems };
}
