// The screens of the three token flows, in the seeds' order:
//   利用開始  利用者認証 → ワンタイムパスワード登録 → 処理結果の確認
//   利用中止  利用者認証 → ワンタイムパスワード入力 → 処理結果の確認
//   利用登録/交換  利用者認証 → 現トークン → 新トークン → 処理結果の確認
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { positionLabel, positionsLead, T, wholeConfirmationHint } from '../messages.js';
import { credentialsFields, codeField } from './login-views.js';
import { backToLoginButton, csrfField, errorSummary, field, notice, stepList, submitButton, type FieldErrors } from './form-parts.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export type Flow = 'register' | 'deregister' | 'exchange';

export const FLOW_TITLES: Record<Flow, Text> = {
  register: T.registerTitle,
  deregister: T.deregisterTitle,
  exchange: T.exchangeTitle,
};

export const FLOW_STEPS: Record<Flow, Text[]> = {
  register: [T.stepAuth, T.stepRegisterToken, T.stepResult],
  deregister: [T.stepAuth, T.stepOtpInput, T.stepResult],
  exchange: [T.stepAuth, T.stepCurrentToken, T.stepNewToken, T.stepResult],
};

export interface ConfirmationSpec {
  mode: 'whole' | 'positions';
  name: Text; // the institution's name for it: 確認用パスワード / 資金移動用パスワード
  positions: number[]; // the positions asked (positions mode), chosen by the server
}

interface FormState {
  csrf: string;
  errors?: FieldErrors;
  formError?: Text[];
}

function frame(ctx: ViewContext, flow: Flow, step: number, inner: SafeHtml): SafeHtml {
  return html`<section class="card">
  <h1 id="page-title">${pick(ctx.lang, FLOW_TITLES[flow])}</h1>
  ${stepList(ctx.lang, FLOW_STEPS[flow], step)}
  ${inner}
</section>`;
}

function summary(ctx: ViewContext, state: FormState): SafeHtml {
  return errorSummary(ctx.lang, [...Object.values(state.errors ?? {}), ...(state.formError ?? [])]);
}

/** 利用者認証: the first step of every token flow. */
export function authStepView(ctx: ViewContext, flow: Flow, state: FormState & { contractId?: string }): SafeHtml {
  return frame(
    ctx,
    flow,
    0,
    html`<h2>${pick(ctx.lang, T.stepAuth)}</h2>
  <p class="lead">${pick(ctx.lang, T.authLead)}</p>
  ${summary(ctx, state)}
  <form method="post" action="${ctx.base}${flow}" novalidate>
    ${csrfField(state.csrf)}
    ${credentialsFields(ctx, state.errors ?? {}, state.contractId)}
    <div class="actions">${submitButton(pick(ctx.lang, T.next))}</div>
  </form>`,
  );
}

export function confirmationFields(ctx: ViewContext, spec: ConfirmationSpec, errors: FieldErrors): SafeHtml {
  const e = (name: string) => (errors[name] ? pick(ctx.lang, errors[name]) : undefined);
  if (spec.mode === 'whole') {
    return field({
      name: 'confirmationPassword',
      label: capitalized(pick(ctx.lang, spec.name)),
      kind: 'confirmation_whole',
      hint: pick(ctx.lang, wholeConfirmationHint(spec.name)),
      error: e('confirmationPassword'),
    });
  }
  return html`<fieldset class="positions">
  <legend>${capitalized(pick(ctx.lang, spec.name))}</legend>
  <p class="hint">${pick(ctx.lang, positionsLead(spec.name, spec.positions))}</p>
  ${spec.positions.map((p) => field({ name: `position${p}`, label: pick(ctx.lang, positionLabel(p)), kind: 'digit', error: e(`position${p}`) }))}
</fieldset>`;
}

export function serialField(ctx: ViewContext, errors: FieldErrors): SafeHtml {
  return field({
    name: 'serial',
    label: pick(ctx.lang, T.serial),
    kind: 'serial',
    hint: pick(ctx.lang, T.serialHint),
    error: errors.serial ? pick(ctx.lang, errors.serial) : undefined,
  });
}

/** 利用開始 step 2: シリアル番号 + ワンタイムパスワード + confirmation password → 「登録」. */
export function registerTokenView(ctx: ViewContext, state: FormState & { confirmation: ConfirmationSpec }): SafeHtml {
  const errors = state.errors ?? {};
  return frame(
    ctx,
    'register',
    1,
    html`<h2>${pick(ctx.lang, T.stepRegisterToken)}</h2>
  <p class="lead">${pick(ctx.lang, T.registerTokenLead)}</p>
  ${summary(ctx, state)}
  <form method="post" action="${ctx.base}register/token" novalidate>
    ${csrfField(state.csrf)}
    ${serialField(ctx, errors)}
    ${codeField(ctx, errors)}
    ${confirmationFields(ctx, state.confirmation, errors)}
    <p class="hint">${pick(ctx.lang, T.registerLinkNote)}</p>
    <div class="actions">${submitButton(pick(ctx.lang, T.register))}</div>
  </form>`,
  );
}

/** 利用中止 step 2: ワンタイムパスワード + confirmation password → 「停止」. */
export function deregisterTokenView(ctx: ViewContext, state: FormState & { confirmation: ConfirmationSpec }): SafeHtml {
  const errors = state.errors ?? {};
  return frame(
    ctx,
    'deregister',
    1,
    html`<h2>${pick(ctx.lang, T.stepOtpInput)}</h2>
  <p class="lead">${pick(ctx.lang, T.deregisterTokenLead)}</p>
  ${summary(ctx, state)}
  <form method="post" action="${ctx.base}deregister/token" novalidate>
    ${csrfField(state.csrf)}
    ${codeField(ctx, errors)}
    ${confirmationFields(ctx, state.confirmation, errors)}
    <div class="actions">${submitButton(pick(ctx.lang, T.stop))}</div>
  </form>`,
  );
}

/** 利用登録/交換 step 2: the current token's code → 「次へ」. */
export function exchangeCurrentView(ctx: ViewContext, state: FormState): SafeHtml {
  return frame(
    ctx,
    'exchange',
    1,
    html`<h2>${pick(ctx.lang, T.stepCurrentToken)}</h2>
  <p class="lead">${pick(ctx.lang, T.exchangeCurrentLead)}</p>
  ${summary(ctx, state)}
  <form method="post" action="${ctx.base}exchange/current" novalidate>
    ${csrfField(state.csrf)}
    ${codeField(ctx, state.errors ?? {})}
    <div class="actions">${submitButton(pick(ctx.lang, T.next))}</div>
  </form>`,
  );
}

/** 利用登録/交換 step 3: the new token's シリアル番号 + ワンタイムパスワード → 「登録」. */
export function exchangeNewView(ctx: ViewContext, state: FormState): SafeHtml {
  const errors = state.errors ?? {};
  return frame(
    ctx,
    'exchange',
    2,
    html`<h2>${pick(ctx.lang, T.stepNewToken)}</h2>
  <p class="lead">${pick(ctx.lang, T.exchangeNewLead)}</p>
  ${summary(ctx, state)}
  <form method="post" action="${ctx.base}exchange/new" novalidate>
    ${csrfField(state.csrf)}
    ${serialField(ctx, errors)}
    ${codeField(ctx, errors)}
    <div class="actions">${submitButton(pick(ctx.lang, T.register))}</div>
  </form>`,
  );
}

/** 処理結果の確認: the seed's message, then 「ログイン画面に戻る」. */
export function resultView(ctx: ViewContext, flow: Flow, lines: Text[]): SafeHtml {
  const [headline, ...rest] = lines;
  const steps = FLOW_STEPS[flow];
  return frame(
    ctx,
    flow,
    steps.length - 1,
    html`<h2>${pick(ctx.lang, T.stepResult)}</h2>
  ${headline ? notice(ctx.lang, 'ok', [headline]) : ''}
  ${rest.map((line) => html`<p>${pick(ctx.lang, line)}</p>`)}
  <div class="actions">${backToLoginButton(ctx.lang, ctx.base)}</div>`,
  );
}

/** Labels start with a capital in English ("Confirmation password"); Japanese is unchanged. */
function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
