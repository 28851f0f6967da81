// 利用中止 step 2: ワンタイムパスワード + confirmation password → 「停止」 →
// 「ワンタイムパスワードの利用を中止しました」.
import type { FastifyInstance } from 'fastify';
import { checkConfirmationPassword } from '../../../banking/check-confirmation-password.js';
import { findCustomer } from '../../../banking/customers.js';
import { deregisterToken } from '../../../banking/deregister-token.js';
import { deleteSession, type Session } from '../../../banking/sessions.js';
import { readCode, readConfirmation } from '../form-readers.js';
import type { Text } from '../i18n.js';
import { confirmationWrong, T } from '../messages.js';
import { confirmationName, sendChangedMeanwhile, sendPasswordLockedPage, showCodeFailure } from '../outcome-pages.js';
import { clearSessionCookie, formBody, openPage, redirectTo, requireStage, sendCsrfRejected, sendPage, sessionCsrfOk, type PageContext } from '../page-context.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { deregisterTokenView, resultView } from '../views/token-views.js';
import { confirmationSpecOf } from './confirmation-spec.js';

function showForm(ctx: PageContext, session: Session, input: { status?: number; errors?: FieldErrors; formError?: Text[] } = {}) {
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.deregisterTitle,
    togglePath: 'deregister/token',
    body: deregisterTokenView(ctx, { csrf: session.csrfToken, confirmation: confirmationSpecOf(ctx, session), ...input }),
  });
}

export function registerDeregisterRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug/deregister/token', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['deregister_verified']);
    if (session) return showForm(ctx, session);
  });

  scope.post('/ib/:slug/deregister/token', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['deregister_verified']);
    if (!session) return;
    const body = formBody(ctx);
    if (!sessionCsrfOk(session, body)) return sendCsrfRejected(ctx);
    const errors: FieldErrors = {};
    const code = readCode(body, errors);
    const answer = readConfirmation(body, confirmationSpecOf(ctx, session), errors);
    if (code === undefined || answer === undefined) return showForm(ctx, session, { status: 400, errors });

    const customer = await findCustomer(ctx.db, ctx.institution.slug, session.contractId);
    if (!customer) return redirectTo(ctx, '');
    const confirmed = await checkConfirmationPassword(ctx.db, { ...site.deps, nowMs: site.nowMs }, {
      customer,
      policy: ctx.institution.policy,
      answer,
      path: 'deregister',
    });
    if (!confirmed.ok) {
      if (confirmed.locked) return sendPasswordLockedPage(ctx);
      return showForm(ctx, session, { status: 401, errors: { [answer.mode === 'whole' ? 'confirmationPassword' : 'confirmation']: confirmationWrong(confirmationName(ctx)) } });
    }

    const result = await deregisterToken(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
      institution: ctx.institution.slug,
      contractId: session.contractId,
      policy: ctx.institution.policy,
      path: 'deregister',
      code,
    });
    if (result.ok) {
      if (!result.unbound) request.log.warn({ institution: ctx.institution.slug }, 'deregistered token could not be unbound at the authority; the orphan binding is unused');
      await deleteSession(ctx.db, session.idHash);
      clearSessionCookie(ctx);
      return sendPage(ctx, { title: T.deregisterTitle, togglePath: '', body: resultView(ctx, 'deregister', [T.deregisterDone, T.deregisterDoneDevice, T.deregisterDoneLimit]) });
    }
    if (result.reason === 'changed_meanwhile') return sendChangedMeanwhile(ctx);
    const shown = await showCodeFailure(ctx, result);
    if (!shown) return reply;
    return showForm(ctx, session, shown);
  });
}
