// The operators' own lock rules: 5 wrong passwords, or 5 wrong one-time passwords, lock the
// operator; only an administrator (or the CLI) unlocks. Counters move only by compare-and-set
// (`where failures < threshold`), so concurrent guesses can never count past the lock, and each
// change carries its audit record in the same transaction. A lock ends the operator's sessions.
// Every transaction about an operator locks in one order — the operator's row, its sessions,
// then the audit chain's head — so that concurrent ones queue on PostgreSQL, never deadlock.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import type { Operator } from './operators.js';
import { operatorActor } from './operators.js';
import { endSessionsOfOperator } from './operator-sessions.js';

export const OPERATOR_LOCK_THRESHOLD = 5;
/** The wrong code that warns 「あと1回誤るとロックされます」. */
export const OPERATOR_WARN_AT = 4;

type Counter = 'password_failures' | 'otp_failures';

export type OperatorCountResult = { counted: true; failures: number; lockedNow: boolean } | { counted: false; locked: true };

export function isOperatorLocked(operator: Pick<Operator, 'password_failures' | 'otp_failures'>): boolean {
  return operator.password_failures >= OPERATOR_LOCK_THRESHOLD || operator.otp_failures >= OPERATOR_LOCK_THRESHOLD;
}

export async function countOperatorFailure(
  db: Kysely<Schema>,
  input: { institution: string; login: string; counter: Counter; nowMs: number; path: string },
): Promise<OperatorCountResult> {
  const kind = input.counter === 'password_failures' ? 'password' : 'otp';
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('operators')
      .set((eb) => ({ [input.counter]: eb(input.counter, '+', 1), updated_at: input.nowMs }))
      .where('institution', '=', input.institution)
      .where('login', '=', input.login)
      .where(input.counter, '<', OPERATOR_LOCK_THRESHOLD)
      .returning(input.counter)
      .executeTakeFirst();
    if (!row) return { counted: false, locked: true } as const;
    const failures = Number((row as Record<string, unknown>)[input.counter]);
    const lockedNow = failures >= OPERATOR_LOCK_THRESHOLD;
    // The sessions before the audit head (the operator's row is already held): a logout holds
    // its session and then waits for the head, so taking the head first would deadlock with it.
    if (lockedNow) await endSessionsOfOperator(trx, input.institution, input.login);
    await appendAudit(trx, {
      chain: input.institution,
      at: input.nowMs,
      actor: operatorActor(input.login),
      action: lockedNow ? `operator_${kind}_locked` : `operator_${kind}_failed`,
      subject: input.login,
      details: { path: input.path, failures },
    });
    return { counted: true, failures, lockedNow } as const;
  });
}

/** After a right answer: resets the counter unless a lock is in place. False when locked. */
export async function clearOperatorFailures(
  db: Kysely<Schema>,
  input: { institution: string; login: string; counter: Counter; nowMs: number },
): Promise<boolean> {
  await db
    .updateTable('operators')
    .set({ [input.counter]: 0, updated_at: input.nowMs })
    .where('institution', '=', input.institution)
    .where('login', '=', input.login)
    .where(input.counter, '<', OPERATOR_LOCK_THRESHOLD)
    .where(input.counter, '>', 0)
    .execute();
  const row = await db
    .selectFrom('operators')
    .select(['password_failures', 'otp_failures'])
    .where('institution', '=', input.institution)
    .where('login', '=', input.login)
    .executeTakeFirst();
  return row !== undefined && !isOperatorLocked(row);
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
