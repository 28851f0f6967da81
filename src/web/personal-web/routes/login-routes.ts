// ログイン: 契約者ID + ログインパスワード → (token registered) ワンタイムパスワード → メイン.
import type { FastifyInstance } from 'fastify';
import { checkLoginPassword } from '../../../banking/check-login-password.js';
import { deleteSession } from '../../../banking/sessions.js';
import { verifyCustomerCode } from '../../../banking/verify-customer-code.js';
import { appendAudit } from '../../../audit/audit-log.js';
import { readCode, readCredentials } from '../form-readers.js';
import { T } from '../messages.js';
import { sendLockedPage, showCodeFailure } from '../outcome-pages.js';
import {
  clearSessionCookie,
  currentSession,
  formBody,
  openPage,
  preSessionCsrfOk,
  preSessionToken,
  redirectTo,
  requireStage,
  sendCsrfRejected,
  sendPage,
  sessionCsrfOk,
  stepUp,
  type PageContext,
} from '../page-context.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { loginView, otpView } from '../views/login-views.js';
import type { Text } from '../i18n.js';

function showLogin(ctx: PageContext, input: { status?: number; errors?: FieldErrors; formError?: Text[]; info?: Text; contractId?: string } = {}) {
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.loginTitle,
    togglePath: '',
    body: loginView(ctx, { csrf: preSessionToken(ctx), ...input }),
  });
}

export function registerLoginRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (ctx) return redirectTo(ctx, '');
  });

  scope.get('/ib/:slug/', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const query = request.query as Record<string, unknown>;
    const info = query.timeout === '1' ? T.timedOut : query.logout === '1' ? T.loggedOut : undefined;
    return showLogin(ctx, info ? { info } : {});
  });

  scope.post('/ib/:slug/login', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const body = formBody(ctx);
    if (!preSessionCsrfOk(ctx, body)) return sendCsrfRejected(ctx);
    const credentials = readCredentials(body);
    if (!credentials.ok) return showLogin(ctx, { status: 400, errors: credentials.errors, ...(credentials.contractIdEcho ? { contractId: credentials.contractIdEcho } : {}) });
    const { contractId, password } = credentials.value;
    const checked = await checkLoginPassword(ctx.db, { hasher: site.deps.hasher, nowMs: site.nowMs }, {
      institution: ctx.institution.slug,
      policy: ctx.institution.policy,
      contractId,
      password,
      path: 'login',
    });
    if (!checked.ok) return showLogin(ctx, { status: 401, formError: [T.loginFailed], contractId });
    if (checked.otpLocked) return sendLockedPage(ctx);
    const previous = await currentSession(ctx);
    const hasToken = checked.customer.token_binding_id !== null;
    await stepUp(ctx, {
      contractId,
      stage: hasToken ? 'password_verified' : 'signed_in',
      ...(previous.ok ? { previous: previous.session } : {}),
      ...(hasToken ? {} : { audit: { action: 'signed_in', details: { otp: false } } }),
    });
    return redirectTo(ctx, hasToken ? 'login/otp' : 'main');
  });

  scope.get('/ib/:slug/login/otp', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['password_verified']);
    if (!session) return;
    return sendPage(ctx, { title: T.otpTitle, body: otpView(ctx, { csrf: session.csrfToken }) });
  });

  scope.post('/ib/:slug/login/otp', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['password_verified']);
    if (!session) return;
    const body = formBody(ctx);
    if (!sessionCsrfOk(session, body)) return sendCsrfRejected(ctx);
    const errors: FieldErrors = {};
    const code = readCode(body, errors);
    if (code === undefined) return sendPage(ctx, { status: 400, title: T.otpTitle, togglePath: 'login/otp', body: otpView(ctx, { csrf: session.csrfToken, errors }) });
    const checked = await verifyCustomerCode(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
      institution: ctx.institution.slug,
      contractId: session.contractId,
      policy: ctx.institution.policy,
      path: 'login',
      code,
    });
    if (checked.ok) {
      await stepUp(ctx, { contractId: session.contractId, stage: 'signed_in', previous: session, audit: { action: 'signed_in', details: { otp: true, timeStep: checked.timeStep } } });
      return redirectTo(ctx, 'main');
    }
    const shown = await showCodeFailure(ctx, checked);
    if (!shown) return reply;
    return sendPage(ctx, { status: shown.status, title: T.otpTitle, togglePath: 'login/otp', body: otpView(ctx, { csrf: session.csrfToken, errors: shown.errors, formError: shown.formError }) });
  });

  scope.post('/ib/:slug/logout', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const lookup = await currentSession(ctx);
    clearSessionCookie(ctx);
    if (!lookup.ok) return redirectTo(ctx, '');
    const session = lookup.session;
    if (!sessionCsrfOk(session, formBody(ctx))) return sendCsrfRejected(ctx);
    await ctx.db.transaction().execute(async (trx) => {
      await deleteSession(trx, session.idHash);
      await appendAudit(trx, { chain: ctx.institution.slug, at: site.nowMs(), actor: `customer:${session.contractId}`, action: 'signed_out', subject: session.contractId });
    });
    return redirectTo(ctx, '', 'logout');
  });
}
