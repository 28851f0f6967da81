// 振込 (the transfer menu: accounts and balances, today's limit, recent transfers) and
// 入出金明細 (an account's statement, a page at a time).
import type { HistoryPage } from '../../../banking/ledger/history.js';
import type { LimitStatus } from '../../../banking/limits/daily-limit.js';
import type { DayCap } from '../../../banking/limits/limit-shaping.js';
import type { TransferView } from '../../../banking/transfers/transfer-store.js';
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang } from '../../i18n.js';
import { notice } from '../../personal-web/views/form-parts.js';
import { accountLabel, japanDateTime } from '../format.js';
import type { OwnAccount } from '../signed-in.js';
import { dayCapText, pendingRaiseText, TT, yenText } from '../transfer-messages.js';
import { facts, linkButton } from './controls.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function transferMenuView(
  ctx: ViewContext,
  input: { accounts: OwnAccount[]; limit: LimitStatus; dayCap: DayCap | null; recent: TransferView[]; tokenRegistered: boolean },
): SafeHtml {
  const { lang, base } = ctx;
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.transfersTitle)}</h1>
  <h2>${pick(lang, TT.accountsTitle)}</h2>
  ${input.accounts.length === 0 ? notice(lang, 'warn', [TT.noAccount]) : ''}
  ${facts(
    input.accounts.map((a) => [
      `${accountLabel(lang, a.account, a.branchName)} ${a.account.holder_name}`,
      html`<strong>${yenText(Number(a.account.balance))}</strong> <a href="${base}transfers/history?account=${a.account.id}">${pick(lang, TT.historyTitle)}</a>`,
    ]),
  )}
  ${facts([
    [pick(lang, TT.limitTitle), yenText(input.limit.limitYen)],
    [pick(lang, TT.remainingToday), yenText(input.dayCap === null ? input.limit.remainingYen : Math.min(input.limit.remainingYen, Math.max(0, input.dayCap.capYen - input.limit.usedYen)))],
  ])}
  ${input.dayCap === null ? '' : notice(lang, 'info', [dayCapText(input.dayCap)])}
  ${input.limit.pending === null ? '' : notice(lang, 'info', [pendingRaiseText(input.limit.pending)])}
  ${input.tokenRegistered ? '' : notice(lang, 'info', [TT.tokenAdvice])}
  <ul class="menu">
    <li><a href="${base}transfers/new">${pick(lang, TT.newTransfer)}</a></li>
    <li><a href="${base}transfers/payees">${pick(lang, TT.payeesLink)}</a></li>
    <li><a href="${base}transfers/history">${pick(lang, TT.historyTitle)}</a></li>
    <li><a href="${base}transfers/limit">${pick(lang, TT.limitLink)}</a></li>
  </ul>
</section>
<section class="card" aria-labelledby="recent-title">
  <h2 id="recent-title">${pick(lang, TT.recentTitle)}</h2>
  ${input.recent.length === 0
    ? html`<p>—</p>`
    : facts(
        input.recent.map((t) => [
          html`<a href="${base}transfers/${t.id}/result">${t.referenceNo ?? ''}</a>`,
          html`${t.confirmedAtMs === null ? '' : japanDateTime(t.confirmedAtMs)} ${t.payee.name} (${t.payee.bankName} ${t.payee.branchName}) <strong>${yenText(t.amountYen)}</strong>`,
        ]),
      )}
  <div class="actions">${linkButton(`${base}main`, pick(lang, TT.backToMain))}</div>
</section>`;
}

export function historyView(ctx: ViewContext, input: { accounts: OwnAccount[]; selected: OwnAccount; page: HistoryPage; download?: SafeHtml }): SafeHtml {
  const { lang, base } = ctx;
  const { page, selected } = input;
  const pageHref = (n: number) => `${base}transfers/history?account=${selected.account.id}&page=${n}`;
  return html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${pick(lang, TT.historyTitle)}</h1>
  ${input.accounts.length > 1
    ? html`<form method="get" action="${base}transfers/history" class="field">
    <label for="f-account">${pick(lang, TT.account)}</label>
    <select id="f-account" name="account">${input.accounts.map(
      (a) => html`<option value="${a.account.id}"${a.account.id === selected.account.id ? html` selected` : ''}>${accountLabel(lang, a.account, a.branchName)}</option>`,
    )}</select>
    <button type="submit" class="button button--secondary">${pick(lang, TT.show)}</button>
  </form>`
    : ''}
  ${facts([
    [pick(lang, TT.account), `${accountLabel(lang, selected.account, selected.branchName)} ${selected.account.holder_name}`],
    [pick(lang, TT.balance), html`<strong>${yenText(Number(selected.account.balance))}</strong>`],
  ])}
  ${page.items.length === 0
    ? html`<p>${pick(lang, TT.noHistory)}</p>`
    : html`<p class="hint">${pick(lang, TT.historyTitle)} (${page.page} / ${page.pageCount} ${pick(lang, TT.pageOf)})</p>
  <dl class="facts statement">${page.items.map(
    (line) => html`<dt>${japanDateTime(line.postedAtMs)}</dt><dd><strong>${line.description}</strong><br>${
      line.amountYen < 0 ? `${pick(lang, TT.paidOut)} ${yenText(-line.amountYen)}` : `${pick(lang, TT.paidIn)} ${yenText(line.amountYen)}`
    } / ${pick(lang, TT.balance)} ${yenText(line.balanceAfterYen)}</dd>`,
  )}</dl>`}
  <nav class="pager" aria-label="${pick(lang, TT.pageOf)}">
    <ul class="links">
      ${page.page > 1 ? html`<li><a href="${pageHref(page.page - 1)}" rel="prev">${pick(lang, TT.previous)}</a></li>` : ''}
      ${Array.from({ length: page.pageCount }, (_, i) => i + 1)
        .filter((n) => Math.abs(n - page.page) <= 3 || n === 1 || n === page.pageCount)
        .map((n) => (n === page.page ? html`<li><span aria-current="page">${n}</span></li>` : html`<li><a href="${pageHref(n)}">${n}</a></li>`))}
      ${page.page < page.pageCount ? html`<li><a href="${pageHref(page.page + 1)}" rel="next">${pick(lang, TT.nextPage)}</a></li>` : ''}
    </ul>
  </nav>
  <div class="actions">${linkButton(`${base}transfers`, pick(lang, TT.backToTransfers))}</div>
</section>
${input.download ?? ''}`;
}

