// Every branch action acts on a written request (当金庫所定の書面, seed 002): its number and
// the reason are recorded with the change, in its audit record.
export interface WrittenRequest {
  requestFormNo: string;
  reason: string;
}

/** Letters, digits and hyphens, as printed on the form (e.g. 「R-2026-000123」). */
export const REQUEST_FORM_NO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,23}$/;
export const REASON_MAX_LENGTH = 200;

// C0 and C1 controls and DEL: no field typed at the counter has a use for them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

export type WrittenRequestProblem = 'request_form_no_missing' | 'request_form_no_malformed' | 'reason_missing' | 'reason_too_long' | 'reason_control_characters';

export type WrittenRequestCheck = { ok: true; value: WrittenRequest } | { ok: false; problems: WrittenRequestProblem[] };

/** Full-width letters and digits become ASCII (NFKC); surrounding spaces go. */
export function normalizeRequestFormNo(text: string): string {
  return text.normalize('NFKC').trim().toUpperCase().replace(/[‐‑‒–—―ー−]/gu, '-');
}

export function checkWrittenRequest(input: { requestFormNo: unknown; reason: unknown }): WrittenRequestCheck {
  const problems: WrittenRequestProblem[] = [];
  const formNo = typeof input.requestFormNo === 'string' ? normalizeRequestFormNo(input.requestFormNo) : '';
  if (formNo === '') problems.push('request_form_no_missing');
  else if (!REQUEST_FORM_NO_PATTERN.test(formNo)) problems.push('request_form_no_malformed');
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '') problems.push('reason_missing');
  else if (reason.length > REASON_MAX_LENGTH) problems.push('reason_too_long');
  else if (hasControlCharacters(reason)) problems.push('reason_control_characters');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { requestFormNo: formNo, reason } };
}
