// The two lock counters (DESIGN §4): wrong passwords and wrong one-time passwords, counted
// separately. Every write is a compare-and-set (`where failures < threshold`), so concurrent
// wrong attempts can never count past the lock, and a success can never clear a lock that a
// concurrent failure has just set. Each change carries its audit record in the same transaction.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import { metrics } from '../observability/mamori-metrics.js';
import type { InstitutionPolicy } from './institution-policy.js';
import { endSessionsOfCustomer } from './sessions.js';

export interface CounterTarget {
  institution: string;
  contractId: string;
  policy: InstitutionPolicy;
  nowMs: number;
  /** Where the attempt was made, for the audit record: 'login', 'register', 'transfer'… */
  path: string;
}

export type CountResult =
  | { counted: true; failures: number; lockedNow: boolean }
  | { counted: false; locked: true }; // already locked: nothing moved

export function isOtpLocked(customer: { otp_failures: number }, policy: InstitutionPolicy): boolean {
  return customer.otp_failures >= policy.otpLockThreshold;
}

export function isPasswordLocked(customer: { password_failures: number }, policy: InstitutionPolicy): boolean {
  return customer.password_failures >= policy.passwordLockThreshold;
}

async function countFailure(
  db: Kysely<Schema>,
  column: 'password_failures' | 'otp_failures',
  threshold: number,
  target: CounterTarget,
  actions: { failed: string; locked: string },
): Promise<CountResult> {
  const result = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('customers')
      .set((eb) => ({ [column]: eb(column, '+', 1), updated_at: target.nowMs }))
      .where('institution', '=', target.institution)
      .where('contract_id', '=', target.contractId)
      .where(column, '<', threshold)
      .returning(column)
      .executeTakeFirst();
    if (!row) return { counted: false, locked: true } as const;
    const failures = Number((row as Record<string, unknown>)[column]);
    const lockedNow = failures >= threshold;
    // A lock ends every session of the contract, whichever path set it — before the audit head
    // is taken (the customer's row is already held): a logout holds its session and then waits
    // for the head, so the other order deadlocks with it on PostgreSQL.
    if (lockedNow) await endSessionsOfCustomer(trx, target.institution, target.contractId);
    await appendAudit(trx, {
      chain: target.institution,
      at: target.nowMs,
      actor: `customer:${target.contractId}`,
      action: lockedNow ? actions.locked : actions.failed,
      subject: target.contractId,
      details: { path: target.path, failures },
    });
    // The customer hears of an OTP lock (取引通知); a password lock is not mailed: anyone who
    // knows a contract ID could otherwise make the bank mail its customer at will.
    if (lockedNow && column === 'otp_failures') {
      await enqueueNotification(trx, { institution: target.institution, contractId: target.contractId, atMs: target.nowMs, event: { kind: 'otp_locked' } });
    }
    return { counted: true, failures, lockedNow } as const;
  });
  if (result.counted && result.lockedNow) metrics.locks.inc({ kind: column === 'otp_failures' ? 'otp' : 'password' });
  return result;
}

async function clearFailures(
  db: Kysely<Schema>,
  column: 'password_failures' | 'otp_failures',
  threshold: number,
  target: Omit<CounterTarget, 'path'>,
): Promise<boolean> {
  // Clearing a zero counter changes nothing, so it needs no write (and no audit record).
  const result = await db
    .updateTable('customers')
    .set({ [column]: 0, updated_at: target.nowMs })
    .where('institution', '=', target.institution)
    .where('contract_id', '=', target.contractId)
    .where(column, '<', threshold)
    .where(column, '>', 0)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  const row = await db
    .selectFrom('customers')
    .select(column)
    .where('institution', '=', target.institution)
    .where('contract_id', '=', target.contractId)
    .executeTakeFirst();
  return row !== undefined && Number((row as Record<string, unknown>)[column]) < threshold;
}

/** A wrong login or confirmation password of an existing, unlocked contract. */
export function countWrongPassword(db: Kysely<Schema>, target: CounterTarget): Promise<CountResult> {
  return countFailure(db, 'password_failures', target.policy.passwordLockThreshold, target, {
    failed: 'password_failed',
    locked: 'password_locked',
  });
}

/** A wrong one-time password, on any path. Only called after the right login password. */
export function countWrongCode(db: Kysely<Schema>, target: CounterTarget): Promise<CountResult> {
  return countFailure(db, 'otp_failures', target.policy.otpLockThreshold, target, {
    failed: 'otp_failed',
    locked: 'otp_locked',
  });
}

/** After a right password: resets the count unless a lock is in place. False when locked. */
export function clearWrongPasswords(db: Kysely<Schema>, target: Omit<CounterTarget, 'path'>): Promise<boolean> {
  return clearFailures(db, 'password_failures', target.policy.passwordLockThreshold, target);
}

/** After a right code: resets the count unless a lock is in place. False when locked. */
export function clearWrongCodes(db: Kysely<Schema>, target: Omit<CounterTarget, 'path'>): Promise<boolean> {
  return clearFailures(db, 'otp_failures', target.policy.otpLockThreshold, target);
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
