// 入出金明細 as a file, what both sites share of its web side: reading the period and the
// encoding from the form (the customer's statement page and the console's customer page ask
// the same three fields), the words of each refusal, and how the file is sent — as an
// attachment named by its period only (never the account number), `no-store`.
import type { FastifyReply } from 'fastify';
import {
  encodeStatement,
  STATEMENT_ENCODINGS,
  STATEMENT_MAX_DAYS,
  statementContentType,
  statementFileName,
  statementPeriod,
  type PeriodProblem,
  type StatementEncoding,
  type StatementPeriod,
} from '../banking/ledger/statement-file.js';
import { japanDate } from '../banking/institution-policy.js';
import type { FieldErrors, FormBody } from './form-input.js';
import { html, type SafeHtml } from './html.js';
import { pick, type Lang, type Text } from './i18n.js';

export const STATEMENT_TEXT = {
  fileTitle: { ja: '入出金明細のダウンロード (CSV)', en: 'Download the statement (CSV)' },
  fileLead: {
    ja: `期間(最長${STATEMENT_MAX_DAYS}日、本日まで)と文字コードを選んでください。`,
    en: `Choose the period (at most ${STATEMENT_MAX_DAYS} days, up to today) and the character encoding.`,
  },
  from: { ja: '開始日', en: 'From' },
  to: { ja: '終了日', en: 'To' },
  dayHint: { ja: '例: 2026-04-01(日本時間の暦日)', en: 'e.g. 2026-04-01 (a Japan calendar day)' },
  encoding: { ja: '文字コード', en: 'Character encoding' },
  utf8: { ja: 'UTF-8 (BOM付き)', en: 'UTF-8 (with BOM)' },
  sjis: { ja: 'Shift_JIS (Excel向け)', en: 'Shift_JIS (for Excel)' },
  download: { ja: 'ダウンロード', en: 'Download' },
} as const satisfies Record<string, Text>;

const PROBLEM_TEXT: Record<PeriodProblem['problem'], Text> = {
  missing: { ja: '日付を入力してください。', en: 'Enter a date.' },
  malformed: { ja: '日付は 2026-04-01 の形で、実在する日を入力してください。', en: 'Enter a real date, written like 2026-04-01.' },
  future: { ja: '本日より後の日付は指定できません。', en: 'The date cannot be after today.' },
  before_from: { ja: '終了日は開始日と同じか、それより後の日付にしてください。', en: 'The end date must be the same as the start date or later.' },
  too_long: { ja: `期間は最長${STATEMENT_MAX_DAYS}日です。`, en: `The period can be at most ${STATEMENT_MAX_DAYS} days.` },
};
const ENCODING_PROBLEM: Text = { ja: '文字コードを選んでください。', en: 'Choose a character encoding.' };

/** What the form had, to show it again. */
export interface StatementFormValues {
  from: string;
  to: string;
  encoding: StatementEncoding;
}

export type StatementRequest =
  | { ok: true; period: StatementPeriod; encoding: StatementEncoding }
  | { ok: false; errors: FieldErrors; values: StatementFormValues };

/** The form's first values: this month so far. */
export function defaultStatementValues(nowMs: number): StatementFormValues {
  const today = japanDate(nowMs);
  return { from: `${today.slice(0, 8)}01`, to: today, encoding: 'utf8' };
}

/** A field as typed: '' when absent; a repeated or oversized one as text no reader accepts. */
function fieldText(fields: FormBody, name: string): string {
  const value = fields[name];
  if (value === undefined) return '';
  return typeof value === 'string' && value.length <= 40 ? value : '\u0000';
}

/** Reads `from`, `to` and `encoding` (a query or a form): the period and encoding, or a message per field. */
export function readStatementRequest(fields: FormBody, nowMs: number): StatementRequest {
  const from = fieldText(fields, 'from');
  const to = fieldText(fields, 'to');
  const encoding = STATEMENT_ENCODINGS.find((e) => e === fields.encoding);
  const values: StatementFormValues = { from: printable(from), to: printable(to), encoding: encoding ?? 'utf8' };
  const errors: FieldErrors = {};
  const read = statementPeriod({ from, to, nowMs });
  if (!read.ok) for (const p of read.problems) errors[p.field] = PROBLEM_TEXT[p.problem];
  if (encoding === undefined) errors.encoding = ENCODING_PROBLEM;
  if (!read.ok || encoding === undefined) return { ok: false, errors, values };
  return { ok: true, period: read.period, encoding };
}

/** A typed value shown again in the form: control characters dropped (the template escapes the rest). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/gu, '');
}

/**
 * The form's three fields — 開始日, 終了日 and 文字コード — in the markup both sites share
 * (.field, .hint, .field-error, labels bound by id, errors tied with aria-describedby).
 */
export function statementFields(lang: Lang, input: { values: StatementFormValues; errors?: FieldErrors }): SafeHtml {
  const errors = input.errors ?? {};
  const dayField = (name: 'from' | 'to') => {
    const id = `f-${name}`;
    const error = errors[name];
    return html`<div class="field">
  <label for="${id}">${pick(lang, STATEMENT_TEXT[name])}</label>
  <input id="${id}" name="${name}" type="date" value="${input.values[name]}" maxlength="10" aria-describedby="${id}-hint${error ? html` ${id}-error` : ''}"${error ? html` aria-invalid="true"` : ''} required>
  <span class="hint" id="${id}-hint">${pick(lang, STATEMENT_TEXT.dayHint)}</span>
  ${error ? html`<span class="field-error" id="${id}-error">${pick(lang, error)}</span>` : ''}
</div>`;
  };
  return html`${dayField('from')}
${dayField('to')}
<fieldset class="positions choices">
  <legend>${pick(lang, STATEMENT_TEXT.encoding)}</legend>
  ${STATEMENT_ENCODINGS.map(
    (e) => html`<div class="choice"><input type="radio" id="c-encoding-${e}" name="encoding" value="${e}"${e === input.values.encoding ? html` checked` : ''}> <label for="c-encoding-${e}">${pick(lang, STATEMENT_TEXT[e])}</label></div>`,
  )}
  ${errors.encoding ? html`<span class="field-error">${pick(lang, errors.encoding)}</span>` : ''}
</fieldset>`;
}

/** Sends the file: an attachment named by the period, never cached. */
export function sendStatementFile(reply: FastifyReply, input: { csv: string; period: StatementPeriod; encoding: StatementEncoding }): FastifyReply {
  return reply
    .status(200)
    .header('Cache-Control', 'no-store')
    .header('Content-Disposition', `attachment; filename="${statementFileName(input.period)}"`)
    .type(statementContentType(input.encoding))
    .send(encodeStatement(input.csv, input.encoding));
}
