// Deposits (入金): the only way money enters the ledger, from the institution's demo funding
// account, whose balance therefore goes negative by exactly the money in circulation.
import type { Kysely } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import type { RandomBytes } from '../../shared/clock.js';
import { postJournalEntry } from './journal.js';
import { systemAccountId } from './accounts.js';
import { newId, transactOutcome } from './transact.js';

/** The largest single deposit, far inside the safe integer range so sums stay exact. */
export const MAX_DEPOSIT_YEN = 1_000_000_000_000;

export type DepositResult =
  | { ok: true; entryId: string; balanceAfterYen: number }
  | { ok: false; error: 'amount_not_positive' | 'amount_too_large' | 'account_not_found' };

export async function deposit(
  db: Kysely<Schema>,
  deps: { nowMs: number; randomBytes: RandomBytes },
  input: { accountId: string; amountYen: number; actor: string; description?: string },
): Promise<DepositResult> {
  if (!Number.isSafeInteger(input.amountYen) || input.amountYen <= 0) return { ok: false, error: 'amount_not_positive' };
  if (input.amountYen > MAX_DEPOSIT_YEN) return { ok: false, error: 'amount_too_large' };
  return transactOutcome(db, async (trx): Promise<DepositResult> => {
    const account = await trx
      .selectFrom('accounts')
      .select(['institution', 'contract_id'])
      .where('id', '=', input.accountId)
      .where('role', '=', 'customer')
      .executeTakeFirst();
    if (!account) return { ok: false, error: 'account_not_found' };
    const entryId = newId(deps.randomBytes, 'je');
    const posted = await postJournalEntry(trx, {
      entryId,
      institution: account.institution,
      kind: 'deposit',
      transferId: null,
      nowMs: deps.nowMs,
      actor: input.actor,
      postings: [
        { accountId: systemAccountId(account.institution, 'demo_funding'), amountYen: -input.amountYen, description: 'デモ入金' },
        { accountId: input.accountId, amountYen: input.amountYen, description: input.description ?? '入金' },
      ],
    });
    // Demo funding is a system account, so its debit never fails.
    if (!posted.ok) throw new Error('deposit: demo funding refused a debit');
    await appendAudit(trx, {
      chain: account.institution,
      at: deps.nowMs,
      actor: input.actor,
      action: 'deposit_posted',
      subject: account.contract_id ?? '',
      details: { accountId: input.accountId, amountYen: input.amountYen, entryId },
    });
    const balance = posted.balances.find((b) => b.accountId === input.accountId);
    return { ok: true, entryId, balanceAfterYen: balance!.balanceAfterYen };
  });
}
