// Pure-JavaScript hashing of FIPS 180-4 (SHA-1, SHA-256, SHA-512): the shared Merkle–Damgård
// frame, i.e. padding (§5.1), parsing into blocks (§5.2) and the final digest. The compression
// functions live in sha1.ts, sha256.ts and sha512.ts. Everything is cross-checked against
// OpenSSL (node:crypto) in hash-engine.test.ts.
import type { HashAlgorithm } from './hash-algorithm.js';

export interface HashEngine {
  readonly algorithm: HashAlgorithm;
  readonly blockBytes: number;
  readonly digestBytes: number;
  /** The message-length field that ends the padding: 8 bytes, or 16 for SHA-512 (§5.1.2). */
  readonly lengthFieldBytes: number;
  /** H(0) as big-endian 32-bit words (SHA-512: high word first); never mutated. */
  readonly initialState: Int32Array;
  /**
   * Processes one block, given as big-endian 32-bit words, into `state` in place. Uses
   * module-level scratch memory: callers are synchronous and never re-entrant.
   */
  compress(state: Int32Array, block: Int32Array): void;
}

/** Scratch block (up to SHA-512's 128 bytes): hashing is synchronous, so one suffices. */
const BLOCK = new Int32Array(32);

/**
 * Runs `message` and then the padding through `state`, as the end of a message whose first
 * `prefixBytes` bytes (a multiple of the block size) are already in `state`. HMAC uses the
 * prefix for its precomputed key blocks.
 */
export function absorbFinal(engine: HashEngine, state: Int32Array, message: Uint8Array, prefixBytes: number): void {
  const { blockBytes, lengthFieldBytes } = engine;
  const blockWords = blockBytes >>> 2;
  const fullBytes = message.length - (message.length % blockBytes);
  let offset = 0;
  for (; offset < fullBytes; offset += blockBytes) {
    for (let word = 0, i = offset; word < blockWords; word++, i += 4) {
      BLOCK[word] =
        ((message[i] as number) << 24) |
        ((message[i + 1] as number) << 16) |
        ((message[i + 2] as number) << 8) |
        (message[i + 3] as number);
    }
    engine.compress(state, BLOCK);
  }
  // §5.1: the rest of the message, a 1 bit, zeros, and the length in bits at the very end.
  BLOCK.fill(0, 0, blockWords);
  const rest = message.length - offset;
  for (let i = 0; i < rest; i++) {
    BLOCK[i >>> 2] = (BLOCK[i >>> 2] as number) | ((message[offset + i] as number) << (24 - ((i & 3) << 3)));
  }
  BLOCK[rest >>> 2] = (BLOCK[rest >>> 2] as number) | (0x80 << (24 - ((rest & 3) << 3)));
  if (rest + 1 + lengthFieldBytes > blockBytes) {
    engine.compress(state, BLOCK);
    BLOCK.fill(0, 0, blockWords);
  }
  // Lengths stay below 2^53 bits here, so the two lowest words of the field carry them.
  const bits = (prefixBytes + message.length) * 8;
  BLOCK[blockWords - 2] = Math.floor(bits / 0x1_0000_0000);
  BLOCK[blockWords - 1] = bits >>> 0;
  engine.compress(state, BLOCK);
}

/**
 * Like `absorbFinal` for a message that is another hash's digest, given as its state words;
 * the digest is a whole number of words and, with its padding, fits one block for all three
 * hashes. HMAC's outer hash uses it to skip converting the inner digest to bytes and back.
 */
export function absorbFinalDigest(engine: HashEngine, state: Int32Array, digestState: Int32Array, prefixBytes: number): void {
  const blockWords = engine.blockBytes >>> 2;
  const digestWords = engine.digestBytes >>> 2;
  BLOCK.fill(0, digestWords, blockWords);
  for (let word = 0; word < digestWords; word++) {
    BLOCK[word] = digestState[word] as number;
  }
  BLOCK[digestWords] = 0x80000000 | 0;
  BLOCK[blockWords - 1] = (prefixBytes + engine.digestBytes) * 8;
  engine.compress(state, BLOCK);
}

/**
 * The state after absorbing one whole block, given as bytes that may run short (then padded
 * with `fill`) and are XORed with `mask`: HMAC's key blocks K ^ ipad and K ^ opad
 * (RFC 2104 §2), built without a copy of the key.
 */
export function stateAfterMaskedBlock(engine: HashEngine, bytes: Uint8Array, mask: number): Int32Array {
  const blockWords = engine.blockBytes >>> 2;
  for (let word = 0, i = 0; word < blockWords; word++, i += 4) {
    BLOCK[word] =
      (((bytes[i] ?? 0) ^ mask) << 24) |
      (((bytes[i + 1] ?? 0) ^ mask) << 16) |
      (((bytes[i + 2] ?? 0) ^ mask) << 8) |
      ((bytes[i + 3] ?? 0) ^ mask);
  }
  const state = engine.initialState.slice();
  engine.compress(state, BLOCK);
  BLOCK.fill(0, 0, blockWords); // no key material left in scratch memory
  return state;
}

/** The first `digestBytes` bytes of the state words, big-endian (§6.1.2, §6.2.2, §6.4.2). */
export function stateToDigest(engine: HashEngine, state: Int32Array): Uint8Array<ArrayBuffer> {
  const digest = new Uint8Array(engine.digestBytes);
  for (let i = 0; i < digest.length; i++) {
    digest[i] = ((state[i >>> 2] as number) >>> (24 - ((i & 3) << 3))) & 0xff;
  }
  return digest;
}

/** The hash of a whole message. */
export function hashWithEngine(engine: HashEngine, message: Uint8Array): Uint8Array<ArrayBuffer> {
  const state = engine.initialState.slice();
  absorbFinal(engine, state, message, 0);
  return stateToDigest(engine, state);
}
