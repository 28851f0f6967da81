// Passkeys (issue 15): WebAuthn credentials of either kind of principal (a customer's contract,
// an operator), the challenges of their ceremonies — single use, bound to the browser's session,
// five minutes, in the database so that any process may serve the next step — and, on both
// principals' rows, the passkey's own failure counter and attempts in flight
// (src/identity/attempts.ts), which lock passkey sign-in and not the principal. Frozen once shipped.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('principal', 'text', (c) => c.notNull().check(sql`principal in ('customer', 'operator')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('user_handle', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sign_count', 'bigint', (c) => c.notNull().check(sql`sign_count >= 0`))
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('passkeys_by_principal').on('passkeys').columns(['institution', 'principal', 'subject']).execute();
  await db.schema
    .createTable('passkey_challenges')
    .addColumn('challenge', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('register', 'sign_in', 'step_up')`))
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('binding_hash', 'text', (c) => c.notNull())
    .addColumn('operation_hash', 'text')
    .addColumn('user_handle', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('passkey_challenges_expiry').on('passkey_challenges').column('expires_at').execute();
  for (const table of ['customers', 'operators']) {
    await db.schema.alterTable(table).addColumn('passkey_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable(table).addColumn('passkey_attempts_in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable(table).addColumn('passkey_attempts_lapse_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['operators', 'customers']) {
    for (const column of ['passkey_attempts_lapse_at', 'passkey_attempts_in_flight', 'passkey_failures']) await db.schema.alterTable(table).dropColumn(column).execute();
  }
  await db.schema.dropTable('passkey_challenges').execute();
  await db.schema.dropTable('passkeys').execute();
}
