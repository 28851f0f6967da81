// What the branch generates for a customer and shows exactly once: the contract ID of a new
// contract, its initial login password and its confirmation password, and the one-time
// password of a reset. Uniform choices by rejection sampling over the injected randomness.
import type { RandomBytes } from '../shared/clock.js';

/** No 0/O, 1/l/I: the password is read off paper and typed by the customer. */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
export const INITIAL_PASSWORD_LENGTH = 10;

/** A uniform integer in [0, bound), bound ≤ 256. */
function uniformBelow(bound: number, randomBytes: RandomBytes): number {
  const limit = 256 - (256 % bound);
  for (;;) {
    const byte = randomBytes(1)[0]!;
    if (byte < limit) return byte % bound;
  }
}

function pickFrom(alphabet: string, length: number, randomBytes: RandomBytes): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[uniformBelow(alphabet.length, randomBytes)];
  return out;
}

/** 10 characters with at least one upper-case letter, one lower-case letter and one digit. */
export function generateInitialPassword(randomBytes: RandomBytes): string {
  for (;;) {
    const candidate = pickFrom(PASSWORD_ALPHABET, INITIAL_PASSWORD_LENGTH, randomBytes);
    if (/[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /\d/.test(candidate)) return candidate;
  }
}

/** The 6-digit confirmation password (確認用パスワード) of a new contract. */
export function generateConfirmationPassword(randomBytes: RandomBytes): string {
  return pickFrom('0123456789', 6, randomBytes);
}

/**
 * A 10-digit contract ID. New contracts start with 2–9 so that they never collide with the
 * demo contracts (1000000001…); the caller retries on the rare collision.
 */
export function generateContractId(randomBytes: RandomBytes): string {
  return pickFrom('23456789', 1, randomBytes) + pickFrom('0123456789', 9, randomBytes);
}
