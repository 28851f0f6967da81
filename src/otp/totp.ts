// RFC 6238 — TOTP: Time-Based One-Time Password Algorithm. Time is always passed in (`nowMs`).
import { constantTimeEqual } from './constant-time.js';
import { assertCodeDigits, isWellFormedCode } from './code-format.js';
import type { HmacKey } from './hmac-key.js';
import { generateHotp, truncateDigest, writeCounterBytes } from './hotp.js';
import { assertCentreInRange, assertStepWindow, candidateStep, MAX_STEP_WINDOW } from './step-window.js';

/** Largest `window` verifyTotp accepts. */
export const MAX_TOTP_WINDOW = MAX_STEP_WINDOW;

export interface TimeStepAtOptions {
  readonly nowMs: number;
  /** X of RFC 6238 §4.1, in seconds; a positive integer (30 is the RFC's default). */
  readonly periodSeconds: number;
  /** T0 of RFC 6238 §4.1, Unix seconds; default 0. */
  readonly t0Seconds?: number;
}

function assertPeriodSeconds(periodSeconds: unknown): asserts periodSeconds is number {
  if (typeof periodSeconds !== 'number' || !Number.isSafeInteger(periodSeconds) || periodSeconds <= 0) {
    throw new TypeError('periodSeconds must be a positive integer');
  }
}

/**
 * RFC 6238 §4.2: T = floor((Current Unix time - T0) / X). Negative before T0.
 *
 * Computed in milliseconds: for operands below 2^53, IEEE division followed by floor is exact
 * (a quotient just below an integer k is at least 1/divisor below it, more than the half ulp
 * of k that rounding could add), so no step boundary is ever off by one.
 */
export function timeStepAt({ nowMs, periodSeconds, t0Seconds = 0 }: TimeStepAtOptions): number {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || Math.abs(nowMs) > Number.MAX_SAFE_INTEGER) {
    throw new TypeError('nowMs must be a finite number of milliseconds within ±2^53');
  }
  assertPeriodSeconds(periodSeconds);
  if (typeof t0Seconds !== 'number' || !Number.isSafeInteger(t0Seconds) || Math.abs(t0Seconds) > Number.MAX_SAFE_INTEGER / 1000) {
    throw new TypeError('t0Seconds must be an integer number of seconds within ±2^53 ms');
  }
  return Math.floor((nowMs - t0Seconds * 1000) / (periodSeconds * 1000));
}

function assertTimeStep(timeStep: unknown): asserts timeStep is number {
  if (typeof timeStep !== 'number' || !Number.isSafeInteger(timeStep) || timeStep < 0) {
    throw new TypeError('timeStep must be a non-negative safe integer (time at or after T0)');
  }
}

export interface GenerateTotpAtStepOptions {
  readonly key: HmacKey;
  readonly timeStep: number;
  readonly digits: number;
}

/** RFC 6238 §4.2: TOTP = HOTP(K, T), T being the time step. */
export function generateTotpAtStep({ key, timeStep, digits }: GenerateTotpAtStepOptions): string {
  assertTimeStep(timeStep);
  return generateHotp({ key, counter: timeStep, digits });
}

export interface GenerateTotpOptions {
  readonly key: HmacKey;
  readonly nowMs: number;
  readonly periodSeconds: number;
  readonly digits: number;
  readonly t0Seconds?: number;
}

export function generateTotp({ key, nowMs, periodSeconds, digits, t0Seconds = 0 }: GenerateTotpOptions): string {
  const timeStep = timeStepAt({ nowMs, periodSeconds, t0Seconds });
  return generateTotpAtStep({ key, timeStep, digits });
}

export type TotpVerifyResult =
  | { valid: true; timeStep: number; offset: number } // offset = matched step - current step (before drift)
  | { valid: false; reason: 'malformed_code' | 'no_match' };

export interface VerifyTotpOptions {
  readonly key: HmacKey;
  readonly code: string;
  readonly nowMs: number;
  readonly periodSeconds: number;
  readonly digits: number;
  /** Steps each side of the centre, default 1 (RFC 6238 §5.2 recommends at most one back). */
  readonly window?: number;
  /** Learned drift (RFC 6238 §6): the centre is currentStep + driftSteps, default 0. */
  readonly driftSteps?: number;
  /** Replay floor (RFC 6238 §5.2): only steps strictly greater are considered. */
  readonly afterStep?: number;
  readonly t0Seconds?: number;
}

/**
 * RFC 6238 §5.2 validation with a window, learned drift (§6) and a replay floor (§5.2: a
 * verifier must not accept the same code twice).
 *
 * Misuse (bad digits, period, window, drift or floor) throws a TypeError. A `code` that is not
 * exactly `digits` ASCII digits returns `malformed_code` before any HMAC is computed. A wrong
 * code costs 2 * window + 1 HMACs and allocates one 8-byte buffer, reused for every candidate.
 *
 * The loop stops at the first match, but each comparison is constant-time: the number of HMACs
 * computed can only reveal which step matched (and whether one did), which is not secret — the
 * result says so anyway — while no timing reveals how close a wrong guess came.
 */
export function verifyTotp(options: VerifyTotpOptions): TotpVerifyResult {
  const { key, code, nowMs, periodSeconds, digits, window = 1, driftSteps = 0, afterStep, t0Seconds = 0 } = options;
  assertCodeDigits(digits);
  assertStepWindow({ window, driftSteps, afterStep });
  const currentStep = timeStepAt({ nowMs, periodSeconds, t0Seconds });
  const centre = currentStep + driftSteps;
  assertCentreInRange(centre, window);
  if (!isWellFormedCode(code, digits)) {
    return { valid: false, reason: 'malformed_code' };
  }
  const floor = afterStep ?? -1;
  const message = new Uint8Array(8);
  const candidates = 2 * window + 1;
  for (let index = 0; index < candidates; index++) {
    const step = candidateStep(centre, index); // centre, centre-1, centre+1, ... (see step-window.ts)
    if (step < 0 || step <= floor) {
      continue;
    }
    writeCounterBytes(message, 0, step);
    if (constantTimeEqual(truncateDigest(key.sign(message), digits), code)) {
      return { valid: true, timeStep: step, offset: step - currentStep };
    }
  }
  return { valid: false, reason: 'no_match' };
}
