// The OTP lifecycle flows (利用開始, 利用中止, 利用登録/交換) after their 利用者認証: every step
// is one form that the flow's session reached, and one helper builds them all (registerFlowStep).
// A step says only what is its own — its page, the fields it reads, what it does, and its own
// outcomes; the helper does the rest the same way for each: the preamble (src/web/sign-in-step.ts),
// the form with its field errors, the confirmation password where the step asks it (checked
// under one of the contract's password attempts, before anything is done), the refusals every
// flow shows alike (a code refused, the contract changed meanwhile), and the flow's end — its
// session goes and the result page says what was done.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkConfirmationPassword } from '../../../banking/check-confirmation-password.js';
import type { ConfirmationAnswer } from '../../../banking/confirmation-password.js';
import { findCustomer } from '../../../banking/customers.js';
import type { BindFailure } from '../../../banking/register-token.js';
import { CUSTOMER } from '../../../identity/principals.js';
import { deleteSession } from '../../../identity/sessions.js';
import type { FormBody } from '../../form-input.js';
import type { SafeHtml } from '../../html.js';
import type { Text } from '../../i18n.js';
import { registerStep } from '../../sign-in-step.js';
import { readConfirmation } from '../form-readers.js';
import { confirmationWrong } from '../messages.js';
import { confirmationName, sendChangedMeanwhile, sendPasswordLockedPage, showCodeFailure } from '../outcome-pages.js';
import { redirectTo, sendPage, stepSite, type CustomerSession, type PageContext, type SitePath } from '../page-context.js';
import type { CustomerSessionStage } from '../../../identity/identity.tables.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { FLOW_TITLES, resultView, type ConfirmationSpec, type Flow } from '../views/token-views.js';

/** What a step's form is shown with: its CSRF token, the confirmation fields, what was wrong. */
export interface FlowForm {
  csrf: string;
  confirmation: ConfirmationSpec;
  errors?: FieldErrors;
  formError?: Text[];
}

type FormState = Omit<FlowForm, 'csrf' | 'confirmation'> & { status?: number };
type ShowForm = (state: FormState) => Promise<FastifyReply>;

/**
 * The refusals that every flow answers alike, on the form or as a page of their own. A step's
 * `run` answers its success and its own refusals and returns these: any other refusal it
 * returned would be a type error.
 */
export type CommonRefusal = BindFailure | { ok: false; reason: 'changed_meanwhile' };

export interface FlowStep<Fields> {
  /** The step's page below the site, under its flow's; its form posts there. */
  path: SitePath & `${Flow}/${string}`;
  /** The flow session's stage this step answers. */
  stage: CustomerSessionStage;
  view(ctx: PageContext, form: FlowForm): SafeHtml;
  /** The form asks the confirmation password as well. */
  confirms?: boolean;
  /** The step's own fields, or undefined with the wrong ones marked in `errors`. */
  read(body: FormBody, errors: FieldErrors): Fields | undefined;
  /**
   * Does the step, its form valid (and its confirmation password right): answers itself (and
   * returns the reply, which awaiting turns into undefined: isRefusal) or returns a common refusal.
   */
  run(ctx: PageContext, session: CustomerSession, fields: Fields, showForm: ShowForm): Promise<FastifyReply | CommonRefusal>;
}

export function registerFlowStep<Fields>(scope: FastifyInstance, site: Site, step: FlowStep<Fields>): void {
  const flow = step.path.split('/')[0] as Flow;
  const showFormOf =
    (ctx: PageContext, session: CustomerSession, confirmation: ConfirmationSpec): ShowForm =>
    ({ status, ...state }) =>
      sendPage(ctx, {
        status: status ?? 200,
        title: FLOW_TITLES[flow],
        togglePath: step.path,
        body: step.view(ctx, { csrf: session.csrfToken, confirmation, ...state }),
      });

  registerStep(scope, stepSite(site), {
    path: `/ib/:slug/${step.path}`,
    stages: [step.stage],
    show: (ctx, session) => showFormOf(ctx, session, confirmationSpecOf(ctx, session))({}),
    submit: async (ctx, session, body) => {
      const confirmation = confirmationSpecOf(ctx, session);
      const showForm = showFormOf(ctx, session, confirmation);
      const errors: FieldErrors = {};
      const fields = step.read(body, errors);
      const answer = step.confirms ? readConfirmation(body, confirmation, errors) : undefined;
      if (fields === undefined || (step.confirms && answer === undefined)) return showForm({ status: 400, errors });
      if (answer && !(await confirmedForFlow(ctx, session, { flow, answer, showForm }))) return;

      const answered: FastifyReply | CommonRefusal | undefined = await step.run(ctx, session, fields, showForm);
      if (!isRefusal(answered)) return;
      if (answered.reason === 'changed_meanwhile') return sendChangedMeanwhile(ctx);
      const shown = await showCodeFailure(ctx, answered);
      if (shown) return showForm(shown);
    },
  });
}

/**
 * Whether `run` handed back a refusal for the flow to answer. When `run` answered itself, its
 * value is gone: a FastifyReply is thenable (it resolves, with nothing, once the answer is sent),
 * so an async `run` that returns one resolves to undefined, never to the reply.
 */
function isRefusal(answered: FastifyReply | CommonRefusal | undefined): answered is CommonRefusal {
  return answered !== undefined && 'ok' in answered && answered.ok === false;
}

/** The session's server-chosen digit positions, or the whole password. */
function confirmationSpecOf(ctx: PageContext, session: CustomerSession): ConfirmationSpec {
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
async function confirmedForFlow(ctx: PageContext, session: CustomerSession, input: { flow: Flow; answer: ConfirmationAnswer; showForm: ShowForm }): Promise<boolean> {
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
