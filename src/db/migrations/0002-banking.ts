// The bank site: institutions, customers and sessions. Frozen once shipped: add a new
// migration rather than editing this one.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('institutions')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('bank_code', 'text', (c) => c.notNull().unique())
    .addColumn('primary_colour', 'text', (c) => c.notNull())
    .addColumn('support_name', 'text', (c) => c.notNull())
    .addColumn('support_name_en', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('support_phone', 'text', (c) => c.notNull())
    .addColumn('support_hours', 'text', (c) => c.notNull())
    .addColumn('support_hours_en', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('confirmation_mode', 'text', (c) => c.notNull().check(sql.raw(`confirmation_mode in ('whole', 'positions')`)))
    .addColumn('confirmation_positions', 'integer', (c) => c.notNull())
    .addColumn('confirmation_name', 'text', (c) => c.notNull())
    .addColumn('confirmation_name_en', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('institution', 'text', (c) => c.notNull().references('institutions.slug'))
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('login_password_hash', 'text', (c) => c.notNull())
    .addColumn('confirmation_hash', 'text', (c) => c.notNull())
    .addColumn('confirmation_pairs', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql.raw(`status in ('active', 'suspended')`)))
    .addColumn('password_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('otp_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('token_binding_id', 'text')
    .addColumn('token_serial', 'text')
    .addColumn('token_kind', 'text')
    .addColumn('token_registered_at', 'bigint')
    .addColumn('token_deregistered_at', 'bigint')
    .addColumn('registration_blocked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('customers_pk', ['institution', 'contract_id'])
    .execute();
  await db.schema.createIndex('customers_by_serial').on('customers').columns(['institution', 'token_serial']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_by_customer').on('sessions').columns(['institution', 'contract_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['sessions', 'customers', 'institutions']) await db.schema.dropTable(table).execute();
}
