// Reading the console's form fields into values or per-field messages: never an exception,
// never a 500 (DESIGN §5: bad input gets a clear 4xx and changes nothing).
import { checkEmailAddress } from '../../banking/email-address.js';
import { readDigits, readSerial, readText, type FieldProblem, type FormBody } from '../../web/form-input.js';
import { emailAddressProblem } from '../../web/personal-web/messages.js';
import type { Text } from '../../web/i18n.js';
import { checkWrittenRequest, type WrittenRequest, type WrittenRequestProblem } from '../written-request.js';
import { FIELD_PROBLEMS } from './messages.js';
import type { FieldErrors } from './views/common-views.js';

export function problemText(problem: FieldProblem): Text {
  return FIELD_PROBLEMS[problem];
}

/** Operator IDs are typed in any width and case; they are stored lower-case ASCII. */
export function readLogin(body: FormBody, errors: FieldErrors): string | undefined {
  const raw = readText(body, 'login', 64);
  if (!raw.ok) {
    errors.login = problemText(raw.problem);
    return undefined;
  }
  return raw.value.normalize('NFKC').trim().toLowerCase();
}

export function readPassword(body: FormBody, errors: FieldErrors, name = 'password'): string | undefined {
  const raw = readText(body, name, 128);
  if (raw.ok) return raw.value;
  errors[name] = problemText(raw.problem);
  return undefined;
}

export function readCode(body: FormBody, errors: FieldErrors): string | undefined {
  const code = readDigits(body, 'code', 6);
  if (code.ok) return code.value;
  errors.code = problemText(code.problem);
  return undefined;
}

export function readSerialField(body: FormBody, errors: FieldErrors): string | undefined {
  const serial = readSerial(body, 'serial');
  if (serial.ok) return serial.value;
  errors.serial = problemText(serial.problem);
  return undefined;
}

const WRITTEN_REQUEST_TEXTS: Record<WrittenRequestProblem, [keyof WrittenRequest, Text]> = {
  request_form_no_missing: ['requestFormNo', FIELD_PROBLEMS.missing],
  request_form_no_malformed: ['requestFormNo', { ja: '英数字とハイフンで24文字までで入力してください。', en: 'Use letters, digits and hyphens, up to 24.' }],
  reason_missing: ['reason', FIELD_PROBLEMS.missing],
  reason_too_long: ['reason', { ja: '200文字以内で入力してください。', en: 'Use at most 200 characters.' }],
  reason_control_characters: ['reason', FIELD_PROBLEMS.control_characters],
};

export function readWrittenRequest(body: FormBody, errors: FieldErrors): WrittenRequest | undefined {
  const single = (name: string) => (Array.isArray(body[name]) ? undefined : body[name]);
  const checked = checkWrittenRequest({ requestFormNo: single('requestFormNo'), reason: single('reason') });
  if (checked.ok) return checked.value;
  for (const problem of checked.problems) {
    const [name, text] = WRITTEN_REQUEST_TEXTS[problem];
    errors[name] ??= text;
  }
  return undefined;
}

/**
 * An e-mail address from a written request, by the one validator (checkEmailAddress) with the
 * bank site's words for each problem. `optional`: an empty field is no address (null).
 */
export function readEmail(body: FormBody, name: string, errors: FieldErrors, options: { optional?: boolean } = {}): string | null | undefined {
  const raw = readText(body, name, 1024);
  if (!raw.ok) {
    if (raw.problem === 'missing' && options.optional) return null;
    errors[name] = raw.problem === 'missing' || raw.problem === 'control_characters' ? emailAddressProblem(raw.problem) : problemText(raw.problem);
    return undefined;
  }
  const checked = checkEmailAddress(raw.value);
  if (checked.ok) return checked.address;
  errors[name] = emailAddressProblem(checked.problem);
  return undefined;
}

/** A yen amount as typed: full-width digits, commas and 「円」 allowed; a whole number. */
export function readYen(body: FormBody, name: string, errors: FieldErrors): number | undefined {
  const raw = readText(body, name, 32);
  if (!raw.ok) {
    errors[name] = problemText(raw.problem);
    return undefined;
  }
  const text = raw.value.normalize('NFKC').replace(/[,\s円¥]/gu, '');
  if (!/^\d{1,13}$/.test(text)) {
    errors[name] = FIELD_PROBLEMS.malformed;
    return undefined;
  }
  return Number(text);
}

/** One short line of free text (a name, a rejection note). */
export function readLine(body: FormBody, name: string, maxLength: number, errors: FieldErrors): string | undefined {
  const raw = readText(body, name, maxLength * 4);
  if (!raw.ok) {
    errors[name] = problemText(raw.problem);
    return undefined;
  }
  const value = raw.value.normalize('NFC').trim();
  if (value === '') {
    errors[name] = FIELD_PROBLEMS.missing;
    return undefined;
  }
  if (value.length > maxLength) {
    errors[name] = FIELD_PROBLEMS.too_long;
    return undefined;
  }
  return value;
}
