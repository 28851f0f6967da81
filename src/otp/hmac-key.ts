import type { HashAlgorithm } from './hash-algorithm.js';

/**
 * A secret bound to one hash function, able to compute HMAC (RFC 2104) over a message.
 *
 * The secret itself is never reachable through this interface, so an `HmacKey` can be passed
 * around (and even logged by mistake) without disclosing it. `sign` is synchronous because
 * the OTP functions are; an implementation must not keep a reference to `message` (verifiers
 * reuse one buffer for every candidate), and must return a fresh array each call.
 *
 * Implementations: `createPureHmacKey` (hmac-pure.ts, anywhere, including browsers, where
 * WebCrypto would be asynchronous) and `createHmacKey` (hmac-node.ts, Node's fastest).
 */
export interface HmacKey {
  readonly algorithm: HashAlgorithm;
  sign(message: Uint8Array): Uint8Array;
}
