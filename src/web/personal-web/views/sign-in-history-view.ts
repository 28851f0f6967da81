// ログイン履歴 (the latest 30 sign-ins and failed attempts, 10 to a page, newest first) with the
// button 「心当たりがない」, its confirmation page, and 前回ログイン日時 for the main page.
import type { SignInHistoryEntry, SignInMethod, SignInResult } from '../../../banking/sign-in-history.js';
import { japanDateTime } from '../../../shared/japan-time.js';
import { environmentText } from '../../../shared/sign-in-environment.js';
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T } from '../messages.js';
import { csrfField, errorSummary, notice } from './form-parts.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

const RESULT_TEXT: Record<SignInResult, Text> = {
  success: T.resultSuccess,
  wrong_password: T.resultWrongPassword,
  wrong_code: T.resultWrongCode,
  locked: T.resultLocked,
};

const METHOD_TEXT: Record<SignInMethod, Text> = {
  password_otp: T.methodPasswordOtp,
  password: T.methodPassword,
};

/** Where a failure outside the login page was made: the flow's name (利用開始, …), or the path as recorded. */
const PATH_TEXT: Record<string, Text> = {
  login: T.login,
  register: T.startUse,
  deregister: T.stopUse,
  exchange: T.exchange,
};

export function environmentOf(lang: Lang, entry: SignInHistoryEntry): string {
  return entry.environment ? pick(lang, environmentText(entry.environment)) : pick(lang, T.environmentUnknown);
}

function entryLines(lang: Lang, entry: SignInHistoryEntry): SafeHtml {
  const where = entry.path !== 'login' ? html` <span class="hint">(${PATH_TEXT[entry.path] ? pick(lang, PATH_TEXT[entry.path]!) : entry.path})</span>` : '';
  return html`<span class="history-entry__at">${japanDateTime(entry.at)}</span>
    <span class="history-entry__result${entry.result === 'success' ? '' : ' history-entry__result--failed'}">${pick(lang, RESULT_TEXT[entry.result])}</span>${where}
    <span class="history-entry__meta">${pick(lang, T.historyMethod)}: ${pick(lang, METHOD_TEXT[entry.method])}</span>
    <span class="history-entry__meta">${pick(lang, T.historyEnvironment)}: ${environmentOf(lang, entry)}</span>`;
}

/** 前回ログイン日時 on the main page: the time in JST and where it came from. */
export function previousSignInFacts(lang: Lang, previous: SignInHistoryEntry | undefined): SafeHtml {
  return html`<dt>${pick(lang, T.previousSignIn)}</dt><dd>${
    previous ? html`${japanDateTime(previous.at)}<br><span class="hint">${environmentOf(lang, previous)}</span>` : pick(lang, T.previousSignInNone)
  }</dd>`;
}

export function signInHistoryView(
  ctx: ViewContext,
  input: { entries: SignInHistoryEntry[]; page: number; pages: number; preselected: number | undefined; csrf: string; status?: number; formError?: Text },
): SafeHtml {
  const { lang, base } = ctx;
  const pageHref = (n: number) => `${base}login-history${n === 1 ? '' : `?page=${n}`}`;
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, T.signInHistoryTitle)}</h1>
  ${input.formError ? errorSummary(lang, [input.formError]) : ''}
  <p>${pick(lang, T.signInHistoryLead)}</p>
  ${input.entries.length === 0
    ? notice(lang, 'info', [T.signInHistoryEmpty])
    : html`<form method="post" action="${base}login-history/not-me">
  ${csrfField(input.csrf)}
  <fieldset class="history">
    <legend>${pick(lang, T.historyChoose)}</legend>
    <ol class="history-list">
    ${input.entries.map(
      (entry) => html`<li class="history-entry">
      <input type="radio" name="entry" id="entry-${entry.seq}" value="${entry.seq}"${entry.seq === input.preselected ? html` checked` : ''} required>
      <label for="entry-${entry.seq}">${entryLines(lang, entry)}</label>
    </li>`,
    )}
    </ol>
  </fieldset>
  <div class="actions"><button type="submit" class="button button--danger">${pick(lang, T.notMe)}</button></div>
</form>`}
  ${input.pages > 1
    ? html`<nav class="pager" aria-label="${pick(lang, T.historyPages)}">
    <ul class="links">
      ${Array.from({ length: input.pages }, (_, i) => i + 1).map((n) =>
        n === input.page ? html`<li><span aria-current="page">${n}</span></li>` : html`<li><a href="${pageHref(n)}">${n}</a></li>`,
      )}
    </ul>
  </nav>`
    : ''}
  <div class="actions"><a class="button button--secondary" href="${base}main">${pick(lang, T.mainTitle)}</a></div>
</section>`;
}

/** Before suspending: the entry chosen, and 「停止」 — a mis-tap on the history page suspends nothing. */
export function notMeConfirmView(ctx: ViewContext, input: { entry: SignInHistoryEntry; csrf: string }): SafeHtml {
  const { lang, base } = ctx;
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, T.notMeTitle)}</h1>
  ${notice(lang, 'warn', [T.notMeLead])}
  <p class="history-entry history-entry--chosen">${entryLines(lang, input.entry)}</p>
  <p>${pick(lang, T.notMeResume)}</p>
  <form method="post" action="${base}login-history/not-me/confirm">
    ${csrfField(input.csrf)}
    <input type="hidden" name="entry" value="${input.entry.seq}">
    <div class="actions">
      <button type="submit" class="button button--danger">${pick(lang, T.stop)}</button>
      <a class="button button--secondary" href="${base}login-history">${pick(lang, T.notMeCancel)}</a>
    </div>
  </form>
</section>`;
}
