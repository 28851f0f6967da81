// 1日あたり振込限度額の変更: lower freely; raise only with the registered token's one-time
// password (verified here, counted toward the same OTP lock), never without a token. A raise
// waits until 0:00 JST of the next day (policy limitRaiseNextDay): the page shows it pending,
// with a form to cancel it, and the cap after an opening or a token registration while it holds.
import type { FastifyInstance } from 'fastify';
import { cancelPendingRaise, changeDailyLimit, type OtpProof } from '../../../banking/limits/change-limit.js';
import { readDayCap } from '../../../banking/limits/limit-shaping.js';
import { getDailyLimit, getLimitStatus, LIMIT_UNIT_YEN } from '../../../banking/limits/daily-limit.js';
import { verifyOtpForLimitRaise } from '../../../banking/transfers/confirm-authentication.js';
import { confirmingCustomer, customerConfirmPorts } from '../../../banking/transfers/confirm-ports.js';
import { normalizeDigits } from '../../../banking/transfers/payee-input.js';
import { readDigits } from '../../form-input.js';
import { redisplayedBy } from '../../language-toggle.js';
import type { Text } from '../../i18n.js';
import { fieldProblem, FORMATS, T, withRemaining } from '../../personal-web/messages.js';
import { sendLockedPage } from '../../personal-web/outcome-pages.js';
import { sendMessage } from '../../personal-web/page-context.js';
import type { Site } from '../../personal-web/site.js';
import type { FieldErrors } from '../../personal-web/views/form-parts.js';
import { openSignedIn, postedForm, seeOther, show, type SignedIn } from '../signed-in.js';
import { textOf } from '../transfer-form.js';
import { changeLimitErrorText, TT } from '../transfer-messages.js';
import type { TransfersWebDeps } from '../transfers-deps.js';
import { limitView } from '../views/settings-views.js';

async function showLimit(page: SignedIn, input: { status?: number; value?: string; errors?: FieldErrors; formError?: Text[]; done?: Text } = {}) {
  const { ctx } = page;
  const { status: httpStatus, ...shown } = input;
  const ref = { institution: ctx.institution.slug, contractId: page.customer.contract_id, nowMs: ctx.site.nowMs() };
  const [limit, dayCap] = await Promise.all([
    getLimitStatus(ctx.db, { ...ref, defaultLimitYen: ctx.institution.policy.dailyLimitDefaultYen }),
    readDayCap(ctx.db, { ...ref, policy: ctx.institution.policy }),
  ]);
  return show(page, {
    title: TT.limitTitle,
    status: httpStatus ?? 200,
    body: limitView(ctx, {
      status: limit,
      dayCap,
      raiseNextDay: ctx.institution.policy.limitRaiseNextDay,
      tokenRegistered: page.customer.token_binding_id !== null,
      csrf: page.session.csrfToken,
      ...shown,
    }),
  });
}

export function registerLimitRoutes(scope: FastifyInstance, site: Site, deps: TransfersWebDeps): void {
  scope.get('/ib/:slug/transfers/limit', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const done = (request.query as Record<string, unknown>).done;
    const notices: Record<string, Text> = { changed: TT.limitChanged, scheduled: TT.limitRaiseScheduled, unchanged: TT.limitUnchanged, cancelled: TT.raiseCancelled, not_pending: TT.raiseNotPending };
    return showLimit(page, typeof done === 'string' && Object.hasOwn(notices, done) ? { done: notices[done]! } : {});
  });

  // 引き上げを取り消す: the raise still pending is withdrawn; the limit in force stays. No code is
  // asked: withdrawing a raise only keeps the limit lower.
  scope.post('/ib/:slug/transfers/limit/cancel-raise', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    const cancelled = await cancelPendingRaise(page.ctx.db, { nowMs: deps.clock.nowMs() }, {
      institution: page.ctx.institution.slug,
      contractId: page.customer.contract_id,
      actor: `customer:${page.customer.contract_id}`,
    });
    return seeOther(page, `transfers/limit?done=${cancelled.cancelled ? 'cancelled' : 'not_pending'}`);
  });

  // The language toggle: the form again with the amount typed (the code field empty), nothing changed.
  const redisplay = redisplayedBy(async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    return showLimit(page, { value: textOf(body, 'limitManYen', 16) });
  });

  scope.post('/ib/:slug/transfers/limit', redisplay, async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    const { ctx, customer } = page;
    const typed = textOf(body, 'limitManYen', 16);
    const digits = normalizeDigits(typed);
    if (!/^\d{1,4}$/.test(digits)) return showLimit(page, { status: 400, value: typed, errors: { limitManYen: changeLimitErrorText('limit_not_whole_units') } });
    const newLimitYen = Number(digits) * LIMIT_UNIT_YEN;
    const ref = { institution: ctx.institution.slug, contractId: customer.contract_id };
    const policy = ctx.institution.policy;
    const current = await getDailyLimit(ctx.db, { ...ref, defaultLimitYen: policy.dailyLimitDefaultYen, nowMs: deps.clock.nowMs() });

    let otpProof: OtpProof | null = null;
    if (newLimitYen > current && customer.token_binding_id !== null) {
      const code = readDigits(body, 'code', 6);
      if (!code.ok) return showLimit(page, { status: 400, value: typed, errors: { code: fieldProblem(T.otp, code.problem, FORMATS.otp) } });
      const ports = customerConfirmPorts(ctx.db, { authority: ctx.authority(), hasher: deps.hasher, confirmationPepper: deps.confirmationPepper, clock: deps.clock }, { customer, policy, path: 'limit_change' });
      const verified = await verifyOtpForLimitRaise(ports, { ...ref, customer: confirmingCustomer(customer, policy), code: code.value, nowMs: deps.clock.nowMs() });
      if (!verified.ok) {
        switch (verified.error) {
          case 'code_locked':
            return sendLockedPage(ctx);
          case 'token_unavailable':
            ctx.sessions.clearCookie();
            return sendMessage(ctx, { status: 403, title: TT.limitTitle, lines: [T.tokenUnusable], kind: 'error', withSupport: true });
          case 'code_throttled':
            return showLimit(page, { status: 429, value: typed, formError: [T.throttled] });
          case 'code_wrong':
            return showLimit(page, {
              status: 401,
              value: typed,
              errors: { code: T.wrongCode },
              formError: verified.warn && verified.remainingAttempts !== undefined ? [withRemaining(verified.remainingAttempts), T.wrongCodeRetry] : [T.wrongCodeRetry],
            });
          case 'code_malformed':
          case 'answer_missing':
          case 'password_wrong':
          case 'password_locked':
            return showLimit(page, { status: 400, value: typed, errors: { code: FORMATS.otp } });
        }
      }
      otpProof = verified.proof;
    }
    const changed = await changeDailyLimit(ctx.db, { nowMs: deps.clock.nowMs() }, {
      ...ref,
      policy,
      newLimitYen,
      tokenRegistered: customer.token_binding_id !== null,
      otpProof,
      actor: `customer:${customer.contract_id}`,
    });
    if (changed.ok) return seeOther(page, `transfers/limit?done=${!changed.changed ? 'unchanged' : changed.pendingFromMs !== undefined ? 'scheduled' : 'changed'}`);
    return showLimit(page, { status: 400, value: typed, errors: { limitManYen: changeLimitErrorText(changed.error) } });
  });
}
