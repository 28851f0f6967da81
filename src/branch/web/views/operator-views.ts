// オペレーター管理 (administrators): the institution's operators with their locks and tokens,
// 「ロック解除」 and 「トークン再登録」, each with a reason.
import { html, type SafeHtml } from '../../../web/html.js';
import type { Text } from '../../../web/i18n.js';
import { isOperatorLocked, OPERATOR_LOCK_THRESHOLD } from '../../operator-lock.js';
import type { Operator } from '../../operators.js';
import type { ConsoleContext, SignedIn } from '../console-context.js';
import { C, japanDateTime, ROLE_NAMES } from '../messages.js';
import { csrfField, errorSummary, field, notice, type FieldErrors } from './common-views.js';

export function operatorsView(
  ctx: ConsoleContext,
  input: { signedIn: SignedIn; operators: Operator[]; flash?: Text; failure?: { login: string; lines: Text[]; errors?: FieldErrors } },
): SafeHtml {
  const csrf = input.signedIn.session.csrfToken;
  return html`<h1>${ctx.t(C.operatorsTitle)}</h1>
${input.flash ? notice(ctx.lang, 'ok', [input.flash]) : ''}
<ul class="plain-list">
${input.operators.map((op) => {
  const failure = input.failure?.login === op.login ? input.failure : undefined;
  const locked = isOperatorLocked(op);
  const reasonError = failure?.errors?.reason;
  const reasonField = (suffix: string) => field({ name: 'reason', label: ctx.t(C.reason), maxlength: 200, idSuffix: `${op.login}-${suffix}`, ...(reasonError ? { error: ctx.t(reasonError) } : {}) });
  return html`<li class="card" id="operator-${op.login}">
<h2>${op.login} <span class="meta">(${ctx.t(ROLE_NAMES[op.role])})</span>${locked ? html` <span class="badge badge--alert">${ctx.t(C.locked)}</span>` : ''}</h2>
${failure ? errorSummary(ctx.lang, failure.lines) : ''}
<dl class="facts">
  <dt>${ctx.t(C.passwordCounter)}</dt><dd>${op.password_failures} / ${OPERATOR_LOCK_THRESHOLD}</dd>
  <dt>${ctx.t(C.otpCounter)}</dt><dd>${op.otp_failures} / ${OPERATOR_LOCK_THRESHOLD}</dd>
  <dt>${ctx.t(C.token)}</dt><dd>${op.token_serial === null ? ctx.t(C.tokenNone) : html`${ctx.t(C.enrolled)} ${japanDateTime(Number(op.token_enrolled_at))}`}</dd>
  <dt>${ctx.t(C.lastSignIn)}</dt><dd>${op.last_sign_in_at === null ? ctx.t(C.none) : japanDateTime(Number(op.last_sign_in_at))}</dd>
</dl>
${op.login === input.signedIn.operator.login
  ? ''
  : html`<div class="decision">
${locked ? html`<form method="post" action="${ctx.base}operators/${op.login}/unlock" novalidate>${csrfField(csrf)}${reasonField('unlock')}<button type="submit" class="button">${ctx.t(C.unlockOperator)}</button></form>` : ''}
${op.token_serial !== null ? html`<form method="post" action="${ctx.base}operators/${op.login}/reset-token" novalidate>${csrfField(csrf)}${reasonField('reset')}<button type="submit" class="button button--secondary">${ctx.t(C.resetOperatorToken)}</button></form>` : ''}
</div>`}
</li>`;
})}
</ul>`;
}
