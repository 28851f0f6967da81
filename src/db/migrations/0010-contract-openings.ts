// 新規契約 idempotent per form (issue 12 §7): the contract a form's idempotency key opened, under
// a primary key, so that a resubmission of the same form (the browser's 「フォームの再送信」 on
// reload, a double click) finds it instead of opening a second contract — also when two bank
// processes insert the same key at the same moment (the second insert does nothing).
// Frozen once shipped.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contract_openings')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('form_key', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('form_digest', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('contract_openings_pk', ['institution', 'form_key'])
    .addForeignKeyConstraint('contract_openings_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('contract_openings').execute();
}
