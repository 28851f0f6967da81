// 利用中止 step 2: ワンタイムパスワード + confirmation password → 「停止」 →
// 「ワンタイムパスワードの利用を中止しました」.
import type { FastifyInstance } from 'fastify';
import { deregisterToken } from '../../../banking/deregister-token.js';
import { registerStep } from '../../sign-in-step.js';
import { readCode, readConfirmation } from '../form-readers.js';
import type { Text } from '../../i18n.js';
import { T } from '../messages.js';
import { sendChangedMeanwhile, showCodeFailure } from '../outcome-pages.js';
import { sendPage, stepSite, type CustomerSession, type PageContext } from '../page-context.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { deregisterTokenView } from '../views/token-views.js';
import { confirmationSpecOf, confirmedForFlow, finishFlow } from './token-flow.js';

function showForm(ctx: PageContext, session: CustomerSession, input: { status?: number; errors?: FieldErrors; formError?: Text[] } = {}) {
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.deregisterTitle,
    togglePath: 'deregister/token',
    body: deregisterTokenView(ctx, { csrf: session.csrfToken, confirmation: confirmationSpecOf(ctx, session), ...input }),
  });
}

export function registerDeregisterRoutes(scope: FastifyInstance, site: Site): void {
  registerStep(scope, stepSite(site), {
    path: '/ib/:slug/deregister/token',
    stages: ['deregister_verified'],
    show: (ctx, session) => showForm(ctx, session),
    submit: async (ctx, session, body) => {
      const errors: FieldErrors = {};
      const code = readCode(body, errors);
      const answer = readConfirmation(body, confirmationSpecOf(ctx, session), errors);
      if (code === undefined || answer === undefined) return showForm(ctx, session, { status: 400, errors });
      if (!(await confirmedForFlow(ctx, session, { flow: 'deregister', answer, showForm: (state) => showForm(ctx, session, state) }))) return;

      const result = await deregisterToken(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
        institution: ctx.institution.slug,
        contractId: session.subject,
        policy: ctx.institution.policy,
        path: 'deregister',
        code,
      });
      if (result.ok) {
        if (!result.unbound) ctx.request.log.warn({ institution: ctx.institution.slug }, 'deregistered token could not be unbound at the authority; the orphan binding is unused');
        return finishFlow(ctx, session, 'deregister', [T.deregisterDone, T.deregisterDoneDevice, T.deregisterDoneLimit]);
      }
      if (result.reason === 'changed_meanwhile') return sendChangedMeanwhile(ctx);
      const shown = await showCodeFailure(ctx, result);
      if (shown) return showForm(ctx, session, shown);
    },
  });
}
