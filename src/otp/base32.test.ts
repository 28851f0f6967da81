import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBase32, encodeBase32 } from './base32.js';
import { RFC4648_BASE32_VECTORS } from '../../test/support/otp/vectors/rfc4648.js';

const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('base32 (RFC 4648 §6)', () => {
  it('reproduces the §10 test vectors, encoding without padding', () => {
    for (const { input, base32 } of RFC4648_BASE32_VECTORS) {
      assert.equal(encodeBase32(ascii(input)), base32.replace(/=+$/, ''));
      assert.equal(text(decodeBase32(base32)), input, base32);
      assert.equal(text(decodeBase32(base32.replace(/=+$/, ''))), input);
      assert.equal(text(decodeBase32(base32.toLowerCase())), input);
    }
  });

  it('ignores spaces anywhere and accepts lower case', () => {
    assert.equal(text(decodeBase32('mzxw 6ytb oi')), 'foobar');
    assert.equal(text(decodeBase32(' MZXW6YTBOI====== ')), 'foobar');
    assert.equal(text(decodeBase32('MZ XW6 YTB OI== ====')), 'foobar');
  });

  it('round-trips any bytes, and decoding is canonical up to case, spaces and padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = encodeBase32(bytes);
        assert.match(encoded, /^[A-Z2-7]*$/);
        assert.deepEqual(decodeBase32(encoded), bytes);
        const padded = encoded.padEnd(Math.ceil(encoded.length / 8) * 8, '=');
        assert.deepEqual(decodeBase32(padded), bytes);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z2-7]{0,40}$/), (candidate) => {
        let decoded: Uint8Array;
        try {
          decoded = decodeBase32(candidate);
        } catch {
          return; // not canonical: fine, as long as it throws
        }
        assert.equal(encodeBase32(decoded), candidate);
      }),
    );
  });

  it('throws a TypeError on invalid characters, impossible lengths, stray bits and bad padding', () => {
    const invalid = [
      'MZXW6YTB1', // '1' is not in the alphabet
      'MZXW6YT8',
      'MZXW-6YTB',
      'MZXW6YTBÖ',
      'MZXW６YTB',
      'M', // 1, 3 and 6 characters never end an encoding
      'MZX',
      'MZXW6Y',
      'MZ', // "f" is MY: the last 2 bits of Z are not zero
      'MZXR', // "fo" is MZXQ
      'MY=', // padding must complete the group
      'MY=======',
      'MY======MY======',
      'MZXW6YTB========',
      '========',
      'M=Y=====',
    ];
    for (const candidate of invalid) assert.throws(() => decodeBase32(candidate), TypeError, candidate);
    assert.throws(() => decodeBase32(42 as never), TypeError);
    assert.throws(() => encodeBase32('abc' as never), TypeError);
  });
});
