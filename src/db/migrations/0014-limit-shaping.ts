// Limits shaped in time (issue 14 §5): a customer's raise of the daily limit waits, pending,
// until 0:00 JST of the next day; the day's transfers to new payees are summed apart, so that
// their cap is one conditional write together with the daily limit; and the branch's lift of
// the cap after a contract opening or a token registration is recorded per contract.
// Frozen once shipped.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('transfer_limits')
    .addColumn('pending_limit_yen', 'bigint', (c) => c.check(sql`pending_limit_yen >= 0`))
    .execute();
  await db.schema.alterTable('transfer_limits').addColumn('pending_from_ms', 'bigint').execute();
  await db.schema
    .alterTable('daily_usage')
    .addColumn('new_payee_used_yen', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`new_payee_used_yen >= 0`))
    .execute();
  await db.schema
    .createTable('limit_cap_lifts')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('lifted_at', 'bigint', (c) => c.notNull())
    .addColumn('lifted_by', 'text', (c) => c.notNull())
    .addColumn('request_form_no', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('limit_cap_lifts_pk', ['institution', 'contract_id'])
    .addForeignKeyConstraint('limit_cap_lifts_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('limit_cap_lifts').execute();
  await db.schema.alterTable('daily_usage').dropColumn('new_payee_used_yen').execute();
  await db.schema.alterTable('transfer_limits').dropColumn('pending_from_ms').execute();
  await db.schema.alterTable('transfer_limits').dropColumn('pending_limit_yen').execute();
}
