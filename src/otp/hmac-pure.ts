// HMAC (RFC 2104) in pure JavaScript over the FIPS 180-4 engines: the HmacKey of browsers,
// and the fast path of createHmacKey in Node (see hmac-node.ts).
import { assertHashAlgorithm, type HashAlgorithm } from './hash-algorithm.js';
import {
  absorbFinal,
  absorbFinalDigest,
  hashWithEngine,
  stateAfterMaskedBlock,
  stateToDigest,
  type HashEngine,
} from './hash-engine.js';
import type { HmacKey } from './hmac-key.js';
import { SHA1_ENGINE } from './sha1.js';
import { SHA256_ENGINE } from './sha256.js';
import { SHA512_ENGINE } from './sha512.js';

const ENGINES: Readonly<Record<HashAlgorithm, HashEngine>> = {
  SHA1: SHA1_ENGINE,
  SHA256: SHA256_ENGINE,
  SHA512: SHA512_ENGINE,
};

/** Scratch states, large enough for SHA-512; `sign` is synchronous and never re-entrant. */
const INNER = new Int32Array(16);
const OUTER = new Int32Array(16);

/**
 * An HmacKey computing HMAC = H((K ^ opad) || H((K ^ ipad) || message)) (RFC 2104 §2).
 *
 * The two key blocks do not depend on the message, so their hash states are computed once
 * here; each `sign` then costs only the message's own blocks plus one for the outer hash —
 * two compressions for an OTP's 8-byte counter. Keys longer than a block are hashed first
 * (RFC 2104 §2). The secret itself is not kept, only the two states derived from it.
 */
export function createPureHmacKey(algorithm: HashAlgorithm, secret: Uint8Array): HmacKey {
  assertHashAlgorithm(algorithm);
  if (!(secret instanceof Uint8Array)) {
    throw new TypeError('secret must be a Uint8Array');
  }
  if (secret.length < 1) {
    throw new TypeError('secret must be at least 1 byte long');
  }
  const engine = ENGINES[algorithm];
  const key = secret.length > engine.blockBytes ? hashWithEngine(engine, secret) : secret;
  const innerKeyState = stateAfterMaskedBlock(engine, key, 0x36);
  const outerKeyState = stateAfterMaskedBlock(engine, key, 0x5c);
  const inner = INNER.subarray(0, innerKeyState.length);
  const outer = OUTER.subarray(0, outerKeyState.length);
  const { blockBytes } = engine;
  return {
    algorithm,
    sign(message: Uint8Array): Uint8Array {
      if (!(message instanceof Uint8Array)) {
        throw new TypeError('message must be a Uint8Array');
      }
      inner.set(innerKeyState);
      absorbFinal(engine, inner, message, blockBytes);
      outer.set(outerKeyState);
      absorbFinalDigest(engine, outer, inner, blockBytes);
      return stateToDigest(engine, outer);
    },
  };
}

/** A plain hash (FIPS 180-4) of `data`, e.g. OCRA's PIN hash (RFC 6287 §5.1, P). */
export function hashBytes(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array<ArrayBuffer> {
  assertHashAlgorithm(algorithm);
  if (!(data instanceof Uint8Array)) {
    throw new TypeError('data must be a Uint8Array');
  }
  return hashWithEngine(ENGINES[algorithm], data);
}
