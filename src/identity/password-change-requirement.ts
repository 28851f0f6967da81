// A login password set by the branch — the initial one of a new contract, or a reset — is known
// to someone besides the customer, so the customer must choose a new one at the next login: the
// sign-in's last step. The console sets the requirement (opening a contract, a reset); the bank
// site asks `isPasswordChangeRequired` after a right login password and OTP and, while it is,
// shows only the password-change form; the change clears it in the transaction that stores the
// new hash.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export async function requirePasswordChange(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; cause: 'initial' | 'reset'; nowMs: number },
): Promise<void> {
  await trx
    .insertInto('password_change_requirements')
    .values({ institution: input.institution, contract_id: input.contractId, cause: input.cause, required_since: input.nowMs })
    .onConflict((oc) => oc.columns(['institution', 'contract_id']).doUpdateSet({ cause: input.cause, required_since: input.nowMs }))
    .execute();
}

export async function isPasswordChangeRequired(db: Db, input: { institution: string; contractId: string }): Promise<boolean> {
  const row = await db
    .selectFrom('password_change_requirements')
    .select('cause')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function clearPasswordChangeRequirement(db: Db, input: { institution: string; contractId: string }): Promise<void> {
  await db
    .deleteFrom('password_change_requirements')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .execute();
}
