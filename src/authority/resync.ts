// Resynchronisation (RFC 6238 §6, "resynchronization"): when a token's clock has wandered
// beyond what drift learning follows, an operator asks the customer for two consecutive codes
// and the authority searches a wide window for two consecutive steps that produce them. Two
// codes in a row are needed because one 6-digit code matches some step of a ±50 window by
// chance about once in 10,000 tries; two consecutive ones, about once in 10^10.
import { appendAudit } from '../audit/audit-log.js';
import { isWellFormedCode, normalizeSerial, timeStepAt, verifyTotp, type HmacKey } from '../otp/index.js';
import type { ResyncResult } from './authority-client.js';
import { AUTHORITY_AUDIT_CHAIN, relyingPartyActor, unsealTokenKey, type AuthorityContext } from './authority-context.js';
import { hasLiveBinding, raiseLoginFloors } from './binding-store.js';
import { findToken, isThrottled, setDrift, throttleOf, withTokenAttempt } from './token-store.js';

export interface ResyncInput {
  serial: string;
  code1: string;
  code2: string;
}

export async function resyncToken(ctx: AuthorityContext, relyingPartyId: string, input: ResyncInput): Promise<ResyncResult> {
  const { db } = ctx.database;
  const { policy } = ctx;
  const normalized = normalizeSerial(input.serial);
  if (!normalized.ok) return { ok: false, reason: 'malformed_serial' };
  const serial = normalized.serial;
  const nowMs = ctx.clock.nowMs();
  const token = await findToken(db, serial);
  // Only a relying party that has bound the token may resync it: no probing of serials.
  if (token === undefined || token.state === 'revoked' || !(await hasLiveBinding(db, { relyingPartyId, serial }))) {
    return { ok: false, reason: 'unknown_serial' };
  }
  if (token.state === 'disabled') return { ok: false, reason: 'token_disabled' };
  if (!isWellFormedCode(input.code1, token.digits) || !isWellFormedCode(input.code2, token.digits)) {
    return isThrottled(token, throttleOf(policy, serial, nowMs)) ? { ok: false, reason: 'throttled' } : { ok: false, reason: 'malformed_code' };
  }
  // The pair is searched under one of the token's throttle attempts (token-store.ts): a pair
  // that is not consecutive counts as a failure, like a wrong code.
  const attempted = await withTokenAttempt(db, throttleOf(policy, serial, nowMs), async (countFailure) => {
    const key = unsealTokenKey(ctx.keyring, token);
    const shape = { periodSeconds: token.period_seconds, digits: token.digits };
    const currentStep = timeStepAt({ nowMs, periodSeconds: token.period_seconds });
    const step = findConsecutiveSteps({ key, ...shape, code1: input.code1, code2: input.code2, currentStep, windowSteps: policy.resyncWindowSteps });
    if (step === undefined) await countFailure();
    return { secondStep: step, currentStep };
  });
  if (!attempted.taken) return { ok: false, reason: 'throttled' };
  const { secondStep, currentStep } = attempted.value;
  if (secondStep === undefined) return { ok: false, reason: 'not_consecutive' };
  // The customer made code2 last, so the token's clock is at (about) its step now.
  const driftSteps = secondStep - currentStep;
  await db.transaction().execute(async (trx) => {
    // Both codes were read out to an operator: spend them for every binding of the token.
    // (Bindings first, then the token: the same lock order as verify.)
    await raiseLoginFloors(trx, { serial, step: secondStep });
    await setDrift(trx, { serial, driftSteps, nowMs });
    await appendAudit(trx, {
      chain: AUTHORITY_AUDIT_CHAIN,
      at: nowMs,
      actor: relyingPartyActor(relyingPartyId),
      action: 'token_resynced',
      subject: serial,
      details: { relyingParty: relyingPartyId, driftSteps, previousDriftSteps: token.drift_steps },
    });
  });
  return { ok: true, driftSteps };
}

/** The step of code2 when code1 and code2 match steps s and s+1 of current ± window, nearest first. */
function findConsecutiveSteps(input: {
  key: HmacKey;
  periodSeconds: number;
  digits: number;
  code1: string;
  code2: string;
  currentStep: number;
  windowSteps: number;
}): number | undefined {
  const matchesAt = (code: string, step: number) =>
    step >= 0 && verifyTotp({ key: input.key, code, nowMs: step * input.periodSeconds * 1000, periodSeconds: input.periodSeconds, digits: input.digits, window: 0 }).valid;
  for (let distance = 0; distance <= input.windowSteps; distance++) {
    for (const step of distance === 0 ? [input.currentStep] : [input.currentStep - distance, input.currentStep + distance]) {
      if (matchesAt(input.code2, step) && matchesAt(input.code1, step - 1)) return step;
    }
  }
  return undefined;
}
