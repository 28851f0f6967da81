// Mamori transaction authentication (取引認証): a code bound to the payee account and,
// when the institution asks for it, the amount, computed with OCRA (RFC 6287).
import { isWellFormedCode } from './code-format.js';
import { constantTimeEqual } from './constant-time.js';
import type { HmacKey } from './hmac-key.js';
import { writeCounterBytes } from './hotp.js';
import { ocraMessage, ocraResponseFromDigest, ocraTimeStepAt, parseOcraSuite } from './ocra.js';
import { assertCentreInRange, assertStepWindow, candidateStep } from './step-window.js';

/**
 * Why this suite:
 * - OCRA rather than TOTP, because the code must depend on what is authorised: malware that
 *   rewrites the transfer behind the customer's back cannot reuse a code the customer made for
 *   the account and amount they typed into their token.
 * - HOTP-SHA1-6: the token's own HMAC-SHA-1 secret (Mamori's default OTP policy) and six
 *   digits, like every other code the customer types.
 * - QN20: a numeric challenge the customer types on a digit pad: a marker digit, the 7-digit
 *   payee account and optionally the amount in yen, 20 digits at most (see
 *   `transactionChallenge`).
 * - T1M: the code expires; one-minute steps verified one step each side leave the customer
 *   two to three minutes to type account and amount into the token and the code back.
 * - No C, P or S: time replaces a counter that token and authority would have to keep in
 *   step, the token app guards the secret itself, and the site binds the session.
 *
 * The same secret also makes the login TOTP codes. That is safe: a TOTP message is the 8-byte
 * time step, while every OCRA message starts with this suite string and is 164 bytes long, so
 * HMAC never sees the same message for both and the two kinds of code are independent.
 */
export const TRANSACTION_OCRA_SUITE = 'OCRA-1:HOTP-SHA1-6:QN20-T1M';

const SUITE = parseOcraSuite(TRANSACTION_OCRA_SUITE);

/** Digits of a transaction code (the suite's truncation). */
export const TRANSACTION_CODE_DIGITS = 6;

/**
 * The challenge leads with this fixed non-zero digit. QN challenges are converted from
 * decimal to hexadecimal (RFC 6287 reference implementation), which drops leading zeros, and
 * Japanese account numbers may start with 0. Without the marker, account 0123456 with ¥78,000
 * and account 1234567 with ¥8,000 both become the number 12345678000 and share every code, so
 * a code made for one transfer would authorise the other, ten times larger. With it the digit
 * string has no leading zero, so different (account, amount) pairs are different numbers.
 */
const CHALLENGE_MARKER = '1';

/** 1 marker + 7 account digits + 12 amount digits = the 20 digits of QN20. */
export const MAX_TRANSACTION_AMOUNT_YEN = 999_999_999_999;

export interface TransactionDetails {
  /** The payee's 7-digit account number (口座番号), ASCII digits; normalise typed input first. */
  readonly payeeAccount: string;
  /** The amount in yen, a positive integer; omitted when the institution binds the account only. */
  readonly amountYen?: number;
}

/**
 * The numeric OCRA challenge for a transfer: "1", then the 7 account digits, then the amount
 * in yen without leading zeros, if any. The account has a fixed length and the amount no
 * leading zero, so the digits name exactly one (account, amount) pair. Throws a TypeError on
 * misuse.
 */
export function transactionChallenge({ payeeAccount, amountYen }: TransactionDetails): string {
  if (typeof payeeAccount !== 'string' || !/^[0-9]{7}$/.test(payeeAccount)) {
    throw new TypeError('payeeAccount must be exactly 7 ASCII digits');
  }
  if (amountYen === undefined) {
    return CHALLENGE_MARKER + payeeAccount;
  }
  if (
    typeof amountYen !== 'number' ||
    !Number.isSafeInteger(amountYen) ||
    amountYen < 1 ||
    amountYen > MAX_TRANSACTION_AMOUNT_YEN
  ) {
    throw new TypeError(`amountYen must be an integer from 1 to ${MAX_TRANSACTION_AMOUNT_YEN}`);
  }
  return CHALLENGE_MARKER + payeeAccount + amountYen.toString();
}

function assertTransactionKey(key: HmacKey): void {
  if (key.algorithm !== SUITE.algorithm) {
    throw new TypeError(`transaction codes need an HMAC-${SUITE.algorithm} key, got ${key.algorithm}`);
  }
}

export interface GenerateTransactionCodeOptions extends TransactionDetails {
  readonly key: HmacKey;
  readonly nowMs: number;
}

/** What the token shows after the customer typed the account (and amount). */
export function generateTransactionCode({ key, payeeAccount, amountYen, nowMs }: GenerateTransactionCodeOptions): string {
  assertTransactionKey(key);
  const challenge = transactionChallenge(amountYen === undefined ? { payeeAccount } : { payeeAccount, amountYen });
  const timeStep = ocraTimeStepAt({ suite: SUITE, nowMs });
  return ocraResponseFromDigest(SUITE, key.sign(ocraMessage(SUITE, { challenge, timeStep })));
}

export type TransactionCodeVerifyResult =
  | { valid: true; timeStep: number } // OCRA T1M step: minutes since the Unix epoch
  | { valid: false; reason: 'malformed_code' | 'no_match' };

export interface VerifyTransactionCodeOptions extends TransactionDetails {
  readonly key: HmacKey;
  readonly code: string;
  readonly nowMs: number;
  /** Minutes each side of the centre, default 1, at most 10. */
  readonly window?: number;
  /** Replay floor in minutes: only steps strictly greater are considered. */
  readonly afterStep?: number;
  /** Learned drift in one-minute steps (convert from TOTP steps), default 0. */
  readonly driftSteps?: number;
}

/**
 * Checks a transaction code. Same rules as `verifyTotp`: misuse throws a TypeError, a code
 * that is not exactly 6 ASCII digits is `malformed_code` before any HMAC, candidates are
 * tried centre, centre-1, centre+1, ... with a constant-time comparison each, and the
 * message is built once with only its last 8 bytes (T) rewritten per candidate.
 */
export function verifyTransactionCode(options: VerifyTransactionCodeOptions): TransactionCodeVerifyResult {
  const { key, code, payeeAccount, amountYen, nowMs, window = 1, afterStep, driftSteps = 0 } = options;
  assertTransactionKey(key);
  assertStepWindow({ window, driftSteps, afterStep });
  const challenge = transactionChallenge(amountYen === undefined ? { payeeAccount } : { payeeAccount, amountYen });
  const centre = ocraTimeStepAt({ suite: SUITE, nowMs }) + driftSteps;
  assertCentreInRange(centre, window);
  if (!isWellFormedCode(code, TRANSACTION_CODE_DIGITS)) {
    return { valid: false, reason: 'malformed_code' };
  }
  const floor = afterStep ?? -1;
  const message = ocraMessage(SUITE, { challenge, timeStep: 0 });
  const timeStepOffset = message.length - 8;
  const candidates = 2 * window + 1;
  for (let index = 0; index < candidates; index++) {
    const step = candidateStep(centre, index); // centre, centre-1, centre+1, ... (see step-window.ts)
    if (step < 0 || step <= floor) {
      continue;
    }
    writeCounterBytes(message, timeStepOffset, step);
    if (constantTimeEqual(ocraResponseFromDigest(SUITE, key.sign(message)), code)) {
      return { valid: true, timeStep: step };
    }
  }
  return { valid: false, reason: 'no_match' };
}
