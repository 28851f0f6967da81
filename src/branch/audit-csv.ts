// CSV of audit lines (RFC 4180: every cell quoted, quotes doubled, CRLF), safe to open in a
// spreadsheet: a cell that begins with = + - @ (or a tab or carriage return) would be run as
// a formula by Excel or LibreOffice (OWASP "CSV Injection"), so it gets a leading apostrophe.
// Customer names and reasons typed at the counter reach the audit log, so this is not academic.
import type { AuditLine } from './customer-status.js';

export const AUDIT_CSV_HEADER = ['seq', 'at_jst', 'actor', 'action', 'subject', 'details'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(cells: readonly (string | number)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** 2026-04-01 09:00:05 in Japan time (UTC+9, no daylight saving). */
export function japanTimestamp(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function auditCsvLine(line: AuditLine): string {
  return csvRow([line.seq, japanTimestamp(line.at), line.actor, line.action, line.subject, line.details]);
}

/** A byte-order mark first, so that Excel reads the UTF-8 (Japanese names) correctly. */
export const CSV_BOM = '\uFEFF';
