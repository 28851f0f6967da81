// Sends what the outbox holds. Any number of processes may run this at once (every `serve`
// process, `mamori jobs run`): a row is CLAIMED before it is sent — a conditional update that
// sets a claim token and a lease, with `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent
// workers take different rows instead of queueing — and only the holder of the claim may mark
// it sent. So no two live workers send one message. A worker that dies after the relay
// accepted a message but before marking it leaves the row to be sent again once its lease has
// lapsed (at least once, never lost); the Message-ID is the outbox id, so the copy is
// recognisable.
//
// A failed attempt is retried with exponential backoff (30 s, 1 min, 2 min … at most 1 h);
// after `maxAttempts`, or at once when the relay refuses the message for good (SMTP 5xx), the
// row is marked failed and stays for an operator (docs/OPERATIONS.md).
import type { Database } from '../db/database.js';
import type { Clock, RandomBytes } from '../shared/clock.js';
import { MailSendError, type MailTransport } from './mail-transport.js';
import { ADDRESS_CODE_KIND } from './notification-events.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

/** Longer than one SMTP dialogue can take (its timeouts are 30 s each), so a live claim never lapses. */
export const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;

export interface DeliveryDeps {
  database: Pick<Database, 'db' | 'dialect'>;
  transport: MailTransport;
  clock: Clock;
  randomBytes: RandomBytes;
  /** The From address; the From name is the institution's. */
  fromAddress: string;
  retry?: RetryPolicy;
  leaseMs?: number;
  batchSize?: number;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  /** Sent, but the claim had lapsed and another worker took the row: it may go out twice. */
  lostClaims: number;
  /** Short reasons of the failed attempts (no addresses, no credentials), for the log. */
  errors: string[];
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones (1 → base, 2 → 2 × base …). */
export function retryDelayMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** Claims due rows, a batch at a time, and sends them, until none is due. */
export async function deliverDueNotifications(deps: DeliveryDeps, { maxBatches = 50 }: { maxBatches?: number } = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, lostClaims: 0, errors: [] };
  for (let batch = 0; batch < maxBatches; batch++) {
    const claimed = await claimDueRows(deps);
    if (claimed.rows.length === 0) break;
    for (const row of claimed.rows) await deliverOne(deps, claimed.token, row, report);
  }
  return report;
}

interface ClaimedRow {
  id: string;
  kind: string;
  recipient: string;
  sender_name: string;
  subject: string;
  body: string;
  attempts: number;
}

async function claimDueRows(deps: DeliveryDeps): Promise<{ token: string; rows: ClaimedRow[] }> {
  const { db, dialect } = deps.database;
  const nowMs = deps.clock.nowMs();
  const token = Buffer.from(deps.randomBytes(12)).toString('base64url');
  let due = db
    .selectFrom('notification_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', nowMs)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowMs)]))
    .orderBy('next_attempt_at')
    .limit(deps.batchSize ?? 20);
  // SQLite runs one writer at a time, so its UPDATE … WHERE id IN (SELECT …) is already atomic.
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('notification_outbox')
    .set({ claim_token: token, claimed_until: nowMs + (deps.leaseMs ?? DEFAULT_CLAIM_LEASE_MS) })
    .where('id', 'in', due)
    // Checked again on the row being written: a row claimed meanwhile is not claimed twice.
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowMs)]))
    .returning(['id', 'kind', 'recipient', 'sender_name', 'subject', 'body', 'attempts'])
    .execute();
  return { token, rows: rows.map((row) => ({ ...row, attempts: Number(row.attempts) })) };
}

async function deliverOne(deps: DeliveryDeps, token: string, row: ClaimedRow, report: DeliveryReport): Promise<void> {
  const { db } = deps.database;
  const policy = deps.retry ?? DEFAULT_RETRY_POLICY;
  let failure: MailSendError | undefined;
  try {
    await deps.transport.send({ id: row.id, from: { name: row.sender_name, address: deps.fromAddress }, to: row.recipient, subject: row.subject, text: row.body });
  } catch (error) {
    failure = error instanceof MailSendError ? error : new MailSendError(error instanceof Error ? error.message : String(error), { permanent: false, cause: error });
  }
  const nowMs = deps.clock.nowMs();
  const attempts = row.attempts + 1;
  const mine = db.updateTable('notification_outbox').where('id', '=', row.id).where('claim_token', '=', token).where('status', '=', 'pending');
  if (failure === undefined) {
    const marked = await mine
      .set({ status: 'sent', sent_at: nowMs, attempts, transport: deps.transport.name, claim_token: null, claimed_until: null, last_error: null, ...clearedCode(row, deps) })
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) === 1) report.sent++;
    else report.lostClaims++;
    return;
  }
  report.errors.push(failure.message);
  const giveUp = failure.permanent || attempts >= policy.maxAttempts;
  await mine
    .set({
      status: giveUp ? 'failed' : 'pending',
      attempts,
      next_attempt_at: giveUp ? nowMs : nowMs + retryDelayMs(attempts, policy),
      claim_token: null,
      claimed_until: null,
      last_error: failure.message.slice(0, 300),
      ...(giveUp ? clearedCode(row, deps) : {}),
    })
    .execute();
  if (giveUp) report.failed++;
  else report.retried++;
}

export interface OutboxBacklog {
  pending: number;
  failed: number;
  /** Age of the oldest pending row, 0 when none. */
  oldestPendingAgeMs: number;
}

/** For /metrics and /readyz: what waits to be sent, and what gave up. */
export async function outboxBacklog(database: Pick<Database, 'db'>, nowMs: number): Promise<OutboxBacklog> {
  const rows = await database.db
    .selectFrom('notification_outbox')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('count'), (eb) => eb.fn.min<number | string | null>('created_at').as('oldest')])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy('status')
    .execute();
  const pending = rows.find((r) => r.status === 'pending');
  const failed = rows.find((r) => r.status === 'failed');
  const oldest = pending?.oldest === null || pending?.oldest === undefined ? undefined : Number(pending.oldest);
  return {
    pending: Number(pending?.count ?? 0),
    failed: Number(failed?.count ?? 0),
    oldestPendingAgeMs: oldest === undefined ? 0 : Math.max(0, nowMs - oldest),
  };
}

/**
 * A confirmation code's mail (enqueueAddressCode) keeps its code in the outbox only until it was
 * handed to the relay, or given up: then its body is replaced, so the table never keeps a usable
 * code. The development mailbox IS the outbox, so there the body stays to be read.
 */
function clearedCode(row: ClaimedRow, deps: DeliveryDeps): { body?: string } {
  if (row.kind !== ADDRESS_CODE_KIND || deps.transport.name === 'mailbox') return {};
  return { body: '(確認コードのメールは送信後に本文を消去しました / the body of a confirmation code mail is cleared once sent)' };
}
