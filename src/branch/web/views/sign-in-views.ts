// The operator's sign-in screens: ID + password, then the one-time password, or at the first
// sign-in the enrolment of the operator's own token.
import { html, type SafeHtml } from '../../../web/html.js';
import type { Text } from '../../../web/i18n.js';
import type { ConsoleContext } from '../console-context.js';
import { C } from '../messages.js';
import { csrfField, errorSummary, field, notice, type FieldErrors } from './common-views.js';

interface FormState {
  csrf: string;
  errors?: FieldErrors;
  formError?: Text[];
  info?: Text;
}

function errorOf(ctx: ConsoleContext, errors: FieldErrors | undefined, name: string): { error?: string } {
  const text = errors?.[name];
  return text ? { error: ctx.t(text) } : {};
}

export function loginView(ctx: ConsoleContext, state: FormState & { login?: string }): SafeHtml {
  return html`<div class="card console-narrow">
<h1>${ctx.t(C.loginTitle)}</h1>
${state.info ? notice(ctx.lang, 'info', [state.info]) : ''}
${errorSummary(ctx.lang, state.formError ?? [])}
<p class="lead">${ctx.t(C.loginLead)}</p>
<form method="post" action="${ctx.base}login" novalidate>
${csrfField(state.csrf)}
${field({ name: 'login', label: ctx.t(C.operatorLogin), autocomplete: 'username', maxlength: 32, ...(state.login !== undefined ? { value: state.login } : {}), ...errorOf(ctx, state.errors, 'login') })}
${field({ name: 'password', label: ctx.t(C.password), type: 'password', autocomplete: 'current-password', maxlength: 128, ...errorOf(ctx, state.errors, 'password') })}
<div class="actions"><button type="submit" class="button">${ctx.t(C.login)}</button></div>
</form>
</div>`;
}

export function otpView(ctx: ConsoleContext, state: FormState): SafeHtml {
  return html`<div class="card console-narrow">
<h1>${ctx.t(C.otpTitle)}</h1>
${errorSummary(ctx.lang, state.formError ?? [])}
<p class="lead">${ctx.t(C.otpLead)}</p>
<form method="post" action="${ctx.base}login/otp" novalidate>
${csrfField(state.csrf)}
${field({ name: 'code', label: ctx.t(C.otp), hint: ctx.t(C.otpHint), autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 12, ...errorOf(ctx, state.errors, 'code') })}
<div class="actions"><button type="submit" class="button">${ctx.t(C.confirm)}</button></div>
</form>
</div>`;
}

export function enrolView(ctx: ConsoleContext, state: FormState): SafeHtml {
  return html`<div class="card console-narrow">
<h1>${ctx.t(C.enrolTitle)}</h1>
${errorSummary(ctx.lang, state.formError ?? [])}
<p class="lead">${ctx.t(C.enrolLead)}</p>
<p><a href="/token/" target="_blank" rel="noopener">${ctx.t(C.openTokenApp)}</a></p>
<form method="post" action="${ctx.base}login/enrol" novalidate>
${csrfField(state.csrf)}
${field({ name: 'serial', label: ctx.t(C.serial), hint: ctx.t(C.serialHint), maxlength: 24, ...errorOf(ctx, state.errors, 'serial') })}
${field({ name: 'code', label: ctx.t(C.otp), hint: ctx.t(C.otpHint), autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 12, ...errorOf(ctx, state.errors, 'code') })}
<div class="actions"><button type="submit" class="button">${ctx.t(C.register)}</button></div>
</form>
</div>`;
}
