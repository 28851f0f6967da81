// The confirm step's ports wired to the real parts: the token authority's verify, and the
// Personal Web's lock counters and confirmation-password check, for one customer.
import type { Kysely } from 'kysely';
import type { AuthorityClient } from '../../authority/authority-client.js';
import type { Schema } from '../../db/schema.js';
import type { Clock } from '../../shared/clock.js';
import { checkConfirmationPassword } from '../check-confirmation-password.js';
import type { Customer } from '../customers.js';
import { isOtpLocked, isPasswordLocked, withCodeAttempt } from '../fail-counters.js';
import type { InstitutionPolicy } from '../institution-policy.js';
import type { PasswordHasher } from '../password-hasher.js';
import { wrongCodeOutcome } from '../verify-customer-code.js';
import type { ConfirmingCustomer, ConfirmPorts } from './confirm-authentication.js';

export interface ConfirmPortDeps {
  authority: AuthorityClient;
  hasher: PasswordHasher;
  confirmationPepper: Uint8Array;
  clock: Clock;
}

export function confirmingCustomer(customer: Customer, policy: InstitutionPolicy): ConfirmingCustomer {
  return {
    bindingId: customer.token_binding_id,
    otpLocked: isOtpLocked(customer, policy),
    passwordLocked: isPasswordLocked(customer, policy),
  };
}

/** `path` names the form in audit records: 'transfer', 'limit_change'. */
export function customerConfirmPorts(
  db: Kysely<Schema>,
  deps: ConfirmPortDeps,
  input: { customer: Customer; policy: InstitutionPolicy; path: string },
): ConfirmPorts {
  const target = () => ({
    institution: input.customer.institution,
    contractId: input.customer.contract_id,
    policy: input.policy,
    nowMs: deps.clock.nowMs(),
  });
  return {
    verifyCode: (request) => deps.authority.verify(request),
    withCodeAttempt: (check) =>
      // The same attempts, counting and warning as every other path (verify-customer-code.ts).
      withCodeAttempt(db, { ...target(), path: input.path }, (attempt) =>
        check({
          wrong: async () => {
            const outcome = await wrongCodeOutcome(attempt, input.policy);
            return outcome.reason === 'wrong_code' ? { locked: false, warn: outcome.warn, remaining: outcome.remaining } : { locked: true, warn: false, remaining: 0 };
          },
          right: () => attempt.right(),
        }),
      ),
    checkConfirmationPassword: (answer) =>
      checkConfirmationPassword(
        db,
        { hasher: deps.hasher, confirmationPepper: deps.confirmationPepper, nowMs: () => deps.clock.nowMs() },
        { customer: input.customer, policy: input.policy, answer, path: input.path },
      ),
  };
}
