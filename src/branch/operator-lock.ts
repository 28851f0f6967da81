// The operators' own lock rules: 5 wrong passwords, or 5 wrong one-time passwords, lock the
// operator; only an administrator (or the CLI) unlocks. The counting is the identity core's,
// the customers' mechanism (src/identity/attempts.ts): a password is compared and a code checked
// only under an attempt taken first, counters move only by compare-and-set, each change carries
// its audit record (`operator_otp_failed`, `operator_password_locked`…) in the same
// transaction, and a lock ends the operator's sessions. Every transaction about an operator
// locks in one order — the operator's row, its sessions, then the audit chain's head — so that
// concurrent ones queue on PostgreSQL, never deadlock.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { withAttempt, type Attempt, type Factor } from '../identity/attempts.js';
import { OPERATOR } from '../identity/principals.js';
import type { Operator } from './operators.js';

export const OPERATOR_LOCK_THRESHOLD = 5;
/** The wrong code that warns 「あと1回誤るとロックされます」. */
export const OPERATOR_WARN_AT = 4;

export function isOperatorLocked(operator: Pick<Operator, 'password_failures' | 'otp_failures'>): boolean {
  return operator.password_failures >= OPERATOR_LOCK_THRESHOLD || operator.otp_failures >= OPERATOR_LOCK_THRESHOLD;
}

const THRESHOLDS = { password: OPERATOR_LOCK_THRESHOLD, otp: OPERATOR_LOCK_THRESHOLD };

/**
 * Checks an operator's password or code under one of the operator's attempts of that factor
 * (src/identity/attempts.ts, the customers' mechanism): of any number sent at once, no more are
 * compared or checked than the lock allows. `check` settles the attempt with wrong() or right().
 */
export function withOperatorAttempt<T>(
  db: Kysely<Schema>,
  factor: Factor,
  target: { institution: string; login: string; nowMs: number; path: string },
  check: (attempt: Attempt) => Promise<T>,
) {
  return withAttempt(db, OPERATOR, factor, { institution: target.institution, subject: target.login, thresholds: THRESHOLDS, nowMs: target.nowMs, path: target.path }, check);
}

export type UnlockOperatorResult = { ok: true } | { ok: false; reason: 'unknown_operator' | 'not_locked' };

/** Administrator action: lifts both locks of an operator, with its audit record. */
export async function unlockOperator(
  db: Kysely<Schema>,
  input: { institution: string; login: string; nowMs: number; actor: string; reason: string },
): Promise<UnlockOperatorResult> {
  return db.transaction().execute(async (trx) => {
    const operator = await trx
      .selectFrom('operators')
      .select(['password_failures', 'otp_failures'])
      .where('institution', '=', input.institution)
      .where('login', '=', input.login)
      .executeTakeFirst();
    if (!operator) return { ok: false, reason: 'unknown_operator' } as const;
    if (!isOperatorLocked(operator)) return { ok: false, reason: 'not_locked' } as const;
    await trx
      .updateTable('operators')
      .set({ password_failures: 0, otp_failures: 0, updated_at: input.nowMs })
      .where('institution', '=', input.institution)
      .where('login', '=', input.login)
      .execute();
    await appendAudit(trx, {
      chain: input.institution,
      at: input.nowMs,
      actor: input.actor,
      action: 'operator_unlocked',
      subject: input.login,
      details: { reason: input.reason, passwordFailures: operator.password_failures, otpFailures: operator.otp_failures },
    });
    return { ok: true } as const;
  });
}
