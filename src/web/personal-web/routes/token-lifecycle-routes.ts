// The second steps of the OTP lifecycle flows, each one use of registerFlowStep (token-flow.ts);
// their first step, 利用者認証, is the password form of login-routes.ts.
//   利用開始       シリアル番号 + ワンタイムパスワード + confirmation password → 「登録」
//   利用中止       ワンタイムパスワード + confirmation password → 「停止」
//   利用登録/交換  the current token's code → 「次へ」 → the new token's シリアル番号 +
//                 ワンタイムパスワード → 「登録」 (seed 002 Q&A; the swap is atomic, banking/exchange-token.ts)
import type { FastifyInstance } from 'fastify';
import { deregisterToken } from '../../../banking/deregister-token.js';
import { exchangeToken } from '../../../banking/exchange-token.js';
import { registerToken } from '../../../banking/register-token.js';
import { verifyCustomerCode } from '../../../banking/verify-customer-code.js';
import type { FormBody } from '../../form-input.js';
import { readCode, readSerialField } from '../form-readers.js';
import { japanDateTime } from '../../../shared/japan-time.js';
import { registrationBlocked, T } from '../messages.js';
import { sendChangedMeanwhile } from '../outcome-pages.js';
import { redirectTo, sendMessage, stepUp, type CustomerSession, type PageContext } from '../page-context.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { deregisterTokenView, exchangeCurrentView, exchangeNewView, registerTokenView } from '../views/token-views.js';
import { finishFlow, registerFlowStep } from './token-flow.js';
import { signInEnvironmentOf } from '../../sign-in-address-limit.js';

export function registerTokenLifecycleRoutes(scope: FastifyInstance, site: Site): void {
  /** What every step's domain call is given: the contract of the flow's session, and where the request came from (ログイン履歴). */
  const target = (ctx: PageContext, session: CustomerSession) => ({
    institution: ctx.institution.slug,
    contractId: session.subject,
    policy: ctx.institution.policy,
    environment: signInEnvironmentOf(ctx.request),
  });
  const deps = (ctx: PageContext) => ({ authority: ctx.authority(), nowMs: site.nowMs });
  const serialAndCode = (body: FormBody, errors: FieldErrors) => {
    const serial = readSerialField(body, errors);
    const code = readCode(body, errors);
    return serial === undefined || code === undefined ? undefined : { serial, code };
  };
  const code = (body: FormBody, errors: FieldErrors) => {
    const read = readCode(body, errors);
    return read === undefined ? undefined : { code: read };
  };
  const warnOrphan = (ctx: PageContext, what: string) =>
    ctx.request.log.warn({ institution: ctx.institution.slug }, `${what} token could not be unbound at the authority; the orphan binding is unused`);

  registerFlowStep(scope, site, {
    path: 'register/token', stage: 'register_verified', view: registerTokenView, confirms: true, read: serialAndCode,
    run: async (ctx, session, fields) => {
      const result = await registerToken(ctx.db, deps(ctx), { ...target(ctx, session), path: 'register', ...fields });
      if (result.ok) return finishFlow(ctx, session, 'register', [T.registerDone, T.registerDoneNext]);
      if (result.reason !== 'already_registered' && result.reason !== 'registration_blocked') return result;
      ctx.sessions.clearCookie();
      const line = result.reason === 'already_registered' ? T.alreadyRegistered : registrationBlocked(japanDateTime(result.untilMs));
      return sendMessage(ctx, { status: 409, title: T.registerTitle, lines: [line], kind: 'warn' });
    },
  });

  registerFlowStep(scope, site, {
    path: 'deregister/token', stage: 'deregister_verified', view: deregisterTokenView, confirms: true, read: code,
    run: async (ctx, session, fields) => {
      const result = await deregisterToken(ctx.db, deps(ctx), { ...target(ctx, session), path: 'deregister', ...fields });
      if (!result.ok) return result;
      if (!result.unbound) warnOrphan(ctx, 'deregistered');
      return finishFlow(ctx, session, 'deregister', [T.deregisterDone, T.deregisterDoneDevice, T.deregisterDoneLimit]);
    },
  });

  registerFlowStep(scope, site, {
    path: 'exchange/current', stage: 'exchange_verified', view: exchangeCurrentView, read: code,
    run: async (ctx, session, fields) => {
      const checked = await verifyCustomerCode(ctx.db, deps(ctx), { ...target(ctx, session), path: 'exchange', ...fields });
      if (!checked.ok) return checked;
      const issued = await stepUp(ctx, { contractId: session.subject, stage: 'exchange_current_verified', data: { bindingId: checked.bindingId }, previous: session });
      if (!issued) return sendChangedMeanwhile(ctx); // suspended or locked meanwhile
      return redirectTo(ctx, 'exchange/new');
    },
  });

  registerFlowStep(scope, site, {
    path: 'exchange/new', stage: 'exchange_current_verified', view: exchangeNewView, read: serialAndCode,
    run: async (ctx, session, fields, showForm) => {
      const verifiedBindingId = session.data.bindingId;
      if (verifiedBindingId === undefined) return redirectTo(ctx, '');
      const result = await exchangeToken(ctx.db, deps(ctx), { ...target(ctx, session), verifiedBindingId, ...fields });
      if (result.ok) {
        if (!result.oldUnbound) warnOrphan(ctx, 'replaced');
        return finishFlow(ctx, session, 'exchange', [T.exchangeDone, T.exchangeDoneNext]);
      }
      if (result.reason === 'same_token') return showForm({ status: 400, errors: { serial: T.sameToken } });
      return result;
    },
  });
}
