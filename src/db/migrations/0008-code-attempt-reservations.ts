// Guesses bounded where they are evaluated, not only where they are counted (issue 12 §1): a
// one-time code may reach the token authority, and a password argon2, only after its check has
// taken one of the contract's remaining attempts of that factor, and the authority checks a
// code only after it has taken one of the token's remaining throttle attempts, each with one
// conditional write. The attempts taken and not yet judged are counted here, with the moment
// the latest of them lapses (so a process that dies holding one gives it back by itself).
// Frozen once shipped.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('otp_attempts_in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('customers').addColumn('otp_attempts_lapse_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('customers').addColumn('password_attempts_in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('customers').addColumn('password_attempts_lapse_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('tokens').addColumn('throttle_in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('tokens').addColumn('throttle_lapse_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('throttle_lapse_at').execute();
  await db.schema.alterTable('tokens').dropColumn('throttle_in_flight').execute();
  await db.schema.alterTable('customers').dropColumn('otp_attempts_lapse_at').execute();
  await db.schema.alterTable('customers').dropColumn('otp_attempts_in_flight').execute();
  await db.schema.alterTable('customers').dropColumn('password_attempts_lapse_at').execute();
  await db.schema.alterTable('customers').dropColumn('password_attempts_in_flight').execute();
}
