// The form idempotency key shared by the transfer confirmation and 新規契約.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemRandomBytes } from './clock.js';
import { idempotencyKeysEqual, isIdempotencyKey, newIdempotencyKey } from './idempotency-key.js';

describe('form idempotency keys', () => {
  it('are 192 random bits as 32 base64url characters, a new one each time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey(systemRandomBytes)));
    assert.equal(keys.size, 100);
    for (const key of keys) assert.ok(isIdempotencyKey(key), key);
    assert.equal(newIdempotencyKey((size) => new Uint8Array(size).fill(0xff)), '_'.repeat(32));
  });

  it('name nothing in another shape', () => {
    for (const value of [undefined, null, 42, ['a'.repeat(32)], '', 'a'.repeat(31), 'a'.repeat(33), `${'a'.repeat(31)}=`, `${'a'.repeat(31)}+`, `${'a'.repeat(31)}\u0000`, `${'ａ'.repeat(32)}`]) {
      assert.equal(isIdempotencyKey(value), false, JSON.stringify(value));
    }
  });

  it('compare whole keys only', () => {
    const key = newIdempotencyKey(systemRandomBytes);
    assert.equal(idempotencyKeysEqual(key, key), true);
    assert.equal(idempotencyKeysEqual(key, key.slice(0, 31)), false);
    assert.equal(idempotencyKeysEqual(key, `${key}x`), false);
    assert.equal(idempotencyKeysEqual(key, ''), false);
    assert.equal(idempotencyKeysEqual(key, `${key.slice(0, 31)}${key.endsWith('A') ? 'B' : 'A'}`), false);
  });
});
