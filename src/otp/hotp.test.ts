import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HASH_ALGORITHMS } from './hash-algorithm.js';
import type { HmacKey } from './hmac-key.js';
import { createHmacKey } from './hmac-node.js';
import {
  MAX_HOTP_LOOK_AHEAD,
  counterToBytes,
  dynamicTruncation,
  generateHotp,
  truncateDigest,
  verifyHotp,
} from './hotp.js';
import { RFC4226_SECRET_HEX, RFC4226_VECTORS } from '../../test/support/otp/vectors/rfc4226.js';

const rfcKey = createHmacKey('SHA1', new Uint8Array(Buffer.from(RFC4226_SECRET_HEX, 'hex')));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('HOTP (RFC 4226)', () => {
  it('reproduces Appendix D: truncated values and HOTP codes', () => {
    for (const vector of RFC4226_VECTORS) {
      const digest = new Uint8Array(Buffer.from(vector.hmacHex, 'hex'));
      assert.equal(dynamicTruncation(digest), vector.truncated, `counter ${vector.counter}`);
      assert.equal(truncateDigest(digest, 6), vector.hotp);
      assert.equal(generateHotp({ key: rfcKey, counter: vector.counter, digits: 6 }), vector.hotp);
      assert.equal(generateHotp({ key: rfcKey, counter: BigInt(vector.counter), digits: 6 }), vector.hotp);
    }
  });

  it('zero-pads codes and supports 6 to 8 digits (Appendix D with 8 digits is the truncated value mod 10^8)', () => {
    for (const vector of RFC4226_VECTORS) {
      for (const digits of [6, 7, 8]) {
        const expected = String(vector.truncated % 10 ** digits).padStart(digits, '0');
        assert.equal(generateHotp({ key: rfcKey, counter: vector.counter, digits }), expected);
      }
    }
    // counter 2 truncates to 137359152: with 8 digits "37359152", counter 7 to 82162583.
    assert.equal(generateHotp({ key: rfcKey, counter: 7, digits: 8 }), '82162583');
  });

  it('encodes the counter as 8 big-endian bytes (§5.2)', () => {
    assert.equal(hex(counterToBytes(0)), '0000000000000000');
    assert.equal(hex(counterToBytes(1)), '0000000000000001');
    assert.equal(hex(counterToBytes(0x0123_4567_89ab)), '00000123456789ab');
    assert.equal(hex(counterToBytes(Number.MAX_SAFE_INTEGER)), '001fffffffffffff');
    assert.equal(hex(counterToBytes((1n << 64n) - 1n)), 'ffffffffffffffff');
    assert.equal(hex(counterToBytes(0x27bc86aan)), '0000000027bc86aa');
    fc.assert(
      fc.property(fc.maxSafeNat(), (counter) => {
        assert.equal(hex(counterToBytes(counter)), hex(counterToBytes(BigInt(counter))));
      }),
    );
  });

  it('verifies within the look-ahead window and reports the matched counter', () => {
    const code = generateHotp({ key: rfcKey, counter: 5, digits: 6 });
    assert.deepEqual(verifyHotp({ key: rfcKey, code, counter: 5, digits: 6 }), { valid: true, counter: 5, offset: 0 });
    assert.deepEqual(verifyHotp({ key: rfcKey, code, counter: 2, digits: 6, lookAhead: 3 }), { valid: true, counter: 5, offset: 3 });
    assert.deepEqual(verifyHotp({ key: rfcKey, code, counter: 2, digits: 6, lookAhead: 2 }), { valid: false, reason: 'no_match' });
    assert.deepEqual(verifyHotp({ key: rfcKey, code, counter: 6, digits: 6, lookAhead: 10 }), { valid: false, reason: 'no_match' });
  });

  it('round-trips for random keys, counters, digits and algorithms', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HASH_ALGORITHMS),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat({ max: 2 ** 40 }),
        fc.integer({ min: 6, max: 8 }),
        fc.nat({ max: 5 }),
        (algorithm, secret, counter, digits, ahead) => {
          const key = createHmacKey(algorithm, secret);
          const code = generateHotp({ key, counter: counter + ahead, digits });
          const result = verifyHotp({ key, code, counter, digits, lookAhead: 5 });
          assert.equal(result.valid, true);
          // A collision with an earlier counter of the window is possible (1 in 10^digits).
          if (result.valid) assert.ok(result.counter <= counter + ahead);
        },
      ),
    );
  });

  it('returns malformed_code without computing an HMAC for codes that are not exactly N ASCII digits', () => {
    let signs = 0;
    const countingKey: HmacKey = { algorithm: 'SHA1', sign: (message) => (signs++, rfcKey.sign(message)) };
    for (const code of ['', '75522', '7552240', ' 755224', '755224\n', '７５５２２４', '+55224', '75522a', 755224 as never]) {
      assert.deepEqual(verifyHotp({ key: countingKey, code, counter: 0, digits: 6 }), { valid: false, reason: 'malformed_code' });
    }
    assert.equal(signs, 0);
  });

  it('throws a TypeError on misuse', () => {
    for (const digits of [5, 9, 6.5, NaN, '6' as never]) {
      assert.throws(() => generateHotp({ key: rfcKey, counter: 0, digits }), TypeError);
      assert.throws(() => truncateDigest(new Uint8Array(20), digits), TypeError);
      assert.throws(() => verifyHotp({ key: rfcKey, code: '000000', counter: 0, digits }), TypeError);
    }
    for (const counter of [-1, 1.5, NaN, Infinity, 2 ** 53, -1n, 1n << 64n, '1' as never]) {
      assert.throws(() => counterToBytes(counter), TypeError);
    }
    for (const lookAhead of [-1, 0.5, MAX_HOTP_LOOK_AHEAD + 1]) {
      assert.throws(() => verifyHotp({ key: rfcKey, code: '000000', counter: 0, digits: 6, lookAhead }), TypeError);
    }
    assert.throws(() => verifyHotp({ key: rfcKey, code: '000000', counter: 1n as never, digits: 6 }), TypeError);
    assert.throws(() => dynamicTruncation(new Uint8Array(19)), TypeError);
  });
});
