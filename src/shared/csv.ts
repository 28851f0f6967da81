// CSV for files a person opens in a spreadsheet (RFC 4180: every cell quoted, quotes doubled,
// CRLF), safe to open: a cell that begins with = + - @ (or a tab or carriage return) would be
// run as a formula by Excel or LibreOffice (OWASP "CSV Injection"), so it gets a leading
// apostrophe. Text typed by people — names and reasons at the counter, a payee's name in a
// statement's 摘要 — reaches these files, so this is not academic. One guard for every CSV we
// write: the console's audit export (src/branch/audit-csv.ts) and the customer's 入出金明細
// (src/banking/ledger/statement-file.ts). Imports nothing, so any floor may use it.

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(cells: readonly (string | number)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A byte-order mark first, so that Excel reads UTF-8 (Japanese names) correctly. */
export const CSV_BOM = '\uFEFF';
