import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createHmacKey } from './hmac-node.js';
import { parseOcraSuite } from './ocra.js';
import {
  MAX_TRANSACTION_AMOUNT_YEN,
  TRANSACTION_OCRA_SUITE,
  generateTransactionCode,
  transactionChallenge,
  verifyTransactionCode,
} from './transaction-code.js';
import { MAMORI_TRANSACTION_SECRET_HEX, MAMORI_TRANSACTION_VECTORS } from '../../test/support/otp/vectors/mamori-transaction.js';

const secret = new Uint8Array(Buffer.from(MAMORI_TRANSACTION_SECRET_HEX, 'hex'));
const key = createHmacKey('SHA1', secret);

/** The transaction code built from RFC 6287 §5.1 by hand, with no code from src/otp. */
function independentCode(secretBytes: Uint8Array, challenge: string, minute: number): string {
  const q = Buffer.from(BigInt(challenge).toString(16).padEnd(256, '0'), 'hex');
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(BigInt(minute));
  const message = Buffer.concat([Buffer.from(TRANSACTION_OCRA_SUITE, 'ascii'), Buffer.from([0]), q, t]);
  const digest = createHmac('sha1', secretBytes).update(message).digest();
  const offset = digest[19]! & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('transaction codes (OCRA-1:HOTP-SHA1-6:QN20-T1M)', () => {
  it('is a valid OCRA suite with a one-minute time step', () => {
    const suite = parseOcraSuite(TRANSACTION_OCRA_SUITE);
    assert.equal(suite.algorithm, 'SHA1');
    assert.equal(suite.digits, 6);
    assert.equal(suite.challengeFormat, 'N');
    assert.equal(suite.challengeMaxLength, 20);
    assert.equal(suite.timeStepSeconds, 60);
  });

  it('reproduces the Mamori vectors and the independent construction', () => {
    for (const vector of MAMORI_TRANSACTION_VECTORS) {
      const details = vector.amountYen === undefined
        ? { payeeAccount: vector.payeeAccount }
        : { payeeAccount: vector.payeeAccount, amountYen: vector.amountYen };
      assert.equal(transactionChallenge(details), vector.challenge);
      assert.equal(independentCode(secret, vector.challenge, vector.timeStep), vector.code);
      assert.equal(generateTransactionCode({ key, nowMs: vector.nowMs, ...details }), vector.code);
      assert.deepEqual(verifyTransactionCode({ key, code: vector.code, nowMs: vector.nowMs, ...details }), {
        valid: true,
        timeStep: vector.timeStep,
      });
    }
  });

  it('builds the challenge: marker 1, the 7 account digits, then the amount without leading zeros', () => {
    assert.equal(transactionChallenge({ payeeAccount: '0012345' }), '10012345');
    assert.equal(transactionChallenge({ payeeAccount: '1234567', amountYen: 1 }), '112345671');
    assert.equal(transactionChallenge({ payeeAccount: '1234567', amountYen: 3_000_000 }), '112345673000000');
    assert.equal(transactionChallenge({ payeeAccount: '1234567', amountYen: MAX_TRANSACTION_AMOUNT_YEN }).length, 20);
  });

  it('agrees with the independent construction for random accounts, amounts, times and secrets', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.stringMatching(/^[0-9]{7}$/),
        fc.option(fc.integer({ min: 1, max: MAX_TRANSACTION_AMOUNT_YEN }), { nil: undefined }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (secretBytes, payeeAccount, amountYen, nowMs) => {
          const details = amountYen === undefined ? { payeeAccount } : { payeeAccount, amountYen };
          const randomKey = createHmacKey('SHA1', secretBytes);
          const code = generateTransactionCode({ key: randomKey, nowMs, ...details });
          assert.equal(code, independentCode(secretBytes, transactionChallenge(details), Math.floor(nowMs / 60_000)));
          assert.equal(verifyTransactionCode({ key: randomKey, code, nowMs, ...details }).valid, true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('accepts the current minute ±window and honours drift and the replay floor', () => {
    const nowMs = Date.UTC(2026, 0, 1, 9, 0, 30);
    const minute = Math.floor(nowMs / 60_000);
    const details = { payeeAccount: '7654321', amountYen: 12_000 };
    const at = (deltaMinutes: number) => generateTransactionCode({ key, nowMs: nowMs + deltaMinutes * 60_000, ...details });
    const verify = (code: string, extra: { window?: number; driftSteps?: number; afterStep?: number } = {}) =>
      verifyTransactionCode({ key, code, nowMs, ...details, ...extra });
    assert.deepEqual(verify(at(0)), { valid: true, timeStep: minute });
    assert.deepEqual(verify(at(-1)), { valid: true, timeStep: minute - 1 });
    assert.deepEqual(verify(at(1)), { valid: true, timeStep: minute + 1 });
    assert.deepEqual(verify(at(-2)), { valid: false, reason: 'no_match' });
    assert.deepEqual(verify(at(-2), { window: 2 }), { valid: true, timeStep: minute - 2 });
    assert.deepEqual(verify(at(4), { driftSteps: 3 }), { valid: true, timeStep: minute + 4 });
    assert.deepEqual(verify(at(0), { afterStep: minute }), { valid: false, reason: 'no_match' });
    assert.deepEqual(verify(at(1), { afterStep: minute }), { valid: true, timeStep: minute + 1 });
  });

  it('returns malformed_code for anything but exactly 6 ASCII digits, before any HMAC', () => {
    let signs = 0;
    const countingKey = { algorithm: 'SHA1' as const, sign: (message: Uint8Array) => (signs++, key.sign(message)) };
    for (const code of ['', '12345', '1234567', ' 123456', '123456 ', '１２３４５６', '12-345', 123456 as never]) {
      assert.deepEqual(
        verifyTransactionCode({ key: countingKey, code, payeeAccount: '1234567', nowMs: 0 }),
        { valid: false, reason: 'malformed_code' },
      );
    }
    assert.equal(signs, 0);
  });

  it('throws a TypeError on misuse', () => {
    for (const payeeAccount of ['123456', '12345678', '１２３４５６７', '123456a', ' 1234567', 1234567 as never]) {
      assert.throws(() => transactionChallenge({ payeeAccount }), TypeError, String(payeeAccount));
    }
    for (const amountYen of [0, -1, 1.5, NaN, MAX_TRANSACTION_AMOUNT_YEN + 1, '100' as never, 10n as never]) {
      assert.throws(() => transactionChallenge({ payeeAccount: '1234567', amountYen }), TypeError, String(amountYen));
    }
    const base = { key, code: '123456', payeeAccount: '1234567', nowMs: 1_767_225_600_000 };
    for (const misuse of [{ window: -1 }, { window: 11 }, { window: 0.5 }, { driftSteps: 0.5 }, { afterStep: NaN }, { nowMs: -1 }]) {
      assert.throws(() => verifyTransactionCode({ ...base, ...misuse }), TypeError, JSON.stringify(misuse));
    }
    const sha256Key = createHmacKey('SHA256', secret);
    assert.throws(() => generateTransactionCode({ key: sha256Key, payeeAccount: '1234567', nowMs: 0 }), TypeError);
    assert.throws(() => verifyTransactionCode({ ...base, key: sha256Key }), TypeError);
  });
});
