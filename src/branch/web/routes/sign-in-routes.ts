// Operator sign-in: ID + password → (token enrolled) one-time password, or (first sign-in) the
// enrolment of the operator's own token → the menu. A new session id at every step.
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../../audit/audit-log.js';
import type { Text } from '../../../web/personal-web/i18n.js';
import { checkWithinAddressLimit } from '../../../web/sign-in-address-limit.js';
import { deleteOperatorSession } from '../../operator-sessions.js';
import { checkOperatorPassword, enrolOperatorToken, verifyOperatorCode, type OperatorCodeFailure } from '../../operator-sign-in.js';
import { operatorActor } from '../../operators.js';
import {
  clearSessionCookie,
  currentSession,
  formBody,
  openConsole,
  preSessionCsrfOk,
  preSessionToken,
  queryOf,
  redirectTo,
  requireStage,
  sendCsrfRejected,
  sendMessage,
  sendPage,
  sessionCsrfOk,
  stepUp,
  type Console,
  type ConsoleContext,
} from '../console-context.js';
import { readCode, readLogin, readPassword, readSerialField } from '../form-fields.js';
import { C } from '../messages.js';
import type { FieldErrors } from '../views/common-views.js';
import { enrolView, loginView, otpView } from '../views/sign-in-views.js';

function showLogin(ctx: ConsoleContext, input: { status?: number; errors?: FieldErrors; formError?: Text[]; info?: Text; login?: string } = {}) {
  return sendPage(ctx, { status: input.status ?? 200, title: C.loginTitle, togglePath: ctx.base, body: loginView(ctx, { csrf: preSessionToken(ctx), ...input }) });
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
      clearSessionCookie(ctx);
      sendMessage(ctx, { status: failure.reason === 'locked' ? 423 : 409, title: C.loginTitle, lines: [failure.reason === 'locked' ? C.operatorLocked : C.tokenUnusable], kind: 'error' });
      return undefined;
    }
  }
}

export function registerSignInRoutes(scope: FastifyInstance, console: Console): void {
  scope.get('/branch/:slug', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (ctx) redirectTo(ctx, '');
  });

  scope.get('/branch/:slug/', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const lookup = await currentSession(ctx);
    if (lookup.ok && lookup.session.stage === 'signed_in') return redirectTo(ctx, 'home');
    const query = queryOf(ctx);
    const info = query.timeout === '1' ? C.timedOut : query.logout === '1' ? C.loggedOut : undefined;
    return showLogin(ctx, info ? { info } : {});
  });

  scope.post('/branch/:slug/login', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const body = formBody(ctx);
    if (!preSessionCsrfOk(ctx, body)) return sendCsrfRejected(ctx);
    const errors: FieldErrors = {};
    const login = readLogin(body, errors);
    const password = readPassword(body, errors);
    if (login === undefined || password === undefined) return showLogin(ctx, { status: 400, errors, ...(login ? { login } : {}) });
    // Behind the limit per client address (src/web/sign-in-address-limit.ts), counted apart from
    // the bank site's: over it, the 429 page, and the password is not checked at all.
    const limited = await checkWithinAddressLimit(
      ctx.db,
      { site: 'branch', institution: ctx.institution.slug, clientAddress: request.ip, policy: ctx.institution.policy, nowMs: console.nowMs() },
      () => checkOperatorPassword(ctx.db, { hasher: console.deps.hasher, nowMs: console.nowMs }, { institution: ctx.institution.slug, login, password }),
    );
    if (!limited.allowed) {
      reply.header('retry-after', String(limited.retryAfterSeconds));
      return sendMessage(ctx, { status: 429, title: C.tooManyAttemptsTitle, lines: [C.tooManyAttempts], kind: 'error' });
    }
    const checked = limited.checked;
    if (!checked.ok) return showLogin(ctx, { status: 401, formError: [C.loginFailed], login });
    if (checked.otpLocked) return sendMessage(ctx, { status: 423, title: C.loginTitle, lines: [C.operatorLocked], kind: 'error' });
    const previous = await currentSession(ctx);
    const enrolled = checked.operator.token_binding_id !== null;
    await stepUp(ctx, { login, stage: enrolled ? 'password_verified' : 'enrolment', ...(previous.ok ? { previous: previous.session } : {}) });
    return redirectTo(ctx, enrolled ? 'login/otp' : 'login/enrol');
  });

  scope.get('/branch/:slug/login/otp', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['password_verified']);
    if (session) return sendPage(ctx, { title: C.otpTitle, body: otpView(ctx, { csrf: session.csrfToken }) });
  });

  scope.post('/branch/:slug/login/otp', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['password_verified']);
    if (!session) return;
    const body = formBody(ctx);
    if (!sessionCsrfOk(session, body)) return sendCsrfRejected(ctx);
    const errors: FieldErrors = {};
    const code = readCode(body, errors);
    const show = (status: number, state: { errors?: FieldErrors; formError?: Text[] }) =>
      sendPage(ctx, { status, title: C.otpTitle, togglePath: `${ctx.base}login/otp`, body: otpView(ctx, { csrf: session.csrfToken, ...state }) });
    if (code === undefined) return show(400, { errors });
    const checked = await verifyOperatorCode(ctx.db, { authority: ctx.authority(), nowMs: console.nowMs }, { institution: ctx.institution.slug, login: session.login, code });
    if (checked.ok) {
      await stepUp(ctx, { login: session.login, stage: 'signed_in', previous: session, audit: { action: 'operator_signed_in', details: { timeStep: checked.timeStep } } });
      return redirectTo(ctx, 'home');
    }
    const shown = await codeFailureForm(ctx, checked);
    if (shown) return show(shown.status, shown);
  });

  scope.get('/branch/:slug/login/enrol', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['enrolment']);
    if (session) return sendPage(ctx, { title: C.enrolTitle, body: enrolView(ctx, { csrf: session.csrfToken }) });
  });

  scope.post('/branch/:slug/login/enrol', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['enrolment']);
    if (!session) return;
    const body = formBody(ctx);
    if (!sessionCsrfOk(session, body)) return sendCsrfRejected(ctx);
    const errors: FieldErrors = {};
    const serial = readSerialField(body, errors);
    const code = readCode(body, errors);
    const show = (status: number, state: { errors?: FieldErrors; formError?: Text[] }) =>
      sendPage(ctx, { status, title: C.enrolTitle, togglePath: `${ctx.base}login/enrol`, body: enrolView(ctx, { csrf: session.csrfToken, ...state }) });
    if (serial === undefined || code === undefined) return show(400, { errors });
    const result = await enrolOperatorToken(ctx.db, { authority: ctx.authority(), nowMs: console.nowMs }, { institution: ctx.institution.slug, login: session.login, serial, code });
    if (result.ok) {
      await stepUp(ctx, { login: session.login, stage: 'signed_in', previous: session, audit: { action: 'operator_signed_in', details: { enrolled: result.serial } } });
      return redirectTo(ctx, 'home');
    }
    switch (result.reason) {
      case 'unknown_serial':
        return show(400, { errors: { serial: C.unknownSerial }, formError: [C.unknownSerial] });
      case 'already_enrolled':
        // Another tab enrolled meanwhile: sign in again with that token.
        await deleteOperatorSession(ctx.db, session.idHash);
        clearSessionCookie(ctx);
        return redirectTo(ctx, '');
      default: {
        const shown = await codeFailureForm(ctx, result);
        if (shown) return show(shown.status, shown);
      }
    }
  });

  scope.post('/branch/:slug/logout', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const lookup = await currentSession(ctx);
    if (!lookup.ok) {
      clearSessionCookie(ctx);
      return redirectTo(ctx, '');
    }
    const session = lookup.session;
    // A forged logout (no token) must not even clear the cookie.
    if (!sessionCsrfOk(session, formBody(ctx))) return sendCsrfRejected(ctx);
    clearSessionCookie(ctx);
    await ctx.db.transaction().execute(async (trx) => {
      await deleteOperatorSession(trx, session.idHash);
      await appendAudit(trx, { chain: ctx.institution.slug, at: console.nowMs(), actor: operatorActor(session.login), action: 'operator_signed_out', subject: session.login });
    });
    return redirectTo(ctx, '', { logout: '1' });
  });
}
