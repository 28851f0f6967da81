/**
 * The hash functions OATH algorithms are defined over: HOTP (RFC 4226 §5.1) is
 * HMAC-SHA-1; TOTP (RFC 6238 §1.2) and OCRA (RFC 6287 §5.1) add SHA-256 and SHA-512.
 */
export type HashAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

/** Output size of each hash in bytes (FIPS 180-4 §1, Figure 1). */
export const DIGEST_BYTES: Readonly<Record<HashAlgorithm, number>> = {
  SHA1: 20,
  SHA256: 32,
  SHA512: 64,
};

/** Block size of each hash in bytes (FIPS 180-4 §1); HMAC pads the key to it (RFC 2104 §2). */
export const BLOCK_BYTES: Readonly<Record<HashAlgorithm, number>> = {
  SHA1: 64,
  SHA256: 64,
  SHA512: 128,
};

export function isHashAlgorithm(x: unknown): x is HashAlgorithm {
  return x === 'SHA1' || x === 'SHA256' || x === 'SHA512';
}

/** Throws a TypeError naming `what` unless `x` is a supported algorithm. */
export function assertHashAlgorithm(x: unknown, what = 'algorithm'): asserts x is HashAlgorithm {
  if (!isHashAlgorithm(x)) {
    throw new TypeError(`${what} must be one of ${HASH_ALGORITHMS.join(', ')}`);
  }
}
