// Operator sign-in: password (argon2id), then the one-time password of the operator's token,
// bound through the same authority as the customers' (the institution's relying party, subject
// `operator:<login>`). An operator without a token enrols one at first sign-in.
//
// Like the customers' login, every way of failing the password step — unknown login, wrong
// password, a lock — answers the same after about the same work; only someone who knows the
// password learns of an OTP lock.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { AuthorityClient } from '../authority/authority-client.js';
import type { PasswordHasher } from '../banking/password-hasher.js';
import type { Schema } from '../db/schema.js';
import { clearOperatorFailures, countOperatorFailure, isOperatorLocked, OPERATOR_LOCK_THRESHOLD, OPERATOR_WARN_AT } from './operator-lock.js';
import { findOperator, operatorActor, operatorSubject, type Operator } from './operators.js';

export type OperatorPasswordCheck = { ok: true; operator: Operator; otpLocked: boolean } | { ok: false };

export async function checkOperatorPassword(
  db: Kysely<Schema>,
  deps: { hasher: PasswordHasher; nowMs: () => number },
  input: { institution: string; login: string; password: string },
): Promise<OperatorPasswordCheck> {
  const operator = await findOperator(db, input.institution, input.login);
  if (!operator) {
    await deps.hasher.verifyDummy(input.password);
    return { ok: false };
  }
  const matches = await deps.hasher.verify(operator.password_hash, input.password);
  const target = { institution: input.institution, login: input.login, nowMs: deps.nowMs() };
  if (!matches) {
    await countOperatorFailure(db, { ...target, counter: 'password_failures', path: 'sign_in' });
    return { ok: false };
  }
  if (operator.password_failures >= OPERATOR_LOCK_THRESHOLD) return { ok: false };
  // Compare-and-set: a lock set by a concurrent wrong guess is never cleared here.
  if (operator.password_failures > 0) await clearOperatorFailures(db, { ...target, counter: 'password_failures' });
  const current = await findOperator(db, input.institution, input.login);
  if (!current || current.password_failures >= OPERATOR_LOCK_THRESHOLD) return { ok: false };
  return { ok: true, operator: current, otpLocked: current.otp_failures >= OPERATOR_LOCK_THRESHOLD };
}

export type OperatorCodeFailure =
  | { ok: false; reason: 'wrong_code'; remaining: number; warn: boolean }
  | { ok: false; reason: 'locked' }
  | { ok: false; reason: 'throttled' }
  | { ok: false; reason: 'token_unusable' } // disabled at the authority, or the binding is gone
  | { ok: false; reason: 'no_token' };

async function wrongCode(db: Kysely<Schema>, target: { institution: string; login: string; nowMs: number; path: string }): Promise<OperatorCodeFailure> {
  const counted = await countOperatorFailure(db, { ...target, counter: 'otp_failures' });
  if (!counted.counted || counted.lockedNow) return { ok: false, reason: 'locked' };
  return { ok: false, reason: 'wrong_code', remaining: OPERATOR_LOCK_THRESHOLD - counted.failures, warn: counted.failures >= OPERATOR_WARN_AT };
}

/** The code of the operator's enrolled token. `code` is six ASCII digits (the page normalised it). */
export async function verifyOperatorCode(
  db: Kysely<Schema>,
  deps: { authority: AuthorityClient; nowMs: () => number },
  input: { institution: string; login: string; code: string },
): Promise<{ ok: true; timeStep: number } | OperatorCodeFailure> {
  const operator = await findOperator(db, input.institution, input.login);
  if (!operator) return { ok: false, reason: 'token_unusable' };
  if (isOperatorLocked(operator)) return { ok: false, reason: 'locked' };
  if (operator.token_binding_id === null) return { ok: false, reason: 'no_token' };
  const result = await deps.authority.verify({ bindingId: operator.token_binding_id, code: input.code });
  const target = { institution: input.institution, login: input.login, nowMs: deps.nowMs() };
  if (result.valid) {
    if (!(await clearOperatorFailures(db, { ...target, counter: 'otp_failures' }))) return { ok: false, reason: 'locked' };
    return { ok: true, timeStep: result.timeStep };
  }
  switch (result.reason) {
    case 'invalid_code':
    case 'replayed':
    case 'malformed_code':
      return wrongCode(db, { ...target, path: 'sign_in' });
    case 'throttled':
      return { ok: false, reason: 'throttled' };
    case 'token_disabled':
    case 'binding_not_found':
      return { ok: false, reason: 'token_unusable' };
  }
}

export type EnrolResult =
  | { ok: true; serial: string }
  | OperatorCodeFailure
  | { ok: false; reason: 'unknown_serial' }
  | { ok: false; reason: 'already_enrolled' };

/**
 * First sign-in: binds the operator's new token (proof of possession: a current code) and
 * stores the binding with a compare-and-set; nothing half-done if the store fails.
 */
export async function enrolOperatorToken(
  db: Kysely<Schema>,
  deps: { authority: AuthorityClient; nowMs: () => number },
  input: { institution: string; login: string; serial: string; code: string },
): Promise<EnrolResult> {
  const operator = await findOperator(db, input.institution, input.login);
  if (!operator) return { ok: false, reason: 'token_unusable' };
  if (isOperatorLocked(operator)) return { ok: false, reason: 'locked' };
  if (operator.token_binding_id !== null) return { ok: false, reason: 'already_enrolled' };
  const bound = await deps.authority.bind({ serial: input.serial, subject: operatorSubject(input.login), code: input.code });
  if (!bound.ok) {
    switch (bound.reason) {
      case 'malformed_serial':
      case 'unknown_serial':
        return { ok: false, reason: 'unknown_serial' };
      case 'malformed_code':
      case 'invalid_code':
        return wrongCode(db, { institution: input.institution, login: input.login, nowMs: deps.nowMs(), path: 'enrolment' });
      case 'throttled':
        return { ok: false, reason: 'throttled' };
      case 'token_disabled':
        return { ok: false, reason: 'token_unusable' };
    }
  }
  const nowMs = deps.nowMs();
  let stored = false;
  try {
    stored = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('operators')
        .set({ token_binding_id: bound.bindingId, token_serial: bound.serial, token_enrolled_at: nowMs, otp_failures: 0, updated_at: nowMs })
        .where('institution', '=', input.institution)
        .where('login', '=', input.login)
        .where('token_binding_id', 'is', null)
        .where('otp_failures', '<', OPERATOR_LOCK_THRESHOLD)
        .where('password_failures', '<', OPERATOR_LOCK_THRESHOLD)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await appendAudit(trx, {
        chain: input.institution,
        at: nowMs,
        actor: operatorActor(input.login),
        action: 'operator_token_enrolled',
        subject: input.login,
        details: { serial: bound.serial, kind: bound.kind },
      });
      return true;
    });
  } finally {
    if (!stored) await deps.authority.unbind(bound.bindingId).catch(() => undefined);
  }
  if (!stored) return { ok: false, reason: 'already_enrolled' };
  return { ok: true, serial: bound.serial };
}

export type ResetOperatorTokenResult = { ok: true; unbound: boolean } | { ok: false; reason: 'unknown_operator' | 'no_token' };

/**
 * Administrator action for a lost operator token: forgets the binding (the operator enrols a
 * new token at the next sign-in), ends their sessions, then unbinds at the authority.
 */
export async function resetOperatorToken(
  db: Kysely<Schema>,
  deps: { authority: AuthorityClient },
  input: { institution: string; login: string; nowMs: number; actor: string; reason: string },
): Promise<ResetOperatorTokenResult> {
  const bindingId = await db.transaction().execute(async (trx): Promise<{ missing: 'unknown_operator' | 'no_token' } | { bindingId: string }> => {
    const operator = await findOperator(trx, input.institution, input.login);
    if (!operator) return { missing: 'unknown_operator' };
    if (operator.token_binding_id === null) return { missing: 'no_token' };
    await trx
      .updateTable('operators')
      .set({ token_binding_id: null, token_serial: null, token_enrolled_at: null, updated_at: input.nowMs })
      .where('institution', '=', input.institution)
      .where('login', '=', input.login)
      .where('token_binding_id', '=', operator.token_binding_id)
      .execute();
    await trx.deleteFrom('operator_sessions').where('institution', '=', input.institution).where('login', '=', input.login).execute();
    await appendAudit(trx, {
      chain: input.institution,
      at: input.nowMs,
      actor: input.actor,
      action: 'operator_token_reset',
      subject: input.login,
      details: { reason: input.reason, serial: operator.token_serial },
    });
    return { bindingId: operator.token_binding_id };
  });
  if ('missing' in bindingId) return { ok: false, reason: bindingId.missing };
  const unbound = await deps.authority.unbind(bindingId.bindingId).then((r) => r.ok || r.reason === 'binding_not_found', () => false);
  return { ok: true, unbound };
}
