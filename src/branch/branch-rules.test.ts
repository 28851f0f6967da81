// The pure rules of the console: the second-person rule, written-request numbers and reasons,
// generated credentials (shape and uniformity of choice), serial masking.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { maskSerial } from '../notifications/masking.js';
import { generateConfirmationPassword, generateContractId, generateInitialPassword } from './generated-credentials.js';
import { CUSTOMER_ACTION_KINDS, mayDecide, needsSecondPerson } from './permissions.js';
import { checkWrittenRequest } from './written-request.js';

/** Exactly these bytes, in order, then a failure (so a loop that never ends shows up). */
const bytesFrom = (seed: number[]) => {
  let i = 0;
  return (size: number) =>
    Uint8Array.from({ length: size }, () => {
      if (i >= seed.length) throw new Error('out of random bytes');
      return seed[i++]!;
    });
};

/** A deterministic stream (xorshift32) from a fast-check seed. */
const streamFrom = (seed: number) => {
  let x = seed | 1;
  return (size: number) =>
    Uint8Array.from({ length: size }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
};

describe('the second-person rule', () => {
  const context = { currentLimitYen: 500_000, secondPersonAboveYen: 500_000 };
  const table: [Parameters<typeof needsSecondPerson>[0], boolean][] = [
    [{ kind: 'unlock_otp' }, true],
    [{ kind: 'unlock_password' }, true],
    [{ kind: 'reissue_token' }, true],
    [{ kind: 'resume' }, true],
    [{ kind: 'reset_password' }, true],
    [{ kind: 'suspend' }, false],
    [{ kind: 'change_limit', newLimitYen: 100_000 }, false],
    [{ kind: 'change_limit', newLimitYen: 500_000 }, false],
    [{ kind: 'change_limit', newLimitYen: 510_000 }, true],
  ];
  for (const [request, expected] of table) {
    it(`${JSON.stringify(request)} → ${expected ? 'needs' : 'does not need'} a second person`, () => {
      assert.equal(needsSecondPerson(request, context), expected);
    });
  }
  it('lowering a high limit needs nobody; raising it further does', () => {
    assert.equal(needsSecondPerson({ kind: 'change_limit', newLimitYen: 800_000 }, { currentLimitYen: 1_000_000, secondPersonAboveYen: 500_000 }), false);
    assert.equal(needsSecondPerson({ kind: 'change_limit', newLimitYen: 1_200_000 }, { currentLimitYen: 1_000_000, secondPersonAboveYen: 500_000 }), true);
  });
  it('covers every customer action', () => {
    for (const kind of CUSTOMER_ACTION_KINDS) assert.equal(typeof needsSecondPerson({ kind, newLimitYen: 0 }, context), 'boolean');
  });
  it('nobody decides their own proposal, and only supervisors decide', () => {
    assert.equal(mayDecide({ login: 'a', role: 'supervisor' }, { proposedBy: 'a' }), false);
    assert.equal(mayDecide({ login: 'b', role: 'supervisor' }, { proposedBy: 'a' }), true);
    assert.equal(mayDecide({ login: 'b', role: 'teller' }, { proposedBy: 'a' }), false);
    assert.equal(mayDecide({ login: 'b', role: 'administrator' }, { proposedBy: 'a' }), false);
  });
});

describe('written requests', () => {
  it('accepts a form number in any width and case, and a reason', () => {
    assert.deepEqual(checkWrittenRequest({ requestFormNo: ' ｒ－２０２６－００１ ', reason: ' 紛失のため ' }), { ok: true, value: { requestFormNo: 'R-2026-001', reason: '紛失のため' } });
  });
  const bad: [unknown, unknown, string[]][] = [
    ['', 'x', ['request_form_no_missing']],
    ['R 1', 'x', ['request_form_no_malformed']],
    ['-R1', 'x', ['request_form_no_malformed']],
    ['R'.repeat(25), 'x', ['request_form_no_malformed']],
    ['R1', '', ['reason_missing']],
    ['R1', 'a'.repeat(201), ['reason_too_long']],
    ['R1', 'a\u0000b', ['reason_control_characters']],
    [['R1', 'R2'], 42, ['request_form_no_missing', 'reason_missing']],
  ];
  for (const [requestFormNo, reason, problems] of bad) {
    it(`refuses ${JSON.stringify({ requestFormNo, reason }).slice(0, 60)}`, () => {
      assert.deepEqual(checkWrittenRequest({ requestFormNo, reason }), { ok: false, problems });
    });
  }
});

describe('generated credentials', () => {
  it('initial passwords: 10 characters, upper, lower and digit, no look-alikes', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const password = generateInitialPassword(streamFrom(seed));
        assert.match(password, /^[A-HJ-NP-Za-km-z2-9]{10}$/);
        assert.match(password, /[A-Z]/);
        assert.match(password, /[a-z]/);
        assert.match(password, /\d/);
      }),
      { numRuns: 200 },
    );
  });
  it('contract IDs: 10 digits, never starting 0 or 1; confirmation passwords: 6 digits', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        assert.match(generateContractId(streamFrom(seed)), /^[2-9]\d{9}$/);
        assert.match(generateConfirmationPassword(streamFrom(seed)), /^\d{6}$/);
      }),
    );
  });
  it('rejection sampling: bytes past the last whole multiple are skipped, not folded', () => {
    // 250..255 are beyond 250 = 25·10, so the digit comes from the next byte (3 → "3").
    assert.equal(generateConfirmationPassword(bytesFrom([255, 3, 250, 4, 13, 9, 99, 0])), '343990');
  });
});

describe('masked serials', () => {
  it('keeps the kind and the last four digits', () => {
    assert.equal(maskSerial('VSMT12345678'), 'VSMT-****-5678', 'the one mask of a serial, as the mails and the history write it');
  });
});
