// Double-entry posting: one journal entry, two or more postings that sum to zero, applied
// inside the caller's transaction (which also writes the audit record).
//
// Each posting moves an account's balance with one conditional update, so two concurrent
// debits can never both pass the balance check:
//   UPDATE accounts SET balance = balance + :amt, last_seq = last_seq + 1
//    WHERE id = :id AND (role <> 'customer' OR balance + :amt >= 0) RETURNING balance, last_seq
// Accounts are updated in ascending id order, so transactions that touch the same accounts
// take their row locks in one order and cannot deadlock each other (PostgreSQL).
import type { Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import type { JournalEntryKind } from './ledger.tables.js';

export interface PostingInput {
  accountId: string;
  amountYen: number; // positive credits, negative debits; never 0
  description: string;
}

export interface JournalEntryInput {
  entryId: string;
  institution: string;
  kind: JournalEntryKind;
  transferId: string | null;
  nowMs: number;
  actor: string;
  postings: PostingInput[];
}

export interface PostedBalance {
  accountId: string;
  balanceAfterYen: number;
}

export type PostJournalEntryResult =
  | { ok: true; entryId: string; balances: PostedBalance[] }
  | { ok: false; error: 'insufficient_funds'; accountId: string };

/** Throws a TypeError on misuse (unbalanced entry, non-integer yen); the caller rolls back on `ok: false`. */
export async function postJournalEntry(trx: Transaction<Schema>, input: JournalEntryInput): Promise<PostJournalEntryResult> {
  assertBalancedEntry(input.postings);
  await trx
    .insertInto('journal_entries')
    .values({
      id: input.entryId,
      institution: input.institution,
      kind: input.kind,
      transfer_id: input.transferId,
      posted_at: input.nowMs,
      actor: input.actor,
    })
    .execute();
  // A stable sort: two postings on one account keep the order the caller gave them.
  const ordered = [...input.postings].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  const balances: PostedBalance[] = [];
  for (const posting of ordered) {
    const amount = posting.amountYen;
    let update = trx
      .updateTable('accounts')
      .set((eb) => ({ balance: eb('balance', '+', amount), last_seq: eb('last_seq', '+', 1) }))
      .where('id', '=', posting.accountId)
      .where('institution', '=', input.institution);
    if (amount < 0) {
      update = update.where((eb) => eb.or([eb('role', '<>', 'customer'), eb('balance', '>=', -amount)]));
    }
    const row = await update.returning(['balance', 'last_seq']).executeTakeFirst();
    if (!row) {
      const exists = await trx
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', posting.accountId)
        .where('institution', '=', input.institution)
        .executeTakeFirst();
      if (!exists) throw new TypeError(`posting to unknown account ${posting.accountId} of ${input.institution}`);
      return { ok: false, error: 'insufficient_funds', accountId: posting.accountId };
    }
    const balanceAfter = Number(row.balance);
    await trx
      .insertInto('postings')
      .values({
        account_id: posting.accountId,
        seq: Number(row.last_seq),
        entry_id: input.entryId,
        amount,
        balance_after: balanceAfter,
        description: posting.description,
        posted_at: input.nowMs,
      })
      .execute();
    balances.push({ accountId: posting.accountId, balanceAfterYen: balanceAfter });
  }
  return { ok: true, entryId: input.entryId, balances };
}

function assertBalancedEntry(postings: PostingInput[]): void {
  if (postings.length < 2) throw new TypeError('a journal entry needs at least two postings');
  let sum = 0;
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amountYen) || p.amountYen === 0) {
      throw new TypeError(`a posting amount must be a non-zero safe integer of yen, not ${p.amountYen}`);
    }
    sum += p.amountYen;
  }
  if (!Number.isSafeInteger(sum)) throw new TypeError('postings exceed the safe integer range');
  if (sum !== 0) throw new TypeError(`a journal entry must sum to zero, not ${sum}`);
}
