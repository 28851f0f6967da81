// Test support: mails in the outbox without the events behind them — each rendered by the real
// renderNotification for a demo institution and written as enqueueNotification writes its row,
// so the development mailbox (src/notifications/web/mailbox-part.ts) has something to show.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DEMO_INSTITUTIONS, demoEmail } from '../../../src/banking/demo-data.js';
import type { Schema } from '../../../src/db/schema.js';
import { ADDRESS_CODE_KIND, type NotificationEvent } from '../../../src/notifications/notification-events.js';
import { renderAddressCode, renderNotification, type MessageInstitution } from '../../../src/notifications/notification-messages.js';
import type { OutboxStatus } from '../../../src/notifications/notifications.tables.js';

/** A demo institution as its messages name it. */
export function demoMessageInstitution(slug: string): MessageInstitution {
  const i = DEMO_INSTITUTIONS.find((institution) => institution.slug === slug);
  if (i === undefined) throw new Error(`no demo institution ${slug}`);
  return { name: { ja: i.name, en: i.nameEn }, support: { name: { ja: i.support.name, en: i.support.nameEn }, phone: i.support.phone, hours: { ja: i.support.hours, en: i.support.hoursEn } } };
}

export interface OutboxMail {
  institution?: string; // 'demo' unless said
  contractId: string;
  atMs: number;
  /** What happened; or the code mail of a new address (its code, valid ten minutes). */
  event: NotificationEvent | { kind: 'address_code'; code: string };
  to?: string; // the demo address of the contract unless said
  customerName?: string;
  status?: OutboxStatus;
}

/** Writes the mails to the outbox; their ids, in the order given. */
export async function addOutboxMails(db: Kysely<Schema>, mails: readonly OutboxMail[]): Promise<string[]> {
  const ids: string[] = [];
  for (const mail of mails) {
    const institution = mail.institution ?? 'demo';
    const messageInstitution = demoMessageInstitution(institution);
    const facts = { institution: messageInstitution, customerName: mail.customerName ?? '守 太郎', atMs: mail.atMs };
    const { subject, body } = mail.event.kind === 'address_code' ? renderAddressCode({ ...facts, code: mail.event.code, expiresAtMs: mail.atMs + 10 * 60_000 }) : renderNotification({ ...facts, event: mail.event });
    const id = `ntf_${randomBytes(16).toString('base64url')}`;
    const status = mail.status ?? 'sent';
    await db
      .insertInto('notification_outbox')
      .values({
        id,
        institution,
        contract_id: mail.contractId,
        kind: mail.event.kind === 'address_code' ? ADDRESS_CODE_KIND : mail.event.kind,
        recipient: mail.to ?? demoEmail(mail.contractId),
        sender_name: messageInstitution.name.ja,
        subject,
        body,
        status,
        next_attempt_at: mail.atMs,
        claim_token: null,
        claimed_until: null,
        last_error: null,
        transport: status === 'sent' ? 'mailbox' : null,
        created_at: mail.atMs,
        sent_at: status === 'sent' ? mail.atMs + 1_000 : null,
      })
      .execute();
    ids.push(id);
  }
  return ids;
}
