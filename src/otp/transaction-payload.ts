// The 取引認証 (transaction authentication) payload: the text the bank's confirm page shows as
// a QR code (and prints below it), which the token reads to compute the transaction code. The
// bank builds it, the token parses it; both import this one definition (docs/token-app.md).
//
//   mamori-tx:v1?account=1234567&amount=10000
//
// `account`: the payee's 7-digit account number, required. `amount`: integer yen without
// separators or leading zeros, present exactly when the institution binds the amount. The
// scheme and version are matched case-sensitively; each known parameter may appear once;
// unknown parameters are ignored so a later version can add some without breaking this one.
// Bad input is an expected outcome (a tagged union), not an error.

import { MAX_TRANSACTION_AMOUNT_YEN, type TransactionDetails } from './transaction-code.js';

/** Transaction details read from a payload or typed by the customer, or which field is wrong. */
export type TransactionInputResult =
  | { ok: true; transaction: TransactionDetails }
  | { ok: false; reason: 'invalid_account' | 'invalid_amount' };

export type QrPayloadResult = TransactionInputResult | { ok: false; reason: 'not_a_transaction_qr' };

export const TRANSACTION_QR_PREFIX = 'mamori-tx:v1?';

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
