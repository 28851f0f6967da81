// The development mailbox: what the outbox holds (sent or not), newest first, for people trying
// the demo without a mail relay and for the browser tests. Only mounted in development mode.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { OutboxStatus } from './notifications.tables.js';

export interface MailboxMessage {
  id: string;
  institution: string;
  kind: string;
  recipient: string;
  senderName: string;
  subject: string;
  body: string;
  status: OutboxStatus;
  createdAtMs: number;
  sentAtMs: number | null;
}

export async function listMailbox(db: Kysely<Schema>, input: { recipient?: string; limit?: number } = {}): Promise<MailboxMessage[]> {
  let query = db
    .selectFrom('notification_outbox')
    .select(['id', 'institution', 'kind', 'recipient', 'sender_name', 'subject', 'body', 'status', 'created_at', 'sent_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(input.limit ?? 100, 1), 500));
  if (input.recipient !== undefined) query = query.where('recipient', '=', input.recipient);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    institution: row.institution,
    kind: row.kind,
    recipient: row.recipient,
    senderName: row.sender_name,
    subject: row.subject,
    body: row.body,
    status: row.status,
    createdAtMs: Number(row.created_at),
    sentAtMs: row.sent_at === null ? null : Number(row.sent_at),
  }));
}
