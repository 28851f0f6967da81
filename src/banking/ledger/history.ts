// 入出金明細: an account's postings, newest first, a page at a time. Postings are numbered
// 1..last_seq per account, so a page is a range of sequence numbers read by the primary key:
// the cost of page 1 does not grow with the account's age.
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../../db/schema.js';
import type { PostingTable } from './ledger.tables.js';

export const MAX_PAGE_SIZE = 100;

export interface HistoryLine {
  seq: number;
  postedAtMs: number;
  amountYen: number; // positive 入金 (credit), negative 出金 (debit)
  balanceAfterYen: number;
  description: string;
  entryId: string;
}

export interface HistoryPage {
  items: HistoryLine[];
  page: number; // 1-based, clamped to the pages that exist
  pageSize: number;
  totalItems: number;
  pageCount: number; // at least 1, so an empty history still has a page to show
}

/** The columns of `postings` a history line is read from. */
export const HISTORY_COLUMNS = ['seq', 'posted_at', 'amount', 'balance_after', 'description', 'entry_id'] as const;

/** A row of those columns as a history line. */
export function historyLineOf(r: Pick<Selectable<PostingTable>, (typeof HISTORY_COLUMNS)[number]>): HistoryLine {
  return {
    seq: Number(r.seq),
    postedAtMs: Number(r.posted_at),
    amountYen: Number(r.amount),
    balanceAfterYen: Number(r.balance_after),
    description: r.description,
    entryId: r.entry_id,
  };
}

export async function listHistory(
  db: Kysely<Schema>,
  input: { accountId: string; page: number; pageSize: number },
): Promise<HistoryPage | undefined> {
  if (!Number.isInteger(input.pageSize) || input.pageSize < 1 || input.pageSize > MAX_PAGE_SIZE) {
    throw new TypeError(`pageSize must be 1 to ${MAX_PAGE_SIZE}`);
  }
  const account = await db.selectFrom('accounts').select('last_seq').where('id', '=', input.accountId).executeTakeFirst();
  if (!account) return undefined;
  const totalItems = Number(account.last_seq);
  const pageCount = Math.max(1, Math.ceil(totalItems / input.pageSize));
  const page = Number.isInteger(input.page) ? Math.min(Math.max(input.page, 1), pageCount) : 1;
  const highestSeq = totalItems - (page - 1) * input.pageSize;
  const rows = await db
    .selectFrom('postings')
    .select(HISTORY_COLUMNS)
    .where('account_id', '=', input.accountId)
    .where('seq', '<=', highestSeq)
    .orderBy('seq', 'desc')
    .limit(input.pageSize)
    .execute();
  return {
    items: rows.map(historyLineOf),
    page,
    pageSize: input.pageSize,
    totalItems,
    pageCount,
  };
}
