import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HASH_ALGORITHMS } from './hash-algorithm.js';
import { createHmacKey } from './hmac-node.js';
import { MAX_TOTP_WINDOW, generateTotp, generateTotpAtStep, timeStepAt, verifyTotp } from './totp.js';
import { RFC6238_DIGITS, RFC6238_PERIOD_SECONDS, RFC6238_SEED_HEX, RFC6238_VECTORS } from '../../test/support/otp/vectors/rfc6238.js';

const seedKey = (algorithm: keyof typeof RFC6238_SEED_HEX) =>
  createHmacKey(algorithm, new Uint8Array(Buffer.from(RFC6238_SEED_HEX[algorithm], 'hex')));

describe('TOTP (RFC 6238)', () => {
  it('reproduces all 18 rows of Appendix B', () => {
    assert.equal(RFC6238_VECTORS.length, 18);
    for (const vector of RFC6238_VECTORS) {
      const key = seedKey(vector.algorithm);
      const nowMs = vector.timeSeconds * 1000;
      const timeStep = timeStepAt({ nowMs, periodSeconds: RFC6238_PERIOD_SECONDS });
      assert.equal(timeStep, parseInt(vector.timeStepHex, 16), `T at ${vector.timeSeconds}`);
      assert.equal(generateTotp({ key, nowMs, periodSeconds: RFC6238_PERIOD_SECONDS, digits: RFC6238_DIGITS }), vector.totp);
      assert.equal(generateTotpAtStep({ key, timeStep, digits: RFC6238_DIGITS }), vector.totp);
      assert.deepEqual(
        verifyTotp({ key, code: vector.totp, nowMs, periodSeconds: RFC6238_PERIOD_SECONDS, digits: RFC6238_DIGITS }),
        { valid: true, timeStep, offset: 0 },
      );
      // The 6-digit code is the last six digits of the 8-digit one.
      assert.equal(generateTotp({ key, nowMs, periodSeconds: RFC6238_PERIOD_SECONDS, digits: 6 }), vector.totp.slice(2));
    }
  });

  it('computes T = floor((now - T0) / X), exactly at step boundaries', () => {
    assert.equal(timeStepAt({ nowMs: 0, periodSeconds: 30 }), 0);
    assert.equal(timeStepAt({ nowMs: 29_999, periodSeconds: 30 }), 0);
    assert.equal(timeStepAt({ nowMs: 30_000, periodSeconds: 30 }), 1);
    assert.equal(timeStepAt({ nowMs: 59_999.9, periodSeconds: 30 }), 1);
    assert.equal(timeStepAt({ nowMs: 100_000, periodSeconds: 30, t0Seconds: 40 }), 2);
    assert.equal(timeStepAt({ nowMs: 10_000, periodSeconds: 30, t0Seconds: 40 }), -1);
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 43 }), fc.integer({ min: 1, max: 3600 }), (seconds, period) => {
        const boundaryMs = Math.floor(seconds / period) * period * 1000;
        const step = Math.floor(seconds / period);
        assert.equal(timeStepAt({ nowMs: boundaryMs, periodSeconds: period }), step);
        assert.equal(timeStepAt({ nowMs: boundaryMs - 1, periodSeconds: period }), step - 1);
      }),
    );
  });

  it('accepts the current step ±window, shifted by the drift, and reports the offset before drift', () => {
    const key = seedKey('SHA1');
    const periodSeconds = 30;
    const nowMs = 1_700_000_000_000;
    const current = timeStepAt({ nowMs, periodSeconds });
    const codeAt = (step: number) => generateTotpAtStep({ key, timeStep: step, digits: 6 });
    const verify = (code: string, extra: { window?: number; driftSteps?: number; afterStep?: number } = {}) =>
      verifyTotp({ key, code, nowMs, periodSeconds, digits: 6, ...extra });

    assert.deepEqual(verify(codeAt(current)), { valid: true, timeStep: current, offset: 0 });
    assert.deepEqual(verify(codeAt(current - 1)), { valid: true, timeStep: current - 1, offset: -1 });
    assert.deepEqual(verify(codeAt(current + 1)), { valid: true, timeStep: current + 1, offset: 1 });
    assert.deepEqual(verify(codeAt(current + 2)), { valid: false, reason: 'no_match' });
    assert.deepEqual(verify(codeAt(current - 2)), { valid: false, reason: 'no_match' });
    assert.deepEqual(verify(codeAt(current), { window: 0 }), { valid: true, timeStep: current, offset: 0 });
    assert.deepEqual(verify(codeAt(current + 1), { window: 0 }), { valid: false, reason: 'no_match' });
    assert.deepEqual(verify(codeAt(current + 3), { window: 3 }), { valid: true, timeStep: current + 3, offset: 3 });
    // A token 5 steps ahead whose drift was learned: the centre moves, the offset stays absolute.
    assert.deepEqual(verify(codeAt(current + 6), { driftSteps: 5 }), { valid: true, timeStep: current + 6, offset: 6 });
    assert.deepEqual(verify(codeAt(current), { driftSteps: 5 }), { valid: false, reason: 'no_match' });
    assert.deepEqual(verify(codeAt(current - 4), { driftSteps: -3 }), { valid: true, timeStep: current - 4, offset: -4 });
  });

  it('generate → verify round trip for random keys, times, digits, algorithms and periods', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HASH_ALGORITHMS),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }), // up to 2100
        fc.integer({ min: 6, max: 8 }),
        fc.constantFrom(30, 60, 15, 1),
        fc.integer({ min: -1, max: 1 }),
        (algorithm, secret, nowMs, digits, periodSeconds, skew) => {
          const key = createHmacKey(algorithm, secret);
          const tokenNowMs = Math.max(0, nowMs + skew * periodSeconds * 1000);
          const code = generateTotp({ key, nowMs: tokenNowMs, periodSeconds, digits });
          const result = verifyTotp({ key, code, nowMs, periodSeconds, digits });
          assert.equal(result.valid, true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never accepts a code at or below the replay floor afterStep', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.integer({ min: 1_000_000_000_000, max: 2_000_000_000_000 }),
        fc.integer({ min: -1, max: 1 }),
        fc.integer({ min: 0, max: 3 }),
        (secret, nowMs, offset, floorAbove) => {
          const key = createHmacKey('SHA1', secret);
          const step = timeStepAt({ nowMs, periodSeconds: 30 }) + offset;
          const code = generateTotpAtStep({ key, timeStep: step, digits: 6 });
          const afterStep = step + floorAbove; // afterStep >= step
          const result = verifyTotp({ key, code, nowMs, periodSeconds: 30, digits: 6, afterStep });
          if (result.valid) {
            // Only another step above the floor with the same code (1 in 10^6) can match.
            assert.ok(result.timeStep > afterStep);
            assert.notEqual(result.timeStep, step);
          }
        },
      ),
      { numRuns: 300 },
    );
    const key = seedKey('SHA1');
    const nowMs = 1_700_000_000_000;
    const step = timeStepAt({ nowMs, periodSeconds: 30 });
    const code = generateTotpAtStep({ key, timeStep: step, digits: 6 });
    assert.equal(verifyTotp({ key, code, nowMs, periodSeconds: 30, digits: 6, afterStep: step - 1 }).valid, true);
    assert.deepEqual(verifyTotp({ key, code, nowMs, periodSeconds: 30, digits: 6, afterStep: step }), {
      valid: false,
      reason: 'no_match',
    });
  });

  it('throws a TypeError on misuse', () => {
    const key = seedKey('SHA1');
    const base = { key, code: '123456', nowMs: 1_700_000_000_000, periodSeconds: 30, digits: 6 };
    const misuses: Record<string, unknown>[] = [
      { digits: 5 },
      { digits: 9 },
      { digits: 6.5 },
      { periodSeconds: 0 },
      { periodSeconds: -30 },
      { periodSeconds: 1.5 },
      { periodSeconds: NaN },
      { window: -1 },
      { window: 1.5 },
      { window: MAX_TOTP_WINDOW + 1 },
      { window: NaN },
      { driftSteps: 0.5 },
      { driftSteps: Infinity },
      { afterStep: 1.5 },
      { afterStep: '3' },
      { nowMs: NaN },
      { nowMs: Infinity },
      { nowMs: 2 ** 53 + 2 },
      { t0Seconds: 0.5 },
    ];
    for (const misuse of misuses) {
      assert.throws(() => verifyTotp({ ...base, ...misuse } as never), TypeError, JSON.stringify(misuse));
    }
    assert.doesNotThrow(() => verifyTotp({ ...base, window: MAX_TOTP_WINDOW }));
    assert.throws(() => generateTotp({ key, nowMs: 0, periodSeconds: 0, digits: 6 }), TypeError);
    assert.throws(() => generateTotp({ key, nowMs: 0, periodSeconds: 30, digits: 6, t0Seconds: 60 }), TypeError); // before T0
    assert.throws(() => generateTotpAtStep({ key, timeStep: -1, digits: 6 }), TypeError);
    assert.throws(() => generateTotpAtStep({ key, timeStep: 1.5, digits: 6 }), TypeError);
  });
});
