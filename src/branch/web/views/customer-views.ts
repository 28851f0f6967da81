// The menu, the customer search and the customer at a glance, with the forms of the written
// requests the operator's role may start (permissions.ts decides; the server checks again).
import { maskEmailAddress } from '../../../notifications/masking.js';
import { html, type SafeHtml } from '../../../web/html.js';
import type { Text } from '../../../web/i18n.js';
import { actorText, AUDIT_GROUPS, auditSentence, type AuditGroup, type SentenceLookups } from '../../audit-sentences.js';
import type { AuditPage } from '../../audit-query.js';
import type { CustomerSearchHit, CustomerStatus, AuditLine, StatusLine } from '../../customer-status.js';
import { CUSTOMER_ACTION_KINDS, isAllowed, needsSecondPerson, type CustomerActionKind } from '../../permissions.js';
import type { Proposal } from '../../proposals.js';
import type { SignInReport } from '../../sign-in-report-store.js';
import { environmentText } from '../../../shared/sign-in-environment.js';
import type { ConsoleContext, SignedIn } from '../console-context.js';
import { ACTION_NAMES, C, historyCount, japanDateTime, yen } from '../messages.js';
import { csrfField, errorSummary, field, notice, scrollTable, writtenRequestFields, type FieldErrors } from './common-views.js';

export function searchForm(ctx: ConsoleContext, query = ''): SafeHtml {
  return html`<form method="get" action="${ctx.base}customers" class="console-search" role="search">
${field({ name: 'q', label: ctx.t(C.searchLabel), type: 'search', hint: ctx.t(C.searchHint), maxlength: 40, value: query })}
<button type="submit" class="button">${ctx.t(C.search)}</button>
</form>`;
}

export function homeView(ctx: ConsoleContext, signedIn: SignedIn, input: { pending: number }): SafeHtml {
  const role = signedIn.operator.role;
  return html`<h1>${ctx.t(C.homeTitle)}</h1>
${isAllowed(role, 'view_customers') ? html`<section class="card">${searchForm(ctx)}</section>` : ''}
<ul class="menu">
${isAllowed(role, 'view_customers') ? html`<li><a href="${ctx.base}customers">${ctx.t(C.navCustomers)}</a></li>` : ''}
${isAllowed(role, 'decide_proposals') || isAllowed(role, 'unlock_otp') ? html`<li><a href="${ctx.base}approvals">${ctx.t(C.navApprovals)} (${input.pending})</a></li>` : ''}
${isAllowed(role, 'open_contract') ? html`<li><a href="${ctx.base}contracts/new">${ctx.t(C.navOpenContract)}</a></li>` : ''}
${isAllowed(role, 'view_audit') ? html`<li><a href="${ctx.base}audit">${ctx.t(C.navAudit)}</a></li>` : ''}
${isAllowed(role, 'manage_operators') ? html`<li><a href="${ctx.base}operators">${ctx.t(C.navOperators)}</a></li>` : ''}
</ul>`;
}

/**
 * The 「心当たりがない」 reports: on the customer list, the open ones first (marked, with the
 * sign-in reported: time, environment, masked address); on a customer's page, every one of theirs.
 */
export function reportsSection(ctx: ConsoleContext, reports: SignInReport[], options: { ofCustomer: boolean }): SafeHtml {
  if (reports.length === 0) return html``;
  const caption = options.ofCustomer ? C.reportsOfCustomer : C.reportsTitle;
  return html`<section class="card card--alert" aria-labelledby="reports-title">
<h2 id="reports-title"><span class="badge badge--alert">${ctx.t(C.reportBadge)}</span> ${ctx.t(caption)}</h2>
${options.ofCustomer ? '' : html`<p>${ctx.t(C.reportsLead)}</p>`}
${scrollTable(ctx.t(caption), [ctx.t(C.reportedAt), ctx.t(C.contractId), ctx.t(C.name), ctx.t(C.reportedSignIn), ctx.t(C.status)], reports.map((report) => html`<tr>
<td class="nowrap">${japanDateTime(report.reportedAt)}</td>
<td><a href="${ctx.base}customers/${report.contractId}">${report.contractId}</a></td>
<td>${report.name}</td>
<td>${japanDateTime(report.signInAt)} ${ctx.t(auditSentence({ action: report.signInAction, details: '{}' }, NO_PAYEES))}<br>${ctx.t(environmentText(report.environment))}</td>
<td>${report.resolvedAt === null ? html`<span class="badge badge--alert">${ctx.t(C.statusSuspended)}</span>` : `${ctx.t(C.reportResolved)} ${japanDateTime(report.resolvedAt)}`}</td>
</tr>`))}
</section>`;
}

const NO_PAYEES: SentenceLookups = { payee: () => undefined };

export function searchView(ctx: ConsoleContext, input: { query: string; hits: CustomerSearchHit[] | undefined; limit: number; error?: Text; reports?: SignInReport[] }): SafeHtml {
  const hits = input.hits;
  return html`<h1>${ctx.t(C.searchTitle)}</h1>
${reportsSection(ctx, input.reports ?? [], { ofCustomer: false })}
<section class="card">${input.error ? errorSummary(ctx.lang, [input.error]) : ''}${searchForm(ctx, input.query)}</section>
${hits === undefined
  ? ''
  : hits.length === 0
    ? notice(ctx.lang, 'info', [C.noHits])
    : html`${hits.length >= input.limit ? notice(ctx.lang, 'warn', [C.tooManyHits]) : ''}
${scrollTable(ctx.t(C.searchTitle), [ctx.t(C.contractId), ctx.t(C.name), ctx.t(C.status)], hits.map((hit) => html`<tr>
<td><a href="${ctx.base}customers/${hit.contractId}">${hit.contractId}</a></td>
<td>${hit.name}</td>
<td>${statusLineText(ctx, hit.statusLine)}</td>
</tr>`))}`}`;
}

function when(ctx: ConsoleContext, ms: number | null): string {
  return ms === null ? ctx.t(C.none) : japanDateTime(ms);
}

function counter(ctx: ConsoleContext, value: { failures: number; threshold: number; locked: boolean }): SafeHtml {
  return html`${value.failures} / ${value.threshold}${value.locked ? html` <span class="badge badge--alert">${ctx.t(C.locked)}</span>` : ''}`;
}

/** The status line's words: the state first, then the locks and a reissue that also hold. */
export function statusLineText(ctx: ConsoleContext, line: StatusLine): SafeHtml {
  const label = { suspended: C.statusSuspended, locked: C.locked, reissue_waiting: C.statusReissueWaiting, active: C.statusActive }[line.state];
  const locks = line.locks.map((factor) => ctx.t(C.lockOf[factor])).join(ctx.lang === 'ja' ? '・' : ', ');
  const extras: string[] = [];
  if (locks !== '' && line.state !== 'locked') extras.push(`${ctx.t(C.locked)}: ${locks}`);
  if (locks !== '' && line.state === 'locked') extras.push(locks);
  if (line.reissue && line.state !== 'reissue_waiting') extras.push(ctx.t(C.statusReissueWaiting));
  if (line.reissue) extras.push(line.reissue.open ? ctx.t(C.reissueOpen) : `${japanDateTime(line.reissue.registrationFromMs)} ${ctx.t(C.reissueFrom)}`);
  return html`<span class="status status--${line.state}">${line.state === 'active' ? ctx.t(label) : html`<span class="badge ${line.state === 'reissue_waiting' ? 'badge--approval' : 'badge--alert'}">${ctx.t(label)}</span>`}</span>${extras.length > 0 ? html` <span class="status__more">(${extras.join(ctx.lang === 'ja' ? '、' : '; ')})</span>` : ''}`;
}

export interface HistoryView {
  group: AuditGroup | undefined;
  page: AuditPage;
  error?: Text;
  lookups: SentenceLookups;
}

/** ?group=…&page=… for the customer's history (the defaults left out). */
export function historyQuery(group: AuditGroup | undefined, page?: number): string {
  const params = new URLSearchParams();
  if (group) params.set('group', group);
  if (page !== undefined && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Audit records as sentences: when, who, what (with the written request, the amount, the masked payee). */
export function eventList(ctx: ConsoleContext, lines: AuditLine[], lookups: SentenceLookups): SafeHtml {
  return html`<ol class="events">${lines.map((line) => html`<li class="event">
<p class="event__meta"><span class="nowrap">${japanDateTime(line.at)}</span> <span class="event__actor">${ctx.t(actorText(line.actor))}</span></p>
<p class="event__text">${ctx.t(auditSentence(line, lookups))}</p>
</li>`)}</ol>`;
}

function historySection(ctx: ConsoleContext, contractId: string, history: HistoryView): SafeHtml {
  const { page, group } = history;
  const path = `${ctx.base}customers/${contractId}`;
  return html`<section class="card" id="history" aria-labelledby="history-title">
<h2 id="history-title">${ctx.t(C.historyTitle)}</h2>
${history.error ? errorSummary(ctx.lang, [history.error]) : ''}
<form method="get" action="${path}#history" class="history-filter">
<div class="field">
  <label for="f-group">${ctx.t(C.historyGroup)}</label>
  <select id="f-group" name="group"${history.error === C.historyBadGroup ? html` aria-invalid="true"` : ''}>
    <option value="">${ctx.t(C.any)}</option>
    ${AUDIT_GROUPS.map((g) => html`<option value="${g}"${group === g ? html` selected` : ''}>${ctx.t(C.historyGroups[g])}</option>`)}
  </select>
</div>
<button type="submit" class="button button--secondary">${ctx.t(C.historyShow)}</button>
</form>
<p class="meta">${ctx.t(historyCount(page.total))} — ${ctx.t(C.pageOf)} ${page.page} / ${page.pageCount}</p>
${page.lines.length === 0 ? html`<p>${ctx.t(C.historyNone)}</p>` : eventList(ctx, page.lines, history.lookups)}
${page.pageCount > 1
  ? html`<nav class="pager" aria-label="${ctx.t(C.historyTitle)}: ${ctx.t(C.pageOf)}">
${page.page > 1 ? html`<a rel="prev" href="${path}${historyQuery(group, page.page - 1)}#history">${ctx.t(C.previous)}</a>` : ''}
${page.page < page.pageCount ? html`<a rel="next" href="${path}${historyQuery(group, page.page + 1)}#history">${ctx.t(C.next)}</a>` : ''}
</nav>`
  : ''}
</section>`;
}

export function proposalSummary(ctx: ConsoleContext, proposal: Proposal): SafeHtml {
  const request = proposal.request;
  return html`<strong>${ctx.t(ACTION_NAMES[request.kind])}</strong>${request.kind === 'change_limit' ? html` → ${yen(request.newLimitYen, ctx.lang)}` : request.kind === 'change_email' ? html` → <code>${maskEmailAddress(request.newEmail)}</code>` : ''}
<span class="meta">${ctx.t(C.requestFormNo)}: ${proposal.written.requestFormNo} / ${ctx.t(C.reason)}: ${proposal.written.reason} / ${ctx.t(C.proposedBy)}: ${proposal.proposedBy} (${japanDateTime(proposal.proposedAt)})</span>`;
}

/** The actions by what the written request asks for, in the order of the page. */
const ACTION_GROUPS: { name: keyof typeof C.actionGroups; kinds: CustomerActionKind[] }[] = [
  { name: 'unlock', kinds: ['unlock_otp', 'unlock_password'] },
  { name: 'token', kinds: ['reissue_token'] },
  { name: 'use', kinds: ['suspend', 'resume'] },
  { name: 'password', kinds: ['reset_password'] },
  { name: 'limit', kinds: ['change_limit', 'lift_limit_cap'] },
  { name: 'notices', kinds: ['change_email'] },
];

/** Which of the role's actions apply to the customer as they are now. */
function applicableActions(status: CustomerStatus): CustomerActionKind[] {
  return CUSTOMER_ACTION_KINDS.filter((kind) => {
    switch (kind) {
      case 'unlock_otp':
        return status.otp.locked;
      case 'unlock_password':
        return status.password.locked;
      case 'reissue_token':
        return status.token !== null;
      case 'suspend':
        return !status.suspended;
      case 'resume':
        return status.suspended;
      case 'change_limit':
      case 'reset_password':
      case 'change_email':
        return true;
      case 'lift_limit_cap':
        return status.limitCap !== null;
    }
  });
}

export interface ActionFormState {
  kind: CustomerActionKind;
  errors: FieldErrors;
  formError?: Text[];
  values: Record<string, string>;
}

function actionForm(ctx: ConsoleContext, input: { status: CustomerStatus; kind: CustomerActionKind; csrf: string; state?: ActionFormState; secondPersonAboveYen: number }): SafeHtml {
  const { kind, status } = input;
  const state = input.state?.kind === kind ? input.state : undefined;
  const approval = kind === 'change_limit' ? undefined : needsSecondPerson({ kind }, { currentLimitYen: status.dailyLimitYen, secondPersonAboveYen: input.secondPersonAboveYen });
  const newLimitError = state?.errors.newLimitYen;
  const newEmailError = state?.errors.newEmail;
  // Closed until the operator opens the one the written request asks for; open after a failure.
  return html`<details class="card action-card" id="action-${kind}"${state ? html` open` : ''}>
<summary><h4 class="action-card__title">${ctx.t(ACTION_NAMES[kind])}${approval === undefined ? '' : html` <span class="badge${approval ? ' badge--approval' : ''}">${ctx.t(approval ? C.needsApproval : C.immediate)}</span>`}</h4></summary>
${state ? errorSummary(ctx.lang, state.formError ?? Object.values(state.errors)) : ''}
<form method="post" action="${ctx.base}customers/${status.contractId}/actions/${kind}" novalidate>
${csrfField(input.csrf)}
${kind === 'change_limit'
  ? field({ name: 'newLimitYen', label: ctx.t(C.newLimit), hint: ctx.t(C.newLimitHint), inputmode: 'numeric', maxlength: 16, idSuffix: kind, ...(newLimitError ? { error: ctx.t(newLimitError) } : {}), ...(state?.values.newLimitYen !== undefined ? { value: state.values.newLimitYen } : {}) })
  : kind === 'change_email'
    ? field({ name: 'newEmail', label: ctx.t(C.newEmail), hint: ctx.t(C.newEmailHint), inputmode: 'email', maxlength: 320, idSuffix: kind, ...(newEmailError ? { error: ctx.t(newEmailError) } : {}), ...(state?.values.newEmail !== undefined ? { value: state.values.newEmail } : {}) })
    : ''}
${writtenRequestFields(ctx, { idSuffix: kind, ...(state ? { errors: state.errors, values: state.values } : {}) })}
<div class="actions"><button type="submit" class="button${kind === 'suspend' ? ' button--danger' : ''}">${ctx.t(kind === 'suspend' || kind === 'change_limit' ? ACTION_NAMES[kind] : C.submit)}</button></div>
</form>
</details>`;
}

export function customerView(
  ctx: ConsoleContext,
  input: { signedIn: SignedIn; status: CustomerStatus; history: HistoryView; flash?: Text; state?: ActionFormState; secondPersonAboveYen: number; reports?: SignInReport[] },
): SafeHtml {
  const { status, signedIn } = input;
  const role = signedIn.operator.role;
  const actions = applicableActions(status).filter((kind) => isAllowed(role, kind));
  // A failure of an action whose form is not on the page (it no longer applies) is shown on top.
  const orphan = input.state && !actions.includes(input.state.kind) ? input.state : undefined;
  return html`<h1>${ctx.t(C.customerTitle)}: ${status.name} <span class="meta">(${status.contractId})</span></h1>
${input.flash ? notice(ctx.lang, 'ok', [input.flash]) : ''}
${orphan ? notice(ctx.lang, 'error', orphan.formError ?? Object.values(orphan.errors).filter((t): t is Text => t !== undefined), ACTION_NAMES[orphan.kind]) : ''}
${reportsSection(ctx, input.reports ?? [], { ofCustomer: true })}
<section class="card">
<p class="status-line status-line--${status.statusLine.state}"><strong>${ctx.t(C.status)}:</strong> ${statusLineText(ctx, status.statusLine)}<br><span class="meta">${ctx.t(C.statusMeaning[status.statusLine.state])}</span></p>
<dl class="facts">
  <dt>${ctx.t(C.contractId)}</dt><dd>${status.contractId}</dd>
  <dt>${ctx.t(C.name)}</dt><dd>${status.name}</dd>
  <dt>${ctx.t(C.token)}</dt><dd>${status.token === null ? ctx.t(C.tokenNone) : html`<code>${status.token.serialMasked}</code>${status.token.kind === 'mobile' || status.token.kind === 'desktop' ? html` (${ctx.t(C.tokenKinds[status.token.kind])})` : ''} ${ctx.t(C.tokenSince)}: ${when(ctx, status.token.registeredAt)}`}</dd>
  ${status.tokenDeregisteredAt !== null ? html`<dt>${ctx.t(C.tokenDeregisteredAt)}</dt><dd>${when(ctx, status.tokenDeregisteredAt)}</dd>` : ''}
  ${status.registrationBlockedUntil !== null && status.registrationBlockedUntil > ctx.console.nowMs() ? html`<dt>${ctx.t(C.registrationBlockedUntil)}</dt><dd>${when(ctx, status.registrationBlockedUntil)}</dd>` : ''}
  <dt>${ctx.t(C.otpCounter)}</dt><dd>${counter(ctx, status.otp)}</dd>
  <dt>${ctx.t(C.passwordCounter)}</dt><dd>${counter(ctx, status.password)}${status.passwordChangeRequired ? html`<br><span class="meta">${ctx.t(C.passwordChangeRequired)}</span>` : ''}</dd>
  <dt>${ctx.t(C.email)}</dt><dd>${status.emailMasked === null ? ctx.t(C.emailNone) : html`<code>${status.emailMasked}</code>`}</dd>
  <dt>${ctx.t(C.dailyLimit)}</dt><dd>${yen(status.dailyLimitYen, ctx.lang)}${status.pendingRaise === null ? '' : html`<br><span class="meta">${ctx.t(C.pendingRaise)}: ${yen(status.pendingRaise.limitYen, ctx.lang)} (${japanDateTime(status.pendingRaise.fromMs)} ${ctx.t(C.fromTime)})</span>`}</dd>
  ${status.limitCap === null ? '' : html`<dt>${ctx.t(C.limitCap)}</dt><dd>${yen(status.limitCap.capYen, ctx.lang)} / ${ctx.t(C.perDay)} (${ctx.t(status.limitCap.since === 'token' ? C.limitCapSinceToken : C.limitCapSinceContract)}; ${japanDateTime(status.limitCap.untilMs)} ${ctx.t(C.limitCapEnds)})</dd>`}
  <dt>${ctx.t(C.createdAt)}</dt><dd>${when(ctx, status.createdAt)}</dd>
</dl>
<p><a href="${ctx.base}customers/${status.contractId}/statement">${ctx.t(C.statementLink)}</a></p>
</section>
${status.pendingProposals.length > 0
  ? html`<section class="card"><h2>${ctx.t(C.pendingForCustomer)}</h2><ul class="plain-list">${status.pendingProposals.map((p) => html`<li>${proposalSummary(ctx, p)}</li>`)}</ul>
${role === 'supervisor' ? html`<p><a href="${ctx.base}approvals">${ctx.t(C.navApprovals)}</a></p>` : ''}</section>`
  : ''}
${actions.length > 0
  ? html`<section class="action-section" aria-labelledby="actions-title"><h2 id="actions-title">${ctx.t(C.actionsTitle)}</h2><p>${ctx.t(C.actionsLead)}</p>
<div class="action-groups">${ACTION_GROUPS.filter((group) => group.kinds.some((kind) => actions.includes(kind))).map(
      (group) => html`<div class="action-group" role="group" aria-labelledby="action-group-${group.name}"><h3 id="action-group-${group.name}">${ctx.t(C.actionGroups[group.name])}</h3>
${group.kinds.filter((kind) => actions.includes(kind)).map((kind) => actionForm(ctx, { status, kind, csrf: signedIn.session.csrfToken, secondPersonAboveYen: input.secondPersonAboveYen, ...(input.state ? { state: input.state } : {}) }))}</div>`,
    )}</div></section>`
  : ''}
${historySection(ctx, status.contractId, input.history)}`;
}

export function flashText(done: unknown): Text | undefined {
  switch (done) {
    case 'proposed':
      return C.proposedNotice;
    case 'suspended':
      return C.suspendedNotice;
    case 'done':
      return C.doneNotice;
    default:
      return undefined;
  }
}
