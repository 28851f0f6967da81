// 利用開始: binds a token to the contract. The authority checks possession (a current code) and
// records the binding; the bank then stores it with a compare-and-set (`token_binding_id is
// null`), so two concurrent registrations can never leave a contract with two tokens. If the
// bank cannot store it, the new binding is removed again: nothing half-done.
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../audit/audit-log.js';
import type { AuthorityClient, BindResult } from '../authority/authority-client.js';
import type { Schema } from '../db/schema.js';
import { enqueueNotification, type NotificationInput } from '../notifications/enqueue-notification.js';
import { isOtpLocked, withCodeAttempt } from './fail-counters.js';
import type { SignInEnvironment } from '../shared/sign-in-environment.js';
import { appendCustomerAudit, findCustomer } from './customers.js';
import { isDesktopRegistrationClosed, type InstitutionPolicy } from './institution-policy.js';
import { refusedAttempt, wrongCodeOutcome, type CodeFailure } from './verify-customer-code.js';

export type BindFailure =
  | CodeFailure
  | { ok: false; reason: 'unknown_serial' }
  | { ok: false; reason: 'desktop_closed'; closedFrom: string };

export type RegisterResult =
  | { ok: true; serial: string; kind: 'mobile' | 'desktop' }
  | BindFailure
  | { ok: false; reason: 'already_registered' }
  | { ok: false; reason: 'registration_blocked'; untilMs: number };

export interface TokenDeps {
  authority: AuthorityClient;
  nowMs: () => number;
}

interface BindTarget {
  institution: string;
  contractId: string;
  policy: InstitutionPolicy;
  path: string;
  serial: string;
  code: string;
  /** Where the code came from, for the audit record of a wrong one (ログイン履歴). */
  environment?: SignInEnvironment;
}

/** Binds at the authority and applies the kind policy; maps every failure to what we show. */
export async function bindNewToken(
  db: Kysely<Schema>,
  deps: TokenDeps,
  target: BindTarget,
): Promise<{ ok: true; bound: Extract<BindResult, { ok: true }> } | BindFailure> {
  // The code is checked under one of the contract's remaining attempts, like every code
  // (fail-counters.ts); a bind that succeeds gives its attempt back (the store restarts the count).
  const attempted = await withCodeAttempt(db, { ...target, nowMs: deps.nowMs() }, async (attempt): Promise<Extract<BindResult, { ok: true }> | BindFailure> => {
    const result = await deps.authority.bind({ serial: target.serial, subject: target.contractId, code: target.code });
    if (result.ok) return result;
    switch (result.reason) {
      case 'malformed_serial':
      case 'unknown_serial':
        return { ok: false, reason: 'unknown_serial' };
      case 'malformed_code':
      case 'invalid_code':
        return wrongCodeOutcome(attempt, target.policy);
      case 'throttled':
        return { ok: false, reason: 'throttled' };
      case 'token_disabled':
        return { ok: false, reason: 'token_unusable' };
    }
  });
  if (!attempted.taken) return refusedAttempt(attempted.refusal);
  const bound = attempted.value;
  if (!bound.ok) return bound;
  // The authority knows the kind for certain; seed 000: desktop registration closed from a date.
  if (bound.kind === 'desktop' && isDesktopRegistrationClosed(target.policy, deps.nowMs())) {
    await unbindUnlessStored(db, deps.authority, { ...target, bindingId: bound.bindingId });
    return { ok: false, reason: 'desktop_closed', closedFrom: target.policy.desktopRegistrationClosedFrom ?? '' };
  }
  return { ok: true, bound };
}

export async function registerToken(db: Kysely<Schema>, deps: TokenDeps, target: BindTarget): Promise<RegisterResult> {
  const customer = await findCustomer(db, target.institution, target.contractId);
  if (!customer || customer.status !== 'active') return { ok: false, reason: 'token_unusable' };
  if (isOtpLocked(customer, target.policy)) return { ok: false, reason: 'locked' };
  if (customer.token_binding_id !== null) return { ok: false, reason: 'already_registered' };
  const blockedUntil = customer.registration_blocked_until;
  if (blockedUntil !== null && blockedUntil > deps.nowMs()) return { ok: false, reason: 'registration_blocked', untilMs: blockedUntil };

  const result = await bindNewToken(db, deps, target);
  if (!result.ok) return result;
  const { bound } = result;
  const stored = await storeNewBinding(db, deps, { ...target, replacing: null }, bound, {
    action: 'token_registered',
    details: { serial: bound.serial, kind: bound.kind },
    event: { kind: 'token_registered', serial: bound.serial, tokenKind: bound.kind },
  });
  if (!stored) return { ok: false, reason: 'already_registered' };
  return { ok: true, serial: bound.serial, kind: bound.kind };
}

/**
 * Stores a new binding on the contract with a compare-and-set — the contract still holds the
 * binding it `replaces` (null: none), is active and not OTP-locked — in one transaction with
 * its audit record and notification. When it is not stored (the contract changed meanwhile:
 * false; the write failed: rethrown), the new binding is removed again unless stored.
 */
export async function storeNewBinding(
  db: Kysely<Schema>,
  deps: TokenDeps,
  target: { institution: string; contractId: string; policy: InstitutionPolicy; replacing: string | null },
  bound: Extract<BindResult, { ok: true }>,
  record: Pick<AuditEntry, 'action' | 'details'> & { event: NotificationInput['event'] },
): Promise<boolean> {
  const nowMs = deps.nowMs();
  let stored: boolean;
  try {
    stored = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('customers')
        .set({
          token_binding_id: bound.bindingId,
          token_serial: bound.serial,
          token_kind: bound.kind,
          token_registered_at: nowMs,
          otp_failures: 0, // the right code was just shown
          updated_at: nowMs,
        })
        .where('institution', '=', target.institution)
        .where('contract_id', '=', target.contractId)
        .where((eb) => (target.replacing === null ? eb('token_binding_id', 'is', null) : eb('token_binding_id', '=', target.replacing)))
        .where('status', '=', 'active')
        .where('otp_failures', '<', target.policy.otpLockThreshold)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await appendCustomerAudit(trx, { ...target, nowMs }, { action: record.action, details: record.details });
      await enqueueNotification(trx, { institution: target.institution, contractId: target.contractId, atMs: nowMs, event: record.event });
      return true;
    });
  } catch (error) {
    await unbindUnlessStored(db, deps.authority, { ...target, bindingId: bound.bindingId });
    throw error;
  }
  if (!stored) await unbindUnlessStored(db, deps.authority, { ...target, bindingId: bound.bindingId });
  return stored;
}

/**
 * Undoes a bind whose result the bank could not store — unless the bank stores that very
 * binding: the authority reuses the live binding when the same token is bound to the same
 * contract again, so a concurrent registration of the same token may have stored it. When the
 * database cannot be read, nothing is unbound: an orphan binding is harmless, removing the
 * stored one is not.
 */
export async function unbindUnlessStored(
  db: Kysely<Schema>,
  authority: AuthorityClient,
  input: { institution: string; contractId: string; bindingId: string },
): Promise<void> {
  let stored: string | null | undefined;
  try {
    stored = (await findCustomer(db, input.institution, input.contractId))?.token_binding_id;
  } catch {
    return;
  }
  if (stored !== input.bindingId) await unbindQuietly(authority, input.bindingId);
}

/**
 * Removes a binding the bank no longer refers to. A failure leaves an orphan binding at the
 * authority, which is harmless: the bank only ever verifies against the binding it stores.
 */
export async function unbindQuietly(authority: AuthorityClient, bindingId: string): Promise<boolean> {
  try {
    const result = await authority.unbind(bindingId);
    return result.ok || result.reason === 'binding_not_found';
  } catch {
    return false;
  }
}
