// Verifies a customer's one-time password on any path (login, 利用中止, 利用登録/交換, later
// transfers), always against the contract's CURRENT binding read fresh from the database, so a
// replaced token's codes fail at once. Wrong codes on every path count toward one OTP lock, and
// every code is checked under one of the contract's remaining attempts (fail-counters.ts), so
// no more codes reach the authority than the lock allows, however many requests race.
import type { Kysely } from 'kysely';
import type { AuthorityClient } from '../authority/authority-client.js';
import type { Schema } from '../db/schema.js';
import type { SignInEnvironment } from '../shared/sign-in-environment.js';
import { isOtpLocked, withCodeAttempt, type Attempt, type AttemptRefusal } from './fail-counters.js';
import { findCustomer } from './customers.js';
import type { InstitutionPolicy } from './institution-policy.js';

export type CodeFailure =
  | { ok: false; reason: 'wrong_code'; failures: number; remaining: number; warn: boolean }
  | { ok: false; reason: 'locked' } // locked now or before: the page names how to get unlocked
  | { ok: false; reason: 'throttled' } // the authority refuses to check for a while
  | { ok: false; reason: 'token_unusable' } // disabled at the authority, or the binding is gone
  | { ok: false; reason: 'no_token' };

export type CodeCheck = { ok: true; bindingId: string; timeStep: number } | CodeFailure;

export interface CodeTarget {
  institution: string;
  contractId: string;
  policy: InstitutionPolicy;
  path: string;
  /** Where the code came from, for the audit record of a wrong one (ログイン履歴). */
  environment?: SignInEnvironment;
}

/** Counts one wrong code (settling its attempt) and says what the customer should be told. */
export async function wrongCodeOutcome(attempt: Attempt, policy: InstitutionPolicy): Promise<CodeFailure> {
  const counted = await attempt.wrong();
  if (!counted.counted || counted.lockedNow) return { ok: false, reason: 'locked' };
  return {
    ok: false,
    reason: 'wrong_code',
    failures: counted.failures,
    remaining: policy.otpLockThreshold - counted.failures,
    warn: policy.otpWarnAt > 0 && counted.failures >= policy.otpWarnAt,
  };
}

/** No attempt was free: the lock, or every remaining attempt being checked by other requests. */
export function refusedAttempt(refusal: AttemptRefusal): CodeFailure {
  return { ok: false, reason: refusal };
}

/**
 * `code` must already be six ASCII digits (the page normalises what was typed). Throws
 * AuthorityUnavailableError when the authority cannot answer: nothing is counted then.
 */
export async function verifyCustomerCode(
  db: Kysely<Schema>,
  deps: { authority: AuthorityClient; nowMs: () => number },
  input: CodeTarget & { code: string },
): Promise<CodeCheck> {
  const customer = await findCustomer(db, input.institution, input.contractId);
  if (!customer || customer.status !== 'active') return { ok: false, reason: 'token_unusable' };
  if (isOtpLocked(customer, input.policy)) return { ok: false, reason: 'locked' };
  const bindingId = customer.token_binding_id;
  if (bindingId === null) return { ok: false, reason: 'no_token' };
  const target = { institution: input.institution, contractId: input.contractId, policy: input.policy, path: input.path, nowMs: deps.nowMs(), ...(input.environment ? { environment: input.environment } : {}) };
  const checked = await withCodeAttempt(db, target, async (attempt): Promise<CodeCheck> => {
    const result = await deps.authority.verify({ bindingId, code: input.code });
    if (result.valid) {
      if (!(await attempt.right())) return { ok: false, reason: 'locked' }; // locked meanwhile
      return { ok: true, bindingId, timeStep: result.timeStep };
    }
    switch (result.reason) {
      case 'invalid_code':
      case 'replayed':
      case 'malformed_code':
        return wrongCodeOutcome(attempt, input.policy);
      case 'throttled':
        return { ok: false, reason: 'throttled' };
      case 'token_disabled':
      case 'binding_not_found':
        return { ok: false, reason: 'token_unusable' };
    }
  });
  return checked.taken ? checked.value : refusedAttempt(checked.refusal);
}
