// What the second steps of the three OTP lifecycle flows (利用開始, 利用中止, 利用登録/交換)
// share, after the routes' preamble (src/web/sign-in-step.ts): which confirmation-password
// fields a form shows, checking that password, and the flow's end — the session goes, and the
// result page says what was done.
import { checkConfirmationPassword } from '../../../banking/check-confirmation-password.js';
import type { ConfirmationAnswer } from '../../../banking/confirmation-password.js';
import { findCustomer } from '../../../banking/customers.js';
import { CUSTOMER } from '../../../identity/principals.js';
import { deleteSession } from '../../../identity/sessions.js';
import type { Text } from '../../i18n.js';
import { confirmationWrong } from '../messages.js';
import { confirmationName, sendPasswordLockedPage } from '../outcome-pages.js';
import { redirectTo, sendPage, type CustomerSession, type PageContext } from '../page-context.js';
import type { FieldErrors } from '../views/form-parts.js';
import { FLOW_TITLES, resultView, type ConfirmationSpec, type Flow } from '../views/token-views.js';

/** The session's server-chosen digit positions, or the whole password. */
export function confirmationSpecOf(ctx: PageContext, session: CustomerSession): ConfirmationSpec {
  const positions = session.data.positions;
  return positions && positions.length >= 2
    ? { mode: 'positions', name: confirmationName(ctx), positions }
    : { mode: 'whole', name: confirmationName(ctx), positions: [] };
}

/**
 * Checks the confirmation password of the flow's form (under one of the contract's password
 * attempts). False after the answer was sent: the login page (the contract is gone), the lock
 * page, or the form again with the field marked.
 */
export async function confirmedForFlow(
  ctx: PageContext,
  session: CustomerSession,
  input: { flow: Flow; answer: ConfirmationAnswer; showForm(state: { status: number; errors: FieldErrors }): unknown },
): Promise<boolean> {
  const customer = await findCustomer(ctx.db, ctx.institution.slug, session.subject);
  if (!customer) {
    await redirectTo(ctx, '');
    return false;
  }
  const confirmed = await checkConfirmationPassword(ctx.db, { ...ctx.site.deps, nowMs: ctx.site.nowMs }, {
    customer,
    policy: ctx.institution.policy,
    answer: input.answer,
    path: input.flow,
  });
  if (confirmed.ok) return true;
  if (confirmed.locked) await sendPasswordLockedPage(ctx);
  else await input.showForm({ status: 401, errors: { [input.answer.mode === 'whole' ? 'confirmationPassword' : 'confirmation']: confirmationWrong(confirmationName(ctx)) } });
  return false;
}

/** The flow is done: its session ends, and the result page says what was done and what next. */
export async function finishFlow(ctx: PageContext, session: CustomerSession, flow: Flow, lines: Text[]) {
  await deleteSession(ctx.db, CUSTOMER, session.idHash);
  ctx.sessions.clearCookie();
  return sendPage(ctx, { title: FLOW_TITLES[flow], togglePath: '', body: resultView(ctx, flow, lines) });
}
