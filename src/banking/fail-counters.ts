// The contract's two lock counters (DESIGN §4), wrong passwords and wrong one-time passwords,
// with the thresholds of the institution's policy. The counting itself, and the attempt under
// which alone a code is checked or a password compared, are the identity core's, one mechanism
// for customers and operators (src/identity/attempts.ts); what is the bank's is here: the
// policy's thresholds, the 取引通知 of an OTP lock and the lock metric.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { withAttempt, type Attempt, type AttemptRefusal, type CountResult, type Factor, type LockHooks } from '../identity/attempts.js';
import { CUSTOMER } from '../identity/principals.js';
import { environmentDetails, type SignInEnvironment } from '../shared/sign-in-environment.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import { metrics } from '../observability/mamori-metrics.js';
import type { InstitutionPolicy } from './institution-policy.js';

export type { Attempt, AttemptRefusal, CountResult };

export interface CounterTarget {
  institution: string;
  contractId: string;
  policy: InstitutionPolicy;
  nowMs: number;
  /** Where the attempt was made, for the audit record: 'login', 'register', 'transfer'… */
  path: string;
  /** Where it came from (browser, OS, masked address), for the audit record of a failure (ログイン履歴). */
  environment?: SignInEnvironment;
}

export function isOtpLocked(customer: { otp_failures: number }, policy: InstitutionPolicy): boolean {
  return customer.otp_failures >= policy.otpLockThreshold;
}

export function isPasswordLocked(customer: { password_failures: number }, policy: InstitutionPolicy): boolean {
  return customer.password_failures >= policy.passwordLockThreshold;
}

const CUSTOMER_LOCKS: LockHooks = {
  // The customer hears of an OTP lock (取引通知); a password lock is not mailed: anyone who
  // knows a contract ID could otherwise make the bank mail its customer at will.
  inLockingTransaction: async (trx, factor, target) => {
    if (factor === 'otp') await enqueueNotification(trx, { institution: target.institution, contractId: target.subject, atMs: target.nowMs, event: { kind: 'otp_locked' } });
  },
  afterLock: (factor) => metrics.locks.inc({ kind: factor }),
};

function attempt<T>(db: Kysely<Schema>, factor: Factor, target: CounterTarget, check: (attempt: Attempt) => Promise<T>) {
  const thresholds = { password: target.policy.passwordLockThreshold, otp: target.policy.otpLockThreshold };
  const details = target.environment ? { details: environmentDetails(target.environment) } : {};
  return withAttempt(db, CUSTOMER, factor, { institution: target.institution, subject: target.contractId, thresholds, nowMs: target.nowMs, path: target.path, ...details }, check, CUSTOMER_LOCKS);
}

/**
 * Checks a one-time code under one of the contract's code attempts: `check` settles it with
 * wrong() or right(); if it does not (or throws), the attempt is given back uncounted.
 */
export function withCodeAttempt<T>(db: Kysely<Schema>, target: CounterTarget, check: (attempt: Attempt) => Promise<T>) {
  return attempt(db, 'otp', target, check);
}

/**
 * Checks a login or confirmation password under an attempt, as withCodeAttempt does a code:
 * of any number of passwords sent at once for one contract, no more are hashed and compared
 * than the lock allows.
 */
export function withPasswordAttempt<T>(db: Kysely<Schema>, target: CounterTarget, check: (attempt: Attempt) => Promise<T>) {
  return attempt(db, 'password', target, check);
}

/** A wrong password counted under an attempt of its own (for tools and tests that stage a count). */
export async function countWrongPassword(db: Kysely<Schema>, target: CounterTarget): Promise<CountResult> {
  const counted = await withPasswordAttempt(db, target, (attempt) => attempt.wrong());
  return counted.taken ? counted.value : { counted: false, locked: true };
}

/** Operator action (branch console): lifts the OTP lock, with its audit record. */
export async function unlockOtp(
  db: Kysely<Schema>,
  input: { institution: string; contractId: string; nowMs: number; actor: string },
): Promise<{ ok: boolean }> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('customers')
      .set({ otp_failures: 0, updated_at: input.nowMs })
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return { ok: false };
    await appendAudit(trx, { chain: input.institution, at: input.nowMs, actor: input.actor, action: 'otp_unlocked', subject: input.contractId });
    return { ok: true };
  });
}
