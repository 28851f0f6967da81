// Table types of notifications (migration 0006-outbox). Instants are UTC milliseconds.
import type { Generated } from 'kysely';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface NotificationOutboxTable {
  id: string; // ntf_… (random); also the Message-ID's local part, so a resend is recognisable
  institution: string;
  contract_id: string;
  kind: string; // NotificationKind
  recipient: string; // the customer's e-mail address when the event happened
  sender_name: string; // the institution's name, shown as the From name
  subject: string; // rendered at the event, Japanese then English
  body: string; // rendered at the event: Japanese, then English below; nothing secret
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: number;
  claim_token: string | null; // the worker holding the row, until claimed_until
  claimed_until: number | null;
  last_error: string | null; // the transport's short reason of the last failed attempt
  transport: string | null; // 'smtp' | 'mailbox' once sent
  created_at: number;
  sent_at: number | null;
}

export interface NotificationTables {
  notification_outbox: NotificationOutboxTable;
}
