// Step one of every flow (login, 利用開始, 利用中止, 利用登録/交換): 契約者ID + ログインパスワード.
// Every way of failing — unknown ID, wrong password, password lock, suspension — returns the
// same answer after about the same work (argon2 against a dummy hash when the ID is unknown),
// so the page cannot tell anyone which factor failed or whether a contract exists. Only a caller
// who passed this step learns anything more (the OTP lock, the token state).
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { SignInEnvironment } from '../shared/sign-in-environment.js';
import { metrics } from '../observability/mamori-metrics.js';
import { isOtpLocked, withPasswordAttempt } from './fail-counters.js';
import { findCustomer, type Customer } from './customers.js';
import type { InstitutionPolicy } from './institution-policy.js';
import type { PasswordHasher } from './password-hasher.js';

export type PasswordCheck =
  | { ok: true; customer: Customer; otpLocked: boolean }
  | { ok: false }; // deliberately without a reason

export async function checkLoginPassword(
  db: Kysely<Schema>,
  deps: { hasher: PasswordHasher; nowMs: () => number },
  input: { institution: string; policy: InstitutionPolicy; contractId: string; password: string; path: string; environment?: SignInEnvironment },
): Promise<PasswordCheck> {
  const customer = await findCustomer(db, input.institution, input.contractId);
  if (!customer) {
    await deps.hasher.verifyDummy(input.password);
    return { ok: false };
  }
  // The password is hashed only under one of the contract's remaining password attempts
  // (fail-counters.ts): a burst at one contract, over any number of processes, has no more
  // passwords compared than the lock allows. Refused (locked, or every attempt in flight), the
  // same dummy work and the same answer as an unknown ID.
  const target = { institution: input.institution, contractId: input.contractId, policy: input.policy, nowMs: deps.nowMs(), path: input.path, ...(input.environment ? { environment: input.environment } : {}) };
  const checked = await withPasswordAttempt(db, target, async (attempt): Promise<PasswordCheck> => {
    const matches = await deps.hasher.verify(customer.login_password_hash, input.password);
    metrics.passwordChecks.inc({ result: matches ? 'right' : 'wrong' });
    // A suspended contract counts nothing (its attempt goes back); the answer is the same.
    if (customer.status !== 'active') return { ok: false };
    if (!matches) {
      await attempt.wrong();
      return { ok: false };
    }
    if (!(await attempt.right())) return { ok: false }; // locked meanwhile
    return { ok: true, customer: { ...customer, password_failures: 0 }, otpLocked: isOtpLocked(customer, input.policy) };
  });
  if (checked.taken) return checked.value;
  await deps.hasher.verifyDummy(input.password);
  return { ok: false };
}
