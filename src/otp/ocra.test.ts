import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { HashAlgorithm } from './hash-algorithm.js';
import { createHmacKey } from './hmac-node.js';
import { hashBytes } from './hmac-pure.js';
import { generateOcra, ocraMessage, ocraResponseFromDigest, ocraTimeStepAt, parseOcraSuite } from './ocra.js';
import {
  RFC6287_KEYS_HEX,
  RFC6287_PIN,
  RFC6287_PIN_SHA1_HEX,
  RFC6287_TIME_MS,
  RFC6287_TIME_STEP,
  RFC6287_VECTORS,
} from '../../test/support/otp/vectors/rfc6287.js';

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

describe('OCRA (RFC 6287)', () => {
  it('reproduces every test vector of Appendix C', () => {
    assert.equal(RFC6287_VECTORS.length, 70);
    for (const vector of RFC6287_VECTORS) {
      const suite = parseOcraSuite(vector.suite);
      const key = createHmacKey(suite.algorithm, bytes(RFC6287_KEYS_HEX[vector.key]));
      const response = generateOcra({
        suite: vector.suite,
        key,
        challenge: vector.challenge,
        ...(vector.counter === undefined ? {} : { counter: vector.counter }),
        ...(vector.pin ? { passwordHash: bytes(RFC6287_PIN_SHA1_HEX) } : {}),
        ...(vector.timeStep === undefined ? {} : { timeStep: vector.timeStep }),
      });
      assert.equal(response, vector.response, `${vector.section} ${vector.suite} Q=${vector.challenge} C=${vector.counter}`);
    }
  });

  it('derives the Appendix C inputs: the PIN hash and the time step of Mar 25 2008 12:06:30 GMT', () => {
    assert.equal(hex(hashBytes('SHA1', new TextEncoder().encode(RFC6287_PIN))), RFC6287_PIN_SHA1_HEX);
    assert.equal(ocraTimeStepAt({ suite: 'OCRA-1:HOTP-SHA512-8:QN08-T1M', nowMs: RFC6287_TIME_MS }), RFC6287_TIME_STEP);
    assert.equal(ocraTimeStepAt({ suite: 'OCRA-1:HOTP-SHA1-6:QN08-T30S', nowMs: 90_000 }), 3);
    assert.equal(ocraTimeStepAt({ suite: 'OCRA-1:HOTP-SHA1-6:QN08-T48H', nowMs: 48 * 3600_000 * 5 + 1 }), 5);
  });

  it('builds DataInput = suite | 00 | C | Q | P | S | T (§5.1), numeric challenges in hex (reference code)', () => {
    const message = ocraMessage('OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1', {
      challenge: '12345678',
      counter: 1,
      passwordHash: bytes(RFC6287_PIN_SHA1_HEX),
    });
    const suite = Buffer.from('OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1');
    const expected = Buffer.concat([
      suite,
      Buffer.from([0]),
      Buffer.from('0000000000000001', 'hex'),
      Buffer.from('bc614e'.padEnd(256, '0'), 'hex'), // 12345678 = 0xBC614E, left-aligned
      Buffer.from(RFC6287_PIN_SHA1_HEX, 'hex'),
    ]);
    assert.equal(hex(message), expected.toString('hex'));

    // An odd number of hex digits fills half a byte: 4095 = 0xFFF -> FF F0.
    const odd = ocraMessage('OCRA-1:HOTP-SHA1-6:QN08', { challenge: '4095' });
    const q = odd.subarray('OCRA-1:HOTP-SHA1-6:QN08'.length + 1);
    assert.equal(hex(q.subarray(0, 3)), 'fff000');
    assert.equal(q.length, 128);
    // Leading zeros of a numeric challenge are lost, as in the reference implementation.
    assert.equal(hex(ocraMessage('OCRA-1:HOTP-SHA1-6:QN08', { challenge: '0123' })), hex(ocraMessage('OCRA-1:HOTP-SHA1-6:QN08', { challenge: '123' })));
    // QA challenges are their ASCII bytes, QH challenges their hex digits (odd count: half byte).
    const qStart = 'OCRA-1:HOTP-SHA1-6:QA08'.length + 1;
    const qa = ocraMessage('OCRA-1:HOTP-SHA1-6:QA08', { challenge: 'SIG1' });
    assert.equal(hex(qa.subarray(qStart)), Buffer.from('SIG1').toString('hex') + '00'.repeat(124));
    const qh = ocraMessage('OCRA-1:HOTP-SHA1-6:QH08', { challenge: 'aBc' });
    assert.equal(hex(qh.subarray(qStart)), 'abc0' + '00'.repeat(126));
  });

  it('places the session information right-aligned in its Snnn field and T last', () => {
    const suiteText = 'OCRA-1:HOTP-SHA1-6:QA08-S064-T1M';
    const message = ocraMessage(suiteText, { challenge: 'A', sessionInfo: new Uint8Array([1, 2, 3]), timeStep: 0x0102 });
    assert.equal(message.length, suiteText.length + 1 + 128 + 64 + 8);
    const s = message.subarray(suiteText.length + 1 + 128, suiteText.length + 1 + 128 + 64);
    assert.equal(hex(s), '00'.repeat(61) + '010203');
    assert.equal(hex(message.subarray(message.length - 8)), '0000000000000102');
  });

  it('returns the full HMAC in hex for truncation 0 and up to 10 digits otherwise (§5.2)', () => {
    const key20 = bytes(RFC6287_KEYS_HEX.SEED);
    const suite0 = 'OCRA-1:HOTP-SHA1-0:QN08';
    const full = generateOcra({ suite: suite0, key: createHmacKey('SHA1', key20), challenge: '00000000' });
    assert.equal(full, createHmac('sha1', key20).update(ocraMessage(suite0, { challenge: '00000000' })).digest('hex'));
    for (const digits of [4, 5, 9, 10]) {
      const suite = `OCRA-1:HOTP-SHA1-${digits}:QN08`;
      const digest = createHmac('sha1', key20).update(ocraMessage(suite, { challenge: '1' })).digest();
      const response = ocraResponseFromDigest(suite, digest);
      assert.match(response, new RegExp(`^[0-9]{${digits}}$`));
      const offset = digest[19]! & 0x0f;
      assert.equal(Number(response), (digest.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits);
    }
  });

  it('parses the suite grammar of §6', () => {
    assert.deepEqual(parseOcraSuite('OCRA-1:HOTP-SHA512-8:C-QH64-PSHA256-S128-T5M'), {
      text: 'OCRA-1:HOTP-SHA512-8:C-QH64-PSHA256-S128-T5M',
      algorithm: 'SHA512' satisfies HashAlgorithm,
      digits: 8,
      counter: true,
      challengeFormat: 'H',
      challengeMaxLength: 64,
      passwordHash: 'SHA256',
      sessionInfoBytes: 128,
      timeStepSeconds: 300,
    });
    const valid = [
      'OCRA-1:HOTP-SHA1-6:QN08',
      'OCRA-1:HOTP-SHA1-0:QA04',
      'OCRA-1:HOTP-SHA256-10:QH40',
      'OCRA-1:HOTP-SHA1-4:C-QN64',
      'OCRA-1:HOTP-SHA1-6:QN08-PSHA512',
      'OCRA-1:HOTP-SHA1-6:QN08-S064',
      'OCRA-1:HOTP-SHA1-6:QN08-S512',
      'OCRA-1:HOTP-SHA1-6:QN08-T1S',
      'OCRA-1:HOTP-SHA1-6:QN08-T59S',
      'OCRA-1:HOTP-SHA1-6:QN08-T59M',
      'OCRA-1:HOTP-SHA1-6:QN08-T1H',
      'OCRA-1:HOTP-SHA1-6:QN08-T48H',
      'OCRA-1:HOTP-SHA1-6:C-QA10-PSHA1-S256-T30S',
    ];
    for (const suite of valid) assert.equal(parseOcraSuite(suite).text, suite);
    const invalid = [
      '',
      'OCRA-1:HOTP-SHA1-6',
      'OCRA-2:HOTP-SHA1-6:QN08',
      'ocra-1:hotp-sha1-6:qn08',
      'OCRA-1:HOTP-MD5-6:QN08',
      'OCRA-1:HOTP-SHA384-6:QN08',
      'OCRA-1:HOTP-SHA1-3:QN08',
      'OCRA-1:HOTP-SHA1-11:QN08',
      'OCRA-1:HOTP-SHA1-06:QN08',
      'OCRA-1:TOTP-SHA1-6:QN08',
      'OCRA-1:HOTP-SHA1-6:C',
      'OCRA-1:HOTP-SHA1-6:QN03',
      'OCRA-1:HOTP-SHA1-6:QN65',
      'OCRA-1:HOTP-SHA1-6:QN8',
      'OCRA-1:HOTP-SHA1-6:QX08',
      'OCRA-1:HOTP-SHA1-6:QN08-C',
      'OCRA-1:HOTP-SHA1-6:QN08-P',
      'OCRA-1:HOTP-SHA1-6:QN08-PMD5',
      'OCRA-1:HOTP-SHA1-6:QN08-S',
      'OCRA-1:HOTP-SHA1-6:QN08-S100',
      'OCRA-1:HOTP-SHA1-6:QN08-S64',
      'OCRA-1:HOTP-SHA1-6:QN08-T',
      'OCRA-1:HOTP-SHA1-6:QN08-T0H',
      'OCRA-1:HOTP-SHA1-6:QN08-T60S',
      'OCRA-1:HOTP-SHA1-6:QN08-T60M',
      'OCRA-1:HOTP-SHA1-6:QN08-T49H',
      'OCRA-1:HOTP-SHA1-6:QN08-T01M',
      'OCRA-1:HOTP-SHA1-6:QN08-T1M-PSHA1',
      'OCRA-1:HOTP-SHA1-6:QN08-T1M-',
      'OCRA-1:HOTP-SHA1-6:QN08:extra',
    ];
    for (const suite of invalid) assert.throws(() => parseOcraSuite(suite), TypeError, suite);
    assert.throws(() => parseOcraSuite(42 as never), TypeError);
  });

  it('throws a TypeError when inputs do not match the suite', () => {
    const key = createHmacKey('SHA1', bytes(RFC6287_KEYS_HEX.SEED));
    const cases: [string, Record<string, unknown>][] = [
      ['OCRA-1:HOTP-SHA1-6:C-QN08', { challenge: '1' }], // C missing
      ['OCRA-1:HOTP-SHA1-6:QN08', { challenge: '1', counter: 1 }], // C not in suite
      ['OCRA-1:HOTP-SHA1-6:QN08-PSHA1', { challenge: '1' }], // P missing
      ['OCRA-1:HOTP-SHA1-6:QN08-PSHA1', { challenge: '1', passwordHash: new Uint8Array(32) }], // wrong P size
      ['OCRA-1:HOTP-SHA1-6:QN08', { challenge: '1', passwordHash: new Uint8Array(20) }],
      ['OCRA-1:HOTP-SHA1-6:QN08-S064', { challenge: '1' }],
      ['OCRA-1:HOTP-SHA1-6:QN08-S064', { challenge: '1', sessionInfo: new Uint8Array(65) }],
      ['OCRA-1:HOTP-SHA1-6:QN08-T1M', { challenge: '1' }],
      ['OCRA-1:HOTP-SHA1-6:QN08', { challenge: '1', timeStep: 1 }],
      ['OCRA-1:HOTP-SHA1-6:QN08-T1M', { challenge: '1', timeStep: -1 }],
      ['OCRA-1:HOTP-SHA1-6:C-QN08', { challenge: '1', counter: 1.5 }],
      ['OCRA-1:HOTP-SHA1-6:QN08', { challenge: '' }],
      ['OCRA-1:HOTP-SHA1-6:QN08', { challenge: '1'.repeat(17) }], // more than 2·xx
      ['OCRA-1:HOTP-SHA1-6:QN08', { challenge: '12a' }],
      ['OCRA-1:HOTP-SHA1-6:QN08', { challenge: '１２' }],
      ['OCRA-1:HOTP-SHA1-6:QA08', { challenge: 'has space' }],
      ['OCRA-1:HOTP-SHA1-6:QA08', { challenge: 'ü' }],
      ['OCRA-1:HOTP-SHA1-6:QH08', { challenge: 'xyz' }],
    ];
    for (const [suite, inputs] of cases) {
      assert.throws(() => generateOcra({ suite, key, ...inputs } as never), TypeError, `${suite} ${JSON.stringify(inputs)}`);
    }
    // The key must use the suite's hash.
    assert.throws(() => generateOcra({ suite: 'OCRA-1:HOTP-SHA256-8:QA08', key, challenge: 'A' }), TypeError);
    assert.throws(() => ocraTimeStepAt({ suite: 'OCRA-1:HOTP-SHA1-6:QN08', nowMs: 0 }), TypeError);
    assert.throws(() => ocraTimeStepAt({ suite: 'OCRA-1:HOTP-SHA1-6:QN08-T1M', nowMs: -1 }), TypeError);
  });
});
