// Per request: which institution (from the path), which language, the session behind the
// cookie, and how to answer (a page, a redirect to a fixed path of this site, a cookie).
// Redirect targets are built from constants and the institution's validated slug only, never
// from input, so there is no open redirect.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../../audit/audit-log.js';
import type { Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import type { AuthorityClient } from '../../authority/authority-client.js';
import { findCustomer, type Customer } from '../../banking/customers.js';
import type { CustomerSessionStage, SessionEndCause } from '../../identity/identity.tables.js';
import { CUSTOMER } from '../../identity/principals.js';
import type { IssuedSession, Session, SessionData, SessionLookup } from '../../identity/sessions.js';
import { stepUp as stepUpPrincipal } from '../../identity/step-up.js';
import { PRE_SESSION_COOKIE } from '../csrf.js';
import { asFormBody, type FormBody } from '../form-input.js';
import type { SafeHtml } from '../html.js';
import { toggleFor, toggleLink } from '../language-toggle.js';
import { openSiteRequest, type OpenedRequest } from '../site-request.js';
import type { StepSite } from '../sign-in-step.js';
import { sessionCsrfOk, type SessionSite } from '../site-sessions.js';
import type { Text } from '../i18n.js';
import { basePath, layout, type SessionEnd } from './layout.js';
import { T } from './messages.js';
import type { Site } from './site.js';
import { messagePage, standalonePage } from './views/message-views.js';

export const SESSION_COOKIE = 'mamori_session';

/** A customer's session at the bank site. */
export type CustomerSession = Session<CustomerSessionStage>;

/** The bank site's sessions are customers'; its pre-session forms use `mamori_pre`. */
const SESSIONS: SessionSite<CustomerSessionStage> = { kind: CUSTOMER, cookie: SESSION_COOKIE, preSessionCookie: PRE_SESSION_COOKIE };

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
  | 'password'
  | 'password/login'
  | 'password/confirmation'
  | 'login-history'
  | 'email'
  | 'email/code'
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

/** What the main page says on arrival: the fixed value of `?done=` in the redirect to it (main-routes.ts). */
export const MAIN_DONE = { passwordChanged: 'password' } as const;

export interface PageContext extends OpenedRequest<CustomerSessionStage> {
  readonly site: Site;
  authority(): AuthorityClient;
}

/** The context of a page request, or undefined after a 404 page has been sent. */
export async function openPage(site: Site, request: FastifyRequest, reply: FastifyReply): Promise<PageContext | undefined> {
  const opened = await openSiteRequest(request, reply, {
    db: site.deps.database.db,
    secureCookies: site.deps.secureCookies ?? false,
    nowMs: site.nowMs,
    randomBytes: site.deps.randomBytes,
    base: (slug) => basePath({ slug }),
    notFoundPage: (lang) => standalonePage(lang, T.notFoundTitle, [T.notFound]),
    sessions: SESSIONS,
  });
  return opened && { ...opened, site, authority: () => site.deps.authorityFor(opened.institution.slug) };
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
  session?: CustomerSession; // signed-in pages (and the forced password change): shows 「ログアウト」 and when the session ends
  /** The body shows the support centre in a box: the footer leaves it out. */
  supportInBody?: boolean;
}

/** The keep-alive's answer: the session's new end, epoch ms (read by /assets/session-timer.js). */
export const SESSION_ENDS_AT_HEADER = 'Mamori-Session-Ends-At';

/** The stages whose pages show 「ログアウト」 and the idle timeout, and which the keep-alive keeps. */
export const SIGNED_IN_PAGE_STAGES: readonly CustomerSessionStage[] = ['signed_in', 'password_change'];

/**
 * When the session ends if nothing more is asked of the site: its last touch plus the idle
 * timeout, never after its absolute end (src/identity/sessions.ts findLiveSession), by the
 * site's clock.
 */
export function sessionEndOf(ctx: PageContext, session: CustomerSession): SessionEnd {
  const policy = ctx.institution.policy;
  const idleMs = policy.sessionIdleMinutes * 60_000;
  const endsAtMs = Math.min(session.lastSeenAt + idleMs, session.startedAt + policy.sessionAbsoluteHours * 3600_000);
  return {
    endsAtMs,
    remainingMs: Math.max(0, endsAtMs - ctx.site.nowMs()),
    idleMs,
    keepAliveUrl: `${ctx.base}session/keep-alive`,
    loginUrl: `${ctx.base}?${LOGIN_NOTICE_QUERY.timeout}`,
  };
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
    ...(input.session && SIGNED_IN_PAGE_STAGES.includes(input.session.stage) ? { logoutCsrf: input.session.csrfToken, sessionEnd: sessionEndOf(ctx, input.session) } : {}),
    ...(input.supportInBody ? { supportInBody: true } : {}),
  });
  return ctx.reply.status(input.status ?? 200).type('text/html; charset=utf-8').send(page.value);
}

/** A page of one message with 「ログイン画面に戻る」. */
export function sendMessage(ctx: PageContext, input: { status: number; title: Text; lines: Text[]; kind: 'ok' | 'warn' | 'error' | 'info'; withSupport?: boolean }) {
  return sendPage(ctx, { status: input.status, title: input.title, body: messagePage(ctx, input), ...(input.withSupport ? { supportInBody: true } : {}) });
}

export function redirectTo(ctx: PageContext, path: SitePath, notice?: LoginNotice): FastifyReply {
  return ctx.reply.redirect(`${ctx.base}${path}${notice ? `?${LOGIN_NOTICE_QUERY[notice]}` : ''}`, 303);
}

// --- sessions -------------------------------------------------------------------------------

/**
 * The session if it is at one of `stages`; otherwise the login page (forced browsing past a
 * step not taken, an expired or missing session) and undefined.
 */
export async function requireStage(ctx: PageContext, stages: readonly CustomerSessionStage[]): Promise<CustomerSession | undefined> {
  const lookup = await ctx.sessions.current();
  if (lookup.ok && stages.includes(lookup.session.stage)) return lookup.session;
  if (lookup.ok && lookup.session.stage === 'password_change') {
    // A password the branch set must be replaced first: every other page leads back to the form.
    await redirectTo(ctx, 'password/change');
    return undefined;
  }
  // Only a dead session's cookie goes; a live one at another stage stays (the login page offers
  // a new sign-in, which replaces it).
  if (!lookup.ok) ctx.sessions.clearCookie();
  await redirectToLogin(ctx, lookup);
  return undefined;
}

/** A signed-in page of an active customer: the request, its session and the customer read fresh. */
export interface SignedInPage {
  ctx: PageContext;
  session: CustomerSession;
  customer: Customer;
}

/**
 * Opens a signed-in page: anything but a live `signed_in` session goes to the login page (as
 * requireStage says), and so does a contract that is gone or no longer active. Undefined once
 * that answer is sent.
 */
export async function openSignedInPage(site: Site, request: FastifyRequest, reply: FastifyReply): Promise<SignedInPage | undefined> {
  const ctx = await openPage(site, request, reply);
  if (!ctx) return undefined;
  const session = await requireStage(ctx, ['signed_in']);
  if (!session) return undefined;
  const customer = await findCustomer(ctx.db, ctx.institution.slug, session.subject);
  if (!customer || customer.status !== 'active') {
    ctx.sessions.clearCookie();
    await redirectTo(ctx, '');
    return undefined;
  }
  return { ctx, session, customer };
}

/** A POST of a signed-in form: its body, or undefined after the CSRF refusal page was sent. */
export async function signedInForm(page: SignedInPage): Promise<FormBody | undefined> {
  const body = formBody(page.ctx);
  if (sessionCsrfOk(page.session, body)) return body;
  await sendCsrfRejected(page.ctx);
  return undefined;
}

/** How the bank site opens a step's request, finds its session and refuses a forged form (sign-in-step.ts). */
export function stepSite(site: Site): StepSite<PageContext, CustomerSessionStage> {
  return { open: (request, reply) => openPage(site, request, reply), requireStage, csrfRejected: sendCsrfRejected };
}

/**
 * To the login page after a failed session lookup, saying why when we know: the session timed
 * out, or the branch ended it (suspension, token reissue, password reset) — the note the branch
 * left under the hash of this very cookie (src/identity/sessions.ts).
 */
export async function redirectToLogin(ctx: PageContext, lookup: SessionLookup): Promise<FastifyReply> {
  if (!lookup.ok && lookup.reason === 'expired') return redirectTo(ctx, '', 'timeout');
  const ended = lookup.ok ? undefined : await ctx.sessions.endNote();
  return redirectTo(ctx, '', ended);
}

type StepUpInput = {
  contractId: string;
  stage: CustomerSessionStage;
  data?: SessionData;
  audit?: Omit<AuditEntry, 'chain' | 'at' | 'actor' | 'subject'>;
  /** Written in the issuing transaction once the session is issued (src/identity/step-up.ts). */
  withIssued?: (trx: Transaction<Schema>) => Promise<void>;
} & (
  | {
      /** Right after the password check: the hash it verified (the password must still be it). */
      passwordHash: string;
      /** This browser's session of before, if any: replaced, whatever became of it. */
      replacing?: CustomerSession;
      previous?: never;
    }
  | {
      /** The session of the step before, which proved what this one builds on: it must still be live. */
      previous: CustomerSession;
      passwordHash?: never;
      replacing?: never;
    }
);

/**
 * Moves to a new stage under a NEW session id (the old row goes in the same transaction).
 * Undefined, and nothing issued, when since this request checked it the contract was suspended
 * or locked by wrong passwords, its login password was reset or changed, or the session of the
 * step before was ended (by the branch, a lock, a password change): all of those end every
 * session, and one issued after them would outlive them (src/identity/step-up.ts).
 */
export function stepUp(ctx: PageContext, input: StepUpInput): Promise<IssuedSession<CustomerSessionStage> | undefined> {
  return issueStepUp(ctx, input, false);
}

/**
 * stepUp after a right one-time password: issued only while the contract is not OTP-locked,
 * decided in the issuing transaction, so that a lock counted at the same moment (a burst of
 * wrong codes) either came first — undefined, nothing issued — or ends this session as well.
 * Undefined too, like stepUp, after a suspension or a password lock.
 */
export function stepUpUnlessOtpLocked(ctx: PageContext, input: StepUpInput): Promise<IssuedSession<CustomerSessionStage> | undefined> {
  return issueStepUp(ctx, input, true);
}

async function issueStepUp(ctx: PageContext, input: StepUpInput, unlessOtpLocked: boolean): Promise<IssuedSession<CustomerSessionStage> | undefined> {
  const policy = ctx.institution.policy;
  const issued = await stepUpPrincipal(ctx.db, CUSTOMER, {
    institution: ctx.institution.slug,
    subject: input.contractId,
    stage: input.stage,
    nowMs: ctx.site.nowMs(),
    randomBytes: ctx.site.deps.randomBytes,
    hold: {
      active: true,
      passwordLockThreshold: policy.passwordLockThreshold,
      ...(unlessOtpLocked ? { otpLockThreshold: policy.otpLockThreshold } : {}),
      ...(input.passwordHash !== undefined ? { passwordHash: input.passwordHash } : {}),
    },
    ...(input.data ? { data: input.data } : {}),
    ...(input.audit ? { audit: input.audit } : {}),
    ...(input.withIssued ? { withIssued: input.withIssued } : {}),
    ...(input.previous ? { previous: input.previous } : input.replacing ? { replacing: input.replacing } : {}),
  });
  if (issued) ctx.sessions.setCookie(issued.token);
  return issued;
}

// --- CSRF -----------------------------------------------------------------------------------

export { sessionCsrfOk } from '../site-sessions.js';

export function sendCsrfRejected(ctx: PageContext) {
  return sendMessage(ctx, { status: 403, title: T.csrfTitle, lines: [T.csrf], kind: 'error' });
}
