// The transfer amount as typed into 「金額」. Money moves on this field, so it is read
// strictly: ASCII digits only, a whole number of yen, more than zero.
//
// Decision: "1,000" and full-width "１０００" are REFUSED, each with its own message saying
// how to type the amount, rather than normalised. Other fields (account number, branch code)
// are normalised from full-width because a misreading there finds no account; a misread amount
// moves the wrong sum. "1,000" may mean one thousand or (typed by someone used to a European
// keyboard) one; "1.000" likewise; a full-width entry often comes with a full-width comma or
// 「円」 that would need the same guessing. Refusing costs the customer one retype on a form
// that keeps everything else they entered, and the issue asks that each such entry gets a
// clear message and changes nothing.
export const MAX_TRANSFER_AMOUNT_YEN = 999_999_999_999; // also the transaction code's ceiling

export type AmountError =
  | 'amount_required'
  | 'amount_full_width' // 「１０００」: type half-width digits
  | 'amount_has_separators' // 「1,000」: type digits only, without commas
  | 'amount_not_integer' // 「1000.5」: whole yen only
  | 'amount_not_positive' // 「0」「-500」
  | 'amount_not_a_number' // 「千円」「1e3」「¥1000」
  | 'amount_too_large';

export type AmountResult = { ok: true; value: number } | { ok: false; error: AmountError };

const FULL_WIDTH = /[\uFF10-\uFF19\uFF0C\uFF0E\uFF0D\u3000]/; // ０-９ ， ． － and the ideographic space

export function parseAmountYen(typed: string): AmountResult {
  const text = typed.trim();
  if (text === '') return { ok: false, error: 'amount_required' };
  if (FULL_WIDTH.test(text)) return { ok: false, error: 'amount_full_width' };
  if (/^-?\d{1,3}(,\d{3})+$/.test(text) || /^\d+[,_ ]\d/.test(text)) return { ok: false, error: 'amount_has_separators' };
  if (/^-\d+(\.\d+)?$/.test(text)) return { ok: false, error: 'amount_not_positive' };
  if (/^\d*\.\d+$/.test(text) || /^\d+\.$/.test(text)) return { ok: false, error: 'amount_not_integer' };
  if (!/^\d+$/.test(text)) return { ok: false, error: 'amount_not_a_number' };
  const digits = text.replace(/^0+(?=\d)/, '');
  if (digits.length > 12) return { ok: false, error: 'amount_too_large' };
  const value = Number(digits);
  if (value === 0) return { ok: false, error: 'amount_not_positive' };
  if (value > MAX_TRANSFER_AMOUNT_YEN) return { ok: false, error: 'amount_too_large' };
  return { ok: true, value };
}
