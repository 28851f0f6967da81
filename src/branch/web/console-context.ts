// Per console request: which institution (from the path), which language, the operator behind
// the cookie, and how to answer. The console's cookies are its own — name `mamori_branch`, Path
// /branch/<slug>/ — and its sessions live in their own table, so a customer's session (cookie
// `mamori_session`, Path /ib/<slug>/, table `sessions`) can never reach a console page.
//
// Every signed-in request re-reads the operator row: a role changed or a lock set takes effect
// on the next click, and the permission check (permissions.ts) runs on the server every time.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../../audit/audit-log.js';
import type { AuthorityClient } from '../../authority/authority-client.js';
import type { PasswordHasher } from '../../banking/password-hasher.js';
import type { Database } from '../../db/database.js';
import type { Clock, RandomBytes } from '../../shared/clock.js';
import type { OperatorSessionStage } from '../../identity/identity.tables.js';
import { OPERATOR } from '../../identity/principals.js';
import { deleteSession, type Session } from '../../identity/sessions.js';
import { stepUp as stepUpPrincipal } from '../../identity/step-up.js';
import { csrfTokensEqual } from '../../web/csrf.js';
import { asFormBody, type FormBody } from '../../web/form-input.js';
import type { SafeHtml } from '../../web/html.js';
import { toggleFor } from '../../web/language-toggle.js';
import type { Text } from '../../web/i18n.js';
import { openSiteRequest, type OpenedRequest } from '../../web/site-request.js';
import type { StepSite } from '../../web/sign-in-step.js';
import type { SessionSite } from '../../web/site-sessions.js';
import { isOperatorLocked, OPERATOR_LOCK_THRESHOLD } from '../operator-lock.js';
import { findOperator, type Operator } from '../operators.js';
import { isAllowed, type ConsoleAction } from '../permissions.js';
import { consoleLayout, type NavItem } from './console-layout.js';
import { C } from './messages.js';
import { messageBody, standalonePage } from './views/common-views.js';

export const CONSOLE_SESSION_COOKIE = 'mamori_branch';
export const CONSOLE_PRE_SESSION_COOKIE = 'mamori_branch_pre';

/** An operator's session at the console. */
export type OperatorSession = Session<OperatorSessionStage>;

/** The console's sessions are operators', under its own two cookies. */
const SESSIONS: SessionSite<OperatorSessionStage> = { kind: OPERATOR, cookie: CONSOLE_SESSION_COOKIE, preSessionCookie: CONSOLE_PRE_SESSION_COOKIE };

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

/** A console request: `base` is /branch/<slug>/. */
export interface ConsoleContext extends OpenedRequest<OperatorSessionStage> {
  readonly console: Console;
  authority(): AuthorityClient;
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
  const opened = await openSiteRequest(request, reply, {
    db: console.deps.database.db,
    secureCookies: console.deps.secureCookies ?? false,
    nowMs: () => console.nowMs(),
    randomBytes: console.deps.randomBytes,
    base: consoleBase,
    notFoundPage: (lang) => standalonePage(lang, C.notFoundTitle, [C.notFound]),
    sessions: SESSIONS,
  });
  return opened && { ...opened, console, authority: () => console.deps.authorityFor(opened.institution.slug) };
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

/** The session if it is at one of `stages`; otherwise the login page and undefined. */
export async function requireStage(ctx: ConsoleContext, stages: readonly OperatorSessionStage[]): Promise<OperatorSession | undefined> {
  const lookup = await ctx.sessions.current();
  if (lookup.ok && stages.includes(lookup.session.stage)) return lookup.session;
  if (!lookup.ok) ctx.sessions.clearCookie(); // a live session at another stage keeps its cookie
  redirectTo(ctx, '', !lookup.ok && lookup.reason === 'expired' ? { timeout: '1' } : undefined);
  return undefined;
}

/** How the console opens a step's request, finds its session and refuses a forged form (sign-in-step.ts). */
export function stepSite(console: Console): StepSite<ConsoleContext, OperatorSessionStage> {
  return { open: (request, reply) => openConsole(console, request, reply), requireStage, csrfRejected: (ctx) => sendCsrfRejected(ctx) };
}

/**
 * A signed-in operator of THIS institution who may do `action`: otherwise the login page
 * (no session, expired, locked meanwhile) or a 403 page, and undefined.
 */
export async function requireOperator(ctx: ConsoleContext, action?: ConsoleAction): Promise<SignedIn | undefined> {
  const session = await requireStage(ctx, ['signed_in']);
  if (!session) return undefined;
  const operator = await findOperator(ctx.db, ctx.institution.slug, session.subject);
  if (!operator || isOperatorLocked(operator) || operator.token_binding_id === null) {
    await deleteSession(ctx.db, OPERATOR, session.idHash);
    ctx.sessions.clearCookie();
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

/**
 * Moves to a new stage under a NEW session id (the old row goes in the same transaction), while
 * the operator is not locked — and, right after the password check, while the password is still
 * the one it verified; after a right code, while no code lock was counted meanwhile. Undefined,
 * and nothing issued, otherwise, or when the session of the step before was ended meanwhile
 * (src/identity/step-up.ts). Signing in records when the operator last did.
 */
export async function stepUp(
  ctx: ConsoleContext,
  input: { login: string; stage: OperatorSessionStage; audit?: Pick<AuditEntry, 'action' | 'details'> } & (
    | { passwordHash: string; replacing?: OperatorSession; previous?: never }
    | { previous: OperatorSession; passwordHash?: never; replacing?: never }
  ),
): Promise<boolean> {
  const nowMs = ctx.console.nowMs();
  const issued = await stepUpPrincipal(ctx.db, OPERATOR, {
    institution: ctx.institution.slug,
    subject: input.login,
    stage: input.stage,
    nowMs,
    randomBytes: ctx.console.deps.randomBytes,
    hold: {
      passwordLockThreshold: OPERATOR_LOCK_THRESHOLD,
      ...(input.previous ? { otpLockThreshold: OPERATOR_LOCK_THRESHOLD } : { passwordHash: input.passwordHash }),
    },
    ...(input.stage === 'signed_in'
      ? {
          alsoOnRow: async (trx) => {
            await trx.updateTable('operators').set({ last_sign_in_at: nowMs }).where('institution', '=', ctx.institution.slug).where('login', '=', input.login).execute();
          },
        }
      : {}),
    ...(input.audit ? { audit: input.audit } : {}),
    ...(input.previous ? { previous: input.previous } : input.replacing ? { replacing: input.replacing } : {}),
  });
  if (issued) ctx.sessions.setCookie(issued.token);
  return issued !== undefined;
}

// --- CSRF -----------------------------------------------------------------------------------

export { sessionCsrfOk } from '../../web/site-sessions.js';

export function sendCsrfRejected(ctx: ConsoleContext, signedIn?: SignedIn): FastifyReply {
  return sendMessage(ctx, { status: 403, title: C.csrfTitle, lines: [C.csrf], kind: 'error', ...(signedIn ? { signedIn } : {}) });
}
