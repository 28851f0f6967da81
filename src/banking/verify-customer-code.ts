// Verifies a customer's one-time password on any path (login, 利用中止, 利用登録/交換, later
// transfers), always against the contract's CURRENT binding read fresh from the database, so a
// replaced token's codes fail at once. Wrong codes on every path count toward one OTP lock.
import type { Kysely } from 'kysely';
import type { AuthorityClient } from '../authority/authority-client.js';
import type { Schema } from '../db/schema.js';
import { clearWrongCodes, countWrongCode, isOtpLocked } from './fail-counters.js';
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
}

/** Counts one wrong code and says what the customer should be told. */
export async function wrongCodeOutcome(db: Kysely<Schema>, target: CodeTarget, nowMs: number): Promise<CodeFailure> {
  const counted = await countWrongCode(db, { ...target, nowMs });
  if (!counted.counted || counted.lockedNow) return { ok: false, reason: 'locked' };
  const remaining = target.policy.otpLockThreshold - counted.failures;
  return {
    ok: false,
    reason: 'wrong_code',
    failures: counted.failures,
    remaining,
    warn: target.policy.otpWarnAt > 0 && counted.failures >= target.policy.otpWarnAt,
  };
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
  const result = await deps.authority.verify({ bindingId, code: input.code });
  if (result.valid) {
    const target = { institution: input.institution, contractId: input.contractId, policy: input.policy, nowMs: deps.nowMs() };
    if (!(await clearWrongCodes(db, target))) return { ok: false, reason: 'locked' }; // locked meanwhile
    return { ok: true, bindingId, timeStep: result.timeStep };
  }
  switch (result.reason) {
    case 'invalid_code':
    case 'replayed':
    case 'malformed_code':
      return wrongCodeOutcome(db, input, deps.nowMs());
    case 'throttled':
      return { ok: false, reason: 'throttled' };
    case 'token_disabled':
    case 'binding_not_found':
      return { ok: false, reason: 'token_unusable' };
  }
}
