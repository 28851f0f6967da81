// The audit viewer: filters (customer, operator, action) as a GET form, a page of lines, links
// to the previous and next pages, and the CSV export with the same filters.
import { html, type SafeHtml } from '../../../web/html.js';
import type { AuditFilter, AuditPage } from '../../audit-query.js';
import type { ConsoleContext } from '../console-context.js';
import { C, japanDateTime } from '../messages.js';
import { errorSummary, field, scrollTable, type FieldErrors } from './common-views.js';

export function auditQuery(filter: AuditFilter, page?: number): string {
  const params = new URLSearchParams();
  if (filter.customer) params.set('customer', filter.customer);
  if (filter.operator) params.set('operator', filter.operator);
  if (filter.action) params.set('action', filter.action);
  if (page !== undefined && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function auditView(ctx: ConsoleContext, input: { filter: AuditFilter; page: AuditPage; actions: string[]; errors?: FieldErrors }): SafeHtml {
  const { filter, page } = input;
  const err = (name: string) => {
    const text = input.errors?.[name];
    return text ? { error: ctx.t(text) } : {};
  };
  return html`<h1>${ctx.t(C.auditTitle)}</h1>
<section class="card">
${errorSummary(ctx.lang, Object.values(input.errors ?? {}))}
<form method="get" action="${ctx.base}audit" class="filter-form" novalidate>
<fieldset><legend>${ctx.t(C.filter)}</legend>
${field({ name: 'customer', label: ctx.t(C.contractId), inputmode: 'numeric', maxlength: 20, required: false, value: filter.customer ?? '', ...err('customer') })}
${field({ name: 'operator', label: ctx.t(C.operator), maxlength: 32, required: false, value: filter.operator ?? '', ...err('operator') })}
<div class="field">
  <label for="f-action">${ctx.t(C.action)}</label>
  <select id="f-action" name="action">
    <option value="">${ctx.t(C.any)}</option>
    ${input.actions.map((a) => html`<option value="${a}"${filter.action === a ? html` selected` : ''}>${a}</option>`)}
  </select>
</div>
<div class="actions"><button type="submit" class="button">${ctx.t(C.search)}</button><a class="button button--secondary" href="${ctx.base}audit.csv${auditQuery(filter)}" download>${ctx.t(C.exportCsv)}</a></div>
</fieldset>
</form>
</section>
<p>${page.total} ${ctx.t(C.totalLines)} — ${ctx.t(C.pageOf)} ${page.page} / ${page.pageCount}</p>
${scrollTable(
  ctx.t(C.auditTitle),
  ['#', ctx.t(C.at), ctx.t(C.actor), ctx.t(C.action), ctx.t(C.subject), ctx.t(C.details)],
  page.lines.map((line) => html`<tr><td>${line.seq}</td><td class="nowrap">${japanDateTime(line.at)}</td><td>${line.actor}</td><td><code>${line.action}</code></td><td>${line.subject}</td><td class="details">${line.details === '{}' ? '' : line.details}</td></tr>`),
)}
<nav class="pager" aria-label="${ctx.t(C.pageOf)}">
${page.page > 1 ? html`<a rel="prev" href="${ctx.base}audit${auditQuery(filter, page.page - 1)}">${ctx.t(C.previous)}</a>` : ''}
${page.page < page.pageCount ? html`<a rel="next" href="${ctx.base}audit${auditQuery(filter, page.page + 1)}">${ctx.t(C.next)}</a>` : ''}
</nav>`;
}
