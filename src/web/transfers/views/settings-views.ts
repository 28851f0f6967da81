// 振込先登録 (registered payees: list, add, change, delete) and the daily limit page.
import type { LimitStatus } from '../../../banking/limits/daily-limit.js';
import type { DayCap } from '../../../banking/limits/limit-shaping.js';
import type { RegisteredPayee } from '../../../banking/transfers/registered-payees.js';
import { html, type SafeHtml } from '../../html.js';
import { PAGE_FORM_ID } from '../../language-toggle.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T } from '../../personal-web/messages.js';
import { csrfField, errorSummary, field, notice, submitButton, type FieldErrors } from '../../personal-web/views/form-parts.js';
import { accountTypeText, dayCapText, pendingRaiseText, TT, yenText } from '../transfer-messages.js';
import { facts, linkButton, opButton, textField } from './controls.js';
import { payeeFields, type PayeeFieldsState } from './transfer-input-view.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function payeeListView(ctx: ViewContext, input: { payees: RegisteredPayee[]; csrf: string; done?: Text }): SafeHtml {
  const { lang, base } = ctx;
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.payeesTitle)}</h1>
  ${input.done ? notice(lang, 'ok', [input.done]) : ''}
  ${input.payees.length === 0
    ? html`<p>${pick(lang, TT.noPayees)}</p>`
    : facts(
        input.payees.map((p) => [
          html`${p.nickname ? html`${p.nickname} ` : ''}${p.payee_name}`,
          html`${p.bank_name} (${p.bank_code}) ${p.branch_name} (${p.branch_code}) ${pick(lang, accountTypeText(p.account_type))} ${p.account_number}
      <ul class="links">
        <li><a href="${base}transfers/new?payee=${p.id}">${pick(lang, TT.use)}</a></li>
        <li><a href="${base}transfers/payees/${p.id}">${pick(lang, TT.change)}</a></li>
        <li><form method="post" action="${base}transfers/payees/${p.id}/delete">${csrfField(input.csrf)}<button type="submit" class="button button--secondary">${pick(lang, TT.delete)}</button></form></li>
      </ul>`,
        ]),
      )}
  <div class="actions">
    ${linkButton(`${base}transfers/payees/new`, pick(lang, TT.addPayee))}
    ${linkButton(`${base}transfers`, pick(lang, TT.backToTransfers))}
  </div>
</section>`;
}

export function payeeFormView(
  ctx: ViewContext,
  input: PayeeFieldsState & { action: string; title: Text; nickname: string; csrf: string; formError?: Text[] },
): SafeHtml {
  const { lang, base } = ctx;
  const e = (name: string) => (input.errors[name] ? pick(lang, input.errors[name]) : undefined);
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, input.title)}</h1>
  ${errorSummary(lang, [...Object.values(input.errors), ...(input.formError ?? [])])}
  <form method="post" action="${base}${input.action}" id="${PAGE_FORM_ID}" novalidate>
    ${csrfField(input.csrf)}
    ${payeeFields(ctx, input)}
    ${textField({ name: 'nickname', label: pick(lang, TT.nickname), error: e('nickname'), value: input.nickname, maxlength: 30, required: false })}
    <div class="actions">${opButton('next', pick(lang, TT.save), 'primary')}</div>
  </form>
  <div class="actions">${linkButton(`${base}transfers/payees`, pick(lang, TT.payeesTitle))}</div>
</section>`;
}

export function limitView(
  ctx: ViewContext,
  input: {
    status: LimitStatus;
    /** The cap after an opening or a token registration, while it holds. */
    dayCap: DayCap | null;
    raiseNextDay: boolean;
    tokenRegistered: boolean;
    csrf: string;
    value?: string;
    errors?: FieldErrors;
    formError?: Text[];
    done?: Text;
  },
): SafeHtml {
  const { lang, base } = ctx;
  const errors = input.errors ?? {};
  const e = (name: string) => (errors[name] ? pick(lang, errors[name]) : undefined);
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.limitTitle)}</h1>
  ${input.done ? notice(lang, 'ok', [input.done]) : ''}
  ${errorSummary(lang, [...Object.values(errors), ...(input.formError ?? [])])}
  ${facts([
    [pick(lang, TT.currentLimit), html`<strong>${yenText(input.status.limitYen)}</strong>`],
    [pick(lang, TT.usedToday), yenText(input.status.usedYen)],
    [pick(lang, TT.remainingToday), yenText(input.dayCap === null ? input.status.remainingYen : Math.min(input.status.remainingYen, Math.max(0, input.dayCap.capYen - input.status.usedYen)))],
  ])}
  ${input.dayCap === null ? '' : notice(lang, 'info', [dayCapText(input.dayCap)])}
  ${input.status.pending === null
    ? ''
    : html`<section class="pending-raise" aria-labelledby="pending-title">
    <h2 id="pending-title">${pick(lang, TT.limitRaisePending)}</h2>
    ${notice(lang, 'info', [pendingRaiseText(input.status.pending)])}
    <form method="post" action="${base}transfers/limit/cancel-raise" novalidate>
      ${csrfField(input.csrf)}
      <div class="actions">${submitButton(pick(lang, TT.cancelRaise))}</div>
    </form>
  </section>`}
  ${input.raiseNextDay ? html`<p class="hint">${pick(lang, TT.raiseNextDayRule)}</p>` : ''}
  ${input.tokenRegistered ? html`<p class="hint">${pick(lang, TT.raiseNeedsOtp)}</p>` : notice(lang, 'info', [TT.raiseNeedsToken])}
  <form method="post" action="${base}transfers/limit" id="${PAGE_FORM_ID}" novalidate>
    ${csrfField(input.csrf)}
    ${textField({ name: 'limitManYen', label: pick(lang, TT.newLimit), hint: pick(lang, TT.newLimitHint), error: e('limitManYen'), value: input.value, inputmode: 'numeric', maxlength: 10 })}
    ${input.tokenRegistered
      ? field({ name: 'code', label: pick(lang, T.otp), kind: 'code', hint: pick(lang, T.otpHint), error: e('code') })
      : ''}
    <div class="actions">${submitButton(pick(lang, TT.changeLimit))}</div>
  </form>
  <div class="actions">${linkButton(`${base}transfers`, pick(lang, TT.backToTransfers))}</div>
</section>`;
}
