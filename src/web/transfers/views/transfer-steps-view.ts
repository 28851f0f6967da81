// 内容の確認 → 認証 → 受付完了: the pages after the input form.
import type { ConfirmChallenge } from '../../../banking/transfers/confirm-authentication.js';
import type { TransferView } from '../../../banking/transfers/transfer-store.js';
import { transactionQrPayload } from '../../../otp/index.js';
import { html, type SafeHtml } from '../../html.js';
import { PAGE_FORM_ID } from '../../language-toggle.js';
import { qrSvg } from '../../qr-svg.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T } from '../../personal-web/messages.js';
import { csrfField, errorSummary, field, notice, stepList, submitButton, type FieldErrors } from '../../personal-web/views/form-parts.js';
import { confirmationFields, type ConfirmationSpec } from '../../personal-web/views/token-views.js';
import { japanDateTime } from '../format.js';
import { transactionLead, TT, yenText } from '../transfer-messages.js';
import { facts, hidden, linkButton } from './controls.js';
import { TRANSFER_STEPS, transferDetails } from './transfer-details.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function transferConfirmView(ctx: ViewContext, input: { transfer: TransferView; sourceLabel: string }): SafeHtml {
  const { lang } = ctx;
  const t = input.transfer;
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.transfersTitle)}</h1>
  ${stepList(lang, TRANSFER_STEPS, 1)}
  <h2>${pick(lang, TT.stepConfirm)}</h2>
  <p class="lead">${pick(lang, TT.confirmLead)}</p>
  ${transferDetails(lang, t, input.sourceLabel)}
  <p class="hint">${pick(lang, TT.expiresAt)}: ${japanDateTime(t.expiresAtMs)}</p>
  <div class="actions">
    <form method="get" action="${ctx.base}transfers/${t.id}/auth"><button type="submit" class="button">${pick(lang, T.next)}</button></form>
    ${linkButton(`${ctx.base}transfers/new?from=${t.id}`, pick(lang, TT.fix))}
  </div>
</section>`;
}

/** What the code field is called and how the customer makes the code. */
function challengeFields(ctx: ViewContext, challenge: ConfirmChallenge, confirmation: ConfirmationSpec, errors: FieldErrors): SafeHtml {
  const { lang } = ctx;
  const e = (name: string) => (errors[name] ? pick(lang, errors[name]) : undefined);
  switch (challenge.kind) {
    case 'otp':
      return html`<p class="lead">${pick(lang, TT.otpLead)}</p>
${field({ name: 'code', label: pick(lang, T.otp), kind: 'code', hint: pick(lang, T.otpHint), error: e('code') })}`;
    case 'transaction_code': {
      const amount = challenge.includeAmount && challenge.amountYen !== null ? String(challenge.amountYen) : undefined;
      // The token app scans this payload as a QR code (docs/token-app.md: the transaction QR
      // payload); the page shows the QR code only, never the payload text or a command line.
      const payload = transactionQrPayload({ payeeAccount: challenge.payeeAccount, ...(challenge.includeAmount && challenge.amountYen !== null ? { amountYen: challenge.amountYen } : {}) });
      return html`<p class="lead">${pick(lang, transactionLead(challenge.payeeAccount, amount))}</p>
${facts([
  [pick(lang, TT.accountNumber), html`<strong>${challenge.payeeAccount}</strong>`],
  ...(amount ? [[pick(lang, TT.amount), html`<strong>${amount}</strong>`] as [string, SafeHtml]] : []),
])}
<figure class="transaction-qr">
${qrSvg(payload, { label: pick(lang, TT.transactionQrLabel) })}
<figcaption>${pick(lang, TT.transactionQrCaption)}</figcaption>
</figure>
${field({ name: 'code', label: pick(lang, TT.transactionCode), kind: 'code', hint: pick(lang, TT.transactionCodeHint), error: e('code') })}`;
    }
    case 'confirmation_password':
      return html`<p class="lead">${pick(lang, TT.passwordLead)}</p>
${confirmationFields(ctx, confirmation, errors)}
${notice(lang, 'info', [TT.tokenAdvice])}`;
  }
}

export function transferAuthView(
  ctx: ViewContext,
  input: {
    transfer: TransferView;
    sourceLabel: string;
    challenge: ConfirmChallenge;
    confirmation: ConfirmationSpec;
    csrf: string;
    errors?: FieldErrors;
    formError?: Text[];
  },
): SafeHtml {
  const { lang } = ctx;
  const t = input.transfer;
  const errors = input.errors ?? {};
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.transfersTitle)}</h1>
  ${stepList(lang, TRANSFER_STEPS, 2)}
  <h2>${pick(lang, TT.stepAuth)}</h2>
  ${errorSummary(lang, [...Object.values(errors), ...(input.formError ?? [])])}
  ${transferDetails(lang, t, input.sourceLabel)}
  <form method="post" action="${ctx.base}transfers/${t.id}/auth" id="${PAGE_FORM_ID}" novalidate>
    ${csrfField(input.csrf)}
    ${hidden('idempotencyKey', t.idempotencyKey)}
    ${hidden('payeeBankCode', t.payee.bankCode)}
    ${hidden('payeeBranchCode', t.payee.branchCode)}
    ${hidden('payeeAccountType', t.payee.accountType)}
    ${hidden('payeeAccountNumber', t.payee.accountNumber)}
    ${hidden('payeeName', t.payee.name)}
    ${hidden('amountYen', t.amountYen)}
    ${challengeFields(ctx, input.challenge, input.confirmation, errors)}
    <div class="actions">${submitButton(pick(lang, T.confirm))}</div>
  </form>
</section>`;
}

export function transferResultView(
  ctx: ViewContext,
  input: { transfer: TransferView; sourceLabel: string; balanceAfterYen: number; csrf: string; canSavePayee: boolean },
): SafeHtml {
  const { lang } = ctx;
  const t = input.transfer;
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.transfersTitle)}</h1>
  ${stepList(lang, TRANSFER_STEPS, 3)}
  ${notice(lang, 'ok', [TT.doneTitle])}
  ${facts([
    [pick(lang, TT.referenceNo), html`<strong class="reference-no">${t.referenceNo ?? ''}</strong>`],
    [pick(lang, TT.acceptedAt), t.confirmedAtMs === null ? '' : japanDateTime(t.confirmedAtMs)],
  ])}
  <p class="hint">${pick(lang, TT.referenceNoHint)}</p>
  ${transferDetails(lang, t, input.sourceLabel)}
  ${facts([[pick(lang, TT.balanceAfter), yenText(input.balanceAfterYen)]])}
  ${t.kind === 'external' ? html`<p class="hint">${pick(lang, TT.externalNote)}</p>` : ''}
  <div class="actions">
    ${input.canSavePayee
      ? html`<form method="post" action="${ctx.base}transfers/payees/from/${t.id}">${csrfField(input.csrf)}<button type="submit" class="button button--secondary">${pick(lang, TT.savePayee)}</button></form>`
      : ''}
    ${linkButton(`${ctx.base}transfers/new`, pick(lang, TT.anotherTransfer))}
    ${linkButton(`${ctx.base}transfers`, pick(lang, TT.backToTransfers))}
  </div>
</section>`;
}
