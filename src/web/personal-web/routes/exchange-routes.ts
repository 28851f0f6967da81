// 利用登録/交換 (seed 002 Q&A): the current token's code → 「次へ」 → the new token's シリアル番号 +
// ワンタイムパスワード → 「登録」. The swap itself is atomic (banking/exchange-token.ts).
import type { FastifyInstance } from 'fastify';
import { exchangeToken } from '../../../banking/exchange-token.js';
import { verifyCustomerCode } from '../../../banking/verify-customer-code.js';
import { registerStep } from '../../sign-in-step.js';
import { readCode, readSerialField } from '../form-readers.js';
import type { Text } from '../../i18n.js';
import { T } from '../messages.js';
import { sendChangedMeanwhile, showCodeFailure } from '../outcome-pages.js';
import { redirectTo, sendPage, stepSite, stepUp, type CustomerSession, type PageContext } from '../page-context.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { exchangeCurrentView, exchangeNewView } from '../views/token-views.js';
import { finishFlow } from './token-flow.js';

type FormInput = { status?: number; errors?: FieldErrors; formError?: Text[] };

function showCurrent(ctx: PageContext, session: CustomerSession, input: FormInput = {}) {
  return sendPage(ctx, { status: input.status ?? 200, title: T.exchangeTitle, togglePath: 'exchange/current', body: exchangeCurrentView(ctx, { csrf: session.csrfToken, ...input }) });
}

function showNew(ctx: PageContext, session: CustomerSession, input: FormInput = {}) {
  return sendPage(ctx, { status: input.status ?? 200, title: T.exchangeTitle, togglePath: 'exchange/new', body: exchangeNewView(ctx, { csrf: session.csrfToken, ...input }) });
}

export function registerExchangeRoutes(scope: FastifyInstance, site: Site): void {
  registerStep(scope, stepSite(site), {
    path: '/ib/:slug/exchange/current',
    stages: ['exchange_verified'],
    show: (ctx, session) => showCurrent(ctx, session),
    submit: async (ctx, session, body) => {
      const errors: FieldErrors = {};
      const code = readCode(body, errors);
      if (code === undefined) return showCurrent(ctx, session, { status: 400, errors });
      const checked = await verifyCustomerCode(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
        institution: ctx.institution.slug,
        contractId: session.subject,
        policy: ctx.institution.policy,
        path: 'exchange',
        code,
      });
      if (checked.ok) {
        const issued = await stepUp(ctx, { contractId: session.subject, stage: 'exchange_current_verified', data: { bindingId: checked.bindingId }, previous: session });
        if (!issued) return sendChangedMeanwhile(ctx); // suspended or locked meanwhile
        return redirectTo(ctx, 'exchange/new');
      }
      const shown = await showCodeFailure(ctx, checked);
      if (shown) return showCurrent(ctx, session, shown);
    },
  });

  registerStep(scope, stepSite(site), {
    path: '/ib/:slug/exchange/new',
    stages: ['exchange_current_verified'],
    show: (ctx, session) => showNew(ctx, session),
    submit: async (ctx, session, body) => {
      const errors: FieldErrors = {};
      const serial = readSerialField(body, errors);
      const code = readCode(body, errors);
      if (serial === undefined || code === undefined) return showNew(ctx, session, { status: 400, errors });
      const verifiedBindingId = session.data.bindingId;
      if (verifiedBindingId === undefined) return redirectTo(ctx, '');
      const result = await exchangeToken(ctx.db, { authority: ctx.authority(), nowMs: site.nowMs }, {
        institution: ctx.institution.slug,
        contractId: session.subject,
        policy: ctx.institution.policy,
        verifiedBindingId,
        serial,
        code,
      });
      if (result.ok) {
        if (!result.oldUnbound) ctx.request.log.warn({ institution: ctx.institution.slug }, 'replaced token could not be unbound at the authority; the orphan binding is unused');
        return finishFlow(ctx, session, 'exchange', [T.exchangeDone, T.exchangeDoneNext]);
      }
      switch (result.reason) {
        case 'changed_meanwhile':
          return sendChangedMeanwhile(ctx);
        case 'same_token':
          return showNew(ctx, session, { status: 400, errors: { serial: T.sameToken } });
        default: {
          const shown = await showCodeFailure(ctx, result);
          if (shown) return showNew(ctx, session, shown);
        }
      }
    },
  });
}
