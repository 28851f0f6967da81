// 利用者認証, the first step of 利用開始, 利用中止 and 利用登録/交換: 契約者ID + ログインパスワード →
// 「次へ」. Only after the password does the customer learn the token state (already
// registered, none registered, locked) — never before.
import type { FastifyInstance } from 'fastify';
import type { CustomerSessionStage } from '../../../identity/identity.tables.js';
import { pickPositions } from '../../../banking/confirmation-password.js';
import type { Customer } from '../../../banking/customers.js';
import type { SessionData } from '../../../identity/sessions.js';
import { readCredentials } from '../form-readers.js';
import type { Text } from '../../i18n.js';
import { japanDateTime } from '../../../shared/japan-time.js';
import { registrationBlocked, T } from '../messages.js';
import { sendLockedPage } from '../outcome-pages.js';
import { checkPasswordStep } from '../password-step.js';
import {
  openPage,
  redirectTo,
  sendMessage,
  sendPage,
  stepUp,
  stepSite,
  type PageContext,
  type SitePath,
} from '../page-context.js';
import { registerFirstStep } from '../../sign-in-step.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { authStepView, FLOW_TITLES, type Flow } from '../views/token-views.js';

const NEXT: Record<Flow, { stage: CustomerSessionStage; path: SitePath; asksConfirmation: boolean }> = {
  register: { stage: 'register_verified', path: 'register/token', asksConfirmation: true },
  deregister: { stage: 'deregister_verified', path: 'deregister/token', asksConfirmation: true },
  exchange: { stage: 'exchange_verified', path: 'exchange/current', asksConfirmation: false },
};

/** Why this flow cannot go on for this contract (told only after the right password), if so. */
function refusal(ctx: PageContext, flow: Flow, customer: Customer, nowMs: number): { lines: Text[]; status: number } | undefined {
  const hasToken = customer.token_binding_id !== null;
  if (flow === 'register') {
    if (hasToken) return { status: 409, lines: [T.alreadyRegistered] };
    const until = customer.registration_blocked_until;
    if (until !== null && until > nowMs) return { status: 409, lines: [registrationBlocked(japanDateTime(until))] };
    return undefined;
  }
  return hasToken ? undefined : { status: 409, lines: [T.notRegistered] };
}

function showAuthStep(ctx: PageContext, flow: Flow, input: { status?: number; errors?: FieldErrors; formError?: Text[]; contractId?: string } = {}) {
  return sendPage(ctx, { status: input.status ?? 200, title: FLOW_TITLES[flow], togglePath: flow, body: authStepView(ctx, flow, { csrf: ctx.sessions.preSessionToken(), ...input }) });
}

export function registerTokenAuthRoutes(scope: FastifyInstance, site: Site): void {
  for (const flow of ['register', 'deregister', 'exchange'] as const) {
    scope.get(`/ib/:slug/${flow}`, async (request, reply) => {
      const ctx = await openPage(site, request, reply);
      if (ctx) return showAuthStep(ctx, flow);
    });

    registerFirstStep(scope, stepSite(site), {
      path: `/ib/:slug/${flow}`,
      submit: async (ctx, body) => {
        const credentials = readCredentials(body);
        if (!credentials.ok) return showAuthStep(ctx, flow, { status: 400, errors: credentials.errors, ...(credentials.contractIdEcho ? { contractId: credentials.contractIdEcho } : {}) });
        const { contractId, password } = credentials.value;
        const checked = await checkPasswordStep(ctx, { contractId, password, path: flow });
        if (!checked) return; // over the limit of this client address: the 429 page
        if (!checked.ok) return showAuthStep(ctx, flow, { status: 401, formError: [T.loginFailed], contractId });
        if (checked.otpLocked) return sendLockedPage(ctx);
        const refused = refusal(ctx, flow, checked.customer, site.nowMs());
        if (refused) return sendMessage(ctx, { status: refused.status, title: FLOW_TITLES[flow], lines: refused.lines, kind: 'warn' });

        const next = NEXT[flow];
        const { confirmation } = ctx.institution;
        // The digit positions are drawn once, by the server, and kept in the session: the form
        // never says which positions it answers, so they cannot be chosen by the client.
        const data: SessionData =
          next.asksConfirmation && confirmation.mode === 'positions' ? { positions: pickPositions(confirmation.positions, site.deps.randomBytes) } : {};
        const previous = await ctx.sessions.current();
        const issued = await stepUp(ctx, { contractId, stage: next.stage, data, passwordHash: checked.customer.login_password_hash, ...(previous.ok ? { replacing: previous.session } : {}) });
        // Suspended, locked or given another password while the password was being checked: the
        // answer such a contract (or that password) gets.
        if (!issued) return showAuthStep(ctx, flow, { status: 401, formError: [T.loginFailed], contractId });
        return redirectTo(ctx, next.path);
      },
    });
  }
}
