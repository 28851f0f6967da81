// A form's idempotency key: 192 random bits the server puts in a form as the hidden field
// `idempotencyKey`, stored in a unique column with what the form's first submission did. Every
// submission of the same form (a double click, the back button, the browser's 「フォームの再送信」
// on reload) carries the same key and so finds that outcome instead of doing it again; a new
// form is a new key. Used by the transfer confirmation (the pending transfer's key, checked
// against the confirm form) and by 新規契約 (the key under which a contract was opened).
import { timingSafeEqual } from 'node:crypto';
import type { RandomBytes } from './clock.js';

const KEY_BYTES = 24;
/** 24 bytes in unpadded base64url: 32 characters. */
const KEY_SHAPE = /^[A-Za-z0-9_-]{32}$/;

export function newIdempotencyKey(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(KEY_BYTES)).toString('base64url');
}

/** Whether a posted value has the shape of a key this server hands out (anything else names nothing). */
export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_SHAPE.test(value);
}

/** Compares a stored key with a presented one in constant time. */
export function idempotencyKeysEqual(stored: string, given: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
