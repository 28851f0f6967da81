// 利用開始 step 2: シリアル番号 + ワンタイムパスワード + confirmation password → 「登録」 →
// 「ワンタイムパスワードの利用開始が完了しました」.
import type { FastifyInstance } from 'fastify';
import { registerToken } from '../../../banking/register-token.js';
import { registerStep } from '../../sign-in-step.js';
import { readCode, readConfirmation, readSerialField } from '../form-readers.js';
import type { Text } from '../../i18n.js';
import { japanTimeText, registrationBlocked, T } from '../messages.js';
import { showCodeFailure } from '../outcome-pages.js';
import { sendMessage, sendPage, stepSite, type CustomerSession, type PageContext } from '../page-context.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { registerTokenView } from '../views/token-views.js';
import { confirmationSpecOf, confirmedForFlow, finishFlow } from './token-flow.js';

function showForm(ctx: PageContext, session: CustomerSession, input: { status?: number; errors?: FieldErrors; formError?: Text[] } = {}) {
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.registerTitle,
    togglePath: 'register/token',
    body: registerTokenView(ctx, { csrf: session.csrfToken, confirmation: confirmationSpecOf(ctx, session), ...input }),
  });
}

export function registerRegisterRoutes(scope: FastifyInstance, site: Site): void {
  registerStep(scope, stepSite(site), {
    path: '/ib/:slug/register/token',
    stages: ['register_verified'],
    show: (ctx, session) => showForm(ctx, session),
    submit: async (ctx, session, body) => {
      const errors: FieldErrors = {};
      const serial = readSerialField(body, errors);
      const code = readCode(body, errors);
      const answer = readConfirmation(body, confirmationSpecOf(ctx, session), errors);
      if (serial === undefined || code === undefined || answer === undefined) return showForm(ctx, session, { status: 400, errors });
      if (!(await confirmedForFlow(ctx, session, { flow: 'register', answer, showForm: (state) => showForm(ctx, session, state) }))) return;

      const result = await registerToken(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
        institution: ctx.institution.slug,
        contractId: session.subject,
        policy: ctx.institution.policy,
        path: 'register',
        serial,
        code,
      });
      if (result.ok) return finishFlow(ctx, session, 'register', [T.registerDone, T.registerDoneNext]);
      switch (result.reason) {
        case 'already_registered':
          ctx.sessions.clearCookie();
          return sendMessage(ctx, { status: 409, title: T.registerTitle, lines: [T.alreadyRegistered], kind: 'warn' });
        case 'registration_blocked':
          ctx.sessions.clearCookie();
          return sendMessage(ctx, { status: 409, title: T.registerTitle, lines: [registrationBlocked(japanTimeText(result.untilMs))], kind: 'warn' });
        default: {
          const shown = await showCodeFailure(ctx, result);
          if (shown) return showForm(ctx, session, shown);
        }
      }
    },
  });
}
