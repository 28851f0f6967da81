// 入出金明細 as a file: an account's postings of a chosen period of Japan calendar days, as the
// CSV Japanese spreadsheets open — UTF-8 with a byte-order mark, or Shift_JIS (Windows-31J, what
// Excel on a Japanese Windows reads without asking). Every cell goes through the one
// formula-injection guard (src/shared/csv.ts): a 摘要 carries a payee's name, which someone
// else typed. The file names no account number (a download folder, a mail attachment, a cloud
// sync must not carry one); the customer's site and the branch console serve the same file.
import iconv from 'iconv-lite';
import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.js';
import { japanDateTime } from '../../shared/japan-time.js';
import { CSV_BOM, csvRow } from '../../shared/csv.js';
import { pick, type Lang, type Text } from '../../shared/text.js';
import { japanDate } from '../institution-policy.js';
import { HISTORY_COLUMNS, historyLineOf, type HistoryLine } from './history.js';

/** The longest period one file covers, in calendar days (from and to included): a year, leap or not. */
export const STATEMENT_MAX_DAYS = 366;

export type StatementEncoding = 'utf8' | 'sjis';
export const STATEMENT_ENCODINGS: readonly StatementEncoding[] = ['utf8', 'sjis'];

const DAY_MS = 24 * 3600_000;
const JST_OFFSET_MS = 9 * 3600_000;

/** A period of Japan calendar days: [fromMs, toMs) is from 0:00 JST of `from` to 24:00 JST of `to`. */
export interface StatementPeriod {
  from: string; // YYYY-MM-DD
  to: string;
  fromMs: number;
  toMs: number;
}

export type PeriodProblem =
  | { field: 'from' | 'to'; problem: 'missing' | 'malformed' | 'future' }
  | { field: 'to'; problem: 'before_from' | 'too_long' };

/** YYYY-MM-DD (also YYYY/MM/DD, full-width digits) as a real calendar date, or undefined. */
export function readCalendarDay(text: string): string | undefined {
  const normalized = text.normalize('NFKC').trim().replaceAll('/', '-');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(normalized)) return undefined;
  const date = new Date(`${normalized}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === normalized ? normalized : undefined;
}

/**
 * The period from two typed days, checked: real dates, `from` not after `to`, neither after
 * today (the Japan calendar day at `nowMs`), at most STATEMENT_MAX_DAYS days.
 */
export function statementPeriod(input: { from: string; to: string; nowMs: number }): { ok: true; period: StatementPeriod } | { ok: false; problems: PeriodProblem[] } {
  const problems: PeriodProblem[] = [];
  const today = japanDate(input.nowMs);
  const day = (field: 'from' | 'to', text: string): string | undefined => {
    if (text.trim() === '') return void problems.push({ field, problem: 'missing' });
    const read = readCalendarDay(text);
    if (read === undefined) return void problems.push({ field, problem: 'malformed' });
    if (read > today) return void problems.push({ field, problem: 'future' });
    return read;
  };
  const from = day('from', input.from);
  const to = day('to', input.to);
  if (from === undefined || to === undefined) return { ok: false, problems };
  const fromMs = Date.parse(`${from}T00:00:00Z`) - JST_OFFSET_MS;
  const toMs = Date.parse(`${to}T00:00:00Z`) - JST_OFFSET_MS + DAY_MS;
  if (to < from) return { ok: false, problems: [{ field: 'to', problem: 'before_from' }] };
  if ((toMs - fromMs) / DAY_MS > STATEMENT_MAX_DAYS) return { ok: false, problems: [{ field: 'to', problem: 'too_long' }] };
  return { ok: true, period: { from, to, fromMs, toMs } };
}

/** The account's postings in the period, oldest first (a statement reads down the page). */
export async function listPostingsInPeriod(db: Kysely<Schema>, input: { accountId: string; period: StatementPeriod }): Promise<HistoryLine[]> {
  const rows = await db
    .selectFrom('postings')
    .select(HISTORY_COLUMNS)
    .where('account_id', '=', input.accountId)
    .where('posted_at', '>=', input.period.fromMs)
    .where('posted_at', '<', input.period.toMs)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map(historyLineOf);
}

/** The header row, in the language of the page the file was asked from. */
export const STATEMENT_HEADER: readonly Text[] = [
  { ja: '取引日時', en: 'Date and time (JST)' },
  { ja: '摘要', en: 'Description' },
  { ja: 'お支払金額', en: 'Paid out (JPY)' },
  { ja: 'お預り金額', en: 'Paid in (JPY)' },
  { ja: '差引残高', en: 'Balance (JPY)' },
];

/** The CSV text: a header, then one row per posting; amounts as plain integer yen (no commas, no sign). */
export function statementCsv(lines: readonly HistoryLine[], lang: Lang): string {
  let csv = csvRow(STATEMENT_HEADER.map((cell) => pick(lang, cell)));
  for (const line of lines) {
    const out = line.amountYen < 0 ? String(-line.amountYen) : '';
    const into = line.amountYen > 0 ? String(line.amountYen) : '';
    csv += csvRow([japanDateTime(line.postedAtMs), line.description, out, into, line.balanceAfterYen]);
  }
  return csv;
}

/**
 * The bytes of the file. Shift_JIS is encoded as Windows-31J (CP932, which iconv-lite's
 * Shift_JIS is): a character it cannot hold (an emoji, 𠮷) becomes 「?」 instead of failing.
 */
export function encodeStatement(csv: string, encoding: StatementEncoding): Buffer {
  return encoding === 'utf8' ? Buffer.from(CSV_BOM + csv, 'utf8') : iconv.encode(csv, 'Shift_JIS');
}

/** The Content-Type of the file in `encoding`. */
export function statementContentType(encoding: StatementEncoding): string {
  return encoding === 'utf8' ? 'text/csv; charset=utf-8' : 'text/csv; charset=Shift_JIS';
}

/** The download's file name: the period only, never the account number. */
export function statementFileName(period: StatementPeriod): string {
  return `nyushukkin-meisai_${period.from.replaceAll('-', '')}-${period.to.replaceAll('-', '')}.csv`;
}
