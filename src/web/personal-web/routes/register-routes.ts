// 利用開始 step 2: シリアル番号 + ワンタイムパスワード + confirmation password → 「登録」 →
// 「ワンタイムパスワードの利用開始が完了しました」.
import type { FastifyInstance } from 'fastify';
import { checkConfirmationPassword } from '../../../banking/check-confirmation-password.js';
import { findCustomer } from '../../../banking/customers.js';
import { registerToken } from '../../../banking/register-token.js';
import { deleteSession, type Session } from '../../../banking/sessions.js';
import { readCode, readConfirmation, readSerialField } from '../form-readers.js';
import type { Text } from '../i18n.js';
import { confirmationWrong, japanTimeText, registrationBlocked, T } from '../messages.js';
import { confirmationName, sendPasswordLockedPage, showCodeFailure } from '../outcome-pages.js';
import { clearSessionCookie, formBody, openPage, redirectTo, requireStage, sendCsrfRejected, sendMessage, sendPage, sessionCsrfOk, type PageContext } from '../page-context.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { registerTokenView, resultView } from '../views/token-views.js';
import { confirmationSpecOf } from './confirmation-spec.js';

function showForm(ctx: PageContext, session: Session, input: { status?: number; errors?: FieldErrors; formError?: Text[] } = {}) {
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.registerTitle,
    togglePath: 'register/token',
    body: registerTokenView(ctx, { csrf: session.csrfToken, confirmation: confirmationSpecOf(ctx, session), ...input }),
  });
}

export function registerRegisterRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug/register/token', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['register_verified']);
    if (session) return showForm(ctx, session);
  });

  scope.post('/ib/:slug/register/token', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['register_verified']);
    if (!session) return;
    const body = formBody(ctx);
    if (!sessionCsrfOk(session, body)) return sendCsrfRejected(ctx);
    const errors: FieldErrors = {};
    const serial = readSerialField(body, errors);
    const code = readCode(body, errors);
    const answer = readConfirmation(body, confirmationSpecOf(ctx, session), errors);
    if (serial === undefined || code === undefined || answer === undefined) return showForm(ctx, session, { status: 400, errors });

    const customer = await findCustomer(ctx.db, ctx.institution.slug, session.contractId);
    if (!customer) return redirectTo(ctx, '');
    const confirmed = await checkConfirmationPassword(ctx.db, { ...site.deps, nowMs: site.nowMs }, {
      customer,
      policy: ctx.institution.policy,
      answer,
      path: 'register',
    });
    if (!confirmed.ok) {
      if (confirmed.locked) return sendPasswordLockedPage(ctx);
      return showForm(ctx, session, { status: 401, errors: { [answer.mode === 'whole' ? 'confirmationPassword' : 'confirmation']: confirmationWrong(confirmationName(ctx)) } });
    }

    const result = await registerToken(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
      institution: ctx.institution.slug,
      contractId: session.contractId,
      policy: ctx.institution.policy,
      path: 'register',
      serial,
      code,
    });
    if (result.ok) {
      await deleteSession(ctx.db, session.idHash);
      clearSessionCookie(ctx);
      return sendPage(ctx, { title: T.registerTitle, togglePath: '', body: resultView(ctx, 'register', [T.registerDone, T.registerDoneNext]) });
    }
    switch (result.reason) {
      case 'already_registered':
        clearSessionCookie(ctx);
        return sendMessage(ctx, { status: 409, title: T.registerTitle, lines: [T.alreadyRegistered], kind: 'warn' });
      case 'registration_blocked':
        clearSessionCookie(ctx);
        return sendMessage(ctx, { status: 409, title: T.registerTitle, lines: [registrationBlocked(japanTimeText(result.untilMs))], kind: 'warn' });
      default: {
        const shown = await showCodeFailure(ctx, result);
        if (!shown) return reply;
        return showForm(ctx, session, shown);
      }
    }
  });
}
