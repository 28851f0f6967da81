// Per console request: which institution (from the path), which language, the operator behind
// the cookie, and how to answer. The console's cookies are its own — name `mamori_branch`, Path
// /branch/<slug>/ — and its sessions live in their own table, so a customer's session (cookie
// `mamori_session`, Path /ib/<slug>/, table `sessions`) can never reach a console page.
//
// Every signed-in request re-reads the operator row: a role changed or a lock set takes effect
// on the next click, and the permission check (permissions.ts) runs on the server every time.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { appendAudit, type AuditEntry } from '../../audit/audit-log.js';
import type { AuthorityClient } from '../../authority/authority-client.js';
import { findInstitution, type Institution } from '../../banking/institutions.js';
import type { PasswordHasher } from '../../banking/password-hasher.js';
import type { Database } from '../../db/database.js';
import type { Schema } from '../../db/schema.js';
import type { Clock, RandomBytes } from '../../shared/clock.js';
import { cookieOptions } from '../../web/cookies.js';
import { csrfTokensEqual, isCsrfTokenShape, newCsrfToken, PRE_SESSION_MAX_AGE_SECONDS } from '../../web/csrf.js';
import { asFormBody, type FormBody } from '../../web/form-input.js';
import type { SafeHtml } from '../../web/html.js';
import { languageSwitchOf, toggleFor } from '../../web/language-toggle.js';
import { LANG_COOKIE, parseLang, pick, type Lang, type Text } from '../../web/personal-web/i18n.js';
import type { OperatorSessionStage } from '../branch.tables.js';
import { isOperatorLocked } from '../operator-lock.js';
import { findLiveOperatorSession, issueOperatorSession, type OperatorSession } from '../operator-sessions.js';
import { findOperator, operatorActor, type Operator } from '../operators.js';
import { isAllowed, type ConsoleAction } from '../permissions.js';
import { consoleLayout, type NavItem } from './console-layout.js';
import { C } from './messages.js';
import { messageBody, standalonePage } from './views/common-views.js';

export const CONSOLE_SESSION_COOKIE = 'mamori_branch';
export const CONSOLE_PRE_SESSION_COOKIE = 'mamori_branch_pre';

export interface BranchConsoleDeps {
  database: Database;
  clock: Clock;
  randomBytes: RandomBytes;
  /** The authority as this institution's relying party (in-process, or HTTP with its API key). */
  authorityFor(institutionSlug: string): AuthorityClient;
  hasher: PasswordHasher;
  /** HMAC key of confirmation-password digit pairs (opening a contract stores them). */
  confirmationPepper: Uint8Array;
  /** Cookies get `Secure` (served behind TLS). */
  secureCookies?: boolean;
}

export interface Console {
  readonly deps: BranchConsoleDeps;
  nowMs(): number;
}

export interface ConsoleContext {
  readonly console: Console;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly institution: Institution;
  readonly lang: Lang;
  readonly base: string; // /branch/<slug>/
  readonly db: Kysely<Schema>;
  authority(): AuthorityClient;
  t(text: Text): string;
}

export interface SignedIn {
  session: OperatorSession;
  operator: Operator;
}

export function consoleBase(slug: string): string {
  return `/branch/${slug}/`;
}

/** The context of a console request, or undefined after a 404 page has been sent. */
export async function openConsole(console: Console, request: FastifyRequest, reply: FastifyReply): Promise<ConsoleContext | undefined> {
  const params = request.params as { slug?: string };
  const db = console.deps.database.db;
  const institution = params.slug === undefined ? undefined : await findInstitution(db, params.slug);
  // The toggle's choice: posted with the page's form (language-toggle.ts), or `?lang=` on a GET.
  const queryLang = languageSwitchOf(request) ?? parseLang((request.query as Record<string, unknown> | undefined)?.lang);
  const lang = queryLang ?? parseLang(request.cookies[LANG_COOKIE]) ?? 'ja';
  if (!institution) {
    await reply.status(404).type('text/html; charset=utf-8').send(standalonePage(lang, C.notFoundTitle, [C.notFound]).value);
    return undefined;
  }
  const base = consoleBase(institution.slug);
  if (queryLang !== undefined && queryLang !== request.cookies[LANG_COOKIE]) {
    reply.setCookie(LANG_COOKIE, queryLang, cookieOptions({ path: base, secure: console.deps.secureCookies ?? false, maxAgeSeconds: 365 * 86400 }));
  }
  return {
    console,
    request,
    reply,
    institution,
    lang,
    base,
    db,
    authority: () => console.deps.authorityFor(institution.slug),
    t: (text) => pick(lang, text),
  };
}

export function formBody(ctx: ConsoleContext): FormBody {
  return asFormBody(ctx.request.body);
}

export function queryOf(ctx: ConsoleContext): Record<string, unknown> {
  return (ctx.request.query as Record<string, unknown> | undefined) ?? {};
}

// --- pages ----------------------------------------------------------------------------------

export interface PageInput {
  title: Text;
  body: SafeHtml;
  status?: number;
  signedIn?: SignedIn;
  /** The GET page of this step, for the language toggle of an answer to a POST without the page's form (language-toggle.ts). */
  togglePath?: string;
  /** The print-ready customer card: no navigation around it. */
  bare?: boolean;
}

export function navigationFor(ctx: ConsoleContext, signedIn: SignedIn): NavItem[] {
  const role = signedIn.operator.role;
  const items: NavItem[] = [];
  if (isAllowed(role, 'view_customers')) items.push({ href: `${ctx.base}customers`, label: ctx.t(C.navCustomers) });
  if (isAllowed(role, 'decide_proposals') || isAllowed(role, 'unlock_otp')) items.push({ href: `${ctx.base}approvals`, label: ctx.t(C.navApprovals) });
  if (isAllowed(role, 'open_contract')) items.push({ href: `${ctx.base}contracts/new`, label: ctx.t(C.navOpenContract) });
  if (isAllowed(role, 'view_audit')) items.push({ href: `${ctx.base}audit`, label: ctx.t(C.navAudit) });
  if (isAllowed(role, 'manage_operators')) items.push({ href: `${ctx.base}operators`, label: ctx.t(C.navOperators) });
  return items;
}

export function sendPage(ctx: ConsoleContext, input: PageInput): FastifyReply {
  const page = consoleLayout({
    institution: ctx.institution,
    lang: ctx.lang,
    title: ctx.t(input.title),
    body: input.body,
    base: ctx.base,
    toggle: toggleFor(ctx.request, { base: ctx.base, body: input.body, lang: ctx.lang, status: input.status ?? 200, ...(input.togglePath !== undefined ? { afterPost: input.togglePath } : {}) }),
    bare: input.bare ?? false,
    ...(input.signedIn
      ? { operator: { login: input.signedIn.operator.login, role: input.signedIn.operator.role, csrf: input.signedIn.session.csrfToken }, nav: navigationFor(ctx, input.signedIn) }
      : {}),
  });
  return ctx.reply.status(input.status ?? 200).type('text/html; charset=utf-8').send(page.value);
}

export function sendMessage(
  ctx: ConsoleContext,
  input: { status: number; title: Text; lines: Text[]; kind: 'ok' | 'warn' | 'error' | 'info'; signedIn?: SignedIn },
): FastifyReply {
  return sendPage(ctx, {
    status: input.status,
    title: input.title,
    body: messageBody(ctx, { ...input, home: input.signedIn ? `${ctx.base}home` : ctx.base }),
    ...(input.signedIn ? { signedIn: input.signedIn } : {}),
  });
}

/**
 * Redirects within this institution's console. `path` is relative to the base and built only
 * from constants and validated identifiers (10-digit contract IDs, proposal ids), never from
 * raw input, so there is no open redirect.
 */
export function redirectTo(ctx: ConsoleContext, path: string, query?: Record<string, string>): FastifyReply {
  const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
  return ctx.reply.redirect(`${ctx.base}${path}${search}`, 303);
}

// --- sessions -------------------------------------------------------------------------------

function sessionCookieOptions(ctx: ConsoleContext) {
  return cookieOptions({ path: ctx.base, secure: ctx.console.deps.secureCookies ?? false });
}

/**
 * Clears the session cookie this request presented, where its session is dead. A request without
 * it clears nothing: a link or form on another site arrives without it (SameSite=Strict), and a
 * clearing Set-Cookie would end the operator's live session in their browser.
 */
export function clearSessionCookie(ctx: ConsoleContext): void {
  if (ctx.request.cookies[CONSOLE_SESSION_COOKIE] === undefined) return;
  ctx.reply.clearCookie(CONSOLE_SESSION_COOKIE, sessionCookieOptions(ctx));
}

export function currentSession(ctx: ConsoleContext) {
  return findLiveOperatorSession(ctx.db, {
    institution: ctx.institution.slug,
    token: ctx.request.cookies[CONSOLE_SESSION_COOKIE],
    nowMs: ctx.console.nowMs(),
    policy: ctx.institution.policy,
  });
}

/** The session if it is at one of `stages`; otherwise the login page and undefined. */
export async function requireStage(ctx: ConsoleContext, stages: readonly OperatorSessionStage[]): Promise<OperatorSession | undefined> {
  const lookup = await currentSession(ctx);
  if (lookup.ok && stages.includes(lookup.session.stage)) return lookup.session;
  if (!lookup.ok) clearSessionCookie(ctx); // a live session at another stage keeps its cookie
  redirectTo(ctx, '', !lookup.ok && lookup.reason === 'expired' ? { timeout: '1' } : undefined);
  return undefined;
}

/**
 * A signed-in operator of THIS institution who may do `action`: otherwise the login page
 * (no session, expired, locked meanwhile) or a 403 page, and undefined.
 */
export async function requireOperator(ctx: ConsoleContext, action?: ConsoleAction): Promise<SignedIn | undefined> {
  const session = await requireStage(ctx, ['signed_in']);
  if (!session) return undefined;
  const operator = await findOperator(ctx.db, ctx.institution.slug, session.login);
  if (!operator || isOperatorLocked(operator) || operator.token_binding_id === null) {
    await ctx.db.deleteFrom('operator_sessions').where('id_hash', '=', session.idHash).execute();
    clearSessionCookie(ctx);
    redirectTo(ctx, '');
    return undefined;
  }
  const signedIn = { session, operator };
  if (action !== undefined && !isAllowed(operator.role, action)) {
    ctx.request.log.warn({ operator: operator.login, role: operator.role, action }, 'console action refused by role');
    sendMessage(ctx, { status: 403, title: C.forbiddenTitle, lines: [C.forbidden], kind: 'error', signedIn });
    return undefined;
  }
  return signedIn;
}

/** requireOperator for a form post: also the session's CSRF token, else a 403 page. */
export async function requireOperatorPost(ctx: ConsoleContext, action?: ConsoleAction): Promise<{ signedIn: SignedIn; body: FormBody } | undefined> {
  const signedIn = await requireOperator(ctx, action);
  if (!signedIn) return undefined;
  const body = formBody(ctx);
  if (!csrfTokensEqual(signedIn.session.csrfToken, body.csrf)) {
    sendCsrfRejected(ctx, signedIn);
    return undefined;
  }
  return { signedIn, body };
}

/** Moves to a new stage under a NEW session id (the old row goes in the same transaction). */
export async function stepUp(
  ctx: ConsoleContext,
  input: { login: string; stage: OperatorSessionStage; previous?: OperatorSession; audit?: Pick<AuditEntry, 'action' | 'details'> },
): Promise<void> {
  const nowMs = ctx.console.nowMs();
  const issued = await ctx.db.transaction().execute(async (trx) => {
    // The operator's row, then the sessions, then the audit head: the order of every transaction
    // about an operator (operator-lock.ts), so that a sign-in and a wrong code counted at the same
    // moment queue on PostgreSQL instead of deadlocking (one of them got the 500 page).
    if (input.audit && input.stage === 'signed_in') {
      await trx.updateTable('operators').set({ last_sign_in_at: nowMs }).where('institution', '=', ctx.institution.slug).where('login', '=', input.login).execute();
    }
    const result = await issueOperatorSession(trx, {
      institution: ctx.institution.slug,
      login: input.login,
      stage: input.stage,
      nowMs,
      randomBytes: ctx.console.deps.randomBytes,
      ...(input.previous ? { previous: input.previous } : {}),
    });
    if (input.audit) {
      await appendAudit(trx, { ...input.audit, chain: ctx.institution.slug, at: nowMs, actor: operatorActor(input.login), subject: input.login });
    }
    return result;
  });
  ctx.reply.setCookie(CONSOLE_SESSION_COOKIE, issued.token, sessionCookieOptions(ctx));
}

// --- CSRF -----------------------------------------------------------------------------------

/** The double-submit token of the login form, set in its cookie when missing. */
export function preSessionToken(ctx: ConsoleContext): string {
  const existing = ctx.request.cookies[CONSOLE_PRE_SESSION_COOKIE];
  if (isCsrfTokenShape(existing)) return existing;
  const token = newCsrfToken(ctx.console.deps.randomBytes);
  ctx.reply.setCookie(
    CONSOLE_PRE_SESSION_COOKIE,
    token,
    cookieOptions({ path: ctx.base, secure: ctx.console.deps.secureCookies ?? false, maxAgeSeconds: PRE_SESSION_MAX_AGE_SECONDS }),
  );
  return token;
}

export function preSessionCsrfOk(ctx: ConsoleContext, body: FormBody): boolean {
  return csrfTokensEqual(ctx.request.cookies[CONSOLE_PRE_SESSION_COOKIE], body.csrf);
}

export function sessionCsrfOk(session: OperatorSession, body: FormBody): boolean {
  return csrfTokensEqual(session.csrfToken, body.csrf);
}

export function sendCsrfRejected(ctx: ConsoleContext, signedIn?: SignedIn): FastifyReply {
  return sendMessage(ctx, { status: 403, title: C.csrfTitle, lines: [C.csrf], kind: 'error', ...(signedIn ? { signedIn } : {}) });
}
