// The customer's own defences (issue 14 §2–4): the browsers each contract has signed in from
// (by the hash of a long-lived device cookie, for ログイン通知 on a new environment), and the
// 「心当たりがない」 reports that suspended a contract, which the console lists first. The
// history itself (ログイン履歴) is read from the audit log: an index by subject and sequence
// lets a contract's newest records be read without sorting all of them. Frozen once shipped.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sign_in_devices')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('device_hash', 'text', (c) => c.notNull())
    .addColumn('first_signed_in_at', 'bigint', (c) => c.notNull())
    .addColumn('last_signed_in_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sign_in_devices_pk', ['institution', 'contract_id', 'device_hash'])
    .addForeignKeyConstraint('sign_in_devices_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
  await db.schema
    .createTable('sign_in_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'bigint', (c) => c.notNull())
    .addColumn('sign_in_seq', 'bigint', (c) => c.notNull())
    .addColumn('sign_in_at', 'bigint', (c) => c.notNull())
    .addColumn('sign_in_action', 'text', (c) => c.notNull())
    .addColumn('browser', 'text', (c) => c.notNull())
    .addColumn('os', 'text', (c) => c.notNull())
    .addColumn('masked_address', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addForeignKeyConstraint('sign_in_reports_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
  await db.schema.createIndex('sign_in_reports_open').on('sign_in_reports').columns(['institution', 'resolved_at', 'reported_at']).execute();
  await db.schema.createIndex('audit_by_subject_seq').on('audit_log').columns(['chain', 'subject', 'seq']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_by_subject_seq').execute();
  await db.schema.dropTable('sign_in_reports').execute();
  await db.schema.dropTable('sign_in_devices').execute();
}
