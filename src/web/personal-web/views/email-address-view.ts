// メールアドレス: the customer's own notification address (shown whole: it is their page), and
// its change in the page's three steps — 新しいメールアドレス (with the one-time password, or the
// confirmation password without a token) → 確認コードの入力 (the code mailed to the new address)
// → 変更完了.
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { PAGE_FORM_ID } from '../../language-toggle.js';
import { japanDateTime } from '../../../shared/japan-time.js';
import { emailCodeLead, emailConfirmationLead, emailPending, T } from '../messages.js';
import { csrfField, errorSummary, field, notice, stepList, submitButton, type FieldErrors } from './form-parts.js';
import { confirmationFields, type ConfirmationSpec } from './token-views.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

const STEPS = [T.emailStepAddress, T.emailStepCode, T.emailStepDone];

/** How step 1 is confirmed: the registered token's code, or the confirmation password. */
export type AddressConfirmation = { kind: 'otp' } | { kind: 'confirmation_password'; spec: ConfirmationSpec };

export interface AddressFormState {
  csrf: string;
  current: string | null;
  confirmation: AddressConfirmation;
  value?: string;
  errors?: FieldErrors;
  formError?: Text[];
  done?: Text[];
  /** A code sent and still valid: step 2 can be taken up again. */
  pending?: { newAddress: string; expiresAtMs: number };
}

export function emailAddressView(ctx: ViewContext, state: AddressFormState): SafeHtml {
  const { lang, base } = ctx;
  const errors = state.errors ?? {};
  const e = (name: string) => (errors[name] ? pick(lang, errors[name]) : undefined);
  const confirmation =
    state.confirmation.kind === 'otp'
      ? field({ name: 'code', label: pick(lang, T.otp), kind: 'code', hint: pick(lang, T.otpHint), error: e('code') })
      : confirmationFields(ctx, state.confirmation.spec, errors);
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, T.emailTitle)}</h1>
  ${state.done ? notice(lang, 'ok', state.done) : ''}
  <p class="lead">${pick(lang, T.emailLead)}</p>
  <dl class="facts">
    <dt>${pick(lang, T.emailCurrent)}</dt><dd id="current-email">${state.current ?? pick(lang, T.emailNone)}</dd>
  </dl>
  ${state.current === null ? notice(lang, 'warn', [T.emailNoneNotice]) : ''}
  ${state.pending
    ? html`${notice(lang, 'info', [emailPending(state.pending.newAddress, japanDateTime(state.pending.expiresAtMs))])}
  <div class="actions"><a class="button" href="${base}email/code">${pick(lang, T.emailStepCode)}</a></div>`
    : ''}
</section>
<section class="card" aria-labelledby="change-title">
  <h2 id="change-title">${pick(lang, T.emailChangeTitle)}</h2>
  ${stepList(lang, STEPS, 0)}
  <p class="lead">${pick(lang, state.confirmation.kind === 'otp' ? T.emailOtpLead : emailConfirmationLead(state.confirmation.spec.name))}</p>
  ${errorSummary(lang, [...Object.values(errors), ...(state.formError ?? [])])}
  <form method="post" action="${base}email" id="${PAGE_FORM_ID}" novalidate>
    ${csrfField(state.csrf)}
    ${field({ name: 'email', label: pick(lang, T.emailNew), kind: 'email', hint: pick(lang, T.emailNewHint), error: e('email'), value: state.value })}
    ${confirmation}
    <div class="actions">${submitButton(pick(lang, T.emailSendCode))}</div>
  </form>
  <div class="actions"><a class="button button--secondary" href="${base}main">${pick(lang, T.mainTitle)}</a></div>
</section>`;
}

export interface CodeFormState {
  csrf: string;
  newAddress: string;
  expiresAtMs: number;
  errors?: FieldErrors;
  formError?: Text[];
  info?: Text[];
}

export function emailCodeView(ctx: ViewContext, state: CodeFormState): SafeHtml {
  const { lang, base } = ctx;
  const errors = state.errors ?? {};
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, T.emailTitle)}</h1>
  ${stepList(lang, STEPS, 1)}
  ${state.info ? notice(lang, 'ok', state.info) : ''}
  <p class="lead">${pick(lang, emailCodeLead(state.newAddress, japanDateTime(state.expiresAtMs)))}</p>
  ${errorSummary(lang, [...Object.values(errors), ...(state.formError ?? [])])}
  <form method="post" action="${base}email/code" id="${PAGE_FORM_ID}" novalidate>
    ${csrfField(state.csrf)}
    ${field({ name: 'code', label: pick(lang, T.emailCode), kind: 'code', hint: pick(lang, T.emailCodeHint), error: errors.code ? pick(lang, errors.code) : undefined })}
    <div class="actions">${submitButton(pick(lang, T.confirm))}</div>
  </form>
  <form method="post" action="${base}email/code/resend" class="actions">
    ${csrfField(state.csrf)}
    <button type="submit" class="button button--secondary">${pick(lang, T.emailResend)}</button>
  </form>
  <div class="actions"><a class="button button--secondary" href="${base}email">${pick(lang, T.emailChangeAddress)}</a></div>
</section>`;
}
