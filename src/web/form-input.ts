// Reading form fields defensively: a field may be missing, repeated (an array), oversized or
// full of control characters. Each reader returns a tagged result the page turns into a clear
// message on the form — never an exception, never a 500.
import { normalizeDigitInput, normalizeSerial } from '../otp/index.js';
import type { Text } from './i18n.js';

export type FieldProblem = 'missing' | 'repeated' | 'too_long' | 'control_characters' | 'malformed' | 'check_digit';

export type FieldResult = { ok: true; value: string } | { ok: false; problem: FieldProblem };

export type FormBody = Record<string, unknown>;

/** What was wrong with each field of a form, by field name, in the site's words. */
export type FieldErrors = Record<string, Text | undefined>;

/** A form shown again: its status, the fields' problems and the lines above the form. */
export interface FormRedisplay {
  status: number;
  errors?: FieldErrors;
  formError?: Text[];
}

export function asFormBody(body: unknown): FormBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as FormBody) : {};
}

// C0 and C1 controls and DEL; a tab or newline has no place in any of our fields either.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** The raw text of a field, exactly as typed (for passwords), within `maxLength`. */
export function readText(body: FormBody, name: string, maxLength: number): FieldResult {
  const value = body[name];
  if (Array.isArray(value)) return { ok: false, problem: 'repeated' };
  if (typeof value !== 'string' || value.length === 0) return { ok: false, problem: 'missing' };
  if (value.length > maxLength) return { ok: false, problem: 'too_long' };
  if (CONTROL.test(value)) return { ok: false, problem: 'control_characters' };
  return { ok: true, value };
}

/**
 * A field of digits (contract ID, code, a confirmation digit): full-width and Arabic-Indic
 * digits become ASCII, spaces and hyphens go, and then exactly `length` digits must remain.
 */
export function readDigits(body: FormBody, name: string, length: number): FieldResult {
  const raw = readText(body, name, 64);
  if (!raw.ok) return raw;
  const digits = normalizeDigitInput(raw.value);
  if (digits.length === 0) return { ok: false, problem: 'missing' };
  return new RegExp(`^\\d{${length}}$`).test(digits) ? { ok: true, value: digits } : { ok: false, problem: 'malformed' };
}

/** A serial number as typed: any case, spaces, hyphens, full-width; a wrong check digit is its own problem. */
export function readSerial(body: FormBody, name: string): FieldResult {
  const raw = readText(body, name, 64);
  if (!raw.ok) return raw;
  const serial = normalizeSerial(raw.value);
  if (serial.ok) return { ok: true, value: serial.serial };
  return { ok: false, problem: serial.reason === 'empty' ? 'missing' : serial.reason };
}
