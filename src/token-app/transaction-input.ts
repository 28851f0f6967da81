// What the customer types for 取引認証 (transaction authentication): the payee account number
// and, when the institution binds the amount too, the amount, with the slack people type with.
// The QR payload the bank shows (mamori-tx:v1) is read by `parseTransactionQr` of
// src/otp/transaction-payload.ts, which the bank builds it with. Bad input is an expected
// outcome (a tagged union), not an error.

import { MAX_TRANSACTION_AMOUNT_YEN, normalizeDigitInput, type TransactionInputResult } from '../otp/pure.js';

/** "123-4567", "１２３４５６７", " 1234567 " → "1234567" (as the bank's forms normalise); else undefined. */
export function normalizeAccountInput(typed: string): string | undefined {
  const compact = normalizeDigitInput(typed);
  return /^\d{7}$/.test(compact) ? compact : undefined;
}

/** "10,000", "¥10000", "１００００円" → 10000; empty → null (no amount); otherwise undefined. */
export function normalizeAmountInput(typed: string): number | null | undefined {
  // Hyphens separate groups of an account number, but before an amount they mean "minus".
  if (/[-\u2010-\u2015\u2212\u30fc\ufe63\uff0d\uff70]/u.test(typed)) return undefined;
  const compact = normalizeDigitInput(typed).replace(/[,，¥￥円]/g, '');
  if (compact === '') return null;
  if (!/^[1-9]\d{0,11}$/.test(compact)) return undefined;
  const amount = Number(compact);
  return amount <= MAX_TRANSACTION_AMOUNT_YEN ? amount : undefined;
}

export function parseTypedTransaction(input: { account: string; amount: string }): TransactionInputResult {
  const payeeAccount = normalizeAccountInput(input.account);
  if (payeeAccount === undefined) return { ok: false, reason: 'invalid_account' };
  const amount = normalizeAmountInput(input.amount);
  if (amount === undefined) return { ok: false, reason: 'invalid_amount' };
  return { ok: true, transaction: amount === null ? { payeeAccount } : { payeeAccount, amountYen: amount } };
}
