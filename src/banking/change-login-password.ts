// The customer replaces the login password: one the branch set (the initial one of a new
// contract, or a reset: src/identity/password-change-requirement.ts), or their own on the
// signed-in パスワード変更 page. The rules of a new password are one pure function; the current
// password is checked under one of the contract's password attempts; the change itself is
// written in the CALLER's transaction (the bank site issues the new session id and writes the
// notification in the same one), as a compare-and-set on the hash that was just verified.
import type { Kysely, Transaction } from 'kysely';
import { clearPasswordChangeRequirement, isPasswordChangeRequired } from '../identity/password-change-requirement.js';
import { CUSTOMER } from '../identity/principals.js';
import { endSessionsOf } from '../identity/sessions.js';
import type { Schema } from '../db/schema.js';
import { withPasswordAttempt } from './fail-counters.js';
import { appendCustomerAudit, updateIfPasswordStillVerified, type Customer } from './customers.js';
import type { InstitutionPolicy } from './institution-policy.js';
import type { PasswordHasher } from './password-hasher.js';

export const NEW_PASSWORD_MIN_LENGTH = 8;
export const NEW_PASSWORD_MAX_LENGTH = 64;

export type NewPasswordProblem = 'characters' | 'length' | 'letters_and_digits' | 'same_as_current' | 'contains_contract_id';

/** Half-width letters, digits and symbols (printable ASCII without the space). */
const ALLOWED_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * Why `newPassword` may not be chosen, or undefined when it may: 8–64 half-width characters
 * with at least one letter and one digit, not the current password, not containing the
 * contract ID (which is printed on the customer's card).
 */
export function newPasswordProblem(newPassword: string, context: { currentPassword: string; contractId: string }): NewPasswordProblem | undefined {
  if (!ALLOWED_CHARACTERS.test(newPassword)) return 'characters';
  if (newPassword.length < NEW_PASSWORD_MIN_LENGTH || newPassword.length > NEW_PASSWORD_MAX_LENGTH) return 'length';
  if (!/[A-Za-z]/.test(newPassword) || !/[0-9]/.test(newPassword)) return 'letters_and_digits';
  if (newPassword === context.currentPassword) return 'same_as_current';
  if (newPassword.includes(context.contractId)) return 'contains_contract_id';
  return undefined;
}

export type CurrentPasswordCheck = 'right' | 'wrong' | 'locked';

/**
 * Whoever holds a signed-in session must also know the current login password to change a
 * password. Compared only under one of the contract's password attempts (fail-counters.ts), like
 * the login's; a wrong one counts toward the password lock (the locking one ends the sessions).
 */
export async function checkCurrentLoginPassword(
  db: Kysely<Schema>,
  deps: { hasher: PasswordHasher; nowMs: () => number },
  input: { customer: Customer; policy: InstitutionPolicy; password: string; path: string },
): Promise<CurrentPasswordCheck> {
  const { customer } = input;
  const target = { institution: customer.institution, contractId: customer.contract_id, policy: input.policy, nowMs: deps.nowMs(), path: input.path };
  const checked = await withPasswordAttempt(db, target, async (attempt): Promise<CurrentPasswordCheck> => {
    if (await deps.hasher.verify(customer.login_password_hash, input.password)) return 'right';
    const counted = await attempt.wrong();
    return !counted.counted || counted.lockedNow ? 'locked' : 'wrong';
  });
  return checked.taken ? checked.value : checked.refusal === 'locked' ? 'locked' : 'wrong';
}

/**
 * In `trx`: stores `newHash` (argon2id, computed before the transaction) in place of exactly
 * `verifiedHash`, ends the branch's change requirement and EVERY session of the contract (the
 * caller issues the one it keeps afterwards, in the same transaction), with the audit record.
 * False — and nothing written — when the contract changed meanwhile: another change, a reset,
 * a suspension or a password lock since the current password was verified.
 */
export async function storeChangedLoginPassword(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; policy: InstitutionPolicy; verifiedHash: string; newHash: string; nowMs: number; path: string },
): Promise<boolean> {
  const changes = { login_password_hash: input.newHash, password_failures: 0, updated_at: input.nowMs };
  if (!(await updateIfPasswordStillVerified(trx, input, 'login_password_hash', changes))) return false;
  const ref = { institution: input.institution, contractId: input.contractId };
  const wasRequired = await isPasswordChangeRequired(trx, ref);
  await clearPasswordChangeRequirement(trx, ref);
  const endedSessions = await endSessionsOf(trx, CUSTOMER, { institution: input.institution, subject: input.contractId });
  await appendCustomerAudit(trx, input, { action: 'login_password_changed', details: { path: input.path, changeRequired: wasRequired, endedSessions } });
  return true;
}
