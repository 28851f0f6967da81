// Form building blocks: labelled inputs bound by id, errors announced (role="alert") and tied
// to their inputs with aria-describedby, numeric keyboards and one-time-code autofill for codes.
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T } from '../messages.js';
import type { FieldErrors } from '../../form-input.js';

export type { FieldErrors };

export interface FieldSpec {
  name: string;
  label: string;
  kind: 'contract_id' | 'password' | 'new_password' | 'code' | 'serial' | 'confirmation_whole' | 'digit' | 'email';
  hint?: string;
  error?: string;
  value?: string;
}

const KIND_ATTRIBUTES: Record<FieldSpec['kind'], { type: string; autocomplete: string; inputmode?: string; maxlength: number }> = {
  contract_id: { type: 'text', autocomplete: 'username', inputmode: 'numeric', maxlength: 20 },
  password: { type: 'password', autocomplete: 'current-password', maxlength: 128 },
  new_password: { type: 'password', autocomplete: 'new-password', maxlength: 128 },
  code: { type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 12 },
  serial: { type: 'text', autocomplete: 'off', maxlength: 24 },
  confirmation_whole: { type: 'password', autocomplete: 'off', inputmode: 'numeric', maxlength: 12 },
  digit: { type: 'password', autocomplete: 'off', inputmode: 'numeric', maxlength: 2 },
  // Not `type="email"`: the browser's own check would stand in front of ours (email-address.ts) with other words.
  email: { type: 'text', autocomplete: 'email', inputmode: 'email', maxlength: 320 },
};

export function field(spec: FieldSpec): SafeHtml {
  const a = KIND_ATTRIBUTES[spec.kind];
  const id = `f-${spec.name}`;
  const describedBy = [spec.hint ? `${id}-hint` : '', spec.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
  <label for="${id}">${spec.label}</label>
  <input id="${id}" name="${spec.name}" type="${a.type}" autocomplete="${a.autocomplete}"${a.inputmode ? html` inputmode="${a.inputmode}"` : ''} maxlength="${a.maxlength}"${spec.kind === 'serial' ? html` autocapitalize="characters" spellcheck="false"` : spec.kind === 'email' ? html` autocapitalize="off" spellcheck="false"` : ''}${spec.value !== undefined ? html` value="${spec.value}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${spec.error ? html` aria-invalid="true"` : ''} required>
  ${spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : ''}
  ${spec.error ? html`<span class="field-error" id="${id}-error">${spec.error}</span>` : ''}
</div>`;
}

/** The summary at the top of a form: announced to screen readers as soon as it appears. */
export function errorSummary(lang: Lang, messages: (Text | undefined)[], title: Text = T.errorTitle): SafeHtml {
  // Callers pass field errors first (what is wrong), then form-level notes (what to do).
  const present = messages.filter((m): m is Text => m !== undefined);
  if (present.length === 0) return html``;
  return html`<div class="notice notice--error" role="alert">
  <p class="notice__title">${pick(lang, title)}</p>
  ${present.map((m) => html`<p>${pick(lang, m)}</p>`)}
</div>`;
}

export function notice(lang: Lang, kind: 'ok' | 'warn' | 'error' | 'info', lines: Text[], title?: Text): SafeHtml {
  return html`<div class="notice${kind === 'info' ? '' : ` notice--${kind}`}"${kind === 'error' || kind === 'warn' ? html` role="alert"` : html` role="status"`}>
  ${title ? html`<p class="notice__title">${pick(lang, title)}</p>` : ''}
  ${lines.map((line) => html`<p>${pick(lang, line)}</p>`)}
</div>`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

export function submitButton(label: string): SafeHtml {
  return html`<button type="submit" class="button">${label}</button>`;
}

/** 「ログイン画面に戻る」 as a real button (seed: 「ログイン画面に戻る」をクリック). */
export function backToLoginButton(lang: Lang, base: string): SafeHtml {
  return html`<form method="get" action="${base}"><button type="submit" class="button button--secondary">${pick(lang, T.backToLogin)}</button></form>`;
}

export function stepList(lang: Lang, steps: Text[], current: number): SafeHtml {
  return html`<ol class="steps" aria-label="${pick(lang, T.stepsLabel)}">${steps.map(
    (step, index) => html`<li${index === current ? html` aria-current="step"` : ''}>${index + 1}. ${pick(lang, step)}</li>`,
  )}</ol>`;
}
