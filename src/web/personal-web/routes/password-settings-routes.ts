// パスワード変更 (signed in, issue 14 §6): the customer changes their own login password or
// confirmation password. Each form asks the current password and the one-time password — or,
// without a registered token, what a transfer confirmation would ask instead: the confirmation
// password (whole, or the digit positions) for the login password's change, and the login
// password for the confirmation password's (whose current value the form already asks).
//
// In this order, and nothing done before the last: the form and the new password's rules
// (nothing counted, nothing hashed); the current password, under one of the contract's password
// attempts (a wrong one counts toward the password lock); the second factor, a code under one of
// the code attempts (a wrong one counts toward the OTP lock) or a password again under a
// password attempt; then one transaction: the compare-and-set on the verified hash, the audit
// record and the notification — for the login password also the end of every session of the
// contract and a new id for this one (the change ends the others; this browser stays signed in).
import type { FastifyInstance } from 'fastify';
import { newConfirmationProblem, storeChangedConfirmationPassword, type NewConfirmationProblem } from '../../../banking/change-confirmation-password.js';
import { checkCurrentLoginPassword, storeChangedLoginPassword, type CurrentPasswordCheck } from '../../../banking/change-login-password.js';
import { checkConfirmationPassword } from '../../../banking/check-confirmation-password.js';
import { storeConfirmationPassword, type ConfirmationAnswer } from '../../../banking/confirmation-password.js';
import { findCustomer, type Customer } from '../../../banking/customers.js';
import { verifyCustomerCode } from '../../../banking/verify-customer-code.js';
import { CUSTOMER } from '../../../identity/principals.js';
import { issueSession } from '../../../identity/sessions.js';
import { enqueueNotification } from '../../../notifications/enqueue-notification.js';
import { readDigits, readText, type FieldErrors, type FormBody } from '../../form-input.js';
import type { Text } from '../../i18n.js';
import { registerStep } from '../../sign-in-step.js';
import { readCode, readConfirmation, MAX_PASSWORD_LENGTH } from '../form-readers.js';
import { confirmationSettings, confirmationWrong, fieldProblem, T, wholeConfirmationFormat } from '../messages.js';
import { confirmationName, sendChangedMeanwhile, sendPasswordLockedPage, showCodeFailure } from '../outcome-pages.js';
import { redirectTo, requireStage, openPage, sendPage, stepSite, type CustomerSession, type PageContext } from '../page-context.js';
import { sessionConfirmationSpec } from '../session-positions.js';
import type { Site } from '../site.js';
import { confirmationSettingsView, loginPasswordSettingsView, passwordSettingsView, type SecondFactor, type SettingsForm } from '../views/password-settings-view.js';
import { readNewLoginPassword } from './password-change-routes.js';

/** The audit and counter path of each change. */
const PATHS = { login: 'password_settings_login', confirmation: 'password_settings_confirmation' } as const;

/** The one fixed query each change's success redirects with (never text from input). */
const DONE_QUERY = { login: 'done=login', confirmation: 'done=confirmation' } as const;

const CONFIRMATION_PROBLEM: Record<Exclude<NewConfirmationProblem, 'format'>, Text> = {
  same_as_current: T.newConfirmationSameAsCurrent,
  too_simple: T.newConfirmationTooSimple,
};

function secondFactorOf(ctx: PageContext, session: CustomerSession, customer: Customer, change: 'login' | 'confirmation'): SecondFactor {
  if (customer.token_binding_id !== null) return { kind: 'code' };
  return change === 'login' ? { kind: 'confirmation', spec: sessionConfirmationSpec(ctx, session, 'password_settings') } : { kind: 'login_password' };
}

type SecondAnswer = { kind: 'code'; code: string } | { kind: 'confirmation'; answer: ConfirmationAnswer } | { kind: 'login_password'; password: string };

/** The second factor's field(s), or undefined with the wrong ones marked. */
function readSecond(body: FormBody, second: SecondFactor, errors: FieldErrors): SecondAnswer | undefined {
  switch (second.kind) {
    case 'code': {
      const code = readCode(body, errors);
      return code === undefined ? undefined : { kind: 'code', code };
    }
    case 'confirmation': {
      const answer = readConfirmation(body, second.spec, errors);
      return answer === undefined ? undefined : { kind: 'confirmation', answer };
    }
    case 'login_password': {
      const password = readText(body, 'loginPassword', MAX_PASSWORD_LENGTH);
      if (password.ok) return { kind: 'login_password', password: password.value };
      errors.loginPassword = fieldProblem(T.settingsLoginPassword, password.problem);
      return undefined;
    }
  }
}

type ShowForm = (state: { status: number; errors?: FieldErrors; formError?: Text[] }) => Promise<unknown>;

/**
 * Checks the second factor (the current password was right). True when it passed; false after
 * the answer was sent: the form with the field marked, or a lock page.
 */
async function secondFactorPassed(ctx: PageContext, customer: Customer, answer: SecondAnswer, input: { path: string; showForm: ShowForm }): Promise<boolean> {
  const policy = ctx.institution.policy;
  switch (answer.kind) {
    case 'code': {
      const checked = await verifyCustomerCode(ctx.db, { authority: ctx.authority(), nowMs: ctx.site.nowMs }, { institution: customer.institution, contractId: customer.contract_id, policy, path: input.path, code: answer.code });
      if (checked.ok) return true;
      const shown = await showCodeFailure(ctx, checked);
      if (shown) await input.showForm(shown);
      return false;
    }
    case 'confirmation': {
      const checked = await checkConfirmationPassword(ctx.db, { ...ctx.site.deps, nowMs: ctx.site.nowMs }, { customer, policy, answer: answer.answer, path: input.path });
      if (checked.ok) return true;
      if (checked.locked) await sendPasswordLockedPage(ctx);
      else await input.showForm({ status: 401, errors: { [answer.answer.mode === 'whole' ? 'confirmationPassword' : 'confirmation']: confirmationWrong(confirmationName(ctx)) } });
      return false;
    }
    case 'login_password': {
      const checked = await checkCurrentLoginPassword(ctx.db, { hasher: ctx.site.deps.hasher, nowMs: ctx.site.nowMs }, { customer, policy, password: answer.password, path: input.path });
      return passwordVerdict(ctx, checked, () => input.showForm({ status: 401, errors: { loginPassword: T.currentPasswordWrong } }));
    }
  }
}

/** True on a right password; otherwise false after the lock page or the form (`wrong`) was sent. */
async function passwordVerdict(ctx: PageContext, verdict: CurrentPasswordCheck, wrong: () => Promise<unknown>): Promise<boolean> {
  if (verdict === 'right') return true;
  if (verdict === 'locked') await sendPasswordLockedPage(ctx);
  else await wrong();
  return false;
}

/** The signed-in customer, fresh from the database; undefined after the login page was sent (gone or no longer active). */
async function activeCustomer(ctx: PageContext, session: CustomerSession): Promise<Customer | undefined> {
  const customer = await findCustomer(ctx.db, ctx.institution.slug, session.subject);
  if (customer && customer.status === 'active') return customer;
  ctx.sessions.clearCookie();
  await redirectTo(ctx, '');
  return undefined;
}

export function registerPasswordSettingsRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug/password', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['signed_in']);
    if (!session) return;
    const done = (request.query as Record<string, unknown>).done;
    const name = confirmationName(ctx);
    const doneText = done === 'login' ? T.loginPasswordChanged : done === 'confirmation' ? confirmationSettings(name).changed : undefined;
    return sendPage(ctx, { title: T.passwordSettingsTitle, session, body: passwordSettingsView(ctx, { confirmationName: name, ...(doneText ? { done: doneText } : {}) }) });
  });

  const formOf = (ctx: PageContext, session: CustomerSession, second: SecondFactor, state: { errors?: FieldErrors; formError?: Text[] } = {}): SettingsForm => ({
    csrf: session.csrfToken,
    second,
    confirmationName: confirmationName(ctx),
    ...state,
  });

  // ログインパスワード変更
  registerStep(scope, stepSite(site), {
    path: '/ib/:slug/password/login',
    stages: ['signed_in'],
    show: async (ctx, session) => {
      const customer = await activeCustomer(ctx, session);
      if (!customer) return;
      const form = formOf(ctx, session, secondFactorOf(ctx, session, customer, 'login'));
      return sendPage(ctx, { title: T.loginPasswordSettingsTitle, session, togglePath: 'password/login', body: loginPasswordSettingsView(ctx, form) });
    },
    submit: async (ctx, session, body) => {
      const customer = await activeCustomer(ctx, session);
      if (!customer) return;
      const second = secondFactorOf(ctx, session, customer, 'login');
      const showForm: ShowForm = ({ status, ...state }) =>
        sendPage(ctx, { status, title: T.loginPasswordSettingsTitle, session, togglePath: 'password/login', body: loginPasswordSettingsView(ctx, formOf(ctx, session, second, state)) });

      const errors: FieldErrors = {};
      const answer = readSecond(body, second, errors);
      const read = readNewLoginPassword(body, session.subject);
      if (!read.ok || answer === undefined) return showForm({ status: 400, errors: { ...errors, ...(read.ok ? {} : read.errors) } });

      const deps = { hasher: site.deps.hasher, nowMs: site.nowMs };
      const target = { institution: customer.institution, contractId: customer.contract_id, policy: ctx.institution.policy };
      const current = await checkCurrentLoginPassword(ctx.db, deps, { customer, policy: target.policy, password: read.current, path: PATHS.login });
      if (!(await passwordVerdict(ctx, current, () => showForm({ status: 401, errors: { currentPassword: T.currentPasswordWrong } })))) return;
      if (!(await secondFactorPassed(ctx, customer, answer, { path: PATHS.login, showForm }))) return;

      const newHash = await site.deps.hasher.hash(read.next);
      const nowMs = site.nowMs();
      const issued = await ctx.db.transaction().execute(async (trx) => {
        const stored = await storeChangedLoginPassword(trx, { ...target, verifiedHash: customer.login_password_hash, newHash, nowMs, path: PATHS.login });
        if (!stored) return undefined;
        await enqueueNotification(trx, { institution: target.institution, contractId: target.contractId, atMs: nowMs, event: { kind: 'login_password_changed' } }, { randomBytes: site.deps.randomBytes });
        return issueSession(trx, CUSTOMER, { institution: target.institution, subject: target.contractId, stage: 'signed_in', nowMs, randomBytes: site.deps.randomBytes, previous: session });
      });
      if (!issued) return sendChangedMeanwhile(ctx);
      ctx.sessions.setCookie(issued.token);
      return ctx.reply.redirect(`${ctx.base}password?${DONE_QUERY.login}`, 303);
    },
  });

  // 確認用パスワード変更 (資金移動用パスワード変更 at an institution that names it so)
  registerStep(scope, stepSite(site), {
    path: '/ib/:slug/password/confirmation',
    stages: ['signed_in'],
    show: async (ctx, session) => {
      const customer = await activeCustomer(ctx, session);
      if (!customer) return;
      const form = formOf(ctx, session, secondFactorOf(ctx, session, customer, 'confirmation'));
      return sendPage(ctx, { title: confirmationSettings(confirmationName(ctx)).title, session, togglePath: 'password/confirmation', body: confirmationSettingsView(ctx, form) });
    },
    submit: async (ctx, session, body) => {
      const customer = await activeCustomer(ctx, session);
      if (!customer) return;
      const name = confirmationName(ctx);
      const words = confirmationSettings(name);
      const second = secondFactorOf(ctx, session, customer, 'confirmation');
      const showForm: ShowForm = ({ status, ...state }) =>
        sendPage(ctx, { status, title: words.title, session, togglePath: 'password/confirmation', body: confirmationSettingsView(ctx, formOf(ctx, session, second, state)) });

      // The form first (nothing counted, nothing hashed).
      const errors: FieldErrors = {};
      const digits = (field: 'currentConfirmation' | 'newConfirmation' | 'newConfirmationAgain', label: Text) => {
        const read = readDigits(body, field, 6);
        if (read.ok) return read.value;
        errors[field] = fieldProblem(label, read.problem, wholeConfirmationFormat(name));
        return undefined;
      };
      const current = digits('currentConfirmation', words.current);
      const next = digits('newConfirmation', words.next);
      const again = digits('newConfirmationAgain', words.again);
      const answer = readSecond(body, second, errors);
      if (current === undefined || next === undefined || again === undefined || answer === undefined) return showForm({ status: 400, errors });
      const problem = newConfirmationProblem(next, { current });
      if (problem === 'format') return showForm({ status: 400, errors: { newConfirmation: wholeConfirmationFormat(name) } });
      if (problem !== undefined) return showForm({ status: 400, errors: { newConfirmation: CONFIRMATION_PROBLEM[problem] } });
      if (again !== next) return showForm({ status: 400, errors: { newConfirmationAgain: words.mismatch } });

      // The current confirmation password, whole, under one of the contract's password attempts.
      const checked = await checkConfirmationPassword(ctx.db, { ...site.deps, nowMs: site.nowMs }, { customer, policy: ctx.institution.policy, answer: { mode: 'whole', value: current }, path: PATHS.confirmation });
      if (!checked.ok) {
        if (checked.locked) return sendPasswordLockedPage(ctx);
        return showForm({ status: 401, errors: { currentConfirmation: words.currentWrong } });
      }
      if (!(await secondFactorPassed(ctx, customer, answer, { path: PATHS.confirmation, showForm }))) return;

      const stored = await storeConfirmationPassword(site.deps.hasher, site.deps.confirmationPepper, { contractId: customer.contract_id, confirmationPassword: next });
      const nowMs = site.nowMs();
      const changed = await ctx.db.transaction().execute(async (trx) => {
        const done = await storeChangedConfirmationPassword(trx, {
          institution: customer.institution,
          contractId: customer.contract_id,
          policy: ctx.institution.policy,
          verifiedHash: customer.confirmation_hash,
          stored,
          nowMs,
          path: PATHS.confirmation,
        });
        if (done) {
          const event = { kind: 'confirmation_password_changed', name: { ja: name.ja, en: name.en } } as const;
          await enqueueNotification(trx, { institution: customer.institution, contractId: customer.contract_id, atMs: nowMs, event }, { randomBytes: site.deps.randomBytes });
        }
        return done;
      });
      if (!changed) return sendChangedMeanwhile(ctx);
      return ctx.reply.redirect(`${ctx.base}password?${DONE_QUERY.confirmation}`, 303);
    },
  });
}
