// Attacks on transaction authentication (取引認証) this file guards against:
// - Man-in-the-browser substitution: malware shows the customer their own transfer but submits
//   another payee or amount. A code the customer made for what they typed into the token must
//   not verify for any other (account, amount) pair, including pairs crafted to collide with it.
// - Leading-zero collision: RFC 6287's numeric challenges are converted decimal -> hex, which
//   drops leading zeros, and account numbers may start with 0. Without the marker digit,
//   "1234567" + ¥8,000 and "0123456" + ¥78,000 are the same number 12345678000, so a code for
//   a small transfer would authorise a ten-times larger one to the attacker's account.
// - Mode confusion: a code made for the account alone must not verify a transfer with an
//   amount, and vice versa.
// - Replay: a code accepted once is not accepted again (replay floor).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createHmacKey } from './hmac-node.js';
import { MAX_TRANSACTION_AMOUNT_YEN, generateTransactionCode, transactionChallenge, verifyTransactionCode } from './transaction-code.js';

const key = createHmacKey('SHA1', new Uint8Array(Buffer.from('mamori-transaction-security-secret')));
const nowMs = Date.UTC(2026, 0, 1, 12, 0, 0);

type Details = { payeeAccount: string; amountYen?: number };
const details = fc.record(
  { payeeAccount: fc.stringMatching(/^[0-9]{7}$/), amountYen: fc.integer({ min: 1, max: MAX_TRANSACTION_AMOUNT_YEN }) },
  { requiredKeys: ['payeeAccount'] },
);

describe('transaction code security', () => {
  it('gives every (account, amount) pair its own challenge (property)', () => {
    fc.assert(
      fc.property(details, details, (a: Details, b: Details) => {
        const same = a.payeeAccount === b.payeeAccount && a.amountYen === b.amountYen;
        assert.equal(transactionChallenge(a) === transactionChallenge(b), same);
        // Distinct challenges are distinct numbers, so the QN hex conversion cannot merge them.
        assert.equal(BigInt(transactionChallenge(a)) === BigInt(transactionChallenge(b)), same);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not let a leading-zero account absorb digits of the amount', () => {
    const small = { payeeAccount: '1234567', amountYen: 8_000 };
    const large = { payeeAccount: '0123456', amountYen: 78_000 };
    assert.notEqual(BigInt(transactionChallenge(small)), BigInt(transactionChallenge(large)));
    const code = generateTransactionCode({ key, nowMs, ...small });
    assert.deepEqual(verifyTransactionCode({ key, code, nowMs, ...large }), { valid: false, reason: 'no_match' });

    const shifted = [
      [{ payeeAccount: '0001234', amountYen: 5 }, { payeeAccount: '0000123', amountYen: 45 }],
      [{ payeeAccount: '1234567' }, { payeeAccount: '0123456', amountYen: 7 }],
    ] as const;
    for (const [genuine, forged] of shifted) {
      const genuineCode = generateTransactionCode({ key, nowMs, ...genuine });
      assert.deepEqual(verifyTransactionCode({ key, code: genuineCode, nowMs, ...forged }), { valid: false, reason: 'no_match' });
    }
  });

  it('rejects a code for a different payee, amount or mode', () => {
    const typed = { payeeAccount: '2345678', amountYen: 50_000 };
    const code = generateTransactionCode({ key, nowMs, ...typed });
    assert.equal(verifyTransactionCode({ key, code, nowMs, ...typed }).valid, true);
    for (const forged of [
      { payeeAccount: '2345679', amountYen: 50_000 },
      { payeeAccount: '2345678', amountYen: 500_000 },
      { payeeAccount: '2345678', amountYen: 50_001 },
      { payeeAccount: '2345678' },
    ]) {
      assert.deepEqual(verifyTransactionCode({ key, code, nowMs, ...forged }), { valid: false, reason: 'no_match' }, JSON.stringify(forged));
    }
  });

  it('does not accept the same code twice once its minute is the replay floor', () => {
    const typed = { payeeAccount: '3456789', amountYen: 1_000 };
    const code = generateTransactionCode({ key, nowMs, ...typed });
    const first = verifyTransactionCode({ key, code, nowMs, ...typed });
    assert.equal(first.valid, true);
    const afterStep = first.valid ? first.timeStep : 0;
    assert.deepEqual(verifyTransactionCode({ key, code, nowMs: nowMs + 20_000, ...typed, afterStep }), {
      valid: false,
      reason: 'no_match',
    });
  });
});
