// What the customer gives for 取引認証 (transaction authentication): the payee account number
// and, when the institution binds the amount too, the amount — typed, or read from the QR code
// on the bank's confirm page. Bad input is an expected outcome (a tagged union), not an error.
//
// QR payload (documented for the bank's confirm page in docs/token-app.md):
//
//   mamori-tx:v1?account=1234567&amount=10000
//
// `account`: the payee's 7-digit account number, required. `amount`: integer yen without
// separators or leading zeros, present exactly when the institution binds the amount. The
// scheme and version are matched case-sensitively; each known parameter may appear once;
// unknown parameters are ignored so a later version can add some without breaking this one.

import { MAX_TRANSACTION_AMOUNT_YEN, normalizeDigitInput, type TransactionDetails } from '../otp/pure.js';

export type TransactionInputResult =
  | { ok: true; transaction: TransactionDetails }
  | { ok: false; reason: 'invalid_account' | 'invalid_amount' };

export type QrPayloadResult = TransactionInputResult | { ok: false; reason: 'not_a_transaction_qr' };

export const TRANSACTION_QR_PREFIX = 'mamori-tx:v1?';

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

/** Parses the QR payload strictly: it came from a screen, so no typing slack is allowed. */
export function parseTransactionQr(text: string): QrPayloadResult {
  const payload = text.trim();
  if (!payload.startsWith(TRANSACTION_QR_PREFIX)) return { ok: false, reason: 'not_a_transaction_qr' };
  const params = new URLSearchParams(payload.slice(TRANSACTION_QR_PREFIX.length));
  const accounts = params.getAll('account');
  const amounts = params.getAll('amount');
  if (accounts.length !== 1 || amounts.length > 1) return { ok: false, reason: 'not_a_transaction_qr' };
  const payeeAccount = accounts[0] as string;
  if (!/^\d{7}$/.test(payeeAccount)) return { ok: false, reason: 'invalid_account' };
  const amountText = amounts[0];
  if (amountText === undefined) return { ok: true, transaction: { payeeAccount } };
  if (!/^[1-9]\d{0,11}$/.test(amountText)) return { ok: false, reason: 'invalid_amount' };
  const amountYen = Number(amountText);
  if (amountYen > MAX_TRANSACTION_AMOUNT_YEN) return { ok: false, reason: 'invalid_amount' };
  return { ok: true, transaction: { payeeAccount, amountYen } };
}

/** The payload for a transaction (for the bank's confirm page, and for tests). */
export function transactionQrPayload(transaction: TransactionDetails): string {
  const params = new URLSearchParams({ account: transaction.payeeAccount });
  if (transaction.amountYen !== undefined) params.set('amount', String(transaction.amountYen));
  return TRANSACTION_QR_PREFIX + params.toString();
}
