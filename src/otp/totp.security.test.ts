// Attacks on TOTP verification this file guards against:
// - Shape confusion: a verifier that trims, parses as a number or accepts other digit forms lets
//   " 123456", "123456\n", "+23456", 123456 or full-width "１２３４５６" through, and one that
//   accepts another length lets a 4-digit guess hit a 10^-4 chance (otpauth's early advisory).
//   Malformed input must be rejected before any HMAC is computed.
// - Replay: a code seen once (shoulder-surfed, phished in real time, logged) must never be
//   accepted again for the same binding, nor any code of an older step (RFC 6238 §5.2).
// - Brute force amplification: every extra step in the window is another chance per guess, so
//   the window is bounded and a wrong code costs exactly 2 * window + 1 HMACs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { HmacKey } from './hmac-key.js';
import { createHmacKey } from './hmac-node.js';
import { generateTotpAtStep, timeStepAt, verifyTotp } from './totp.js';

/** An HmacKey that records the time step of every HMAC it computes. */
function recordingKey(secret: Uint8Array): { key: HmacKey; steps: number[] } {
  const inner = createHmacKey('SHA1', secret);
  const steps: number[] = [];
  const key: HmacKey = {
    algorithm: 'SHA1',
    sign(message) {
      steps.push(Number(Buffer.from(message).readBigUInt64BE(0)));
      return inner.sign(message);
    },
  };
  return { key, steps };
}

const secret = new Uint8Array(Buffer.from('mamori-security-test-secret'));
const nowMs = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const periodSeconds = 30;
const current = timeStepAt({ nowMs, periodSeconds });

describe('TOTP verification security', () => {
  it('rejects every code that is not exactly N ASCII digits without computing an HMAC', () => {
    const { key, steps } = recordingKey(secret);
    const good = generateTotpAtStep({ key: createHmacKey('SHA1', secret), timeStep: current, digits: 6 });
    const malformed: unknown[] = [
      '', '12345', '1234567', ` ${good}`, `${good} `, `${good}\n`, `\t${good}`, good.slice(0, 3) + ' ' + good.slice(3),
      `+${good.slice(1)}`, `-${good.slice(1)}`, '12345e', '0x1234', '1.2345', '１２３４５６', '١٢٣٤٥٦', '12345６',
      Number(good), BigInt(good), null, undefined, [good], { toString: () => good },
    ];
    for (const code of malformed) {
      assert.deepEqual(verifyTotp({ key, code: code as string, nowMs, periodSeconds, digits: 6 }), {
        valid: false,
        reason: 'malformed_code',
      });
    }
    assert.deepEqual(steps, []);
    // The genuine code of course still verifies.
    assert.equal(verifyTotp({ key, code: good, nowMs, periodSeconds, digits: 6 }).valid, true);
  });

  it('never verifies a string that is not exactly N ASCII digits (property)', () => {
    const key = createHmacKey('SHA1', secret);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), fc.integer({ min: 6, max: 8 }), (code, digits) => {
        fc.pre(!new RegExp(`^[0-9]{${digits}}$`).test(code));
        assert.deepEqual(verifyTotp({ key, code, nowMs, periodSeconds, digits }), { valid: false, reason: 'malformed_code' });
      }),
      { numRuns: 2000 },
    );
  });

  it('tries centre, centre-1, centre+1 — three HMACs for a wrong code, one for a current one', () => {
    const { key, steps } = recordingKey(secret);
    const code = generateTotpAtStep({ key: createHmacKey('SHA1', secret), timeStep: current + 5, digits: 6 });
    assert.equal(verifyTotp({ key, code, nowMs, periodSeconds, digits: 6 }).valid, false);
    assert.deepEqual(steps, [current, current - 1, current + 1]);

    steps.length = 0;
    verifyTotp({ key, code, nowMs, periodSeconds, digits: 6, window: 2, driftSteps: 10 });
    assert.deepEqual(steps, [current + 10, current + 9, current + 11, current + 8, current + 12]);

    steps.length = 0;
    const now = generateTotpAtStep({ key: createHmacKey('SHA1', secret), timeStep: current, digits: 6 });
    assert.equal(verifyTotp({ key, code: now, nowMs, periodSeconds, digits: 6 }).valid, true);
    assert.deepEqual(steps, [current]);
  });

  it('skips steps at or below the replay floor entirely, and steps before T0', () => {
    const { key, steps } = recordingKey(secret);
    const code = generateTotpAtStep({ key: createHmacKey('SHA1', secret), timeStep: current, digits: 6 });
    assert.deepEqual(verifyTotp({ key, code, nowMs, periodSeconds, digits: 6, afterStep: current }), {
      valid: false,
      reason: 'no_match',
    });
    assert.deepEqual(steps, [current + 1]);

    steps.length = 0;
    verifyTotp({ key, code: '000000', nowMs: 10_000, periodSeconds, digits: 6 });
    assert.deepEqual(steps, [0, 1]); // step -1 does not exist
  });

  it('accepts a code once: a verifier that records the matched step rejects the replay', () => {
    const key = createHmacKey('SHA1', secret);
    const code = generateTotpAtStep({ key, timeStep: current - 1, digits: 6 });
    const first = verifyTotp({ key, code, nowMs, periodSeconds, digits: 6 });
    assert.equal(first.valid, true);
    const lastAccepted = first.valid ? first.timeStep : -1;
    for (const laterMs of [nowMs, nowMs + 1000, nowMs + 29_000]) {
      assert.deepEqual(verifyTotp({ key, code, nowMs: laterMs, periodSeconds, digits: 6, afterStep: lastAccepted }), {
        valid: false,
        reason: 'no_match',
      });
    }
  });
});
