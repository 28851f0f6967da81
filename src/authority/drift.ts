// Drift learning (RFC 6238 §6). A token's clock wanders (a phone without network time, a
// desktop that sleeps); the authority keeps, per token, how many steps its codes sit from the
// server's step and centres the ±1 window there.
//
// Rule: when a code is accepted one step off the centre, move the centre onto that step.
// Why this is safe and stable: the accepted step is the token's true step, or one behind it
// when the customer was slow (a code read just before a step boundary). Either way the new
// centre is within one step of the token's clock, so the ±1 window keeps covering the token
// however its clock wanders, one step at a time. A latency-caused move is undone by the next
// prompt code. Only accepted codes move it (a guesser cannot), each move is a compare-and-set
// on the drift that was read, so concurrent acceptances never add up, and it is bounded: past
// ±maxLearnedDriftSteps (5 minutes by default) only an operator's resync can move it.
// Transaction codes (one-minute OCRA steps) use the drift but do not teach it.

/** The drift to store after accepting `offset` (= matched step − server step), or undefined. */
export function learnedDrift(input: { driftSteps: number; offset: number; maxLearnedDriftSteps: number }): number | undefined {
  const fromCentre = input.offset - input.driftSteps;
  if (fromCentre === 0) return undefined;
  const next = input.offset;
  // Moving back toward zero is always allowed (e.g. after a wide operator resync).
  if (Math.abs(next) > input.maxLearnedDriftSteps && Math.abs(next) >= Math.abs(input.driftSteps)) return undefined;
  return next;
}

/** Login drift (30-second steps) expressed in the one-minute steps of transaction codes. */
export function driftInMinuteSteps(input: { driftSteps: number; periodSeconds: number }): number {
  return Math.round((input.driftSteps * input.periodSeconds) / 60);
}
