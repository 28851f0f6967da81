// The transfer input form (and the payee form, which shares its payee fields): reading what
// was typed, and finding bank and branch without JavaScript — the customer types a code or a
// part of the name and presses 「金融機関を検索」/「支店を検索」; the page comes back with the
// matches as choices, everything else they typed kept. A unique match is chosen at once.
import type { BankEntry, BankMatch, BranchMatch } from '../../banking/transfers/bank-directory.js';
import { findBank, findBranch, searchBanks, searchBranches } from '../../banking/transfers/bank-directory.js';
import { normalizeDigits, type PayeeInput } from '../../banking/transfers/payee-input.js';
import type { FormBody } from '../form-input.js';

export interface PayeeFormValues {
  bank: string; // a code, or the text searched for
  branch: string;
  accountType: string;
  accountNumber: string;
  payeeName: string;
}

export interface TransferFormValues extends PayeeFormValues {
  sourceAccountId: string;
  amount: string;
}

export type FormOp = 'searchBank' | 'searchBranch' | 'next';

// C0/C1 control characters have no place in any of these fields.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/gu;

/** A single text field: '' when missing, repeated or not text; trimmed, capped, controls removed. */
export function textOf(body: FormBody, name: string, maxLength = 64): string {
  const value = body[name];
  return typeof value === 'string' ? value.replace(CONTROL, '').trim().slice(0, maxLength) : '';
}

export function readOp(body: FormBody): FormOp {
  const op = body.op;
  return op === 'searchBank' || op === 'searchBranch' ? op : 'next';
}

export function readPayeeValues(body: FormBody): PayeeFormValues {
  // A chosen search result (radio) replaces the typed text.
  const bankChoice = textOf(body, 'bankChoice', 4);
  const branchChoice = textOf(body, 'branchChoice', 3);
  return {
    bank: bankChoice || textOf(body, 'bank'),
    branch: branchChoice || textOf(body, 'branch'),
    accountType: textOf(body, 'accountType', 16) || 'ordinary',
    accountNumber: textOf(body, 'accountNumber', 16),
    payeeName: textOf(body, 'payeeName', 64),
  };
}

export function readTransferValues(body: FormBody): TransferFormValues {
  return { ...readPayeeValues(body), sourceAccountId: textOf(body, 'sourceAccountId', 64), amount: textOf(body, 'amount', 32) };
}

export interface Resolution {
  bank?: BankMatch; // chosen
  branch?: BranchMatch;
  bankMatches?: BankMatch[]; // to choose from
  branchMatches?: BranchMatch[];
}

/** What the bank and branch fields name: a chosen entry, or the matches of a search. */
export function resolveBankAndBranch(values: PayeeFormValues, op: FormOp, extraBanks: readonly BankEntry[]): { values: PayeeFormValues; resolution: Resolution } {
  const resolution: Resolution = {};
  let { bank, branch } = values;
  const bankCode = normalizeDigits(bank);
  if (/^\d{4}$/.test(bankCode)) {
    resolution.bank = findBank(bankCode, { extraBanks });
    if (resolution.bank) bank = bankCode;
  } else if (bank !== '' && (op === 'searchBank' || op === 'next')) {
    const matches = searchBanks(bank, { extraBanks });
    if (matches.length === 1) {
      resolution.bank = matches[0];
      bank = matches[0]!.code;
    } else resolution.bankMatches = matches;
  }
  if (resolution.bank) {
    const branchCode = normalizeDigits(branch);
    if (/^\d{3}$/.test(branchCode)) {
      resolution.branch = findBranch(resolution.bank.code, branchCode, { extraBanks });
      if (resolution.branch) branch = branchCode;
    } else if (branch !== '' && op !== 'searchBank') {
      const matches = searchBranches(resolution.bank.code, branch, { extraBanks });
      if (matches.length === 1) {
        resolution.branch = matches[0];
        branch = matches[0]!.code;
      } else resolution.branchMatches = matches;
    }
  }
  return { values: { ...values, bank, branch }, resolution };
}

export function payeeInputOf(values: PayeeFormValues): PayeeInput {
  return { bankCode: values.bank, branchCode: values.branch, accountType: values.accountType, accountNumber: values.accountNumber, name: values.payeeName };
}
