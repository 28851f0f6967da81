// RFC 4226 — HOTP: An HMAC-Based One-Time Password Algorithm.
import { constantTimeEqual } from './constant-time.js';
import { assertCodeDigits, isWellFormedCode } from './code-format.js';
import type { HmacKey } from './hmac-key.js';

const TWO_POW_32 = 0x1_0000_0000;
const MAX_UINT64 = (1n << 64n) - 1n;

/** RFC 4226 §7.4: the look-ahead window must stay small; this bound only catches misuse. */
export const MAX_HOTP_LOOK_AHEAD = 100;

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/**
 * Writes `counter` as the 8-byte big-endian moving factor of RFC 4226 §5.2 into
 * `target[offset..offset+8)` without allocating; `counter` must already be a valid safe integer.
 */
export function writeCounterBytes(target: Uint8Array, offset: number, counter: number): void {
  const high = Math.floor(counter / TWO_POW_32);
  const low = counter >>> 0;
  target[offset] = high >>> 24;
  target[offset + 1] = (high >>> 16) & 0xff;
  target[offset + 2] = (high >>> 8) & 0xff;
  target[offset + 3] = high & 0xff;
  target[offset + 4] = low >>> 24;
  target[offset + 5] = (low >>> 16) & 0xff;
  target[offset + 6] = (low >>> 8) & 0xff;
  target[offset + 7] = low & 0xff;
}

/** Throws unless `counter` is a non-negative integer that fits the 8-byte counter. */
export function assertCounter(counter: unknown, what = 'counter'): asserts counter is bigint | number {
  if (typeof counter === 'bigint') {
    if (counter < 0n || counter > MAX_UINT64) {
      throw new TypeError(`${what} must fit in 8 unsigned bytes`);
    }
    return;
  }
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) {
    throw new TypeError(`${what} must be a non-negative safe integer or a bigint`);
  }
}

/** RFC 4226 §5.2: the counter C as an 8-byte big-endian value. */
export function counterToBytes(counter: bigint | number): Uint8Array<ArrayBuffer> {
  assertCounter(counter);
  const bytes = new Uint8Array(8);
  if (typeof counter === 'number') {
    writeCounterBytes(bytes, 0, counter);
  } else {
    new DataView(bytes.buffer).setBigUint64(0, counter, false);
  }
  return bytes;
}

/**
 * RFC 4226 §5.3 "Dynamic Truncation": the low 4 bits of the last byte choose an offset, the
 * 4 bytes there are read big-endian and the top bit is masked off (avoiding signed/unsigned
 * ambiguity), giving a 31-bit number. RFC 6238 §1.2 and RFC 6287 §5.2 use it unchanged for
 * SHA-256 and SHA-512.
 */
export function dynamicTruncation(digest: Uint8Array): number {
  // The largest offset is 15, so 19 bytes are read at most; every supported digest is >= 20.
  if (!(digest instanceof Uint8Array) || digest.length < 20) {
    throw new TypeError('digest must be a Uint8Array of at least 20 bytes');
  }
  const offset = (digest[digest.length - 1] as number) & 0x0f;
  return (
    (((digest[offset] as number) & 0x7f) << 24) |
    ((digest[offset + 1] as number) << 16) |
    ((digest[offset + 2] as number) << 8) |
    (digest[offset + 3] as number)
  );
}

/** RFC 4226 §5.3 step 3: the truncated value modulo 10^digits, zero-padded on the left. */
export function truncateDigest(digest: Uint8Array, digits: number): string {
  assertCodeDigits(digits);
  const value = dynamicTruncation(digest) % (POWERS_OF_TEN[digits] as number);
  return value.toString().padStart(digits, '0');
}

export interface GenerateHotpOptions {
  readonly key: HmacKey;
  readonly counter: bigint | number;
  readonly digits: number;
}

/** RFC 4226 §5.3: HOTP(K, C) = Truncate(HMAC-SHA-1(K, C)). */
export function generateHotp({ key, counter, digits }: GenerateHotpOptions): string {
  assertCodeDigits(digits);
  return truncateDigest(key.sign(counterToBytes(counter)), digits);
}

export type HotpVerifyResult =
  | { valid: true; counter: number; offset: number } // offset = matched counter - expected counter
  | { valid: false; reason: 'malformed_code' | 'no_match' };

export interface VerifyHotpOptions {
  readonly key: HmacKey;
  readonly code: string;
  /** The next counter value the server expects (RFC 4226 §7.2); a safe integer. */
  readonly counter: number;
  readonly digits: number;
  /** RFC 4226 §7.4 look-ahead: also try counter+1 .. counter+lookAhead. Default 0. */
  readonly lookAhead?: number;
}

/**
 * RFC 4226 §7.2: checks `code` against counter, counter+1, ..., counter+lookAhead. On success
 * the caller stores `counter + 1` of the result as the next expected counter (§7.2: the
 * counter is incremented only after a successful authentication).
 */
export function verifyHotp({ key, code, counter, digits, lookAhead = 0 }: VerifyHotpOptions): HotpVerifyResult {
  assertCodeDigits(digits);
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) {
    throw new TypeError('counter must be a non-negative safe integer');
  }
  if (!Number.isInteger(lookAhead) || lookAhead < 0 || lookAhead > MAX_HOTP_LOOK_AHEAD) {
    throw new TypeError(`lookAhead must be an integer from 0 to ${MAX_HOTP_LOOK_AHEAD}`);
  }
  if (!Number.isSafeInteger(counter + lookAhead)) {
    throw new TypeError('counter + lookAhead must be a safe integer');
  }
  if (!isWellFormedCode(code, digits)) {
    return { valid: false, reason: 'malformed_code' };
  }
  const message = new Uint8Array(8);
  for (let candidate = counter; candidate <= counter + lookAhead; candidate++) {
    writeCounterBytes(message, 0, candidate);
    // Early exit on a match only tells which counter matched, which the caller learns anyway;
    // each comparison itself is constant-time.
    if (constantTimeEqual(truncateDigest(key.sign(message), digits), code)) {
      return { valid: true, counter: candidate, offset: candidate - counter };
    }
  }
  return { valid: false, reason: 'no_match' };
}
