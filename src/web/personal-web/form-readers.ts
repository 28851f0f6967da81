// Reads the fields of each form into typed values or per-field messages (never an exception).
import type { ConfirmationAnswer } from '../../banking/confirmation-password.js';
import type { FormBody } from '../form-input.js';
import { readDigits, readSerial, readText } from '../form-input.js';
import type { Text } from '../i18n.js';
import { fieldProblem, FORMATS, positionLabel, T, wholeConfirmationFormat } from './messages.js';
import type { FieldErrors } from './views/form-parts.js';
import type { ConfirmationSpec } from './views/token-views.js';

export type Read<V> = { ok: true; value: V } | { ok: false; errors: FieldErrors };

/** Login passwords are at most this long; they are taken exactly as typed (case-sensitive). */
export const MAX_PASSWORD_LENGTH = 128;

export function readCredentials(body: FormBody): Read<{ contractId: string; password: string }> & { contractIdEcho?: string } {
  const errors: FieldErrors = {};
  const contractId = readDigits(body, 'contractId', 10);
  if (!contractId.ok) errors.contractId = fieldProblem(T.contractId, contractId.problem, FORMATS.contractId);
  const password = readText(body, 'loginPassword', MAX_PASSWORD_LENGTH);
  if (!password.ok) errors.loginPassword = fieldProblem(T.loginPassword, password.problem);
  if (!contractId.ok || !password.ok) return { ok: false, errors, ...(contractId.ok ? { contractIdEcho: contractId.value } : {}) };
  return { ok: true, value: { contractId: contractId.value, password: password.value } };
}

export function readCode(body: FormBody, errors: FieldErrors): string | undefined {
  const code = readDigits(body, 'code', 6);
  if (code.ok) return code.value;
  errors.code = fieldProblem(T.otp, code.problem, FORMATS.otp);
  return undefined;
}

export function readSerialField(body: FormBody, errors: FieldErrors): string | undefined {
  const serial = readSerial(body, 'serial');
  if (serial.ok) return serial.value;
  errors.serial = fieldProblem(T.serial, serial.problem, FORMATS.serial);
  return undefined;
}

export function readConfirmation(body: FormBody, spec: ConfirmationSpec, errors: FieldErrors): ConfirmationAnswer | undefined {
  if (spec.mode === 'whole') {
    const whole = readDigits(body, 'confirmationPassword', 6);
    if (whole.ok) return { mode: 'whole', value: whole.value };
    errors.confirmationPassword = fieldProblem(spec.name, whole.problem, wholeConfirmationFormat(spec.name));
    return undefined;
  }
  const digits: Record<number, string> = {};
  let complete = true;
  for (const position of spec.positions) {
    const digit = readDigits(body, `position${position}`, 1);
    if (digit.ok) digits[position] = digit.value;
    else {
      const label: Text = { ja: `${spec.name.ja}の${positionLabel(position).ja}`, en: `${positionLabel(position).en} of the ${spec.name.en}` };
      errors[`position${position}`] = fieldProblem(label, digit.problem, FORMATS.digit);
      complete = false;
    }
  }
  return complete ? { mode: 'positions', digits } : undefined;
}
