// Building blocks of console pages: labelled fields with their errors announced, notices, the
// written-request fields every action form carries, and the one-message page.
import { html, type SafeHtml } from '../../../web/html.js';
import { pick, type Lang, type Text } from '../../../web/i18n.js';
import { STYLESHEET_PATH } from '../../../web/assets.js';
import { C } from '../messages.js';
import { documentHead } from '../../../web/page-head.js';
import type { FieldErrors } from '../../../web/form-input.js';

export type { FieldErrors };

/**
 * What a view needs of the request: its language. The console's request context
 * (console-context.ts, which renders its pages with these views) is one.
 */
export interface ViewContext {
  readonly lang: Lang;
  t(text: Text): string;
}

export interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'search';
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'email';
  maxlength?: number;
  hint?: string;
  error?: string;
  value?: string;
  required?: boolean;
  /** Distinguishes the ids of the same field in several forms of one page. */
  idSuffix?: string;
}

export function field(spec: FieldSpec): SafeHtml {
  const id = `f-${spec.name}${spec.idSuffix ? `-${spec.idSuffix}` : ''}`;
  const describedBy = [spec.hint ? `${id}-hint` : '', spec.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
  <label for="${id}">${spec.label}</label>
  <input id="${id}" name="${spec.name}" type="${spec.type ?? 'text'}" autocomplete="${spec.autocomplete ?? 'off'}"${spec.inputmode ? html` inputmode="${spec.inputmode}"` : ''} maxlength="${spec.maxlength ?? 200}"${spec.value !== undefined ? html` value="${spec.value}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${spec.error ? html` aria-invalid="true"` : ''}${spec.required === false ? '' : html` required`}>
  ${spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : ''}
  ${spec.error ? html`<span class="field-error" id="${id}-error">${spec.error}</span>` : ''}
</div>`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

export function notice(lang: Lang, kind: 'ok' | 'warn' | 'error' | 'info', lines: Text[], title?: Text): SafeHtml {
  return html`<div class="notice${kind === 'info' ? '' : ` notice--${kind}`}"${kind === 'error' || kind === 'warn' ? html` role="alert"` : html` role="status"`}>
  ${title ? html`<p class="notice__title">${pick(lang, title)}</p>` : ''}
  ${lines.map((line) => html`<p>${pick(lang, line)}</p>`)}
</div>`;
}

export function errorSummary(lang: Lang, messages: (Text | undefined)[]): SafeHtml {
  const present = messages.filter((m): m is Text => m !== undefined);
  if (present.length === 0) return html``;
  return notice(lang, 'error', present, C.errorTitle);
}

/** 書面番号 + 受付理由, carried by every action form. */
export function writtenRequestFields(ctx: ViewContext, input: { idSuffix: string; errors?: FieldErrors; values?: { requestFormNo?: string; reason?: string } }): SafeHtml {
  const error = (name: string) => {
    const text = input.errors?.[name];
    return text ? ctx.t(text) : undefined;
  };
  const formNoError = error('requestFormNo');
  const reasonError = error('reason');
  return html`${field({
    name: 'requestFormNo',
    label: ctx.t(C.requestFormNo),
    hint: ctx.t(C.requestFormNoHint),
    maxlength: 24,
    idSuffix: input.idSuffix,
    ...(formNoError ? { error: formNoError } : {}),
    ...(input.values?.requestFormNo !== undefined ? { value: input.values.requestFormNo } : {}),
  })}
${field({
  name: 'reason',
  label: ctx.t(C.reason),
  maxlength: 200,
  idSuffix: input.idSuffix,
  ...(reasonError ? { error: reasonError } : {}),
  ...(input.values?.reason !== undefined ? { value: input.values.reason } : {}),
})}`;
}

export function messageBody(ctx: ViewContext, input: { title: Text; lines: Text[]; kind: 'ok' | 'warn' | 'error' | 'info'; home: string }): SafeHtml {
  return html`<h1>${ctx.t(input.title)}</h1>
${notice(ctx.lang, input.kind, input.lines)}
<p><a class="button button--secondary" href="${input.home}">${ctx.t(input.home.endsWith('home') ? C.homeTitle : C.backToLogin)}</a></p>`;
}

/** A page without the institution (unknown institution, or the error page when even that failed); `backTo`, the sign-in page. */
export function standalonePage(lang: Lang, title: Text, lines: Text[], backTo?: string): SafeHtml {
  return html`${documentHead({ lang, title: pick(lang, title), stylesheets: [STYLESHEET_PATH], noIndex: true })}
<body><main id="main" class="site-main"><h1>${pick(lang, title)}</h1>${lines.map((l) => html`<p>${pick(lang, l)}</p>`)}
${backTo === undefined ? '' : html`<p><a class="button button--secondary" href="${backTo}">${pick(lang, C.backToLogin)}</a></p>`}</main></body>
</html>`;
}

/** A table that scrolls sideways on a phone instead of breaking the page. */
export function scrollTable(caption: string, head: string[], rows: SafeHtml[]): SafeHtml {
  return html`<div class="table-scroll" role="region" aria-label="${caption}" tabindex="0">
<table class="console-table">
<caption>${caption}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table>
</div>`;
}
