// The login page (契約者ID + ログインパスワード → 「ログイン」) with the links to the token
// flows, and the one-time password page (ワンタイムパスワード → 「確認」).
import type { Institution } from '../../../banking/institutions.js';
import type { SessionEndCause } from '../../../identity/identity.tables.js';
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T } from '../messages.js';
import { csrfField, errorSummary, field, notice, submitButton, type FieldErrors } from './form-parts.js';
import { supportBlock } from './message-views.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function credentialsFields(ctx: ViewContext, errors: FieldErrors, contractId?: string): SafeHtml {
  const e = (name: string) => (errors[name] ? pick(ctx.lang, errors[name]) : undefined);
  return html`${field({ name: 'contractId', label: pick(ctx.lang, T.contractId), kind: 'contract_id', hint: pick(ctx.lang, T.contractIdHint), error: e('contractId'), value: contractId })}
${field({ name: 'loginPassword', label: pick(ctx.lang, T.loginPassword), kind: 'password', error: e('loginPassword') })}
<p class="hint">${pick(ctx.lang, T.inputNote)}</p>`;
}

export function loginView(
  ctx: ViewContext,
  input: { csrf: string; errors?: FieldErrors; formError?: Text[]; info?: Text; ended?: SafeHtml; contractId?: string },
): SafeHtml {
  const errors = input.errors ?? {};
  return html`<section class="card">
  <h1 id="page-title">${pick(ctx.lang, T.loginTitle)}</h1>
  ${input.info ? notice(ctx.lang, 'info', [input.info]) : ''}
  ${input.ended ?? ''}
  ${errorSummary(ctx.lang, [...Object.values(errors), ...(input.formError ?? [])])}
  <form method="post" action="${ctx.base}login" novalidate>
    ${csrfField(input.csrf)}
    ${credentialsFields(ctx, errors, input.contractId)}
    <div class="actions">${submitButton(pick(ctx.lang, T.login))}</div>
  </form>
  <nav class="otp-links" aria-label="${pick(ctx.lang, T.otpLinksLead)}">
    <p>${pick(ctx.lang, T.otpLinksLead)}</p>
    <ul class="links">
      <li><a href="${ctx.base}register">${pick(ctx.lang, T.startUse)}</a></li>
      <li><a href="${ctx.base}deregister">${pick(ctx.lang, T.stopUse)}</a></li>
      <li><a href="${ctx.base}exchange">${pick(ctx.lang, T.exchange)}</a></li>
      <li><a href="${ctx.base}help">${pick(ctx.lang, T.menuHelp)}</a></li>
    </ul>
  </nav>
</section>`;
}

export function codeField(ctx: ViewContext, errors: FieldErrors): SafeHtml {
  const error = errors.code ? pick(ctx.lang, errors.code) : undefined;
  return field({ name: 'code', label: pick(ctx.lang, T.otp), kind: 'code', hint: pick(ctx.lang, T.otpHint), error });
}

export function otpView(ctx: ViewContext, input: { csrf: string; errors?: FieldErrors; formError?: Text[] }): SafeHtml {
  const errors = input.errors ?? {};
  return html`<section class="card">
  <h1 id="page-title">${pick(ctx.lang, T.otpTitle)}</h1>
  <p class="lead">${pick(ctx.lang, T.otpLead)}</p>
  ${errorSummary(ctx.lang, [...Object.values(errors), ...(input.formError ?? [])])}
  <form method="post" action="${ctx.base}login/otp" novalidate>
    ${csrfField(input.csrf)}
    ${codeField(ctx, errors)}
    <div class="actions">${submitButton(pick(ctx.lang, T.confirm))}</div>
  </form>
</section>`;
}

const ENDED_NOTICES: Record<SessionEndCause, { title: Text; lines: Text[] }> = {
  suspended: { title: T.endedSuspendedTitle, lines: [T.endedSuspended] },
  token_reissued: { title: T.endedTokenReissuedTitle, lines: [T.endedTokenReissued, T.endedNotYou] },
  password_reset: { title: T.endedPasswordResetTitle, lines: [T.endedPasswordReset, T.endedNotYou] },
};

/** Why the branch ended the customer's session, with the support centre (see login-routes). */
export function sessionEndedNotice(ctx: ViewContext & { institution: Institution }, cause: SessionEndCause): SafeHtml {
  const { title, lines } = ENDED_NOTICES[cause];
  return html`${notice(ctx.lang, 'warn', lines, title)}
  ${supportBlock(ctx.lang, ctx.institution)}`;
}
