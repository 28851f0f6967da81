// The transactional outbox: a notification is a row written in the SAME transaction as the
// event it tells of, so a customer is told of exactly what was committed — a rolled-back
// transfer sends nothing, and a committed one cannot lose its message when a process dies a
// moment later. A worker (outbox-delivery.ts) sends the rows afterwards.
//
// Call it from the event's transaction, after the change and its audit record:
//   await enqueueNotification(trx, { institution, contractId, atMs: nowMs, event: { kind: 'otp_locked' } });
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import { ADDRESS_CODE_KIND, type NotificationEvent } from './notification-events.js';
import { renderAddressCode, renderNotification, type MessageInstitution } from './notification-messages.js';

export interface NotificationInput {
  institution: string;
  contractId: string;
  /** When the event happened (the transaction's nowMs). */
  atMs: number;
  event: NotificationEvent;
  /** Another recipient than the customer's current address: the new one of a notification address change. */
  to?: string;
}

export type EnqueueResult =
  | { queued: true; id: string }
  // A customer without an e-mail address is not told (the branch records one at 届出); an
  // unknown customer or institution is a caller's slip that must not roll the event back.
  | { queued: false; reason: 'no_email' | 'unknown_customer' | 'unknown_institution' };

export async function enqueueNotification(trx: Transaction<Schema>, input: NotificationInput, deps: { randomBytes?: RandomBytes } = {}): Promise<EnqueueResult> {
  return enqueueRendered(trx, input, input.event.kind, (facts) => renderNotification({ ...facts, event: input.event }), deps);
}

/**
 * The confirmation code of a new notification address (renderAddressCode), to that address, in
 * the transaction that stored the code's MAC: the same outbox, so it is sent exactly when the
 * code can be used.
 */
export async function enqueueAddressCode(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; atMs: number; to: string; code: string; expiresAtMs: number },
  deps: { randomBytes?: RandomBytes } = {},
): Promise<EnqueueResult> {
  return enqueueRendered(trx, input, ADDRESS_CODE_KIND, (facts) => renderAddressCode({ ...facts, code: input.code, expiresAtMs: input.expiresAtMs }), deps);
}

async function enqueueRendered(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; atMs: number; to?: string },
  kind: string,
  render: (facts: { institution: MessageInstitution; customerName: string; atMs: number }) => { subject: string; body: string },
  deps: { randomBytes?: RandomBytes },
): Promise<EnqueueResult> {
  // The point of the outbox is the shared transaction: outside one, a crash between the event
  // and this row would lose the message (or send one for an event that never happened).
  if (!trx.isTransaction) throw new TypeError('enqueueNotification must be given the transaction of the event');
  if (!Number.isSafeInteger(input.atMs)) throw new TypeError('atMs must be an instant in milliseconds');
  const customer = await trx
    .selectFrom('customers')
    .select(['name', 'email'])
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
  if (!customer) return { queued: false, reason: 'unknown_customer' };
  const recipient = input.to ?? customer.email;
  if (recipient === null || recipient === '') return { queued: false, reason: 'no_email' };
  const institution = await messageInstitution(trx, input.institution);
  if (!institution) return { queued: false, reason: 'unknown_institution' };

  const { subject, body } = render({ institution, customerName: customer.name, atMs: input.atMs });
  const id = `ntf_${Buffer.from((deps.randomBytes ?? defaultRandomBytes)(16)).toString('base64url')}`;
  await trx
    .insertInto('notification_outbox')
    .values({
      id,
      institution: input.institution,
      contract_id: input.contractId,
      kind,
      recipient,
      sender_name: institution.name.ja,
      subject,
      body,
      status: 'pending',
      next_attempt_at: input.atMs,
      claim_token: null,
      claimed_until: null,
      last_error: null,
      transport: null,
      created_at: input.atMs,
      sent_at: null,
    })
    .execute();
  return { queued: true, id };
}

/**
 * The institution as its messages name it, read from its row like the customer above (the
 * outbox sits below the bank's domain, src/banking/, which enqueues into it). An English name
 * left empty is shown in Japanese, as institutionFromRow (src/banking/institutions.ts) does.
 */
async function messageInstitution(trx: Transaction<Schema>, slug: string): Promise<MessageInstitution | undefined> {
  const row = await trx
    .selectFrom('institutions')
    .select(['name', 'name_en', 'support_name', 'support_name_en', 'support_phone', 'support_hours', 'support_hours_en'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) return undefined;
  const { support_name: name, support_phone: phone, support_hours: hours } = row;
  return {
    name: { ja: row.name, en: row.name_en },
    support: { name: { ja: name, en: row.support_name_en || name }, phone, hours: { ja: hours, en: row.support_hours_en || hours } },
  };
}

const defaultRandomBytes: RandomBytes = (size) => new Uint8Array(nodeRandomBytes(size));
