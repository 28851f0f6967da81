/**
 * The shape of a one-time code, checked before any HMAC is computed.
 *
 * RFC 4226 §5.3 (and RFC 6238 §4 by reference) fixes a code as exactly `Digit` decimal digits.
 * Verifiers accept nothing else: no trimming, no full-width or other-script digits, no sign,
 * no number type. Normalising what a customer typed is the caller's explicit step
 * (`normalizeDigitInput` in digits.ts), never a silent one here; otpauth's advisory about
 * accepting codes of the wrong length is the kind of bug this rules out.
 */

/** Mamori accepts 6 to 8 digits, the range of RFC 4226 §5.3 ("at least 6") and RFC 6238's 8. */
export const MIN_CODE_DIGITS = 6;
export const MAX_CODE_DIGITS = 8;

/** Misuse (a programming error, not bad input) throws, like everywhere in src/otp. */
export function assertCodeDigits(digits: unknown): asserts digits is number {
  if (
    typeof digits !== 'number' ||
    !Number.isInteger(digits) ||
    digits < MIN_CODE_DIGITS ||
    digits > MAX_CODE_DIGITS
  ) {
    throw new TypeError(`digits must be an integer from ${MIN_CODE_DIGITS} to ${MAX_CODE_DIGITS}`);
  }
}

/** True when `code` is a string of exactly `digits` ASCII digits '0'-'9'. Length is checked first. */
export function isWellFormedCode(code: unknown, digits: number): code is string {
  if (typeof code !== 'string' || code.length !== digits) {
    return false;
  }
  for (let i = 0; i < code.length; i++) {
    const unit = code.charCodeAt(i);
    if (unit < 0x30 || unit > 0x39) {
      return false;
    }
  }
  return true;
}
