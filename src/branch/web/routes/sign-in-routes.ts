// Operator sign-in: ID + password → (token enrolled) one-time password, or (first sign-in) the
// enrolment of the operator's own token → the menu. A new session id at every step.
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../../audit/audit-log.js';
import type { Text } from '../../../web/i18n.js';
import { checkWithinAddressLimit } from '../../../web/sign-in-address-limit.js';
import { registerCodeStep, registerFirstStep, registerStep } from '../../../web/sign-in-step.js';
import type { OperatorSessionStage } from '../../../identity/identity.tables.js';
import { OPERATOR } from '../../../identity/principals.js';
import { nextSignInStep, type SignInSequence } from '../../../identity/sign-in-sequence.js';
import { deleteSession } from '../../../identity/sessions.js';
import { checkOperatorPassword, enrolOperatorToken, verifyOperatorCode, type OperatorCodeFailure } from '../../operator-sign-in.js';
import { operatorActor } from '../../operators.js';
import {
  formBody,
  openConsole,
  queryOf,
  redirectTo,
  sendCsrfRejected,
  sendMessage,
  sendPage,
  sessionCsrfOk,
  stepSite,
  stepUp,
  type Console,
  type ConsoleContext,
  type OperatorSession,
} from '../console-context.js';
import { readCode, readLogin, readPassword, readSerialField } from '../form-fields.js';
import { C } from '../messages.js';
import type { FieldErrors } from '../views/common-views.js';
import { enrolView, loginView, otpView } from '../views/sign-in-views.js';

function showLogin(ctx: ConsoleContext, input: { status?: number; errors?: FieldErrors; formError?: Text[]; info?: Text; login?: string } = {}) {
  return sendPage(ctx, { status: input.status ?? 200, title: C.loginTitle, togglePath: ctx.base, body: loginView(ctx, { csrf: ctx.sessions.preSessionToken(), ...input }) });
}

/** What a failed code means on the form; the lock ends the session and shows its own page. */
async function codeFailureForm(ctx: ConsoleContext, failure: OperatorCodeFailure): Promise<{ status: number; formError: Text[]; errors: FieldErrors } | undefined> {
  switch (failure.reason) {
    case 'wrong_code':
      return { status: 401, formError: failure.warn ? [C.wrongCode, C.wrongCodeWarn] : [C.wrongCode], errors: { code: C.wrongCode } };
    case 'throttled':
      return { status: 429, formError: [C.throttled], errors: {} };
    case 'locked':
    case 'token_unusable':
    case 'no_token': {
      ctx.sessions.clearCookie();
      sendMessage(ctx, { status: failure.reason === 'locked' ? 423 : 409, title: C.loginTitle, lines: [failure.reason === 'locked' ? C.operatorLocked : C.tokenUnusable], kind: 'error' });
      return undefined;
    }
  }
}

/**
 * A right code whose session could not be issued: the operator was locked meanwhile (a wrong
 * password or code counted at the same moment), or the session of the step before was ended
 * (an administrator reset the token). Nothing was issued: sign in again.
 */
function signInEndedMeanwhile(ctx: ConsoleContext) {
  ctx.sessions.clearCookie();
  return sendMessage(ctx, { status: 409, title: C.loginTitle, lines: [C.signInEnded], kind: 'error' });
}

/**
 * The console's sign-in (src/identity/sign-in-sequence.ts): password, then the operator's
 * one-time password — or, at the first sign-in, the enrolment of the operator's token — then
 * the home page. Operators are never made to change their password at sign-in.
 */
const SIGN_IN = {
  one_time_code: { stage: 'password_verified', path: 'login/otp' },
  enrolment: { stage: 'enrolment', path: 'login/enrol' },
  signed_in: { stage: 'signed_in', path: 'home' },
} as const satisfies SignInSequence<OperatorSessionStage, string>;

export function registerSignInRoutes(scope: FastifyInstance, console: Console): void {
  scope.get('/branch/:slug', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (ctx) redirectTo(ctx, '');
  });

  scope.get('/branch/:slug/', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const lookup = await ctx.sessions.current();
    if (lookup.ok && lookup.session.stage === 'signed_in') return redirectTo(ctx, 'home');
    const query = queryOf(ctx);
    const info = query.timeout === '1' ? C.timedOut : query.logout === '1' ? C.loggedOut : undefined;
    return showLogin(ctx, info ? { info } : {});
  });

  registerFirstStep(scope, stepSite(console), {
    path: '/branch/:slug/login',
    submit: async (ctx, body) => {
      const errors: FieldErrors = {};
      const login = readLogin(body, errors);
      const password = readPassword(body, errors);
      if (login === undefined || password === undefined) return showLogin(ctx, { status: 400, errors, ...(login ? { login } : {}) });
      // Behind the limit per client address (src/web/sign-in-address-limit.ts), counted apart from
      // the bank site's: over it, the 429 page, and the password is not checked at all.
      const limited = await checkWithinAddressLimit(
        ctx.db,
        { site: 'branch', institution: ctx.institution.slug, clientAddress: ctx.request.ip, policy: ctx.institution.policy, nowMs: console.nowMs() },
        () => checkOperatorPassword(ctx.db, { hasher: console.deps.hasher, nowMs: console.nowMs }, { institution: ctx.institution.slug, login, password }),
      );
      if (!limited.allowed) {
        ctx.reply.header('retry-after', String(limited.retryAfterSeconds));
        return sendMessage(ctx, { status: 429, title: C.tooManyAttemptsTitle, lines: [C.tooManyAttempts], kind: 'error' });
      }
      const checked = limited.checked;
      if (!checked.ok) return showLogin(ctx, { status: 401, formError: [C.loginFailed], login });
      if (checked.otpLocked) return sendMessage(ctx, { status: 423, title: C.loginTitle, lines: [C.operatorLocked], kind: 'error' });
      const previous = await ctx.sessions.current();
      const next = await nextSignInStep(SIGN_IN, 'password', { subject: login, hasToken: checked.operator.token_binding_id !== null });
      const issued = await stepUp(ctx, {
        login,
        stage: next.stage,
        passwordHash: checked.operator.password_hash,
        ...(previous.ok ? { replacing: previous.session } : {}),
      });
      // Locked, or given another password, while this one was being checked: the answer that
      // password now gets.
      if (!issued) return showLogin(ctx, { status: 401, formError: [C.loginFailed], login });
      return redirectTo(ctx, next.path);
    },
  });

  registerCodeStep(scope, stepSite(console), {
    path: `/branch/:slug/${SIGN_IN.one_time_code.path}`,
    stages: [SIGN_IN.one_time_code.stage],
    form: (ctx, session, again) =>
      sendPage(ctx, { status: again?.status ?? 200, title: C.otpTitle, ...(again ? { togglePath: `${ctx.base}${SIGN_IN.one_time_code.path}` } : {}), body: otpView(ctx, { csrf: session.csrfToken, ...again }) }),
    readCode,
    check: (ctx: ConsoleContext, session: OperatorSession, code: string) =>
      verifyOperatorCode(ctx.db, { authority: ctx.authority(), nowMs: console.nowMs }, { institution: ctx.institution.slug, login: session.subject, code }),
    passed: async (ctx, session, checked) => {
      const next = await nextSignInStep(SIGN_IN, 'one_time_code', { subject: session.subject, hasToken: true });
      const issued = await stepUp(ctx, { login: session.subject, stage: next.stage, previous: session, audit: { action: 'operator_signed_in', details: { timeStep: checked.timeStep } } });
      return issued ? redirectTo(ctx, next.path) : signInEndedMeanwhile(ctx);
    },
    refused: codeFailureForm,
  });

  registerStep(scope, stepSite(console), {
    path: `/branch/:slug/${SIGN_IN.enrolment.path}`,
    stages: [SIGN_IN.enrolment.stage],
    show: (ctx, session) => sendPage(ctx, { title: C.enrolTitle, body: enrolView(ctx, { csrf: session.csrfToken }) }),
    submit: async (ctx, session, body) => {
      const errors: FieldErrors = {};
      const serial = readSerialField(body, errors);
      const code = readCode(body, errors);
      const show = (status: number, state: { errors?: FieldErrors; formError?: Text[] }) =>
        sendPage(ctx, { status, title: C.enrolTitle, togglePath: `${ctx.base}${SIGN_IN.enrolment.path}`, body: enrolView(ctx, { csrf: session.csrfToken, ...state }) });
      if (serial === undefined || code === undefined) return show(400, { errors });
      const result = await enrolOperatorToken(ctx.db, { authority: ctx.authority(), nowMs: console.nowMs }, { institution: ctx.institution.slug, login: session.subject, serial, code });
      if (result.ok) {
        const next = await nextSignInStep(SIGN_IN, 'enrolment', { subject: session.subject, hasToken: true });
        const issued = await stepUp(ctx, { login: session.subject, stage: next.stage, previous: session, audit: { action: 'operator_signed_in', details: { enrolled: result.serial } } });
        return issued ? redirectTo(ctx, next.path) : signInEndedMeanwhile(ctx);
      }
      switch (result.reason) {
        case 'unknown_serial':
          return show(400, { errors: { serial: C.unknownSerial }, formError: [C.unknownSerial] });
        case 'already_enrolled':
          // Another tab enrolled meanwhile: sign in again with that token.
          await deleteSession(ctx.db, OPERATOR, session.idHash);
          ctx.sessions.clearCookie();
          return redirectTo(ctx, '');
        default: {
          const shown = await codeFailureForm(ctx, result);
          if (shown) return show(shown.status, shown);
        }
      }
    },
  });

  scope.post('/branch/:slug/logout', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const lookup = await ctx.sessions.current();
    if (!lookup.ok) {
      ctx.sessions.clearCookie();
      return redirectTo(ctx, '');
    }
    const session = lookup.session;
    // A forged logout (no token) must not even clear the cookie.
    if (!sessionCsrfOk(session, formBody(ctx))) return sendCsrfRejected(ctx);
    ctx.sessions.clearCookie();
    await ctx.db.transaction().execute(async (trx) => {
      await deleteSession(trx, OPERATOR, session.idHash);
      await appendAudit(trx, { chain: ctx.institution.slug, at: console.nowMs(), actor: operatorActor(session.subject), action: 'operator_signed_out', subject: session.subject });
    });
    return redirectTo(ctx, '', { logout: '1' });
  });
}
