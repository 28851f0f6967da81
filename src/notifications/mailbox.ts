// The development mailbox: what the outbox holds (sent or not), newest first, for people trying
// the demo without a mail relay and for the browser tests. Only mounted in development mode.
// A mail is found by its outbox id (random, ntf_…) and the list filtered by contract — never by
// the address, which has no place in a URL (docs/SECURITY.md).
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { OutboxStatus } from './notifications.tables.js';

export interface MailboxMessage {
  id: string;
  institution: string;
  contractId: string;
  kind: string;
  recipient: string;
  senderName: string;
  subject: string;
  body: string;
  status: OutboxStatus;
  createdAtMs: number;
  sentAtMs: number | null;
}

/** One line of the list: what it shows (time, to, subject) and what it links by. */
export type MailboxEntry = Omit<MailboxMessage, 'body' | 'senderName' | 'sentAtMs'>;

export interface MailboxFilter {
  institution?: string;
  contractId?: string;
}

export interface MailboxPage {
  entries: MailboxEntry[];
  /** How many mails the filter matches in all. */
  total: number;
}

/** The mails the filter matches, newest first: `limit` of them after the first `offset`. */
export async function listMailbox(db: Kysely<Schema>, input: MailboxFilter & { limit?: number; offset?: number } = {}): Promise<MailboxPage> {
  const filtered = () => {
    let query = db.selectFrom('notification_outbox');
    if (input.institution !== undefined) query = query.where('institution', '=', input.institution);
    if (input.contractId !== undefined) query = query.where('contract_id', '=', input.contractId);
    return query;
  };
  const rows = await filtered()
    .select(['id', 'institution', 'contract_id', 'kind', 'recipient', 'subject', 'status', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(input.limit ?? 100, 1), 500))
    .offset(Math.max(input.offset ?? 0, 0))
    .execute();
  const counted = await filtered()
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    entries: rows.map((row) => ({
      id: row.id,
      institution: row.institution,
      contractId: row.contract_id,
      kind: row.kind,
      recipient: row.recipient,
      subject: row.subject,
      status: row.status,
      createdAtMs: Number(row.created_at),
    })),
    total: Number(counted.n),
  };
}

/** One mail, whole, by its outbox id; undefined when there is none. */
export async function mailboxMessage(db: Kysely<Schema>, id: string): Promise<MailboxMessage | undefined> {
  const row = await db
    .selectFrom('notification_outbox')
    .select(['id', 'institution', 'contract_id', 'kind', 'recipient', 'sender_name', 'subject', 'body', 'status', 'created_at', 'sent_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    institution: row.institution,
    contractId: row.contract_id,
    kind: row.kind,
    recipient: row.recipient,
    senderName: row.sender_name,
    subject: row.subject,
    body: row.body,
    status: row.status,
    createdAtMs: Number(row.created_at),
    sentAtMs: row.sent_at === null ? null : Number(row.sent_at),
  };
}

/** The institutions that have mails in the outbox, for the filter's choice. */
export async function mailboxInstitutions(db: Kysely<Schema>): Promise<string[]> {
  const rows = await db.selectFrom('notification_outbox').select('institution').distinct().orderBy('institution').execute();
  return rows.map((row) => row.institution);
}
