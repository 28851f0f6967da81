// The only file of src/otp that imports node:crypto: everything else stays usable in a
// browser bundle (see pure.ts).
import { createHmac } from 'node:crypto';
import { assertHashAlgorithm, type HashAlgorithm } from './hash-algorithm.js';
import type { HmacKey } from './hmac-key.js';
import { createPureHmacKey } from './hmac-pure.js';

/**
 * The HmacKey the authority uses, on its hot path (a wrong TOTP code costs three HMACs), so
 * each algorithm gets the engine measured fastest for OTP-sized messages (Node 20, x64):
 *
 * - SHA-1 and SHA-256: the pure engine of hmac-pure.ts, whose key blocks are hashed once per
 *   key. About 0.7 µs per HMAC against 2.6 µs for a `createHmac` call, most of which is the
 *   per-call cost of crossing into OpenSSL, not hashing.
 * - SHA-512: OpenSSL through `createHmac`; JavaScript has no fast 64-bit arithmetic, so the
 *   pure engine only breaks even and costs more to set up.
 *
 * Both engines are cross-checked byte for byte against `createHmac` in the tests.
 */
export function createHmacKey(algorithm: HashAlgorithm, secret: Uint8Array): HmacKey {
  assertHashAlgorithm(algorithm);
  if (!(secret instanceof Uint8Array)) {
    throw new TypeError('secret must be a Uint8Array');
  }
  // RFC 2104 §3 allows any key length but an empty key is always a caller's mistake.
  // (RFC 4226 §4 R6 asks for at least 128 bits; enforcing that is the provisioning policy's
  // job, because imported tokens and test vectors may be shorter.)
  if (secret.length < 1) {
    throw new TypeError('secret must be at least 1 byte long');
  }
  if (algorithm !== 'SHA512') {
    return createPureHmacKey(algorithm, secret);
  }
  return createOpenSslHmacKey(algorithm, secret);
}

/**
 * An HmacKey backed by OpenSSL. The secret is copied once into the Buffer `createHmac` takes,
 * so a caller that later wipes or reuses its own array cannot change the key.
 */
export function createOpenSslHmacKey(algorithm: HashAlgorithm, secret: Uint8Array): HmacKey {
  assertHashAlgorithm(algorithm);
  if (!(secret instanceof Uint8Array) || secret.length < 1) {
    throw new TypeError('secret must be a Uint8Array of at least 1 byte');
  }
  const hashName = algorithm.toLowerCase(); // 'sha1' | 'sha256' | 'sha512'
  const keyBytes = Buffer.from(secret);
  return {
    algorithm,
    sign(message: Uint8Array): Uint8Array {
      return createHmac(hashName, keyBytes).update(message).digest();
    },
  };
}
