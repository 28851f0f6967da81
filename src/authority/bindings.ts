// Binding a token to a subject (a contract ID) of one relying party, after proof of
// possession (a current code), and unbinding it. A token may be bound by many subjects and
// many relying parties; each binding keeps its own replay floors.
import { appendAudit } from '../audit/audit-log.js';
import { normalizeSerial, verifyTotp } from '../otp/index.js';
import type { BindResult, UnbindResult } from './authority-client.js';
import { AUTHORITY_AUDIT_CHAIN, isPlausibleBindingId, randomId, relyingPartyActor, unsealTokenKey, type AuthorityContext } from './authority-context.js';
import { claimStepOnLiveBinding, insertBindingIfAbsent, markBindingDeleted } from './binding-store.js';
import { learnedDrift } from './drift.js';
import { findToken, holdActiveToken, setDriftIfUnchanged, throttleOf, withTokenAttempt } from './token-store.js';

export interface BindInput {
  serial: string;
  subject: string;
  code: string;
}

export const MAX_SUBJECT_LENGTH = 64;

/** Subjects are the relying party's identifiers (contract IDs): a bad one is a caller's bug. */
export function assertSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH || hasControlCharacter(subject)) {
    throw new TypeError(`subject must be 1 to ${MAX_SUBJECT_LENGTH} characters without control characters`);
  }
}

/** C0 controls and DEL: never part of an identifier, and PostgreSQL refuses NUL in text. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

export async function bindToken(ctx: AuthorityContext, relyingPartyId: string, input: BindInput): Promise<BindResult> {
  assertSubject(input.subject);
  const { db } = ctx.database;
  const { policy } = ctx;
  const normalized = normalizeSerial(input.serial);
  if (!normalized.ok) return { ok: false, reason: 'malformed_serial' };
  const serial = normalized.serial;
  const nowMs = ctx.clock.nowMs();
  const token = await findToken(db, serial);
  if (token === undefined || token.state === 'revoked') return { ok: false, reason: 'unknown_serial' };
  if (token.state === 'disabled') return { ok: false, reason: 'token_disabled' };
  // The proof of possession is checked under one of the token's throttle attempts (token-store.ts).
  const attempted = await withTokenAttempt(db, throttleOf(policy, serial, nowMs), async (countFailure) => {
    const checked = verifyTotp({
      key: unsealTokenKey(ctx.keyring, token),
      code: input.code,
      nowMs,
      periodSeconds: token.period_seconds,
      digits: token.digits,
      window: policy.windowSteps,
      driftSteps: token.drift_steps,
    });
    if (!checked.valid && checked.reason !== 'malformed_code') await countFailure();
    return checked;
  });
  if (!attempted.taken) return { ok: false, reason: 'throttled' };
  const result = attempted.value;
  if (!result.valid) return { ok: false, reason: result.reason === 'malformed_code' ? 'malformed_code' : 'invalid_code' };

  const step = result.timeStep;
  const nextDrift = learnedDrift({ driftSteps: token.drift_steps, offset: result.offset, maxLearnedDriftSteps: policy.maxLearnedDriftSteps });
  const bindingId = await db.transaction().execute(async (trx) => {
    // The token was active when read above; it must still be when the binding is written, or a
    // bind racing a disable (lost device) would create a binding after the disable committed.
    if (!(await holdActiveToken(trx, serial))) return 'token_disabled' as const;
    // The new binding starts with the matched step as its floor: this code is spent for it.
    const newId = randomId(ctx.randomBytes, 'bnd_');
    let id: string | undefined = (await insertBindingIfAbsent(trx, { id: newId, relyingPartyId, serial, subject: input.subject, step, nowMs })) ? newId : undefined;
    // Already bound to this subject here: the live binding is reused, and the code must be
    // newer than its floor, so a code cannot be spent twice by binding again.
    id ??= await claimStepOnLiveBinding(trx, { relyingPartyId, serial, subject: input.subject, step });
    if (id === undefined) return undefined;
    if (nextDrift !== undefined) await setDriftIfUnchanged(trx, { serial, from: token.drift_steps, to: nextDrift, nowMs });
    await appendAudit(trx, {
      chain: AUTHORITY_AUDIT_CHAIN,
      at: nowMs,
      actor: relyingPartyActor(relyingPartyId),
      action: 'token_bound',
      subject: serial,
      details: { relyingParty: relyingPartyId, bindingId: id, subject: input.subject, reused: id !== newId },
    });
    return id;
  });
  // A replayed proof of possession reads as a wrong code (BindFailureReason has no 'replayed');
  // it is not counted against the throttle, being no guess.
  if (bindingId === undefined) return { ok: false, reason: 'invalid_code' };
  if (bindingId === 'token_disabled') return { ok: false, reason: 'token_disabled' };
  return { ok: true, bindingId, serial, kind: token.kind, timeStep: step };
}

export async function unbindToken(ctx: AuthorityContext, relyingPartyId: string, bindingId: string): Promise<UnbindResult> {
  if (typeof bindingId !== 'string') throw new TypeError('bindingId must be a string');
  if (!isPlausibleBindingId(bindingId)) return { ok: false, reason: 'binding_not_found' };
  const nowMs = ctx.clock.nowMs();
  return ctx.database.db.transaction().execute(async (trx) => {
    const removed = await markBindingDeleted(trx, { bindingId, relyingPartyId, nowMs });
    if (removed === undefined) return { ok: false, reason: 'binding_not_found' } as const;
    await appendAudit(trx, {
      chain: AUTHORITY_AUDIT_CHAIN,
      at: nowMs,
      actor: relyingPartyActor(relyingPartyId),
      action: 'token_unbound',
      subject: removed.serial,
      details: { relyingParty: relyingPartyId, bindingId, subject: removed.subject },
    });
    return { ok: true } as const;
  });
}
