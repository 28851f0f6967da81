// The confirmation password (確認用パスワード / 資金移動用パスワード): 6 digits, asked whole or
// by digit positions (「桁数が指定された」). Stored two ways, for every customer, so that an
// institution can switch its mode without asking customers again:
//  - whole: argon2id, like the login password;
//  - positions: for every pair of positions i<j, HMAC-SHA256 under a server-side pepper of
//    `contractId|i|j|d_i|d_j`. A pair has only 100 possible values, so an unkeyed (or merely
//    salted) hash would fall to an offline search in microseconds; the pepper lives outside the
//    database (its own secret, MAMORI_CONFIRMATION_PEPPER or a 0600 file in the data directory;
//    see server.ts), so a stolen database alone reveals nothing.
// Positions are 1-based, as the page shows them (「2桁目」).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from './password-hasher.js';

export const CONFIRMATION_LENGTH = 6;
export const CONFIRMATION_PATTERN = /^\d{6}$/;

export interface StoredConfirmation {
  confirmationHash: string;
  confirmationPairs: string; // JSON
}

function pairMac(pepper: Uint8Array, contractId: string, i: number, j: number, di: string, dj: string): string {
  return createHmac('sha256', pepper).update(`${contractId}|${i}|${j}|${di}|${dj}`).digest('hex');
}

export async function storeConfirmationPassword(
  hasher: PasswordHasher,
  pepper: Uint8Array,
  input: { contractId: string; confirmationPassword: string },
): Promise<StoredConfirmation> {
  const value = input.confirmationPassword;
  if (!CONFIRMATION_PATTERN.test(value)) throw new TypeError('a confirmation password is 6 digits');
  if (pepper.length < 32) throw new TypeError('the confirmation pepper must be at least 32 bytes');
  const pairs: Record<string, string> = {};
  for (let i = 1; i <= CONFIRMATION_LENGTH; i++) {
    for (let j = i + 1; j <= CONFIRMATION_LENGTH; j++) {
      pairs[`${i},${j}`] = pairMac(pepper, input.contractId, i, j, value[i - 1]!, value[j - 1]!);
    }
  }
  return { confirmationHash: await hasher.hash(value), confirmationPairs: JSON.stringify(pairs) };
}

/** Two (or more) distinct positions in 1..6, ascending, drawn from `randomBytes`. */
export function pickPositions(count: number, randomBytes: (size: number) => Uint8Array): number[] {
  if (!Number.isInteger(count) || count < 1 || count > CONFIRMATION_LENGTH) throw new TypeError('count must be 1 to 6');
  const remaining = Array.from({ length: CONFIRMATION_LENGTH }, (_, k) => k + 1);
  const picked: number[] = [];
  while (picked.length < count) {
    const byte = randomBytes(1)[0]!;
    // Rejection sampling keeps the choice uniform: use only bytes below a multiple of the range.
    const limit = 256 - (256 % remaining.length);
    if (byte >= limit) continue;
    picked.push(remaining.splice(byte % remaining.length, 1)[0]!);
  }
  return picked.sort((a, b) => a - b);
}

export type ConfirmationAnswer = { mode: 'whole'; value: string } | { mode: 'positions'; digits: Record<number, string> };

/**
 * Checks an answer. For positions, every asked pair must match (with 2 positions, one pair).
 * The answer's digits are already normalised to ASCII; anything malformed is simply wrong.
 */
export async function confirmationMatches(
  hasher: PasswordHasher,
  pepper: Uint8Array,
  stored: { contractId: string; confirmationHash: string; confirmationPairs: string },
  answer: ConfirmationAnswer,
): Promise<boolean> {
  if (answer.mode === 'whole') {
    if (!CONFIRMATION_PATTERN.test(answer.value)) return false;
    return hasher.verify(stored.confirmationHash, answer.value);
  }
  const positions = Object.keys(answer.digits).map(Number).sort((a, b) => a - b);
  if (positions.length < 2) return false;
  const pairs = JSON.parse(stored.confirmationPairs) as Record<string, string>;
  let allMatch = true;
  for (let k = 0; k + 1 < positions.length; k++) {
    const i = positions[k]!;
    const j = positions[k + 1]!;
    const di = answer.digits[i] ?? '';
    const dj = answer.digits[j] ?? '';
    const expected = pairs[`${i},${j}`];
    if (expected === undefined || !/^\d$/.test(di) || !/^\d$/.test(dj)) return false;
    const actual = pairMac(pepper, stored.contractId, i, j, di, dj);
    allMatch = timingSafeEqual(Buffer.from(actual, 'hex'), Buffer.from(expected, 'hex')) && allMatch;
  }
  return allMatch;
}

