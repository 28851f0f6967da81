// The customer changes their confirmation password (確認用パスワード / 資金移動用パスワード) on the
// signed-in パスワード変更 page. The new one is stored in both forms at once, as every customer's
// is (confirmation-password.ts: the whole argon2id hash and the digit-pair HMACs under the
// pepper), so the institution may still switch between asking it whole and by positions. The
// rules of a new one are one pure function; the change is a compare-and-set on the hash that
// was just verified, with its audit record, in the CALLER's transaction (which also writes the
// notification).
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import { CONFIRMATION_PATTERN, type StoredConfirmation } from './confirmation-password.js';
import { appendCustomerAudit, updateIfPasswordStillVerified } from './customers.js';
import type { InstitutionPolicy } from './institution-policy.js';

export type NewConfirmationProblem = 'format' | 'same_as_current' | 'too_simple';

/**
 * Why `value` (already ASCII digits) may not be the new confirmation password, or undefined:
 * 6 digits, not the current one, not one digit six times nor a run up or down (123456, 987654),
 * which anyone would try first at a digit-position prompt.
 */
export function newConfirmationProblem(value: string, context: { current: string }): NewConfirmationProblem | undefined {
  if (!CONFIRMATION_PATTERN.test(value)) return 'format';
  if (value === context.current) return 'same_as_current';
  const steps = new Set([...value].slice(1).map((digit, i) => (Number(digit) - Number(value[i]) + 10) % 10));
  if (steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9))) return 'too_simple';
  return undefined;
}

/**
 * In `trx`: stores the new confirmation password (`stored`, computed before the transaction) in
 * place of exactly `verifiedHash`, with the audit record. False — and nothing written — when the
 * contract changed meanwhile: another change, a suspension, a password lock since the current
 * one was verified.
 */
export async function storeChangedConfirmationPassword(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; policy: InstitutionPolicy; verifiedHash: string; stored: StoredConfirmation; nowMs: number; path: string },
): Promise<boolean> {
  const changes = { confirmation_hash: input.stored.confirmationHash, confirmation_pairs: input.stored.confirmationPairs, updated_at: input.nowMs };
  if (!(await updateIfPasswordStillVerified(trx, input, 'confirmation_hash', changes))) return false;
  await appendCustomerAudit(trx, input, { action: 'confirmation_password_changed', details: { path: input.path } });
  return true;
}
