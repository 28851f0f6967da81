// The payee as typed into the transfer form (「金融機関」「支店」「口座番号」「受取人名」) and
// into 振込先登録. Codes and the account number accept full-width digits (normalised: nothing
// moves on a misread here, the account is just not found); the name is normalised to the
// zengin half-width form (holder-name.ts).
import { normalizeHolderName } from '../ledger/holder-name.js';
import type { PayeeAccountType } from './transfers.tables.js';

export interface PayeeInput {
  bankCode: string;
  branchCode: string;
  accountType: string; // 'ordinary' | 'current' | 'savings'
  accountNumber: string;
  name: string;
}

export interface Payee {
  bankCode: string;
  branchCode: string;
  accountType: PayeeAccountType;
  accountNumber: string;
  name: string; // half-width katakana
}

export type PayeeField = 'bankCode' | 'branchCode' | 'accountType' | 'accountNumber' | 'name';

export type PayeeInputError =
  | 'bank_code_invalid'
  | 'branch_code_invalid'
  | 'account_type_invalid'
  | 'account_number_invalid' // 7 digits; shorter numbers are written with leading zeros
  | 'payee_name_empty'
  | 'payee_name_invalid_characters'
  | 'payee_name_too_long';

export type PayeeInputResult = { ok: true; payee: Payee } | { ok: false; error: PayeeInputError; field: PayeeField };

export const PAYEE_ACCOUNT_TYPES: readonly PayeeAccountType[] = ['ordinary', 'current', 'savings'];

/** Full-width digits to ASCII, surrounding spaces removed. */
export function normalizeDigits(text: string): string {
  return text.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).trim();
}

export function validatePayeeInput(input: PayeeInput): PayeeInputResult {
  const bankCode = normalizeDigits(input.bankCode);
  if (!/^\d{4}$/.test(bankCode)) return { ok: false, error: 'bank_code_invalid', field: 'bankCode' };
  const branchCode = normalizeDigits(input.branchCode);
  if (!/^\d{3}$/.test(branchCode)) return { ok: false, error: 'branch_code_invalid', field: 'branchCode' };
  const accountType = PAYEE_ACCOUNT_TYPES.find((t) => t === input.accountType);
  if (!accountType) return { ok: false, error: 'account_type_invalid', field: 'accountType' };
  const accountNumber = normalizeDigits(input.accountNumber);
  if (!/^\d{7}$/.test(accountNumber)) return { ok: false, error: 'account_number_invalid', field: 'accountNumber' };
  const name = normalizeHolderName(input.name);
  if (!name.ok) {
    const error = name.error === 'holder_name_empty' ? 'payee_name_empty' : name.error === 'holder_name_too_long' ? 'payee_name_too_long' : 'payee_name_invalid_characters';
    return { ok: false, error, field: 'name' };
  }
  return { ok: true, payee: { bankCode, branchCode, accountType, accountNumber, name: name.value } };
}

/** The zengin code of an account type (預金種目): 1 普通, 2 当座, 4 貯蓄. */
export function zenginAccountTypeCode(type: PayeeAccountType): string {
  switch (type) {
    case 'ordinary':
      return '1';
    case 'current':
      return '2';
    case 'savings':
      return '4';
  }
}
