// Token serial numbers (シリアル番号): 4 upper-case letters naming the kind, then 8 digits
// whose last is a Luhn check digit (ISO/IEC 7812-1 Annex B), like VIP credential IDs.
import { removeSeparators } from './separators.js';

export const SERIAL_PREFIX_BY_KIND = { mobile: 'MMOB', desktop: 'MDSK' } as const;

export type TokenKind = keyof typeof SERIAL_PREFIX_BY_KIND;

const SERIAL_FORMAT = /^[A-Z]{4}[0-9]{8}$/;

/**
 * The Luhn check digit for `digits` (the digits it will follow): from the right, every other
 * digit starting with the last is doubled (9 subtracted when above 9), and the check digit
 * brings the sum to a multiple of 10. It catches every single-digit error and most swaps of
 * neighbouring digits, the usual mistakes when a serial is read out or typed.
 */
export function luhnCheckDigit(digits: string): number {
  if (typeof digits !== 'string' || !/^[0-9]+$/.test(digits)) {
    throw new TypeError('digits must be a non-empty string of ASCII digits');
  }
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let value = digits.charCodeAt(i) - 0x30;
    if (double) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return (10 - (sum % 10)) % 10;
}

export interface GenerateSerialOptions {
  readonly kind: TokenKind;
  /** 7 random ASCII digits, drawn by the caller (no hidden randomness here). */
  readonly randomDigits: string;
}

export function generateSerial({ kind, randomDigits }: GenerateSerialOptions): string {
  if (kind !== 'mobile' && kind !== 'desktop') {
    throw new TypeError('kind must be mobile or desktop');
  }
  if (typeof randomDigits !== 'string' || !/^[0-9]{7}$/.test(randomDigits)) {
    throw new TypeError('randomDigits must be exactly 7 ASCII digits');
  }
  return `${SERIAL_PREFIX_BY_KIND[kind]}${randomDigits}${luhnCheckDigit(randomDigits)}`;
}

/** The kind a canonical serial names, or null if it is not one or its prefix is not Mamori's. */
export function kindOfSerial(serial: string): TokenKind | null {
  if (typeof serial !== 'string' || !SERIAL_FORMAT.test(serial)) {
    return null;
  }
  const prefix = serial.slice(0, 4);
  for (const kind of Object.keys(SERIAL_PREFIX_BY_KIND) as TokenKind[]) {
    if (SERIAL_PREFIX_BY_KIND[kind] === prefix) {
      return kind;
    }
  }
  return null;
}

export type NormalizeSerialResult =
  | { ok: true; serial: string }
  | { ok: false; reason: 'empty' | 'malformed' | 'check_digit' };

/**
 * Turns what a customer typed into the canonical serial. Tolerant of the ways a serial gets
 * typed: NFKC folds full-width letters, digits and the ideographic space to ASCII; any case;
 * spaces and hyphens (including 'ー' and '－') anywhere are ignored. Then it must be 4
 * letters and 8 digits, and a wrong Luhn digit is its own reason, so the customer can be told
 * "check the number" rather than "wrong format".
 */
export function normalizeSerial(input: string): NormalizeSerialResult {
  if (typeof input !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  // Upper-case ASCII only: toUpperCase() would also turn 'ß' into 'SS' or 'ı' into 'I'.
  const compact = removeSeparators(input.normalize('NFKC')).replace(/[a-z]/g, (letter) => letter.toUpperCase());
  if (compact.length === 0) {
    return { ok: false, reason: 'empty' };
  }
  if (!SERIAL_FORMAT.test(compact)) {
    return { ok: false, reason: 'malformed' };
  }
  if (luhnCheckDigit(compact.slice(4, 11)) !== compact.charCodeAt(11) - 0x30) {
    return { ok: false, reason: 'check_digit' };
  }
  return { ok: true, serial: compact };
}

/** Display form of a canonical serial, 4-4-4: "MMOB 1234 5678". */
export function formatSerial(serial: string): string {
  if (typeof serial !== 'string' || !SERIAL_FORMAT.test(serial)) {
    throw new TypeError('serial must be a canonical serial (4 letters and 8 digits)');
  }
  return `${serial.slice(0, 4)} ${serial.slice(4, 8)} ${serial.slice(8)}`;
}
