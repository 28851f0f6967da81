// The notification address (issue 14 §1): a change the customer started on the メールアドレス
// page and proves by the 6-digit code sent to the NEW address. One row per contract (a new
// start replaces the one before); the code is stored only as an HMAC under a server key
// (src/banking/notification-address.ts), with its expiry and the attempts taken, and the row
// goes when the change is done. The address itself stays in `customers.email` (0006).
// Frozen once shipped.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notification_address_changes')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('new_address', 'text', (c) => c.notNull())
    .addColumn('code_mac', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_address_changes_pk', ['institution', 'contract_id'])
    .addForeignKeyConstraint('notification_address_changes_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_address_changes').execute();
}
