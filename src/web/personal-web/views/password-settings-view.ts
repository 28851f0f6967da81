// パスワード変更 (signed in): the menu of the two changes, and their forms —
//   ログインパスワード変更   現在のログインパスワード, the new one twice, ワンタイムパスワード → 「変更」
//   確認用パスワード変更     現在の確認用パスワード, the new one twice, ワンタイムパスワード → 「変更」
// Without a registered token, the one-time password's place is taken by what a transfer
// confirmation would ask: the confirmation password for the login password's change, and the
// login password for the confirmation password's (whose current value the form asks already).
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { confirmationSettings, T } from '../messages.js';
import { csrfField, errorSummary, field, notice, submitButton, type FieldErrors } from './form-parts.js';
import { confirmationFields, type ConfirmationSpec } from './token-views.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

/** What proves, beside the current password, that the holder of the session is the customer. */
export type SecondFactor = { kind: 'code' } | { kind: 'confirmation'; spec: ConfirmationSpec } | { kind: 'login_password' };

export interface SettingsForm {
  csrf: string;
  second: SecondFactor;
  confirmationName: Text;
  errors?: FieldErrors;
  formError?: Text[];
}

export function passwordSettingsView(ctx: ViewContext, input: { confirmationName: Text; done?: Text }): SafeHtml {
  const { lang, base } = ctx;
  return html`<section class="card">
  <h1 id="page-title">${pick(lang, T.passwordSettingsTitle)}</h1>
  ${input.done ? notice(lang, 'ok', [input.done]) : ''}
  <p class="lead">${pick(lang, T.passwordSettingsLead)}</p>
  <ul class="menu">
    <li><a href="${base}password/login">${pick(lang, T.loginPasswordSettingsTitle)}</a></li>
    <li><a href="${base}password/confirmation">${pick(lang, confirmationSettings(input.confirmationName).title)}</a></li>
  </ul>
  <div class="actions"><a class="button button--secondary" href="${base}main">${pick(lang, T.backToMain)}</a></div>
</section>`;
}

function secondFactorFields(ctx: ViewContext, form: SettingsForm): SafeHtml {
  const errors = form.errors ?? {};
  const e = (name: string) => (errors[name] ? pick(ctx.lang, errors[name]) : undefined);
  switch (form.second.kind) {
    case 'code':
      return field({ name: 'code', label: pick(ctx.lang, T.otp), kind: 'code', hint: pick(ctx.lang, T.settingsOtpHint), error: e('code') });
    case 'confirmation':
      return html`<p class="hint">${pick(ctx.lang, confirmationSettings(form.confirmationName).noTokenCheck)}</p>
    ${confirmationFields(ctx, form.second.spec, errors)}`;
    case 'login_password':
      return html`<p class="hint">${pick(ctx.lang, T.settingsNoTokenLoginCheck)}</p>
    ${field({ name: 'loginPassword', label: pick(ctx.lang, T.settingsLoginPassword), kind: 'password', error: e('loginPassword') })}`;
  }
}

/** The field error of `name`, in the page's language (what `field` shows under it). */
type ErrorOf = (name: string) => string | undefined;

function settingsForm(ctx: ViewContext, form: SettingsForm, input: { title: Text; lead: Text; path: string; fields: (e: ErrorOf) => SafeHtml }): SafeHtml {
  const errors = form.errors ?? {};
  const e: ErrorOf = (name) => (errors[name] ? pick(ctx.lang, errors[name]) : undefined);
  return html`<section class="card">
  <h1 id="page-title">${pick(ctx.lang, input.title)}</h1>
  <p class="lead">${pick(ctx.lang, input.lead)}</p>
  ${errorSummary(ctx.lang, [...Object.values(form.errors ?? {}), ...(form.formError ?? [])])}
  <form method="post" action="${ctx.base}${input.path}" novalidate>
    ${csrfField(form.csrf)}
    ${input.fields(e)}
    ${secondFactorFields(ctx, form)}
    <p class="hint">${pick(ctx.lang, T.inputNote)}</p>
    <div class="actions">${submitButton(pick(ctx.lang, T.change))} <a class="button button--secondary" href="${ctx.base}password">${pick(ctx.lang, T.backToPasswordSettings)}</a></div>
  </form>
</section>`;
}

export function loginPasswordSettingsView(ctx: ViewContext, form: SettingsForm): SafeHtml {
  return settingsForm(ctx, form, {
    title: T.loginPasswordSettingsTitle,
    lead: T.loginPasswordSettingsLead,
    path: 'password/login',
    fields: (e) => html`${field({ name: 'currentPassword', label: pick(ctx.lang, T.currentPassword), kind: 'password', hint: pick(ctx.lang, T.settingsCurrentPasswordHint), error: e('currentPassword') })}
    ${field({ name: 'newPassword', label: pick(ctx.lang, T.newPassword), kind: 'new_password', hint: pick(ctx.lang, T.newPasswordHint), error: e('newPassword') })}
    ${field({ name: 'newPasswordAgain', label: pick(ctx.lang, T.newPasswordAgain), kind: 'new_password', hint: pick(ctx.lang, T.newPasswordAgainHint), error: e('newPasswordAgain') })}`,
  });
}

export function confirmationSettingsView(ctx: ViewContext, form: SettingsForm): SafeHtml {
  const words = confirmationSettings(form.confirmationName);
  return settingsForm(ctx, form, {
    title: words.title,
    lead: words.lead,
    path: 'password/confirmation',
    fields: (e) => html`${field({ name: 'currentConfirmation', label: pick(ctx.lang, words.current), kind: 'confirmation_whole', hint: pick(ctx.lang, words.currentHint), error: e('currentConfirmation') })}
    ${field({ name: 'newConfirmation', label: pick(ctx.lang, words.next), kind: 'confirmation_whole', hint: pick(ctx.lang, words.nextHint), error: e('newConfirmation') })}
    ${field({ name: 'newConfirmationAgain', label: pick(ctx.lang, words.again), kind: 'confirmation_whole', hint: pick(ctx.lang, T.newPasswordAgainHint), error: e('newConfirmationAgain') })}`,
  });
}
