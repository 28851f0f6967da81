// Operator sign-in: password (argon2id), then the one-time password of the operator's token,
// bound through the same authority as the customers' (the institution's relying party, subject
// `operator:<login>`). An operator without a token enrols one at first sign-in.
//
// Like the customers' login, every way of failing the password step — unknown login, wrong
// password, a lock — answers the same after about the same work; only someone who knows the
// password learns of an OTP lock.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { AuthorityClient, BindResult } from '../authority/authority-client.js';
import type { PasswordHasher } from '../banking/password-hasher.js';
import type { Schema } from '../db/schema.js';
import type { Attempt } from '../identity/attempts.js';
import { isOperatorLocked, OPERATOR_LOCK_THRESHOLD, OPERATOR_WARN_AT, withOperatorAttempt } from './operator-lock.js';
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
  // Hashed only under one of the operator's password attempts, as a customer's password is;
  // refused (locked, or every attempt in flight), the same dummy work and the same answer as an
  // unknown login.
  const target = { institution: input.institution, login: input.login, nowMs: deps.nowMs(), path: 'sign_in' };
  const checked = await withOperatorAttempt(db, 'password', target, async (attempt) => {
    if (!(await deps.hasher.verify(operator.password_hash, input.password))) {
      await attempt.wrong();
      return false;
    }
    return attempt.right(); // false: locked meanwhile
  });
  if (!checked.taken) {
    await deps.hasher.verifyDummy(input.password);
    return { ok: false };
  }
  if (!checked.value) return { ok: false };
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

async function wrongCode(attempt: Attempt): Promise<OperatorCodeFailure> {
  const counted = await attempt.wrong();
  if (!counted.counted || counted.lockedNow) return { ok: false, reason: 'locked' };
  return { ok: false, reason: 'wrong_code', remaining: OPERATOR_LOCK_THRESHOLD - counted.failures, warn: counted.failures >= OPERATOR_WARN_AT };
}

/** An attempt refused: locked, or every remaining attempt being checked elsewhere (try again). */
function refused(refusal: 'locked' | 'throttled'): OperatorCodeFailure {
  return { ok: false, reason: refusal };
}

/**
 * The code of the operator's enrolled token, checked at the authority only under one of the
 * operator's code attempts. `code` is six ASCII digits (the page normalised it).
 */
export async function verifyOperatorCode(
  db: Kysely<Schema>,
  deps: { authority: AuthorityClient; nowMs: () => number },
  input: { institution: string; login: string; code: string },
): Promise<{ ok: true; timeStep: number } | OperatorCodeFailure> {
  const operator = await findOperator(db, input.institution, input.login);
  if (!operator) return { ok: false, reason: 'token_unusable' };
  if (isOperatorLocked(operator)) return { ok: false, reason: 'locked' };
  const bindingId = operator.token_binding_id;
  if (bindingId === null) return { ok: false, reason: 'no_token' };
  const target = { institution: input.institution, login: input.login, nowMs: deps.nowMs(), path: 'sign_in' };
  const checked = await withOperatorAttempt(db, 'otp', target, async (attempt): Promise<{ ok: true; timeStep: number } | OperatorCodeFailure> => {
    const result = await deps.authority.verify({ bindingId, code: input.code });
    if (result.valid) {
      if (!(await attempt.right())) return { ok: false, reason: 'locked' };
      return { ok: true, timeStep: result.timeStep };
    }
    switch (result.reason) {
      case 'invalid_code':
      case 'replayed':
      case 'malformed_code':
        return wrongCode(attempt);
      case 'throttled':
        return { ok: false, reason: 'throttled' }; // not judged: the attempt goes back
      case 'token_disabled':
      case 'binding_not_found':
        return { ok: false, reason: 'token_unusable' };
    }
  });
  return checked.taken ? checked.value : refused(checked.refusal);
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
  // The new token's code is checked under one of the operator's code attempts too.
  const target = { institution: input.institution, login: input.login, nowMs: deps.nowMs(), path: 'enrolment' };
  const checked = await withOperatorAttempt(db, 'otp', target, async (attempt): Promise<Extract<BindResult, { ok: true }> | EnrolResult> => {
    const result = await deps.authority.bind({ serial: input.serial, subject: operatorSubject(input.login), code: input.code });
    if (result.ok) {
      await attempt.giveBack(); // the count restarts when the binding is stored, below
      return result;
    }
    switch (result.reason) {
      case 'malformed_serial':
      case 'unknown_serial':
        return { ok: false, reason: 'unknown_serial' };
      case 'malformed_code':
      case 'invalid_code':
        return wrongCode(attempt);
      case 'throttled':
        return { ok: false, reason: 'throttled' };
      case 'token_disabled':
        return { ok: false, reason: 'token_unusable' };
    }
  });
  if (!checked.taken) return refused(checked.refusal);
  const bound = checked.value;
  if (!('bindingId' in bound)) return bound;
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
