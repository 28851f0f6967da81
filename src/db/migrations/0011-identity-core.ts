// One identity core for both kinds of principal (issue 13): an operator's session keeps
// per-stage facts as a customer's does (one session shape, one code path), and an operator's
// password and one-time code are checked only under an attempt taken first, as a customer's are
// (migration 0008): the attempts in flight and the moment the latest of them lapses.
// Frozen once shipped.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operator_sessions').addColumn('data', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('operators').addColumn('otp_attempts_in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('operators').addColumn('otp_attempts_lapse_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('operators').addColumn('password_attempts_in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('operators').addColumn('password_attempts_lapse_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operators').dropColumn('password_attempts_lapse_at').execute();
  await db.schema.alterTable('operators').dropColumn('password_attempts_in_flight').execute();
  await db.schema.alterTable('operators').dropColumn('otp_attempts_lapse_at').execute();
  await db.schema.alterTable('operators').dropColumn('otp_attempts_in_flight').execute();
  await db.schema.alterTable('operator_sessions').dropColumn('data').execute();
}
