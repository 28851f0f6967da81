// 入出金明細 (CSV) for a customer at the branch (a written request): which account, the period
// and the character encoding — the fields the customer's own statement page asks (the web kit's
// statementFields) — and the written request (書面番号, 受付理由) the export is audited with.
import { html, type SafeHtml } from '../../../web/html.js';
import type { Text } from '../../../web/i18n.js';
import { STATEMENT_TEXT as S, statementFields, type StatementFormValues } from '../../../web/statement-download.js';
import type { ConsoleContext, SignedIn } from '../console-context.js';
import { C } from '../messages.js';
import { csrfField, errorSummary, writtenRequestFields, type FieldErrors } from './common-views.js';

export interface StatementAccountChoice {
  id: string;
  label: string;
}

export function statementView(
  ctx: ConsoleContext,
  input: {
    signedIn: SignedIn;
    contractId: string;
    name: string;
    accounts: StatementAccountChoice[];
    accountId: string;
    values: StatementFormValues & { requestFormNo?: string; reason?: string };
    errors?: FieldErrors;
  },
): SafeHtml {
  const errors = input.errors ?? {};
  const accountError = errors.account;
  return html`<h1>${ctx.t(S.fileTitle)}: ${input.name} <span class="meta">(${input.contractId})</span></h1>
<section class="card">
<p>${ctx.t(C.statementLead)}</p>
${errorSummary(ctx.lang, Object.values(errors))}
<form method="post" action="${ctx.base}customers/${input.contractId}/statement" novalidate>
${csrfField(input.signedIn.session.csrfToken)}
<div class="field">
  <label for="f-account">${ctx.t(C.statementAccount)}</label>
  <select id="f-account" name="account"${accountError ? html` aria-invalid="true"` : ''}>${input.accounts.map(
    (a) => html`<option value="${a.id}"${a.id === input.accountId ? html` selected` : ''}>${a.label}</option>`,
  )}</select>
  ${accountError ? html`<span class="field-error">${ctx.t(accountError as Text)}</span>` : ''}
</div>
${statementFields(ctx.lang, { values: input.values, errors })}
${writtenRequestFields(ctx, { idSuffix: 'statement', errors, values: input.values })}
<div class="actions"><button type="submit" class="button">${ctx.t(S.download)}</button> <a class="button button--secondary" href="${ctx.base}customers/${input.contractId}">${ctx.t(C.statementBack)}</a></div>
</form>
</section>`;
}
