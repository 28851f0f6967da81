/**
 * Everything in src/otp that runs anywhere, without node:crypto: the browser token bundles
 * this entry point and makes its keys with `createPureHmacKey` (synchronous, unlike
 * WebCrypto). Node code uses index.ts, whose `createHmacKey` picks the fastest engine.
 * pure.test.ts keeps node:crypto out of this file's import graph.
 */
export * from './base32.js';
export * from './code-format.js';
export * from './constant-time.js';
export * from './digits.js';
export * from './hash-algorithm.js';
export type * from './hash-engine.js';
export type * from './hmac-key.js';
export * from './hmac-pure.js';
export * from './hotp.js';
export * from './key-uri.js';
export * from './ocra.js';
export * from './separators.js';
export * from './serial.js';
export * from './step-window.js';
export * from './totp.js';
export * from './transaction-code.js';
export * from './transaction-payload.js';
