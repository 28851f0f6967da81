// Per request: which institution (from the path), which language, the session behind the
// cookie, and how to answer (a page, a redirect to a fixed path of this site, a cookie).
// Redirect targets are built from constants and the institution's validated slug only, never
// from input, so there is no open redirect.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { appendAudit, type AuditEntry } from '../../audit/audit-log.js';
import type { AuthorityClient } from '../../authority/authority-client.js';
import type { SessionStage } from '../../banking/banking.tables.js';
import { holdWhileSignInAllowed } from '../../banking/customers.js';
import { findInstitution, type Institution } from '../../banking/institutions.js';
import { deleteSession, findLiveSession, issueSession, type IssuedSession, type Session, type SessionData, type SessionLookup } from '../../banking/sessions.js';
import type { SessionEndCause } from '../../branch/branch.tables.js';
import { findSessionEndNotice } from '../../branch/session-end-notices.js';
import type { Schema } from '../../db/schema.js';
import { cookieOptions } from '../cookies.js';
import { csrfTokensEqual, isCsrfTokenShape, newCsrfToken, PRE_SESSION_COOKIE, PRE_SESSION_MAX_AGE_SECONDS } from '../csrf.js';
import { asFormBody, type FormBody } from '../form-input.js';
import type { SafeHtml } from '../html.js';
import { languageSwitchOf, toggleFor, toggleLink } from '../language-toggle.js';
import { LANG_COOKIE, parseLang, pick, type Lang, type Text } from './i18n.js';
import { basePath, layout } from './layout.js';
import { T } from './messages.js';
import type { Site } from './site.js';
import { messagePage, standalonePage } from './views/message-views.js';

export const SESSION_COOKIE = 'mamori_session';

/** Every GET page of the site, relative to /ib/<slug>/: the only places we ever redirect to. */
export type SitePath =
  | ''
  | 'login/otp'
  | 'main'
  | 'register'
  | 'register/token'
  | 'deregister'
  | 'deregister/token'
  | 'exchange'
  | 'exchange/current'
  | 'exchange/new'
  | 'password/change'
  | 'help';

/**
 * What the login page says on arrival, as the fixed query of the redirect to it (one constant
 * per notice; the page shows a notice only for exactly these values, never text from the URL).
 */
export const LOGIN_NOTICE_QUERY = {
  timeout: 'timeout=1',
  logout: 'logout=1',
  suspended: 'ended=suspended',
  token_reissued: 'ended=token_reissued',
  password_reset: 'ended=password_reset',
} as const satisfies Record<'timeout' | 'logout' | SessionEndCause, string>;

export type LoginNotice = keyof typeof LOGIN_NOTICE_QUERY;

export interface PageContext {
  readonly site: Site;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly institution: Institution;
  readonly lang: Lang;
  readonly base: string;
  readonly db: Kysely<Schema>;
  authority(): AuthorityClient;
  t(text: Text): string;
}

/** The context of a page request, or undefined after a 404 page has been sent. */
export async function openPage(site: Site, request: FastifyRequest, reply: FastifyReply): Promise<PageContext | undefined> {
  const params = request.params as { slug?: string };
  const db = site.deps.database.db;
  const institution = params.slug === undefined ? undefined : await findInstitution(db, params.slug);
  // The toggle's choice: posted with the page's form (language-toggle.ts), or `?lang=` on a GET.
  const queryLang = languageSwitchOf(request) ?? parseLang((request.query as Record<string, unknown> | undefined)?.lang);
  const lang = queryLang ?? parseLang(request.cookies[LANG_COOKIE]) ?? 'ja';
  if (!institution) {
    await reply.status(404).type('text/html; charset=utf-8').send(standalonePage(lang, T.notFoundTitle, [T.notFound]).value);
    return undefined;
  }
  const base = basePath(institution);
  if (queryLang !== undefined && queryLang !== request.cookies[LANG_COOKIE]) {
    // A display preference, not account state: remembered for a year on this site only.
    reply.setCookie(LANG_COOKIE, queryLang, cookieOptions({ path: base, secure: site.deps.secureCookies ?? false, maxAgeSeconds: 365 * 86400 }));
  }
  return {
    site,
    request,
    reply,
    institution,
    lang,
    base,
    db,
    authority: () => site.deps.authorityFor(institution.slug),
    t: (text) => pick(lang, text),
  };
}

export function formBody(ctx: PageContext): FormBody {
  return asFormBody(ctx.request.body);
}

export interface PageInput {
  title: Text;
  body: SafeHtml;
  status?: number;
  /** The GET page of this step, for the language toggle of an answer to a POST without the page's form (language-toggle.ts). */
  togglePath?: SitePath;
  /** A fixed query the language toggle keeps (the login page's notice); never from input. */
  toggleQuery?: (typeof LOGIN_NOTICE_QUERY)[LoginNotice];
  session?: Session; // signed-in pages (and the forced password change): shows 「ログアウト」
}

export async function sendPage(ctx: PageContext, input: PageInput): Promise<FastifyReply> {
  // The login page's notice is kept by a link; every other page keeps its place (language-toggle.ts).
  const toggle =
    input.toggleQuery !== undefined
      ? toggleLink(ctx.base + (input.togglePath ?? ''), input.toggleQuery, ctx.lang)
      : toggleFor(ctx.request, { base: ctx.base, body: input.body, lang: ctx.lang, status: input.status ?? 200, ...(input.togglePath !== undefined ? { afterPost: ctx.base + input.togglePath } : {}) });
  const page = layout({
    institution: ctx.institution,
    lang: ctx.lang,
    title: ctx.t(input.title),
    body: input.body,
    toggle,
    ...(input.session?.stage === 'signed_in' || input.session?.stage === 'password_change' ? { logoutCsrf: input.session.csrfToken } : {}),
  });
  return ctx.reply.status(input.status ?? 200).type('text/html; charset=utf-8').send(page.value);
}

/** A page of one message with 「ログイン画面に戻る」. */
export function sendMessage(ctx: PageContext, input: { status: number; title: Text; lines: Text[]; kind: 'ok' | 'warn' | 'error' | 'info'; withSupport?: boolean }) {
  return sendPage(ctx, { status: input.status, title: input.title, body: messagePage(ctx, input) });
}

export function redirectTo(ctx: PageContext, path: SitePath, notice?: LoginNotice): FastifyReply {
  return ctx.reply.redirect(`${ctx.base}${path}${notice ? `?${LOGIN_NOTICE_QUERY[notice]}` : ''}`, 303);
}

// --- sessions -------------------------------------------------------------------------------

function sessionCookieOptions(ctx: PageContext) {
  return cookieOptions({ path: ctx.base, secure: ctx.site.deps.secureCookies ?? false });
}

export function setSessionCookie(ctx: PageContext, token: string): void {
  ctx.reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(ctx));
}

/**
 * Clears the session cookie this request presented — called where its session is dead (unknown,
 * expired, ended by the branch, a lock or logout). A request without the cookie clears nothing:
 * it is what a link or form on another site sends (SameSite=Strict withholds the cookie), and a
 * clearing Set-Cookie in its answer would end the customer's live session in their browser.
 */
export function clearSessionCookie(ctx: PageContext): void {
  if (ctx.request.cookies[SESSION_COOKIE] === undefined) return;
  ctx.reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
}

/** The live session, if any (expired ones are deleted and reported). */
export async function currentSession(ctx: PageContext) {
  return findLiveSession(ctx.db, {
    institution: ctx.institution.slug,
    token: ctx.request.cookies[SESSION_COOKIE],
    nowMs: ctx.site.nowMs(),
    policy: ctx.institution.policy,
  });
}

/**
 * The session if it is at one of `stages`; otherwise the login page (forced browsing past a
 * step not taken, an expired or missing session) and undefined.
 */
export async function requireStage(ctx: PageContext, stages: readonly SessionStage[]): Promise<Session | undefined> {
  const lookup = await currentSession(ctx);
  if (lookup.ok && stages.includes(lookup.session.stage)) return lookup.session;
  if (lookup.ok && lookup.session.stage === 'password_change') {
    // A password the branch set must be replaced first: every other page leads back to the form.
    await redirectTo(ctx, 'password/change');
    return undefined;
  }
  // Only a dead session's cookie goes; a live one at another stage stays (the login page offers
  // a new sign-in, which replaces it).
  if (!lookup.ok) clearSessionCookie(ctx);
  await redirectToLogin(ctx, lookup);
  return undefined;
}

/**
 * To the login page after a failed session lookup, saying why when we know: the session timed
 * out, or the branch ended it (suspension, token reissue, password reset) — the note the branch
 * left under the hash of this very cookie (src/branch/session-end-notices.ts).
 */
export async function redirectToLogin(ctx: PageContext, lookup: SessionLookup): Promise<FastifyReply> {
  if (!lookup.ok && lookup.reason === 'expired') return redirectTo(ctx, '', 'timeout');
  const ended = lookup.ok
    ? undefined
    : await findSessionEndNotice(ctx.db, { institution: ctx.institution.slug, token: ctx.request.cookies[SESSION_COOKIE], nowMs: ctx.site.nowMs() });
  return redirectTo(ctx, '', ended);
}

type StepUpInput = { contractId: string; stage: SessionStage; data?: SessionData; audit?: Omit<AuditEntry, 'chain' | 'at' | 'actor' | 'subject'> } & (
  | {
      /** Right after the password check: the hash it verified (the password must still be it). */
      passwordHash: string;
      /** This browser's session of before, if any: replaced, whatever became of it. */
      replacing?: Session;
      previous?: never;
    }
  | {
      /** The session of the step before, which proved what this one builds on: it must still be live. */
      previous: Session;
      passwordHash?: never;
      replacing?: never;
    }
);

/**
 * Moves to a new stage under a NEW session id (the old row goes in the same transaction).
 * Undefined, and nothing issued, when since this request checked it the contract was suspended
 * or locked by wrong passwords (see holdWhileSignInAllowed), its login password was reset or
 * changed, or the session of the step before was ended (by the branch, a lock, a password
 * change): all of those end every session, and one issued after them would outlive them.
 */
export function stepUp(ctx: PageContext, input: StepUpInput): Promise<IssuedSession | undefined> {
  return issueStepUp(ctx, input);
}

/**
 * stepUp after a right one-time password: issued only while the contract is not OTP-locked,
 * decided in the issuing transaction, so that a lock counted at the same moment (a burst of
 * wrong codes) either came first — undefined, nothing issued — or ends this session as well.
 * Undefined too, like stepUp, after a suspension or a password lock.
 */
export function stepUpUnlessOtpLocked(ctx: PageContext, input: StepUpInput): Promise<IssuedSession | undefined> {
  return issueStepUp(ctx, input, { unlessOtpLocked: true });
}

async function issueStepUp(ctx: PageContext, input: StepUpInput, hold: { unlessOtpLocked?: boolean } = {}): Promise<IssuedSession | undefined> {
  const nowMs = ctx.site.nowMs();
  const target = { institution: ctx.institution.slug, contractId: input.contractId, policy: ctx.institution.policy };
  const issued = await ctx.db.transaction().execute(async (trx) => {
    // One write holds the contract's row for every condition of a sign-in.
    if (!(await holdWhileSignInAllowed(trx, target, { ...hold, ...(input.passwordHash !== undefined ? { passwordHash: input.passwordHash } : {}) }))) return undefined;
    // Then the step before must still be live: a password reset or change, a token reissue, a
    // suspension or a lock ends every session of the contract, and what builds on one goes too.
    if (input.previous && !(await deleteSession(trx, input.previous.idHash))) return undefined;
    const result = await issueSession(trx, {
      institution: ctx.institution.slug,
      contractId: input.contractId,
      stage: input.stage,
      nowMs,
      randomBytes: ctx.site.deps.randomBytes,
      ...(input.data ? { data: input.data } : {}),
      ...(input.previous ? { previous: input.previous } : input.replacing ? { previous: input.replacing } : {}),
    });
    if (input.audit) {
      await appendAudit(trx, {
        ...input.audit,
        chain: ctx.institution.slug,
        at: nowMs,
        actor: `customer:${input.contractId}`,
        subject: input.contractId,
      });
    }
    return result;
  });
  if (issued) setSessionCookie(ctx, issued.token);
  return issued;
}

// --- CSRF -----------------------------------------------------------------------------------

/** The double-submit token of the pre-login forms, set in its cookie when missing. */
export function preSessionToken(ctx: PageContext): string {
  const existing = ctx.request.cookies[PRE_SESSION_COOKIE];
  if (isCsrfTokenShape(existing)) return existing;
  const token = newCsrfToken(ctx.site.deps.randomBytes);
  ctx.reply.setCookie(
    PRE_SESSION_COOKIE,
    token,
    cookieOptions({ path: ctx.base, secure: ctx.site.deps.secureCookies ?? false, maxAgeSeconds: PRE_SESSION_MAX_AGE_SECONDS }),
  );
  return token;
}

export function preSessionCsrfOk(ctx: PageContext, body: FormBody): boolean {
  return csrfTokensEqual(ctx.request.cookies[PRE_SESSION_COOKIE], body.csrf);
}

export function sessionCsrfOk(session: Session, body: FormBody): boolean {
  return csrfTokensEqual(session.csrfToken, body.csrf);
}

export function sendCsrfRejected(ctx: PageContext) {
  return sendMessage(ctx, { status: 403, title: T.csrfTitle, lines: [T.csrf], kind: 'error' });
}
