// パーソナルWebのメイン画面: who is signed in, the token state (with a notice urging registration
// when there is none), and the menu. Transfers (振込) come with issue 5 at `${base}transfers`.
import type { Customer } from '../../../banking/customers.js';
import { formatSerial } from '../../../otp/index.js';
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T, welcome } from '../messages.js';
import { notice } from './form-parts.js';
import { previousSignInFacts } from './sign-in-history-view.js';
import type { SignInHistoryEntry } from '../../../banking/sign-in-history.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function mainView(ctx: ViewContext, input: { customer: Customer; menu: { href: string; label: string }[]; previousSignIn: SignInHistoryEntry | undefined; done?: Text }): SafeHtml {
  const { customer } = input;
  const lang = ctx.lang;
  const tokenState = customer.token_serial
    ? html`${pick(lang, T.tokenInUse)} (${pick(lang, T.serial)}: ${safeFormatSerial(customer.token_serial)})`
    : html`${pick(lang, T.tokenNotRegistered)}`;
  return html`<section class="card">
  <h1 id="page-title">${pick(lang, T.mainTitle)}</h1>
  ${input.done ? notice(lang, 'ok', [input.done]) : ''}
  <p>${pick(lang, welcome(customer.name))}</p>
  ${customer.token_serial ? '' : notice(lang, 'warn', [T.noTokenNotice], T.noTokenNoticeTitle)}
  <dl class="facts">
    <dt>${pick(lang, T.contractId)}</dt><dd>${customer.contract_id}</dd>
    <dt>${pick(lang, T.tokenStatus)}</dt><dd>${tokenState}</dd>
    ${previousSignInFacts(lang, input.previousSignIn)}
  </dl>
</section>
<section class="card">
  <h2 id="menu-title">${pick(lang, T.menuTitle)}</h2>
  <ul class="menu">
    ${input.menu.map((item) => html`<li><a href="${item.href}">${item.label}</a></li>`)}
    <li><a href="${ctx.base}login-history">${pick(lang, T.menuSignInHistory)}</a></li>
    <li><a href="${ctx.base}email">${pick(lang, T.emailTitle)}</a></li>
    <li><a href="${ctx.base}password">${pick(lang, T.menuPasswordSettings)}</a></li>
    <li><a href="${ctx.base}help">${pick(lang, T.menuHelp)}</a></li>
  </ul>
</section>`;
}

function safeFormatSerial(serial: string): string {
  try {
    return formatSerial(serial);
  } catch {
    return serial;
  }
}
