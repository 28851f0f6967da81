// The browser token's code generation, run on Node's WebCrypto (the same API the browser has):
// RFC 6238 Appendix B vectors, and agreement with src/otp's node:crypto implementation — what
// the authority verifies with — for login codes and 取引認証 transaction codes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createHmacKey, generateTotp, generateTransactionCode, type HashAlgorithm } from '../otp/index.js';
import { RFC6238_DIGITS, RFC6238_PERIOD_SECONDS, RFC6238_SEED_HEX, RFC6238_VECTORS } from '../../test/support/otp/vectors/rfc6238.js';
import { computeLoginCode, computeTransactionCode } from './token-codes.js';

const WEBCRYPTO_HASH: Record<HashAlgorithm, string> = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' };

/** A non-extractable HMAC key, as the app holds it after provisioning. */
function importKey(secret: Uint8Array, algorithm: HashAlgorithm = 'SHA1'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: WEBCRYPTO_HASH[algorithm] }, false, ['sign']);
}

describe('computeLoginCode', () => {
  for (const vector of RFC6238_VECTORS) {
    it(`RFC 6238 Appendix B: ${vector.algorithm} at ${vector.timeSeconds} s is ${vector.totp}`, async () => {
      const key = await importKey(Buffer.from(RFC6238_SEED_HEX[vector.algorithm], 'hex'), vector.algorithm);
      const shown = await computeLoginCode(key, { nowMs: vector.timeSeconds * 1000, digits: RFC6238_DIGITS, periodSeconds: RFC6238_PERIOD_SECONDS });
      assert.equal(shown.code, vector.totp);
      assert.equal(shown.timeStep, parseInt(vector.timeStepHex, 16));
    });
  }

  it('says when the code expires: the end of its 30-second step', async () => {
    const key = await importKey(randomBytes(20));
    const shown = await computeLoginCode(key, { nowMs: 1_700_000_012_345, digits: 6, periodSeconds: 30 });
    assert.equal(shown.validUntilMs, 1_700_000_040_000);
    const atBoundary = await computeLoginCode(key, { nowMs: 1_700_000_040_000, digits: 6, periodSeconds: 30 });
    assert.equal(atBoundary.timeStep, shown.timeStep + 1);
  });

  it('equals generateTotp of src/otp for any 20-byte secret and time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), async (secret, nowMs) => {
        const expected = generateTotp({ key: createHmacKey('SHA1', secret), nowMs, periodSeconds: 30, digits: 6 });
        const shown = await computeLoginCode(await importKey(secret), { nowMs, digits: 6, periodSeconds: 30 });
        assert.equal(shown.code, expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('computeTransactionCode (OCRA-1:HOTP-SHA1-6:QN20-T1M)', () => {
  it('equals generateTransactionCode of src/otp, with and without the amount', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.stringMatching(/^[0-9]{7}$/),
        fc.option(fc.integer({ min: 1, max: 999_999_999_999 }), { nil: undefined }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        async (secret, payeeAccount, amountYen, nowMs) => {
          const transaction = amountYen === undefined ? { payeeAccount } : { payeeAccount, amountYen };
          const expected = generateTransactionCode({ key: createHmacKey('SHA1', secret), nowMs, ...transaction });
          const shown = await computeTransactionCode(await importKey(secret), { nowMs, ...transaction });
          assert.equal(shown.code, expected);
          assert.equal(shown.timeStep, Math.floor(nowMs / 60_000));
          assert.equal(shown.validUntilMs, (shown.timeStep + 1) * 60_000);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('binds the code to the account and the amount (a changed digit changes the code)', async () => {
    // Not a certainty for one pair (1 in 10^6 collide), so the fixed secret and time below
    // were checked once; the point is that each input reaches the HMAC.
    const key = await importKey(Buffer.from(RFC6238_SEED_HEX.SHA1, 'hex'));
    const nowMs = Date.UTC(2026, 3, 1, 9, 0, 0);
    const base = await computeTransactionCode(key, { nowMs, payeeAccount: '1234567', amountYen: 10_000 });
    const otherAccount = await computeTransactionCode(key, { nowMs, payeeAccount: '1234568', amountYen: 10_000 });
    const otherAmount = await computeTransactionCode(key, { nowMs, payeeAccount: '1234567', amountYen: 100_000 });
    const noAmount = await computeTransactionCode(key, { nowMs, payeeAccount: '1234567' });
    const nextMinute = await computeTransactionCode(key, { nowMs: nowMs + 60_000, payeeAccount: '1234567', amountYen: 10_000 });
    const codes = new Set([base.code, otherAccount.code, otherAmount.code, noAmount.code, nextMinute.code]);
    assert.equal(codes.size, 5);
  });

  it('refuses malformed input as misuse (the app validates typed input first)', async () => {
    const key = await importKey(randomBytes(20));
    await assert.rejects(computeTransactionCode(key, { nowMs: 0, payeeAccount: '123456' }), TypeError);
    await assert.rejects(computeTransactionCode(key, { nowMs: 0, payeeAccount: '1234567', amountYen: 0 }), TypeError);
  });
});
