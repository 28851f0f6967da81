// CSV of audit lines, written with the one formula-injection guard of every CSV we write
// (src/shared/csv.ts): customer names and reasons typed at the counter reach the audit log.
import { csvRow } from '../shared/csv.js';
import type { AuditLine } from './customer-status.js';

export const AUDIT_CSV_HEADER = ['seq', 'at_jst', 'actor', 'action', 'subject', 'details'] as const;

/** 2026-04-01 09:00:05 in Japan time (UTC+9, no daylight saving). */
export function japanTimestamp(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function auditCsvLine(line: AuditLine): string {
  return csvRow([line.seq, japanTimestamp(line.at), line.actor, line.action, line.subject, line.details]);
}
