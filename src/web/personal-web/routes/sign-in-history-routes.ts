// ログイン履歴 and 「心当たりがない」 (issue 14 §3–4): the contract's latest sign-ins and failed
// attempts (src/banking/sign-in-history.ts), and the button that suspends the contract at once
// (src/branch/report-sign-in.ts) after a confirmation page, so a mis-tap suspends nothing. Both
// posts are signed-in forms with the session's CSRF token (and the SameSite=Strict cookie): they
// cannot be sent from another site. No one-time password is asked on purpose — a customer whose
// token is in a thief's hands must still be able to press it.
import type { FastifyInstance } from 'fastify';
import { findSignInHistoryEntry, HISTORY_PAGE_SIZE, HISTORY_PAGES, readSignInHistory, type SignInHistoryEntry } from '../../../banking/sign-in-history.js';
import { reportSignInNotMine } from '../../../branch/report-sign-in.js';
import { readText } from '../../form-input.js';
import type { Text } from '../../i18n.js';
import { T } from '../messages.js';
import { openSignedInPage, sendMessage, sendPage, signedInForm, type CustomerSession, type PageContext, type SignedInPage } from '../page-context.js';
import type { Site } from '../site.js';
import { notMeConfirmView, signInHistoryView } from '../views/sign-in-history-view.js';

/** `?page=` of the history: absent is the first; anything but 1…HISTORY_PAGES is undefined. */
function pageOf(query: unknown): number | undefined {
  const value = (query as Record<string, unknown> | undefined)?.page;
  if (value === undefined) return 1;
  if (typeof value !== 'string' || !/^[1-9]$/.test(value)) return undefined;
  const page = Number(value);
  return page <= HISTORY_PAGES ? page : undefined;
}

/**
 * The entry the form starts with chosen: the newest from before this session's sign-in (the
 * session's start, the password step), which is not the customer's own — else the newest.
 */
function preselectedEntry(entries: SignInHistoryEntry[], session: CustomerSession): number | undefined {
  return (entries.find((entry) => entry.at < session.startedAt) ?? entries[0])?.seq;
}

async function showHistory(ctx: PageContext, session: CustomerSession, input: { page: number; status?: number; formError?: Text }) {
  const all = await readSignInHistory(ctx.db, { institution: ctx.institution.slug, contractId: session.subject });
  const pages = Math.max(1, Math.ceil(all.length / HISTORY_PAGE_SIZE));
  const page = Math.min(input.page, pages);
  const entries = all.slice((page - 1) * HISTORY_PAGE_SIZE, page * HISTORY_PAGE_SIZE);
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.signInHistoryTitle,
    session,
    togglePath: 'login-history',
    body: signInHistoryView(ctx, { entries, page, pages, preselected: preselectedEntry(all, session), csrf: session.csrfToken, ...(input.formError ? { formError: input.formError } : {}) }),
  });
}

/** The entry a posted form names, if it is one of this contract's history; else the CSRF refusal (403) or the history again with a 400. */
async function postedEntry(page: SignedInPage): Promise<SignInHistoryEntry | undefined> {
  const { ctx, session } = page;
  const body = await signedInForm(page);
  if (!body) return undefined;
  // One field of 1–15 ASCII digits (an audit record's number, from our own form); anything else names nothing.
  const field = readText(body, 'entry', 15);
  const seq = field.ok && /^\d+$/.test(field.value) ? Number(field.value) : undefined;
  const entry = seq === undefined ? undefined : await findSignInHistoryEntry(ctx.db, { institution: ctx.institution.slug, contractId: session.subject, seq });
  if (!entry) await showHistory(ctx, session, { page: 1, status: 400, formError: T.notMeChooseOne });
  return entry;
}

export function registerSignInHistoryRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug/login-history', async (request, reply) => {
    const opened = await openSignedInPage(site, request, reply);
    if (!opened) return;
    const page = pageOf(request.query);
    if (page === undefined) return showHistory(opened.ctx, opened.session, { page: 1, status: 400, formError: T.historyPageBad });
    return showHistory(opened.ctx, opened.session, { page });
  });

  // 「心当たりがない」 pressed: the confirmation page, nothing changed yet.
  scope.post('/ib/:slug/login-history/not-me', async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    const { ctx, session } = page;
    const entry = await postedEntry(page);
    if (!entry) return;
    return sendPage(ctx, { title: T.notMeTitle, session, togglePath: 'login-history', body: notMeConfirmView(ctx, { entry, csrf: session.csrfToken }) });
  });

  // 「停止」 on the confirmation page: suspended at once, as the branch's 利用一時停止.
  scope.post('/ib/:slug/login-history/not-me/confirm', async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    const { ctx, session } = page;
    const entry = await postedEntry(page);
    if (!entry) return;
    const reported = await reportSignInNotMine(ctx.db, { nowMs: site.nowMs, randomBytes: site.deps.randomBytes }, {
      institution: ctx.institution.slug,
      contractId: session.subject,
      policy: ctx.institution.policy,
      signInSeq: entry.seq,
    });
    // This session ended with every other one (the suspension's note is left under its cookie too).
    ctx.sessions.clearCookie();
    if (!reported.ok) {
      // entry_not_found cannot follow the check above but for a contract changed meanwhile: the
      // contract is no longer active (the branch, or another report, suspended it first).
      return sendMessage(ctx, { status: 409, title: T.notMeNotActiveTitle, lines: [T.notMeNotActive], kind: 'warn', withSupport: true });
    }
    return sendMessage(ctx, { status: 200, title: T.notMeDoneTitle, lines: [T.notMeDone, T.notMeDoneNext], kind: 'warn', withSupport: true });
  });
}
