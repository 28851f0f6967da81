// GET /mailbox/ (development only): the notifications of the outbox, newest first, as the
// customers would receive them. server.ts mounts it only in development mode: in production
// these are customers' messages, and they go to the mail relay.
//
// A development tool, and it reads like one: a list (time, to, subject), 50 to a page; a mail
// opens on its own (`?mail=ntf_…`, its outbox id); the list is filtered by contract
// (`?contract=1000000001`, optionally `&institution=demo`). Links and a GET form only, no
// script. The query carries ids and digits, never an address or a code (they would reach the
// access log): the address is only ever shown in the page.
import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.js';
import type { AppParts } from '../../web/app.js';
import { registerAssets, STYLESHEET_PATH } from '../../web/assets.js';
import { japanDateTime } from '../../shared/japan-time.js';
import { readDigits } from '../../web/form-input.js';
import { html, type SafeHtml } from '../../web/html.js';
import { parseLang, pick, requestLang, type Lang, type Text } from '../../web/i18n.js';
import { renderToggle } from '../../web/language-toggle.js';
import { addSecurityHeaders } from '../../web/security-headers.js';
import { listMailbox, mailboxInstitutions, mailboxMessage, type MailboxEntry, type MailboxMessage } from '../mailbox.js';
import { documentHead } from '../../web/page-head.js';
import { countLine, M, pageOf, STATUS } from './mailbox-messages.js';

export const MAILBOX_PATH = '/mailbox/';
const MAILBOX_STYLESHEET_PATH = '/mailbox/mailbox.css';
export const MAILS_PER_PAGE = 50;
/** An outbox id as enqueueNotification makes it (ntf_ and 16 random bytes, base64url). */
const MAIL_ID = /^ntf_[A-Za-z0-9_-]{1,64}$/;

// A dense list, wider than the bank's pages; on a phone each mail's line wraps under its time.
// Messages are plain text with long lines: wrapped, so a phone shows them without sideways scrolling.
const MAILBOX_CSS = `.mailbox.site-main, .mailbox-header .site-header__inner { max-width: 72rem; }
.mailbox h1, .mailbox .lead { overflow-wrap: anywhere; }
.mailbox-filter { min-width: 0; display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.5rem 1rem; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem 0.75rem; margin: 0 0 1rem; background: var(--paper); }
.mailbox-filter legend { font-weight: 700; padding: 0 0.25rem; }
.mailbox-filter .field { margin: 0; min-width: 0; }
.mailbox-filter .field input { width: 11rem; max-width: 100%; font-size: 1rem; padding: 0.35rem 0.5rem; }
.mailbox-filter select { font: inherit; padding: 0.35rem 0.5rem; border: 1px solid #8a96a3; border-radius: 6px; background: #fff; color: var(--ink); max-width: 100%; }
.mailbox-filter .button { min-width: 0; min-height: 2.4rem; padding: 0.3rem 1rem; }
.mailbox-count { font-size: 0.9rem; color: var(--muted); margin: 0 0 0.5rem; overflow-wrap: anywhere; }
.mailbox-list { list-style: none; margin: 0 0 1rem; padding: 0; border-top: 1px solid var(--line); background: var(--paper); }
.mailbox-list li { display: grid; grid-template-columns: 9rem 18rem minmax(0, 1fr); gap: 0 1rem; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); font-size: 0.9rem; line-height: 1.5; }
.mailbox-list__head { font-weight: 700; color: var(--muted); background: var(--wash); }
.mailbox-list time, .mail__headers time { font-variant-numeric: tabular-nums; }
.mailbox-list__to, .mailbox-list a { overflow-wrap: anywhere; min-width: 0; }
.mailbox-list [data-status="pending"] .mailbox-list__status, .mailbox-list [data-status="failed"] .mailbox-list__status { font-weight: 700; }
.mailbox-pages { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; font-size: 0.9rem; }
.mail { overflow-wrap: anywhere; max-width: 52rem; }
.mail h1 { font-size: 1.1rem; }
.mail__headers { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.1rem 1rem; margin: 0 0 1rem; font-size: 0.9rem; }
.mail__headers dt { font-weight: 700; color: var(--muted); }
.mail__headers dd { margin: 0; min-width: 0; }
.mail__body { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.9rem; line-height: 1.6; margin: 0; padding-top: 1rem; border-top: 1px solid var(--line); }
@media (max-width: 40rem) {
  .mailbox-list li { grid-template-columns: minmax(0, 1fr); }
  .mailbox-list__head { display: none !important; }
  .mailbox-list__to { color: var(--muted); }
  .mail__headers { grid-template-columns: minmax(0, 1fr); }
  .mail__headers dd { margin-bottom: 0.3rem; }
}
`;

/** What the query asks for, each part validated; the problems, each in the page's words. */
interface MailboxQuery {
  /** The language the query names (kept in the page's links), if it names one. */
  lang: Lang | undefined;
  mail: string | undefined;
  contractId: string | undefined;
  institution: string | undefined;
  page: number;
  /** What was typed into the filter, shown again with its message. */
  typed: { contract: string; institution: string };
  problems: { contract?: Text; institution?: Text; page?: Text };
}

function readQuery(raw: Record<string, unknown>, institutions: readonly string[]): MailboxQuery {
  const text = (name: string) => (typeof raw[name] === 'string' && (raw[name] as string).length <= 64 ? (raw[name] as string) : '');
  const query: MailboxQuery = { lang: parseLang(raw.lang), mail: undefined, contractId: undefined, institution: undefined, page: 1, typed: { contract: text('contract'), institution: text('institution') }, problems: {} };
  if (typeof raw.mail === 'string' && MAIL_ID.test(raw.mail)) query.mail = raw.mail;
  else if (raw.mail !== undefined) query.mail = ''; // asked for, but no mail could have that id
  const contract = readDigits(raw, 'contract', 10);
  if (contract.ok) query.contractId = contract.value;
  else if (contract.problem !== 'missing') query.problems.contract = M.badContract;
  if (raw.institution !== undefined && raw.institution !== '') {
    if (typeof raw.institution === 'string' && institutions.includes(raw.institution)) query.institution = raw.institution;
    else query.problems.institution = M.badInstitution;
  }
  if (raw.page !== undefined) {
    const page = typeof raw.page === 'string' && /^\d{1,6}$/.test(raw.page) ? Number(raw.page) : 0;
    if (page >= 1) query.page = page;
    else query.problems.page = M.badPage;
  }
  return query;
}

/** A link of the mailbox: only validated values go back into a URL (ids, digits, a slug). */
function mailboxHref(query: Pick<MailboxQuery, 'lang' | 'contractId' | 'institution'> & { mail?: string; page?: number }): string {
  const params = new URLSearchParams();
  if (query.mail !== undefined) params.set('mail', query.mail);
  if (query.institution !== undefined) params.set('institution', query.institution);
  if (query.contractId !== undefined) params.set('contract', query.contractId);
  if (query.page !== undefined && query.page > 1) params.set('page', String(query.page));
  if (query.lang !== undefined) params.set('lang', query.lang);
  const search = params.toString();
  return search === '' ? MAILBOX_PATH : `${MAILBOX_PATH}?${search}`;
}

export function mailboxPart(deps: { database: Database; mailFrom: string }): AppParts {
  return {
    async register(app: FastifyInstance) {
      registerAssets(app);
      await app.register(async (scope) => {
        await scope.register(cookie); // the language the bank site remembered (mamori_lang)
        addSecurityHeaders(scope);
        scope.get('/mailbox', async (_request, reply) => reply.redirect(MAILBOX_PATH, 302));
        scope.get(MAILBOX_STYLESHEET_PATH, async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(MAILBOX_CSS));
        scope.get(MAILBOX_PATH, async (request, reply) => {
          const lang = requestLang(request);
          const institutions = await mailboxInstitutions(deps.database.db);
          const query = readQuery(request.query as Record<string, unknown>, institutions);
          const send = (status: number, title: string, body: SafeHtml, shown?: MailboxMessage) =>
            reply.status(status).type('text/html; charset=utf-8').send(layout(lang, query, title, body, shown).value);
          if (query.mail !== undefined) {
            const message = query.mail === '' ? undefined : await mailboxMessage(deps.database.db, query.mail);
            if (message === undefined) return send(404, pick(lang, M.notFound), notFoundView(lang, query));
            return send(200, message.subject, mailView(lang, query, message, deps.mailFrom), message);
          }
          if (Object.keys(query.problems).length > 0) return send(400, pick(lang, M.title), listView(lang, query, institutions, undefined));
          const { entries, total } = await listMailbox(deps.database.db, {
            ...(query.institution === undefined ? {} : { institution: query.institution }),
            ...(query.contractId === undefined ? {} : { contractId: query.contractId }),
            limit: MAILS_PER_PAGE,
            offset: (query.page - 1) * MAILS_PER_PAGE,
          });
          return send(200, pick(lang, M.title), listView(lang, query, institutions, { entries, total }));
        });
      });
    },
  };
}

/** The page around `body`; its language toggle keeps the page — the mail `shown`, else the list. */
function layout(lang: Lang, query: MailboxQuery, title: string, body: SafeHtml, shown?: MailboxMessage): SafeHtml {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const toggle = mailboxHref({ ...listOf(query), ...(shown === undefined ? {} : { mail: shown.id }), lang: other });
  const pageTitle = title === pick(lang, M.title) ? title : `${title} — ${pick(lang, M.title)}`;
  return html`${documentHead({ lang, title: pageTitle, stylesheets: [STYLESHEET_PATH, MAILBOX_STYLESHEET_PATH], noIndex: true })}
<body>
<header class="site-header mailbox-header"><div class="site-header__inner">
<p class="site-header__name">${pick(lang, M.name)} <span class="site-header__service">${pick(lang, M.service)}</span></p>
<div class="site-header__tools">${renderToggle(lang, { kind: 'link', href: toggle }, pick(lang, M.otherLanguage))}</div>
</div></header>
<main class="site-main mailbox" id="main">
${body}
</main>
</body>
</html>`;
}

function listView(lang: Lang, query: MailboxQuery, institutions: readonly string[], found: { entries: MailboxEntry[]; total: number } | undefined): SafeHtml {
  const t = (text: Text) => pick(lang, text);
  const { problems } = query;
  const errors = [problems.contract, problems.institution, problems.page].filter((p): p is Text => p !== undefined);
  const filtered = query.contractId !== undefined || query.institution !== undefined;
  const typedContract = problems.contract === undefined ? (query.contractId ?? '') : query.typed.contract;
  const chosen = problems.institution === undefined ? (query.institution ?? '') : '';
  return html`<h1>${t(M.title)}</h1>
<p class="lead">${t(M.lead)}</p>
${errors.length === 0 ? '' : html`<div class="notice notice--error" role="alert" id="mailbox-problems">${errors.map((e) => html`<p>${t(e)}</p>`)}</div>`}
<form method="get" action="${MAILBOX_PATH}" class="mailbox-filter-form">
<fieldset class="mailbox-filter">
<legend>${t(M.filterLegend)}</legend>
${query.lang === undefined ? '' : html`<input type="hidden" name="lang" value="${query.lang}">`}
<div class="field"><label for="mailbox-contract">${t(M.contract)}</label>
<input id="mailbox-contract" name="contract" value="${typedContract}" inputmode="numeric" autocomplete="off" maxlength="64" aria-describedby="${problems.contract === undefined ? '' : 'mailbox-problems '}mailbox-contract-hint"${problems.contract === undefined ? '' : html` aria-invalid="true"`}>
<span class="hint" id="mailbox-contract-hint">${t(M.contractHint)}</span></div>
<div class="field"><label for="mailbox-institution">${t(M.institution)}</label>
<select id="mailbox-institution" name="institution"${problems.institution === undefined ? '' : html` aria-invalid="true" aria-describedby="mailbox-problems"`}>
<option value="">${t(M.anyInstitution)}</option>
${institutions.map((slug) => html`<option value="${slug}"${slug === chosen ? html` selected` : ''}>${slug}</option>`)}
</select></div>
<button type="submit" class="button">${t(M.filter)}</button>
${filtered || errors.length > 0 ? html`<a href="${mailboxHref({ lang: query.lang, contractId: undefined, institution: undefined })}">${t(M.showAll)}</a>` : ''}
</fieldset>
</form>
${found === undefined ? '' : mailList(lang, query, found)}`;
}

function mailList(lang: Lang, query: MailboxQuery, found: { entries: MailboxEntry[]; total: number }): SafeHtml {
  const t = (text: Text) => pick(lang, text);
  const first = (query.page - 1) * MAILS_PER_PAGE + 1;
  const pages = Math.max(1, Math.ceil(found.total / MAILS_PER_PAGE));
  const count = countLine({ first, last: first + found.entries.length - 1, total: found.total, ...(query.contractId === undefined ? {} : { contractId: query.contractId }) });
  const pageLink = (page: number, rel: 'prev' | 'next', label: Text) => html`<a href="${mailboxHref({ ...listOf(query), page })}" rel="${rel}">${t(label)}</a>`;
  return html`<h2 id="mailbox-list-heading">${t(M.listHeading)}</h2>
<p class="mailbox-count">${t(count)}</p>
${found.entries.length === 0
  ? html`<p>${t(M.none)}</p>`
  : html`<ol class="mailbox-list" aria-labelledby="mailbox-list-heading">
<li class="mailbox-list__head" aria-hidden="true"><span>${t(M.time)}</span><span>${t(M.to)}</span><span>${t(M.subject)}</span></li>
${found.entries.map(
  (entry) => html`<li class="mailbox-list__mail" data-id="${entry.id}" data-kind="${entry.kind}" data-status="${entry.status}">
<time datetime="${new Date(entry.createdAtMs).toISOString()}">${japanDateTime(entry.createdAtMs)}</time>
<span class="mailbox-list__to">${entry.recipient}${entry.status === 'sent' ? '' : html` <span class="mailbox-list__status">(${t(STATUS[entry.status])})</span>`}</span>
<a href="${mailboxHref({ ...listOf(query), mail: entry.id })}">${entry.subject}</a>
</li>`,
)}
</ol>`}
${pages > 1 || query.page > 1
  ? html`<nav class="mailbox-pages" aria-label="${t(M.pages)}">
${query.page > 1 ? pageLink(Math.min(query.page - 1, pages), 'prev', M.newer) : ''}
<span>${t(pageOf(query.page, pages))}</span>
${query.page < pages ? pageLink(query.page + 1, 'next', M.older) : ''}
</nav>`
  : ''}`;
}

/** The list a page of the mailbox was reached from: its filter and page, validated (no mail). */
function listOf(query: MailboxQuery): Pick<MailboxQuery, 'lang' | 'contractId' | 'institution' | 'page'> {
  return { lang: query.lang, contractId: query.contractId, institution: query.institution, page: query.page };
}

function backLink(lang: Lang, query: MailboxQuery): SafeHtml {
  return html`<p><a href="${mailboxHref(listOf(query))}">${pick(lang, M.back)}</a></p>`;
}

function mailView(lang: Lang, query: MailboxQuery, m: MailboxMessage, mailFrom: string): SafeHtml {
  const t = (text: Text) => pick(lang, text);
  const time = (ms: number) => html`<time datetime="${new Date(ms).toISOString()}">${japanDateTime(ms)}</time>`;
  return html`${backLink(lang, query)}
<article class="card mail" data-id="${m.id}" data-kind="${m.kind}" data-status="${m.status}">
<h1 class="mail__subject">${m.subject}</h1>
<dl class="mail__headers">
<dt>${t(M.time)}</dt><dd>${time(m.createdAtMs)} (JST)</dd>
<dt>${t(M.to)}</dt><dd class="mail__to">${m.recipient}</dd>
<dt>${t(M.from)}</dt><dd>${m.senderName} &lt;${mailFrom}&gt;</dd>
<dt>${t(M.contractOf)}</dt><dd><span class="mail__contract">${m.institution} ${m.contractId}</span> — <a href="${mailboxHref({ lang: query.lang, institution: m.institution, contractId: m.contractId })}">${t(M.onlyThisContract)}</a></dd>
<dt>${t(M.kind)}</dt><dd><code>${m.kind}</code></dd>
<dt>${t(M.status)}</dt><dd>${t(STATUS[m.status])}${m.sentAtMs === null ? '' : html` ${time(m.sentAtMs)}`}</dd>
</dl>
<pre class="mail__body">${m.body}</pre>
</article>`;
}

function notFoundView(lang: Lang, query: MailboxQuery): SafeHtml {
  return html`<h1>${pick(lang, M.title)}</h1>
<div class="notice notice--error" role="alert"><p>${pick(lang, M.notFound)}</p></div>
${backLink(lang, query)}`;
}
