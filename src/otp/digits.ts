import { removeSeparators } from './separators.js';

/**
 * Normalises what a customer typed into a code or ID field: full-width digits ０-９ (what a
 * Japanese IME produces), Arabic-Indic ٠-٩ and Extended Arabic-Indic (Persian) ۰-۹ become
 * ASCII 0-9, and spaces and hyphens (see separators.ts) are removed. Anything else is left as
 * it is, so that a strict check afterwards still rejects it.
 *
 * The web layer calls this explicitly on customer-typed fields. The verifiers (`verifyTotp`,
 * `verifyHotp`, `verifyTransactionCode`) stay strict — exactly N ASCII digits — because silent
 * leniency inside a verifier is how codes of the wrong shape end up accepted.
 */
export function normalizeDigitInput(input: string): string {
  if (typeof input !== 'string') {
    throw new TypeError('input must be a string');
  }
  return removeSeparators(input).replace(/[\uff10-\uff19\u0660-\u0669\u06f0-\u06f9]/gu, (digit) => {
    const unit = digit.charCodeAt(0);
    const zero = unit >= 0xff10 ? 0xff10 : unit >= 0x06f0 ? 0x06f0 : 0x0660;
    return String.fromCharCode(0x30 + unit - zero);
  });
}
