// ログイン: 契約者ID + ログインパスワード → (token registered) ワンタイムパスワード → メイン (or, while the
// password is one the branch set, only ログインパスワードの変更: password-change-routes.ts).
import type { FastifyInstance } from 'fastify';
import { signInEnvironmentOf } from '../../sign-in-address-limit.js';
import { completedSignIn } from './completed-sign-in.js';
import { findCustomer } from '../../../banking/customers.js';
import { isOtpLocked } from '../../../banking/fail-counters.js';
import type { CustomerSessionStage } from '../../../identity/identity.tables.js';
import { isPasswordChangeRequired } from '../../../identity/password-change-requirement.js';
import { nextSignInStep, type NextStep, type SignInSequence, type StepPlace } from '../../../identity/sign-in-sequence.js';
import { CUSTOMER } from '../../../identity/principals.js';
import { deleteSession } from '../../../identity/sessions.js';
import { verifyCustomerCode } from '../../../banking/verify-customer-code.js';
import { appendAudit } from '../../../audit/audit-log.js';
import { AuthorityUnavailableError } from '../../../authority/authority-client.js';
import type { CodeCheck } from '../../../banking/verify-customer-code.js';
import { metrics, type LoginOutcome } from '../../../observability/mamori-metrics.js';
import { readCode, readCredentials } from '../form-readers.js';
import { T } from '../messages.js';
import { sendChangedMeanwhile, sendLockedPage, showCodeFailure } from '../outcome-pages.js';
import { checkPasswordStep } from '../password-step.js';
import {
  formBody,
  LOGIN_NOTICE_QUERY,
  openPage,
  redirectTo,
  redirectToLogin,
  sendCsrfRejected,
  sendPage,
  SESSION_COOKIE,
  SESSION_ENDS_AT_HEADER,
  sessionEndOf,
  SIGNED_IN_PAGE_STAGES,
  sessionCsrfOk,
  stepSite,
  stepUp,
  stepUpUnlessOtpLocked,
  type CustomerSession,
  type LoginNotice,
  type PageContext,
  type SitePath,
} from '../page-context.js';
import { registerCodeStep, registerFirstStep } from '../../sign-in-step.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { loginView, otpView, sessionEndedNotice } from '../views/login-views.js';
import type { Text } from '../../i18n.js';
import type { SafeHtml } from '../../html.js';

function showLogin(ctx: PageContext, input: { status?: number; errors?: FieldErrors; formError?: Text[]; notice?: LoginNotice; contractId?: string } = {}) {
  const { notice, ...form } = input;
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.loginTitle,
    togglePath: '',
    ...(notice ? { toggleQuery: LOGIN_NOTICE_QUERY[notice] } : {}),
    // The branch's notices carry the support centre in a box (sessionEndedNotice).
    ...(notice && notice !== 'timeout' && notice !== 'logout' ? { supportInBody: true } : {}),
    body: loginView(ctx, { csrf: ctx.sessions.preSessionToken(), ...form, ...noticeOnLogin(ctx, notice) }),
  });
}

/** The notice a redirect of ours asked for: exactly one of the constant queries, else none. */
function loginNoticeOf(query: Record<string, unknown>): LoginNotice | undefined {
  if (query.timeout === '1') return 'timeout';
  if (query.logout === '1') return 'logout';
  switch (query.ended) {
    case 'suspended':
      return 'suspended';
    case 'token_reissued':
      return 'token_reissued';
    case 'password_reset':
      return 'password_reset';
    default:
      return undefined;
  }
}

function noticeOnLogin(ctx: PageContext, notice: LoginNotice | undefined): { info?: Text; ended?: SafeHtml } {
  switch (notice) {
    case undefined:
      return {};
    case 'timeout':
      return { info: T.timedOut };
    case 'logout':
      return { info: T.loggedOut };
    default:
      return { ended: sessionEndedNotice(ctx, notice) };
  }
}

/** The one-time-code step: its session's stage and its page (the route below is built from it). */
const ONE_TIME_CODE = { stage: 'password_verified', path: 'login/otp' } as const satisfies StepPlace<CustomerSessionStage, SitePath>;

/**
 * The bank site's sign-in (src/identity/sign-in-sequence.ts): password, then the one-time
 * password when a token is registered; then, while the password is one the branch set (initial
 * or reset), only the password change, at a stage no other page accepts; then the main page.
 */
function signInSequence(ctx: PageContext): SignInSequence<CustomerSessionStage, SitePath> {
  return {
    one_time_code: ONE_TIME_CODE,
    password_change: {
      stage: 'password_change',
      path: 'password/change',
      required: (contractId) => isPasswordChangeRequired(ctx.db, { institution: ctx.institution.slug, contractId }),
    },
    signed_in: { stage: 'signed_in', path: 'main' },
  };
}

/** What the audit entry of a completed sign-in says of the step it leads to. */
function signedInDetails(next: NextStep<CustomerSessionStage, SitePath>): Record<string, boolean> {
  return next.step === 'password_change' ? { passwordChangeRequired: true } : {};
}

/**
 * The credentials of a sign-in all proven: the environment goes into its audit record
 * (ログイン履歴) at once; the browser, the ログイン通知 and the device cookie only where the
 * sign-in completes — here when the next step is the main page, else after the forced password
 * change (completed-sign-in.ts).
 */
function provenSignIn(ctx: PageContext, contractId: string, next: NextStep<CustomerSessionStage, SitePath>) {
  const completed = completedSignIn(ctx, contractId);
  return next.step === 'signed_in' ? completed : { details: completed.details, withIssued: undefined, issued: () => undefined };
}

export function registerLoginRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (ctx) return redirectTo(ctx, '');
  });

  scope.get('/ib/:slug/', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const notice = loginNoticeOf(request.query as Record<string, unknown>);
    return showLogin(ctx, notice ? { notice } : {});
  });

  registerFirstStep(scope, stepSite(site), {
    path: '/ib/:slug/login',
    submit: async (ctx, body) => {
      const credentials = readCredentials(body);
      if (!credentials.ok) return showLogin(ctx, { status: 400, errors: credentials.errors, ...(credentials.contractIdEcho ? { contractId: credentials.contractIdEcho } : {}) });
      const { contractId, password } = credentials.value;
      const checked = await checkPasswordStep(ctx, { contractId, password, path: 'login' });
      if (!checked) {
        metrics.logins.inc({ outcome: 'address_limited' });
        return;
      }
      if (!checked.ok) {
        metrics.logins.inc({ outcome: 'password_failed' });
        return showLogin(ctx, { status: 401, formError: [T.loginFailed], contractId });
      }
      if (checked.otpLocked) {
        metrics.logins.inc({ outcome: 'locked' });
        return sendLockedPage(ctx);
      }
      const previous = await ctx.sessions.current();
      const hasToken = checked.customer.token_binding_id !== null;
      const next = await nextSignInStep(signInSequence(ctx), 'password', { subject: contractId, hasToken });
      const completed = next.step !== 'one_time_code' ? provenSignIn(ctx, contractId, next) : undefined;
      const issued = await stepUp(ctx, {
        contractId,
        stage: next.stage,
        passwordHash: checked.customer.login_password_hash,
        ...(previous.ok ? { replacing: previous.session } : {}),
        ...(completed ? { audit: { action: 'signed_in', details: { otp: false, ...signedInDetails(next), ...completed.details } } } : {}),
        ...(completed?.withIssued ? { withIssued: completed.withIssued } : {}),
      });
      if (!issued) {
        // Suspended, locked by wrong passwords, or given another password (a reset at the branch)
        // while the password was being checked: the answer such a contract — or that password —
        // gets, and no session outlives the suspension or the reset.
        metrics.logins.inc({ outcome: 'password_failed' });
        return showLogin(ctx, { status: 401, formError: [T.loginFailed], contractId });
      }
      completed?.issued();
      if (!hasToken) metrics.logins.inc({ outcome: 'success' });
      return redirectTo(ctx, next.path);
    },
  });

  registerCodeStep(scope, stepSite(site), {
    path: `/ib/:slug/${ONE_TIME_CODE.path}`,
    stages: [ONE_TIME_CODE.stage],
    form: (ctx, session, again) =>
      sendPage(ctx, { status: again?.status ?? 200, title: T.otpTitle, ...(again ? { togglePath: ONE_TIME_CODE.path } : {}), body: otpView(ctx, { csrf: session.csrfToken, ...again }) }),
    readCode,
    check: (ctx: PageContext, session: CustomerSession, code: string) =>
      verifyCustomerCode(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
        institution: ctx.institution.slug,
        contractId: session.subject,
        policy: ctx.institution.policy,
        path: 'login',
        code,
        environment: signInEnvironmentOf(ctx.request),
      }).catch((error: unknown) => {
        if (error instanceof AuthorityUnavailableError) metrics.logins.inc({ outcome: 'unavailable' });
        throw error;
      }),
    passed: async (ctx, session, checked) => {
      const next = await nextSignInStep(signInSequence(ctx), 'one_time_code', { subject: session.subject, hasToken: true });
      // A burst of wrong codes may lock the contract after this code cleared the count: the
      // session is issued only if no lock came first, and a later lock ends it (src/identity/attempts.ts).
      const completed = provenSignIn(ctx, session.subject, next);
      const issued = await stepUpUnlessOtpLocked(ctx, {
        contractId: session.subject,
        stage: next.stage,
        previous: session,
        audit: { action: 'signed_in', details: { otp: true, timeStep: checked.timeStep, ...signedInDetails(next), ...completed.details } },
        ...(completed.withIssued ? { withIssued: completed.withIssued } : {}),
      });
      if (issued) {
        completed.issued();
        metrics.logins.inc({ outcome: 'success' });
        return redirectTo(ctx, next.path);
      }
      // Nothing issued: locked by wrong codes meanwhile — or suspended, or locked by wrong
      // passwords, or this session was ended (the password reset at the branch), which this
      // page cannot tell apart without a look (start again, then).
      const now = await findCustomer(ctx.db, ctx.institution.slug, session.subject);
      if (now?.status === 'active' && isOtpLocked(now, ctx.institution.policy)) {
        metrics.logins.inc({ outcome: 'locked' });
        return sendLockedPage(ctx);
      }
      metrics.logins.inc({ outcome: 'token_unusable' });
      // The branch ended this session (a password reset, a token reissue): the login page says so.
      const ended = await ctx.sessions.endNote();
      if (ended) {
        ctx.sessions.clearCookie();
        return redirectTo(ctx, '', ended);
      }
      return sendChangedMeanwhile(ctx);
    },
    refused: (ctx, checked) => {
      metrics.logins.inc({ outcome: loginOutcomeOf(checked) });
      return showCodeFailure(ctx, checked);
    },
  });

  // 「ログインを延長する」 (/assets/session-timer.js): the session's touch, nothing else. The cookie
  // is the only credential a GET carries (SameSite=Strict: never from another site's page); a
  // session that is gone, expired or at another stage is 401 and changes nothing here.
  scope.get('/ib/:slug/session/keep-alive', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const lookup = await ctx.sessions.current();
    if (!lookup.ok || !SIGNED_IN_PAGE_STAGES.includes(lookup.session.stage)) return reply.status(401).send();
    return reply.status(204).header(SESSION_ENDS_AT_HEADER, String(sessionEndOf(ctx, lookup.session).endsAtMs)).send();
  });

  scope.post('/ib/:slug/logout', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const lookup = await ctx.sessions.current();
    if (!lookup.ok) {
      // Nothing to end. Without any session cookie the POST cannot be told from a forged one
      // (SameSite=Strict strips the cookie from a cross-site form): refuse it, touching nothing.
      if (request.cookies[SESSION_COOKIE] === undefined) return sendCsrfRejected(ctx);
      // A dead cookie (timed out, or ended by the branch) goes, and the login page says why.
      ctx.sessions.clearCookie();
      return redirectToLogin(ctx, lookup);
    }
    const session = lookup.session;
    // The CSRF token first: a forged logout changes nothing, not even this browser's cookie.
    if (!sessionCsrfOk(session, formBody(ctx))) return sendCsrfRejected(ctx);
    ctx.sessions.clearCookie();
    await ctx.db.transaction().execute(async (trx) => {
      await deleteSession(trx, CUSTOMER, session.idHash);
      await appendAudit(trx, { chain: ctx.institution.slug, at: site.nowMs(), actor: `customer:${session.subject}`, action: 'signed_out', subject: session.subject });
    });
    return redirectTo(ctx, '', 'logout');
  });
}

function loginOutcomeOf(checked: CodeCheck): LoginOutcome {
  if (checked.ok) return 'success';
  switch (checked.reason) {
    case 'wrong_code':
      return 'code_failed';
    case 'locked':
      return 'locked';
    case 'throttled':
      return 'throttled';
    case 'token_unusable':
    case 'no_token':
      return 'token_unusable';
  }
}
