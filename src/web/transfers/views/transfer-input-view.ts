// 振込先・金額の入力: 「金融機関」「支店」「口座番号」「受取人名」「金額」, with the search
// buttons that work without JavaScript, and the registered payees to start from.
import type { RegisteredPayee } from '../../../banking/transfers/registered-payees.js';
import { html, type SafeHtml } from '../../html.js';
import { PAGE_FORM_ID } from '../../language-toggle.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { csrfField, errorSummary, stepList, type FieldErrors } from '../../personal-web/views/form-parts.js';
import type { OwnAccount } from '../signed-in.js';
import type { PayeeFormValues, Resolution, TransferFormValues } from '../transfer-form.js';
import { accountTypeText, TT, yenText } from '../transfer-messages.js';
import { accountLabel } from '../format.js';
import { choiceList, linkButton, opButton, selectField, textField } from './controls.js';
import { TRANSFER_STEPS } from './transfer-details.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export interface PayeeFieldsState {
  values: PayeeFormValues;
  resolution: Resolution;
  errors: FieldErrors;
}

/** The payee's fields, shared by the transfer form and the payee registration form. */
export function payeeFields(ctx: ViewContext, state: PayeeFieldsState): SafeHtml {
  const { lang } = ctx;
  const { values, resolution, errors } = state;
  const e = (name: string) => (errors[name] ? pick(lang, errors[name]) : undefined);
  return html`${textField({
    name: 'bank',
    label: pick(lang, TT.bank),
    hint: resolution.bank ? `${pick(lang, TT.selected)}: ${resolution.bank.code} ${resolution.bank.name}` : pick(lang, TT.bankHint),
    error: e('bankCode'),
    value: values.bank,
    maxlength: 40,
    after: opButton('searchBank', pick(lang, TT.searchBank)),
  })}
${resolution.bankMatches
    ? resolution.bankMatches.length > 0
      ? choiceList({ name: 'bankChoice', legend: pick(lang, TT.chooseBank), choices: resolution.bankMatches.map((b) => ({ value: b.code, label: `${b.code} ${b.name}` })) })
      : html`<p class="field-error">${pick(lang, TT.noMatch)}</p>`
    : ''}
${textField({
    name: 'branch',
    label: pick(lang, TT.branch),
    hint: resolution.branch ? `${pick(lang, TT.selected)}: ${resolution.branch.code} ${resolution.branch.name}` : pick(lang, TT.branchHint),
    error: e('branchCode'),
    value: values.branch,
    maxlength: 40,
    after: opButton('searchBranch', pick(lang, TT.searchBranch)),
  })}
${resolution.branchMatches
    ? resolution.branchMatches.length > 0
      ? choiceList({ name: 'branchChoice', legend: pick(lang, TT.chooseBranch), choices: resolution.branchMatches.map((b) => ({ value: b.code, label: `${b.code} ${b.name}` })) })
      : html`<p class="field-error">${pick(lang, TT.noMatch)}</p>`
    : ''}
${selectField({
    name: 'accountType',
    label: pick(lang, TT.accountType),
    value: values.accountType,
    error: e('accountType'),
    options: (['ordinary', 'current', 'savings'] as const).map((t) => ({ value: t, label: pick(lang, accountTypeText(t)) })),
  })}
${textField({ name: 'accountNumber', label: pick(lang, TT.accountNumber), hint: pick(lang, TT.accountNumberHint), error: e('accountNumber'), value: values.accountNumber, inputmode: 'numeric', maxlength: 16 })}
${textField({ name: 'payeeName', label: pick(lang, TT.payeeName), hint: pick(lang, TT.payeeNameHint), error: e('name'), value: values.payeeName, maxlength: 64 })}`;
}

export function transferInputView(
  ctx: ViewContext,
  input: PayeeFieldsState & {
    values: TransferFormValues;
    csrf: string;
    accounts: OwnAccount[];
    payees: RegisteredPayee[];
    remainingYen: number;
    formError?: Text[];
  },
): SafeHtml {
  const { lang } = ctx;
  const e = (name: string) => (input.errors[name] ? pick(lang, input.errors[name]) : undefined);
  const source =
    input.accounts.length === 1
      ? html`<div class="field"><span class="label">${pick(lang, TT.sourceAccount)}</span> <span>${accountLabel(lang, input.accounts[0]!.account, input.accounts[0]!.branchName)} (${pick(lang, TT.balance)} ${yenText(Number(input.accounts[0]!.account.balance))})</span><input type="hidden" name="sourceAccountId" value="${input.accounts[0]!.account.id}"></div>`
      : selectField({
          name: 'sourceAccountId',
          label: pick(lang, TT.sourceAccount),
          value: input.values.sourceAccountId,
          error: e('sourceAccount'),
          options: input.accounts.map((a) => ({ value: a.account.id, label: `${accountLabel(lang, a.account, a.branchName)} (${yenText(Number(a.account.balance))})` })),
        });
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.transfersTitle)}</h1>
  ${stepList(lang, TRANSFER_STEPS, 0)}
  ${errorSummary(lang, [...Object.values(input.errors), ...(input.formError ?? [])])}
  ${input.payees.length > 0
    ? html`<details class="payee-picker"><summary>${pick(lang, TT.usePayee)}</summary><ul class="links">${input.payees.map(
        (p) => html`<li><a href="${ctx.base}transfers/new?payee=${p.id}">${p.nickname || p.payee_name} — ${p.bank_name} ${p.branch_name} ${p.account_number}</a></li>`,
      )}</ul></details>`
    : ''}
  <form method="post" action="${ctx.base}transfers/new" id="${PAGE_FORM_ID}" novalidate>
    ${csrfField(input.csrf)}
    ${source}
    ${payeeFields(ctx, input)}
    ${textField({ name: 'amount', label: pick(lang, TT.amount), hint: `${pick(lang, TT.amountHint)} ${pick(lang, TT.remainingToday)}: ${yenText(input.remainingYen)}`, error: e('amount'), value: input.values.amount, inputmode: 'numeric', maxlength: 20 })}
    <div class="actions">${opButton('next', pick(lang, { ja: '次へ', en: 'Next' }), 'primary')}</div>
  </form>
  <div class="actions">${linkButton(`${ctx.base}transfers`, pick(lang, TT.backToTransfers))}</div>
</section>`;
}
