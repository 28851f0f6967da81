// Step 2 of a transfer: the customer's answer (OTP, transaction code or confirmation password)
// confirms the pending transfer, which is posted EXACTLY ONCE:
//  - the pending row flips with a compare-and-set inside the posting transaction
//      UPDATE transfers SET status = 'done', … WHERE id = :id AND status = 'pending'
//    so of any number of concurrent confirms one posts and the rest roll back; a unique index
//    on journal_entries.transfer_id refuses a second entry even if that line were lost;
//  - a double submit, the back button or a retry that finds the transfer done gets the SAME
//    result (same 受付番号, same balance after), rebuilt from the stored rows, without
//    asking for a new code; a concurrent twin waits for the request holding the transfer's
//    confirm lease (see claimConfirmation) rather than sending the same code to the
//    authority, where it would read as a replay and count toward the OTP lock;
//  - a retry must present the pending transfer's idempotency key and the same body (payee and
//    amount) it was prepared with; anything else is refused and changes nothing.
// In the same transaction: the daily limit and its caps shaped in time are consumed (one
// conditional update), the source is
// debited (conditional update: never below zero), the payee — or, for another bank, the
// clearing account — and the fees account are credited, the 受付番号 is taken, and the audit
// record is written. Any refusal rolls all of it back.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import { enqueueNotification } from '../../notifications/enqueue-notification.js';
import { metrics } from '../../observability/mamori-metrics.js';
import type { Clock, RandomBytes } from '../../shared/clock.js';
import { idempotencyKeysEqual } from '../../shared/idempotency-key.js';
import type { ConfirmationMode } from '../banking.tables.js';
import type { InstitutionPolicy } from '../institution-policy.js';
import { systemAccountId } from '../ledger/accounts.js';
import { postJournalEntry, type PostingInput } from '../ledger/journal.js';
import { newId, transactOutcome } from '../ledger/transact.js';
import { businessDayAt, consumeDailyLimit, type LimitRefusal } from '../limits/daily-limit.js';
import { readTransferShaping, type ShapingPolicy } from '../limits/limit-shaping.js';
import {
  decideConfirmChallenge,
  verifyConfirmAnswer,
  type ConfirmAnswer,
  type ConfirmingCustomer,
  type ConfirmPorts,
  type ConfirmVerifyError,
} from './confirm-authentication.js';
import type { Payee } from './payee-input.js';
import { takeReferenceNo } from './reference-number.js';
import { findTransferOfContract, type TransferView } from './transfer-store.js';

/** What the confirmation page showed and the confirm form sends back. */
export interface TransferBody {
  payee: Payee;
  amountYen: number;
}

export interface TransferReceipt {
  transfer: TransferView; // status 'done', with referenceNo
  referenceNo: string;
  /** The source account's balance right after this transfer (お振込後残高). */
  sourceBalanceAfterYen: number;
}

export type ConfirmTransferError =
  | 'transfer_not_found' // unknown id, another contract's, or a wrong idempotency key
  | 'transfer_body_mismatch'
  | 'transfer_expired'
  | 'transfer_in_progress' // a concurrent confirm of the same transfer is still checking its code
  | 'insufficient_funds'
  | 'limit_exceeded'
  | ConfirmVerifyError;

export type ConfirmTransferResult =
  | { ok: true; receipt: TransferReceipt; replayed: boolean }
  | { ok: false; error: ConfirmTransferError; warn?: boolean; remainingAttempts?: number; remainingYen?: number; /** limit_exceeded: the rule that refused. */ refusal?: LimitRefusal };

export interface ConfirmTransferDeps {
  clock: Clock;
  randomBytes: RandomBytes;
  ports: ConfirmPorts;
  /** Defaults CONFIRM_LEASE_MS and CONFIRM_WAIT_MS; tests that kill processes shorten them. */
  confirmLeaseMs?: number;
  confirmWaitMs?: number;
}

export interface ConfirmTransferInput {
  institution: {
    slug: string;
    policy: Pick<InstitutionPolicy, 'dailyLimitDefaultYen' | 'transactionAuth'> & ShapingPolicy;
    confirmation: { mode: ConfirmationMode };
  };
  contractId: string;
  customer: ConfirmingCustomer;
  transferId: string;
  idempotencyKey: string;
  body: TransferBody;
  answer: ConfirmAnswer;
  actor?: string;
}

export async function confirmTransfer(db: Kysely<Schema>, deps: ConfirmTransferDeps, input: ConfirmTransferInput): Promise<ConfirmTransferResult> {
  const ref = { institution: input.institution.slug, contractId: input.contractId, transferId: input.transferId };
  const transfer = await findTransferOfContract(db, ref);
  if (!transfer || !idempotencyKeysEqual(transfer.idempotencyKey, input.idempotencyKey)) return { ok: false, error: 'transfer_not_found' };
  if (!bodyMatches(transfer, input.body)) return { ok: false, error: 'transfer_body_mismatch' };
  if (transfer.status === 'done') return { ok: true, receipt: await receiptOf(db, transfer), replayed: true };
  if (deps.clock.nowMs() > transfer.expiresAtMs) return { ok: false, error: 'transfer_expired' };

  const claim = await claimConfirmation(db, deps, transfer);
  if (claim.kind === 'done') return { ok: true, receipt: await receiptOf(db, claim.transfer), replayed: true };
  if (claim.kind === 'busy') return { ok: false, error: 'transfer_in_progress' };
  try {
    const challenge = decideConfirmChallenge({
      customer: input.customer,
      transactionAuth: input.institution.policy.transactionAuth,
      confirmationMode: input.institution.confirmation.mode,
      transfer: { payeeAccountNumber: transfer.payee.accountNumber, amountYen: transfer.amountYen, passwordPositions: transfer.passwordPositions },
    });
    const verified = await verifyConfirmAnswer(deps.ports, { challenge, customer: input.customer, answer: input.answer });
    if (!verified.ok) return verified;

    const posted = await postTransfer(db, deps, {
      transfer,
      actor: input.actor ?? `customer:${input.contractId}`,
      method: verified.method,
      policy: input.institution.policy,
    });
    if (posted.ok) metrics.transfers.inc({ outcome: 'done' });
    else if (posted.error !== 'already_done') metrics.transfers.inc({ outcome: 'refused' });
    if (posted.ok || posted.error !== 'already_done') return posted;
    // Our lease ran out while the authority answered, and a twin confirmed it meanwhile.
    const done = await findTransferOfContract(db, ref);
    if (done?.status !== 'done') throw new Error(`transfer ${transfer.id}: lost the confirm race but is not done`);
    return { ok: true, receipt: await receiptOf(db, done), replayed: true };
  } finally {
    // Ends our lease if the transfer is still pending (refused, failed or thrown); a done
    // transfer's lease was cleared by the posting itself.
    await db
      .updateTable('transfers')
      .set({ confirming_until: null })
      .where('id', '=', transfer.id)
      .where('status', '=', 'pending')
      .where('confirming_until', '=', claim.leaseUntilMs)
      .execute();
  }
}

/**
 * How long one confirm may hold a transfer while its code is checked: longer than the
 * authority's answer takes, short enough that a retry after a crashed process soon works.
 */
export const CONFIRM_LEASE_MS = 15_000;
/** How long a concurrent confirm waits for the holder before answering "in progress". */
export const CONFIRM_WAIT_MS = 10_000;

type Claim = { kind: 'claimed'; leaseUntilMs: number } | { kind: 'done'; transfer: TransferView } | { kind: 'busy' };

/**
 * Takes the transfer's confirm lease with a compare-and-set; when another request holds it,
 * waits (polling) until that one has posted the transfer, given up, or let the lease lapse.
 */
async function claimConfirmation(
  db: Kysely<Schema>,
  deps: Pick<ConfirmTransferDeps, 'clock' | 'confirmLeaseMs' | 'confirmWaitMs'>,
  transfer: TransferView,
): Promise<Claim> {
  const ref = { institution: transfer.institution, contractId: transfer.contractId, transferId: transfer.id };
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const nowMs = deps.clock.nowMs();
    const leaseUntilMs = nowMs + (deps.confirmLeaseMs ?? CONFIRM_LEASE_MS);
    const claimed = await db
      .updateTable('transfers')
      .set({ confirming_until: leaseUntilMs })
      .where('id', '=', transfer.id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('confirming_until', 'is', null), eb('confirming_until', '<=', nowMs)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return { kind: 'claimed', leaseUntilMs };
    const current = await findTransferOfContract(db, ref);
    if (current?.status === 'done') return { kind: 'done', transfer: current };
    if (!current || Date.now() - started > (deps.confirmWaitMs ?? CONFIRM_WAIT_MS)) return { kind: 'busy' };
    // Real time, not the injected clock: this is waiting for another request, not a policy.
    await sleep(Math.min(20 * 2 ** Math.min(attempt, 4), 250));
  }
}

type PostOutcome =
  | { ok: true; receipt: TransferReceipt; replayed: false }
  | { ok: false; error: 'already_done' }
  | { ok: false; error: 'insufficient_funds' }
  | { ok: false; error: 'limit_exceeded'; remainingYen: number; refusal: LimitRefusal };

async function postTransfer(
  db: Kysely<Schema>,
  deps: Pick<ConfirmTransferDeps, 'clock' | 'randomBytes'>,
  input: { transfer: TransferView; actor: string; method: string; policy: Pick<InstitutionPolicy, 'dailyLimitDefaultYen'> & ShapingPolicy },
): Promise<PostOutcome> {
  const { transfer } = input;
  return transactOutcome(db, async (trx): Promise<PostOutcome> => {
    const nowMs = deps.clock.nowMs();
    const businessDay = businessDayAt(nowMs);
    const entryId = newId(deps.randomBytes, 'je');
    // The compare-and-set comes first: it takes the transfer's row lock, so a concurrent twin
    // waits here and then finds the status changed (0 rows) before touching anything else.
    const claimed = await trx
      .updateTable('transfers')
      .set({ status: 'done', confirmed_at: nowMs, business_day: businessDay, entry_id: entryId, confirming_until: null })
      .where('id', '=', transfer.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return { ok: false, error: 'already_done' };

    // The daily limit and the caps shaped in time (limit-shaping.ts), read in this transaction
    // and enforced together by the one conditional write of consumeDailyLimit.
    const contract = { institution: transfer.institution, contractId: transfer.contractId };
    const shaping = await readTransferShaping(trx, { ...contract, payee: transfer.payee, policy: input.policy, nowMs });
    const limit = await consumeDailyLimit(trx, {
      ...contract,
      businessDay,
      nowMs,
      amountYen: transfer.amountYen,
      defaultLimitYen: input.policy.dailyLimitDefaultYen,
      shaping,
    });
    if (!limit.ok) return { ok: false, error: 'limit_exceeded', remainingYen: limit.remainingYen, refusal: limit.refusal };

    const payeeLabel = `振込 ${transfer.payee.name}`;
    const source = await trx.selectFrom('accounts').select('holder_name').where('id', '=', transfer.sourceAccountId).executeTakeFirstOrThrow();
    const postings: PostingInput[] = [{ accountId: transfer.sourceAccountId, amountYen: -transfer.amountYen, description: payeeLabel }];
    if (transfer.kind === 'internal') {
      if (transfer.payeeAccountId === null) throw new Error(`internal transfer ${transfer.id} has no payee account`);
      postings.push({ accountId: transfer.payeeAccountId, amountYen: transfer.amountYen, description: `振込 ${source.holder_name}` });
    } else {
      postings.push({
        accountId: systemAccountId(transfer.institution, 'clearing'),
        amountYen: transfer.amountYen,
        description: `他行振込 ${transfer.payee.bankCode}-${transfer.payee.branchCode}-${transfer.payee.accountNumber}`,
      });
    }
    if (transfer.feeYen > 0) {
      postings.push({ accountId: transfer.sourceAccountId, amountYen: -transfer.feeYen, description: '振込手数料' });
      postings.push({ accountId: systemAccountId(transfer.institution, 'fees'), amountYen: transfer.feeYen, description: `振込手数料 ${source.holder_name}` });
    }
    const posted = await postJournalEntry(trx, {
      entryId,
      institution: transfer.institution,
      kind: 'transfer',
      transferId: transfer.id,
      nowMs,
      actor: input.actor,
      postings,
    });
    if (!posted.ok) return { ok: false, error: 'insufficient_funds' };

    const referenceNo = await takeReferenceNo(trx, { institution: transfer.institution, businessDay });
    await trx.updateTable('transfers').set({ reference_no: referenceNo }).where('id', '=', transfer.id).execute();
    await appendAudit(trx, {
      chain: transfer.institution,
      at: nowMs,
      actor: input.actor,
      action: 'transfer_confirmed',
      subject: transfer.contractId,
      details: {
        transferId: transfer.id,
        referenceNo,
        kind: transfer.kind,
        amountYen: transfer.amountYen,
        feeYen: transfer.feeYen,
        payee: `${transfer.payee.bankCode}-${transfer.payee.branchCode}-${transfer.payee.accountNumber}`,
        method: input.method,
      },
    });
    await enqueueNotification(trx, { institution: transfer.institution, contractId: transfer.contractId, atMs: nowMs, event: { kind: 'transfer_done', referenceNo, amountYen: transfer.amountYen, feeYen: transfer.feeYen, payee: transfer.payee } });
    const sourceAfter = posted.balances.filter((b) => b.accountId === transfer.sourceAccountId).at(-1)!.balanceAfterYen;
    return {
      ok: true,
      replayed: false,
      receipt: {
        transfer: { ...transfer, status: 'done', confirmedAtMs: nowMs, businessDay, referenceNo },
        referenceNo,
        sourceBalanceAfterYen: sourceAfter,
      },
    };
  });
}

/** The receipt of a done transfer, rebuilt from the stored rows: the same every time. */
export async function receiptOf(db: Kysely<Schema>, transfer: TransferView): Promise<TransferReceipt> {
  if (transfer.status !== 'done' || transfer.referenceNo === null) throw new TypeError(`transfer ${transfer.id} is not done`);
  const last = await db
    .selectFrom('postings as p')
    .innerJoin('journal_entries as e', 'e.id', 'p.entry_id')
    .select('p.balance_after')
    .where('e.transfer_id', '=', transfer.id)
    .where('p.account_id', '=', transfer.sourceAccountId)
    .orderBy('p.seq', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return { transfer, referenceNo: transfer.referenceNo, sourceBalanceAfterYen: Number(last.balance_after) };
}

function bodyMatches(transfer: TransferView, body: TransferBody): boolean {
  return (
    transfer.amountYen === body.amountYen &&
    transfer.payee.bankCode === body.payee.bankCode &&
    transfer.payee.branchCode === body.payee.branchCode &&
    transfer.payee.accountType === body.payee.accountType &&
    transfer.payee.accountNumber === body.payee.accountNumber &&
    transfer.payee.name === body.payee.name
  );
}
