// ログインパスワードの変更: after a login with a password the branch set, the only page there is
// — 現在のログインパスワード, the new one twice → 「変更」.
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T } from '../messages.js';
import { csrfField, errorSummary, field, submitButton, type FieldErrors } from './form-parts.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function passwordChangeView(ctx: ViewContext, input: { csrf: string; errors?: FieldErrors; formError?: Text[] }): SafeHtml {
  const errors = input.errors ?? {};
  const e = (name: string) => (errors[name] ? pick(ctx.lang, errors[name]) : undefined);
  return html`<section class="card">
  <h1 id="page-title">${pick(ctx.lang, T.passwordChangeTitle)}</h1>
  <p class="lead">${pick(ctx.lang, T.passwordChangeLead)}</p>
  ${errorSummary(ctx.lang, [...Object.values(errors), ...(input.formError ?? [])])}
  <form method="post" action="${ctx.base}password/change" novalidate>
    ${csrfField(input.csrf)}
    ${field({ name: 'currentPassword', label: pick(ctx.lang, T.currentPassword), kind: 'password', hint: pick(ctx.lang, T.currentPasswordHint), error: e('currentPassword') })}
    ${field({ name: 'newPassword', label: pick(ctx.lang, T.newPassword), kind: 'new_password', hint: pick(ctx.lang, T.newPasswordHint), error: e('newPassword') })}
    ${field({ name: 'newPasswordAgain', label: pick(ctx.lang, T.newPasswordAgain), kind: 'new_password', hint: pick(ctx.lang, T.newPasswordAgainHint), error: e('newPasswordAgain') })}
    <p class="hint">${pick(ctx.lang, T.inputNote)}</p>
    <div class="actions">${submitButton(pick(ctx.lang, T.change))}</div>
  </form>
</section>`;
}
