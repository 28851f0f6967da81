// Opening a contract: the form, and the お客様カード — a print-ready page (A5-ish card on paper,
// @media print hides everything else) shown once in the response to the form, never again. The
// form carries its idempotency key; a resubmission of it shows the issued card without its
// passwords (open-contract.ts).
import type { Branch } from '../../../banking/ledger/accounts.js';
import { html, type SafeHtml } from '../../../web/html.js';
import { pick, type Text } from '../../../web/i18n.js';
import type { CustomerCard, IssuedCard } from '../../open-contract.js';
import type { ConsoleContext } from '../console-context.js';
import { C, japanDateTime } from '../messages.js';
import { csrfField, errorSummary, field, notice, writtenRequestFields, type FieldErrors } from './common-views.js';

export function openContractView(
  ctx: ConsoleContext,
  input: { csrf: string; formKey: string; branches: Branch[]; errors?: FieldErrors; formError?: Text[]; values?: Record<string, string> },
): SafeHtml {
  const err = (name: string) => {
    const text = input.errors?.[name];
    return text ? { error: ctx.t(text) } : {};
  };
  const value = (name: string) => (input.values?.[name] !== undefined ? { value: input.values[name] } : {});
  if (input.branches.length === 0) return html`<h1>${ctx.t(C.openContractTitle)}</h1>${notice(ctx.lang, 'warn', [C.noBranches])}`;
  const branchError = input.errors?.branchCode;
  return html`<h1>${ctx.t(C.openContractTitle)}</h1>
<section class="card">
${errorSummary(ctx.lang, input.formError ?? Object.values(input.errors ?? {}))}
<p class="lead">${ctx.t(C.openContractLead)}</p>
<form method="post" action="${ctx.base}contracts" novalidate data-submit-once>
${csrfField(input.csrf)}
<input type="hidden" name="idempotencyKey" value="${input.formKey}">
${field({ name: 'name', label: ctx.t(C.name), maxlength: 40, autocomplete: 'off', ...err('name'), ...value('name') })}
${field({ name: 'holderName', label: ctx.t(C.holderName), hint: ctx.t(C.holderNameHint), maxlength: 60, ...err('holderName'), ...value('holderName') })}
<div class="field">
  <label for="f-branchCode">${ctx.t(C.branch)}</label>
  <select id="f-branchCode" name="branchCode"${branchError ? html` aria-invalid="true" aria-describedby="f-branchCode-error"` : ''}>
  ${input.branches.map((b) => html`<option value="${b.code}"${input.values?.branchCode === b.code ? html` selected` : ''}>${b.code} ${b.name}</option>`)}
  </select>
  ${branchError ? html`<span class="field-error" id="f-branchCode-error">${ctx.t(branchError)}</span>` : ''}
</div>
${field({ name: 'email', label: ctx.t(C.contractEmail), hint: ctx.t(C.contractEmailHint), inputmode: 'email', maxlength: 320, required: false, ...err('email'), ...value('email') })}
${writtenRequestFields(ctx, { idSuffix: 'open', ...(input.errors ? { errors: input.errors } : {}), values: { requestFormNo: input.values?.requestFormNo ?? '', reason: input.values?.reason ?? '' } })}
<div class="actions"><button type="submit" class="button">${ctx.t(C.open)}</button></div>
</form>
</section>`;
}

/** The same form's key with other details (the back button, then an edited form): nothing opened. */
export function usedFormView(ctx: ConsoleContext): SafeHtml {
  return html`<h1>${ctx.t(C.openContractTitle)}</h1>
${notice(ctx.lang, 'error', [C.formAlreadyUsed])}
<div class="actions"><a class="button" href="${ctx.base}contracts/new">${ctx.t(C.navOpenContract)}</a></div>`;
}

/**
 * The お客様カード: what the customer needs to sign in the first time and to confirm transfers.
 * Shown with its passwords once, in the answer to the form; a resubmission of the same form
 * (`replayed`) shows what was issued and says that the passwords are on the first card only.
 */
export function customerCardView(ctx: ConsoleContext, shown: { replayed: false; card: CustomerCard } | { replayed: true; card: IssuedCard }): SafeHtml {
  const { card } = shown;
  const institution = ctx.institution;
  const confirmationName = ctx.lang === 'ja' ? institution.confirmation.name : institution.confirmation.nameEn;
  const notShown = html`<span class="customer-card__note">${ctx.t(C.passwordNotShownAgain)}</span>`;
  const customerPage = html`<a class="button button--secondary" href="${ctx.base}customers/${card.contractId}">${ctx.t(C.customerTitle)}</a>`;
  return html`<div class="no-print">
${shown.replayed ? notice(ctx.lang, 'warn', [C.cardAlreadyIssued, C.cardPasswordsShownOnce], C.cardIssuedTitle) : notice(ctx.lang, 'warn', [C.cardOnce])}
<div class="actions">${shown.replayed ? '' : html`<button type="button" class="button" data-print>${ctx.t(C.print)}</button>`}${customerPage}</div>
</div>
<article class="customer-card" aria-labelledby="card-title">
<header class="customer-card__header">
  <p class="customer-card__bank">${ctx.lang === 'ja' ? institution.name : institution.nameEn}</p>
  <h1 id="card-title">${ctx.t(shown.replayed ? C.cardIssuedTitle : C.cardTitle)}</h1>
  <p class="customer-card__service">${pick(ctx.lang, C.personalWeb)}</p>
</header>
<dl class="customer-card__facts">
  <dt>${ctx.t(C.name)}</dt><dd>${card.name} 様</dd>
  <dt>${ctx.t(C.contractId)}</dt><dd class="customer-card__value">${card.contractId}</dd>
  <dt>${ctx.t(C.initialLoginPassword)}</dt>${shown.replayed ? html`<dd>${notShown}</dd>` : html`<dd class="customer-card__value">${shown.card.initialLoginPassword}<span class="customer-card__note">${ctx.t(C.initialPasswordNote)}</span></dd>`}
  <dt>${confirmationName}</dt>${shown.replayed ? html`<dd>${notShown}</dd>` : html`<dd class="customer-card__value">${shown.card.confirmationPassword}</dd>`}
  <dt>${ctx.t(C.accountNumber)}</dt><dd>${card.branchName}(${card.branchCode}) ${ctx.t(C.ordinary)} ${card.accountNumber} ${card.holderName}</dd>
  <dt>${ctx.t(C.issuedAt)}</dt><dd>${japanDateTime(card.issuedAt)}</dd>
</dl>
<p class="customer-card__warning">${ctx.t(C.keepCardSafe)}</p>
<p class="customer-card__support">${institution.support.name} ${institution.support.phone} ${institution.support.hours}</p>
</article>`;
}
