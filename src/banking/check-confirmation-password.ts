// The confirmation password asked on the token forms (利用開始, 利用中止). Only a caller past the
// login password reaches it; a wrong answer counts toward the same lock as a wrong login
// password, because with digit positions each guess has a 1 in 100 chance and must be limited.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { confirmationMatches, type ConfirmationAnswer } from './confirmation-password.js';
import { withPasswordAttempt } from './fail-counters.js';
import type { Customer } from './customers.js';
import type { InstitutionPolicy } from './institution-policy.js';
import type { PasswordHasher } from './password-hasher.js';

export type ConfirmationCheck = { ok: true } | { ok: false; locked: boolean };

export async function checkConfirmationPassword(
  db: Kysely<Schema>,
  deps: { hasher: PasswordHasher; confirmationPepper: Uint8Array; nowMs: () => number },
  input: { customer: Customer; policy: InstitutionPolicy; answer: ConfirmationAnswer; path: string },
): Promise<ConfirmationCheck> {
  const { customer } = input;
  const target = { institution: customer.institution, contractId: customer.contract_id, policy: input.policy, nowMs: deps.nowMs(), path: `${input.path}_confirmation` };
  // Compared only under one of the contract's password attempts (fail-counters.ts).
  const checked = await withPasswordAttempt(db, target, async (attempt): Promise<ConfirmationCheck> => {
    const matches = await confirmationMatches(
      deps.hasher,
      deps.confirmationPepper,
      { contractId: customer.contract_id, confirmationHash: customer.confirmation_hash, confirmationPairs: customer.confirmation_pairs },
      input.answer,
    );
    if (matches) return { ok: true }; // the attempt goes back; a right confirmation password restarts no count
    const counted = await attempt.wrong();
    return { ok: false, locked: counted.counted ? counted.lockedNow : true };
  });
  return checked.taken ? checked.value : { ok: false, locked: checked.refusal === 'locked' };
}
