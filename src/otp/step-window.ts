/**
 * The verification window shared by TOTP (RFC 6238 §5.2, §6) and time-based OCRA (the T
 * input of RFC 6287 §6.3): which time steps around "now" a code may belong to, and in what
 * order they are tried.
 */

/** Largest window accepted: each extra step gives a guess two more chances. */
export const MAX_STEP_WINDOW = 10;

export interface StepWindowOptions {
  /** Steps each side of the centre. */
  readonly window: number;
  /** Learned clock drift: the centre is the current step + driftSteps. */
  readonly driftSteps: number;
  /** Replay floor: only steps strictly greater are considered. */
  readonly afterStep: number | undefined;
}

/** Misuse of a window throws a TypeError. */
export function assertStepWindow({ window, driftSteps, afterStep }: StepWindowOptions): void {
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0 || window > MAX_STEP_WINDOW) {
    throw new TypeError(`window must be an integer from 0 to ${MAX_STEP_WINDOW}`);
  }
  if (typeof driftSteps !== 'number' || !Number.isSafeInteger(driftSteps)) {
    throw new TypeError('driftSteps must be a safe integer');
  }
  if (afterStep !== undefined && (typeof afterStep !== 'number' || !Number.isSafeInteger(afterStep))) {
    throw new TypeError('afterStep must be a safe integer when given');
  }
}

/** Throws unless every step of the window is a safe integer. */
export function assertCentreInRange(centre: number, window: number): void {
  if (!Number.isSafeInteger(centre - window) || !Number.isSafeInteger(centre + window)) {
    throw new TypeError('driftSteps is out of range');
  }
}

/**
 * The `index`-th step to try: centre, centre-1, centre+1, centre-2, centre+2, ...
 * (2 * window + 1 candidates in all).
 *
 * Why this order: nearly every genuine code belongs to the centre step, so the common success
 * costs one HMAC. Next comes the step before it, because a code ages while it is read, typed
 * and sent (the transmission delay of RFC 6238 §5.2), whereas a token clock running ahead is
 * rarer. If two steps of the window happen to share a code (a one-in-10^digits chance), the one
 * nearer the centre wins, and then the earlier one, so the replay floor moves no further than
 * it must.
 */
export function candidateStep(centre: number, index: number): number {
  return centre + (index % 2 === 1 ? -(index + 1) / 2 : index / 2);
}
