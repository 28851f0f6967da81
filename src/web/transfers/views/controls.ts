// Form controls of the transfer pages, in the bank site's markup (.field, .hint, .field-error,
// labels bound by id, errors tied with aria-describedby) for the kinds of input its own
// form-parts do not cover: free text, selects and choice lists.
import { html, type SafeHtml } from '../../html.js';

export interface TextFieldSpec {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  value?: string;
  inputmode?: 'numeric' | 'text';
  autocomplete?: string;
  maxlength: number;
  required?: boolean;
  /** A button placed right after the input (the no-JavaScript search). */
  after?: SafeHtml;
}

function describedBy(id: string, spec: { hint?: string; error?: string }): SafeHtml | '' {
  const ids = [spec.hint ? `${id}-hint` : '', spec.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"` : '';
}

export function textField(spec: TextFieldSpec): SafeHtml {
  const id = `f-${spec.name}`;
  return html`<div class="field">
  <label for="${id}">${spec.label}</label>
  <input id="${id}" name="${spec.name}" type="text" autocomplete="${spec.autocomplete ?? 'off'}"${spec.inputmode ? html` inputmode="${spec.inputmode}"` : ''} maxlength="${spec.maxlength}"${spec.value !== undefined ? html` value="${spec.value}"` : ''}${describedBy(id, spec)}${spec.error ? html` aria-invalid="true"` : ''}${spec.required === false ? '' : html` required`}>
  ${spec.after ?? ''}
  ${spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : ''}
  ${spec.error ? html`<span class="field-error" id="${id}-error">${spec.error}</span>` : ''}
</div>`;
}

export function selectField(spec: { name: string; label: string; options: { value: string; label: string }[]; value?: string; error?: string }): SafeHtml {
  const id = `f-${spec.name}`;
  return html`<div class="field">
  <label for="${id}">${spec.label}</label>
  <select id="${id}" name="${spec.name}"${describedBy(id, spec)}${spec.error ? html` aria-invalid="true"` : ''}>
    ${spec.options.map((o) => html`<option value="${o.value}"${o.value === spec.value ? html` selected` : ''}>${o.label}</option>`)}
  </select>
  ${spec.error ? html`<span class="field-error" id="${id}-error">${spec.error}</span>` : ''}
</div>`;
}

/** A list of radio choices (search results): works without JavaScript, one click picks. */
export function choiceList(spec: { name: string; legend: string; choices: { value: string; label: string }[]; value?: string }): SafeHtml {
  return html`<fieldset class="positions choices">
  <legend>${spec.legend}</legend>
  ${spec.choices.map(
    (c, i) => html`<div class="choice"><input type="radio" id="c-${spec.name}-${i}" name="${spec.name}" value="${c.value}"${c.value === spec.value || spec.choices.length === 1 ? html` checked` : ''}> <label for="c-${spec.name}-${i}">${c.label}</label></div>`,
  )}
</fieldset>`;
}

export function hidden(name: string, value: string | number): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${String(value)}">`;
}

/** A secondary submit button of a form with several (its `op` names what it does). */
export function opButton(op: string, label: string, kind: 'primary' | 'secondary' = 'secondary'): SafeHtml {
  return html`<button type="submit" name="op" value="${op}" class="button${kind === 'secondary' ? ' button--secondary' : ''}">${label}</button>`;
}

export function linkButton(href: string, label: string): SafeHtml {
  return html`<a class="button button--secondary" href="${href}">${label}</a>`;
}

/** Rows of label → value, the bank site's fact list. */
export function facts(rows: [label: string | SafeHtml, value: string | SafeHtml][]): SafeHtml {
  return html`<dl class="facts">${rows.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>`;
}
