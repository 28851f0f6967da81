import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HASH_ALGORITHMS } from './hash-algorithm.js';
import { createHmacKey, createOpenSslHmacKey } from './hmac-node.js';
import { RFC4226_SECRET_HEX, RFC4226_VECTORS } from '../../test/support/otp/vectors/rfc4226.js';
import { counterToBytes } from './hotp.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('createHmacKey', () => {
  it('reproduces the intermediate HMAC-SHA-1 values of RFC 4226 Appendix D, Table 1', () => {
    const secret = new Uint8Array(Buffer.from(RFC4226_SECRET_HEX, 'hex'));
    for (const factory of [createHmacKey, createOpenSslHmacKey]) {
      const key = factory('SHA1', secret);
      for (const vector of RFC4226_VECTORS) {
        assert.equal(hex(key.sign(counterToBytes(vector.counter))), vector.hmacHex);
      }
    }
  });

  it('equals createHmac for every algorithm, key and message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HASH_ALGORITHMS),
        fc.uint8Array({ minLength: 1, maxLength: 150 }),
        fc.uint8Array({ maxLength: 200 }),
        (algorithm, secret, message) => {
          const expected = createHmac(algorithm.toLowerCase(), secret).update(message).digest('hex');
          assert.equal(hex(createHmacKey(algorithm, secret).sign(message)), expected);
          assert.equal(hex(createOpenSslHmacKey(algorithm, secret).sign(message)), expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not change when the caller later overwrites its secret array', () => {
    for (const algorithm of HASH_ALGORITHMS) {
      const secret = new Uint8Array([1, 2, 3, 4, 5]);
      const key = createHmacKey(algorithm, secret);
      const message = new Uint8Array(8);
      const before = hex(key.sign(message));
      secret.fill(0);
      assert.equal(hex(key.sign(message)), before);
    }
  });

  it('does not disclose the secret when serialised or inspected', () => {
    const secret = new Uint8Array(Buffer.from('very-secret-key-bytes'));
    for (const algorithm of HASH_ALGORITHMS) {
      const key = createHmacKey(algorithm, secret);
      assert.deepEqual(Object.keys(key).sort(), ['algorithm', 'sign']);
      assert.equal(JSON.stringify(key), JSON.stringify({ algorithm }));
    }
  });

  it('throws a TypeError on misuse', () => {
    for (const factory of [createHmacKey, createOpenSslHmacKey]) {
      assert.throws(() => factory('SHA1', new Uint8Array(0)), TypeError);
      assert.throws(() => factory('SHA384' as never, new Uint8Array(1)), TypeError);
      assert.throws(() => factory('sha1' as never, new Uint8Array(1)), TypeError);
      assert.throws(() => factory('SHA1', [1, 2, 3] as never), TypeError);
    }
  });
});
