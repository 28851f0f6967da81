// What a notification may show of an identifier. An e-mail travels through servers the bank
// does not run and stays in mailboxes for years: it shows enough for the customer to recognise
// the token or the payee, never enough to use or to look them up.

/** MMOB12345678 → MMOB-****-5678: the kind and the last 4 of the 8 digits. */
export function maskSerial(serial: string): string {
  const compact = serial.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{4}\d{8}$/.test(compact)) return '****';
  return `${compact.slice(0, 4)}-****-${compact.slice(-4)}`;
}

/** 1234567 → ****567: the last 3 digits of an account number. */
export function maskAccountNumber(accountNumber: string): string {
  const digits = accountNumber.replace(/\D/g, '');
  if (digits.length < 4) return '****';
  return `${'*'.repeat(digits.length - 3)}${digits.slice(-3)}`;
}

/**
 * taro.yamada@docomo.ne.jp → t***@docomo.ne.jp: the first character of the local part and the
 * domain, enough for the customer to recognise the address (which provider, which one of theirs),
 * never enough to write to it.
 */
export function maskEmailAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return '***';
  return `${address.slice(0, 1)}***@${address.slice(at + 1)}`;
}
