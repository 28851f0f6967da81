/**
 * Compares two strings in time that depends only on their length, not on where they differ,
 * so a verifier does not tell an attacker how many leading digits of a guess were right.
 *
 * Lengths are public (a code's length is fixed by policy), so strings of different lengths
 * return false at once. Pure JavaScript on purpose: `timingSafeEqual` would pull node:crypto
 * into the browser bundle and needs Buffers, and JIT-compiled XOR/OR over char codes has no
 * data-dependent branch.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) {
    return false;
  }
  let difference = 0;
  for (let i = 0; i < a.length; i++) {
    difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  }
  return difference === 0;
}
