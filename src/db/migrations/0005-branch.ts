// The branch console (issue 6): operators, their sessions, maker-checker proposals, and the
// customer-side notes the console keeps (forced password change, why a session was ended).
// Frozen once shipped: add a new migration rather than edit this one.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('operators')
    .addColumn('institution', 'text', (c) => c.notNull().references('institutions.slug'))
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql.raw(`role in ('teller', 'supervisor', 'administrator')`)))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('password_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('otp_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('token_binding_id', 'text')
    .addColumn('token_serial', 'text')
    .addColumn('token_enrolled_at', 'bigint')
    .addColumn('last_sign_in_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('operators_pk', ['institution', 'login'])
    .execute();

  await db.schema
    .createTable('operator_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull().check(sql.raw(`stage in ('password_verified', 'enrolment', 'signed_in')`)))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('operator_sessions_by_operator').on('operator_sessions').columns(['institution', 'login']).execute();

  await db.schema
    .createTable('branch_proposals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('request_form_no', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql.raw(`status in ('pending', 'approved', 'rejected')`)))
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('decision_note', 'text')
    // Nobody decides their own proposal: the database refuses it too.
    .addCheckConstraint('branch_proposals_not_self_decided', sql`decided_by is null or decided_by <> proposed_by`)
    .addForeignKeyConstraint('branch_proposals_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
  await db.schema.createIndex('branch_proposals_by_status').on('branch_proposals').columns(['institution', 'status', 'proposed_at']).execute();
  // One open proposal per customer and kind: a second teller's duplicate is refused, even
  // when both submit at the same moment.
  await db.schema
    .createIndex('branch_proposals_one_pending')
    .on('branch_proposals')
    .columns(['institution', 'contract_id', 'kind'])
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();

  await db.schema
    .createTable('password_change_requirements')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull().check(sql.raw(`cause in ('initial', 'reset')`)))
    .addColumn('required_since', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('password_change_requirements_pk', ['institution', 'contract_id'])
    .addForeignKeyConstraint('password_change_requirements_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();

  await db.schema
    .createTable('session_end_notices')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull().check(sql.raw(`cause in ('suspended', 'token_reissued', 'password_reset')`)))
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('session_end_notices_by_time').on('session_end_notices').columns(['ended_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['session_end_notices', 'password_change_requirements', 'branch_proposals', 'operator_sessions', 'operators']) {
    await db.schema.dropTable(table).execute();
  }
}
