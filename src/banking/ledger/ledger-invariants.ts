// The ledger's invariants, checked from the tables alone (fuzzers, crash tests, operators):
//  1. the balances of all accounts sum to zero — money only enters from demo funding, whose
//     balance is the negative of everything deposited;
//  2. every account's balance equals the sum of its postings, its postings are numbered
//     1..last_seq without gaps, and the latest posting's balance_after is the balance;
//  3. every journal entry has at least two postings and sums to zero;
//  4. no customer account is negative.
import { sql, type Kysely } from 'kysely';
import type { Schema } from '../../db/schema.js';

export type LedgerProblem =
  | { kind: 'sum_not_zero'; institution: string; sumYen: number }
  | { kind: 'balance_mismatch'; accountId: string; balanceYen: number; postingsYen: number }
  | { kind: 'sequence_mismatch'; accountId: string; lastSeq: number; postings: number; highestSeq: number }
  | { kind: 'balance_after_mismatch'; accountId: string; balanceYen: number; balanceAfterYen: number }
  | { kind: 'entry_unbalanced'; entryId: string; sumYen: number; postings: number }
  | { kind: 'negative_balance'; accountId: string; balanceYen: number };

export type LedgerCheck = { ok: true; accounts: number; entries: number } | { ok: false; problems: LedgerProblem[] };

export async function checkLedgerInvariants(db: Kysely<Schema>): Promise<LedgerCheck> {
  const problems: LedgerProblem[] = [];

  const sums = await db
    .selectFrom('accounts')
    .select(['institution', (eb) => eb.fn.sum<string | number>('balance').as('total')])
    .groupBy('institution')
    .execute();
  for (const row of sums) {
    const sumYen = Number(row.total);
    if (sumYen !== 0) problems.push({ kind: 'sum_not_zero', institution: row.institution, sumYen });
  }

  const perAccount = await db
    .selectFrom('accounts as a')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('postings')
          .select([
            'account_id',
            (e) => e.fn.sum<string | number>('amount').as('total'),
            (e) => e.fn.countAll<string | number>().as('n'),
            (e) => e.fn.max<string | number>('seq').as('highest'),
          ])
          .groupBy('account_id')
          .as('p'),
      (join) => join.onRef('p.account_id', '=', 'a.id'),
    )
    .leftJoin('postings as last', (join) => join.onRef('last.account_id', '=', 'a.id').onRef('last.seq', '=', 'a.last_seq'))
    .select(['a.id', 'a.role', 'a.balance', 'a.last_seq', 'p.total', 'p.n', 'p.highest', 'last.balance_after'])
    .execute();
  for (const row of perAccount) {
    const balanceYen = Number(row.balance);
    const postingsYen = Number(row.total ?? 0);
    const count = Number(row.n ?? 0);
    const highestSeq = Number(row.highest ?? 0);
    const lastSeq = Number(row.last_seq);
    if (balanceYen !== postingsYen) problems.push({ kind: 'balance_mismatch', accountId: row.id, balanceYen, postingsYen });
    if (count !== lastSeq || highestSeq !== lastSeq) {
      problems.push({ kind: 'sequence_mismatch', accountId: row.id, lastSeq, postings: count, highestSeq });
    }
    if (lastSeq > 0 && Number(row.balance_after) !== balanceYen) {
      problems.push({ kind: 'balance_after_mismatch', accountId: row.id, balanceYen, balanceAfterYen: Number(row.balance_after) });
    }
    if (row.role === 'customer' && balanceYen < 0) problems.push({ kind: 'negative_balance', accountId: row.id, balanceYen });
  }

  const entries = await db
    .selectFrom('journal_entries as e')
    .leftJoin('postings as p', 'p.entry_id', 'e.id')
    .select([
      'e.id',
      (eb) => eb.fn.coalesce(eb.fn.sum<string | number>('p.amount'), sql<number>`0`).as('total'),
      (eb) => eb.fn.count<string | number>('p.entry_id').as('n'),
    ])
    .groupBy('e.id')
    .execute();
  for (const row of entries) {
    const sumYen = Number(row.total);
    const postings = Number(row.n);
    if (sumYen !== 0 || postings < 2) problems.push({ kind: 'entry_unbalanced', entryId: row.id, sumYen, postings });
  }

  return problems.length === 0 ? { ok: true, accounts: perAccount.length, entries: entries.length } : { ok: false, problems };
}
