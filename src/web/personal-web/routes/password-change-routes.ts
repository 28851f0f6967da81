// ログインパスワードの変更, forced: after a login (password, and the one-time password when a
// token is registered) with a password the branch set — a new contract's initial password or a
// reset — the session is at stage `password_change`, and this is the only page it reaches
// (`requireStage` sends every other signed-in page here). The new password is hashed before
// the transaction; the transaction stores it (compare-and-set on the verified hash), ends the
// branch's requirement and every session of the contract, writes the audit record and issues
// the new signed-in session id — all or nothing. The sign-in completes with it: its browser is
// recorded and its ログイン通知 queued in the same transaction, and the main page says the
// password was changed.
import type { FastifyInstance } from 'fastify';
import { checkCurrentLoginPassword, newPasswordProblem, storeChangedLoginPassword, type NewPasswordProblem } from '../../../banking/change-login-password.js';
import { findCustomer } from '../../../banking/customers.js';
import { CUSTOMER } from '../../../identity/principals.js';
import { issueSession } from '../../../identity/sessions.js';
import { readText, type FormBody } from '../../form-input.js';
import { MAX_PASSWORD_LENGTH } from '../form-readers.js';
import type { Text } from '../../i18n.js';
import { fieldProblem, T } from '../messages.js';
import { sendChangedMeanwhile, sendPasswordLockedPage } from '../outcome-pages.js';
import { completedSignIn } from './completed-sign-in.js';
import {
  MAIN_DONE,
  redirectTo,
  sendPage,
  stepSite,
  type CustomerSession,
  type PageContext,
} from '../page-context.js';
import { registerStep } from '../../sign-in-step.js';
import type { Site } from '../site.js';
import type { FieldErrors } from '../views/form-parts.js';
import { passwordChangeView } from '../views/password-change-view.js';

const PROBLEM_TEXT: Record<NewPasswordProblem, Text> = {
  characters: T.newPasswordCharacters,
  length: T.newPasswordLength,
  letters_and_digits: T.newPasswordLettersAndDigits,
  same_as_current: T.newPasswordSameAsCurrent,
  contains_contract_id: T.newPasswordContainsContractId,
};

/**
 * The fields of a login password change — 現在のログインパスワード, the new one twice — read and
 * checked against the rules (nothing counted, nothing hashed): the forced change and the
 * customer's own (password-settings-routes.ts) read the same.
 */
export function readNewLoginPassword(body: FormBody, contractId: string): { ok: true; current: string; next: string } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const current = readText(body, 'currentPassword', MAX_PASSWORD_LENGTH);
  if (!current.ok) errors.currentPassword = fieldProblem(T.currentPassword, current.problem);
  const next = readText(body, 'newPassword', MAX_PASSWORD_LENGTH);
  if (!next.ok) errors.newPassword = fieldProblem(T.newPassword, next.problem);
  const again = readText(body, 'newPasswordAgain', MAX_PASSWORD_LENGTH);
  if (!again.ok) errors.newPasswordAgain = fieldProblem(T.newPasswordAgain, again.problem);
  if (!current.ok || !next.ok || !again.ok) return { ok: false, errors };
  const problem = newPasswordProblem(next.value, { currentPassword: current.value, contractId });
  if (problem !== undefined) return { ok: false, errors: { newPassword: PROBLEM_TEXT[problem] } };
  if (again.value !== next.value) return { ok: false, errors: { newPasswordAgain: T.newPasswordMismatch } };
  return { ok: true, current: current.value, next: next.value };
}

function showForm(ctx: PageContext, session: CustomerSession, input: { status?: number; errors?: FieldErrors } = {}) {
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: T.passwordChangeTitle,
    togglePath: 'password/change',
    session,
    body: passwordChangeView(ctx, { csrf: session.csrfToken, ...(input.errors ? { errors: input.errors } : {}) }),
  });
}

export function registerPasswordChangeRoutes(scope: FastifyInstance, site: Site): void {
  registerStep(scope, stepSite(site), {
    path: '/ib/:slug/password/change',
    stages: ['password_change'],
    // Signed in already (the password was changed): the main page, not a logout.
    showStages: ['password_change', 'signed_in'],
    show: (ctx, session) => (session.stage === 'signed_in' ? redirectTo(ctx, 'main') : showForm(ctx, session)),
    submit: async (ctx, session, body) => {

      // The form first (nothing counted, nothing hashed): present, and a new password that keeps the rules.
      const read = readNewLoginPassword(body, session.subject);
      if (!read.ok) return showForm(ctx, session, { status: 400, errors: read.errors });
      const { current, next } = read;

      // The current password again: whoever holds this session must also know it. A wrong one
      // counts toward the password lock like any wrong login password (the lock ends the sessions).
      const customer = await findCustomer(ctx.db, ctx.institution.slug, session.subject);
      if (!customer || customer.status !== 'active') {
        ctx.sessions.clearCookie();
        return redirectTo(ctx, '');
      }
      const target = { institution: ctx.institution.slug, contractId: session.subject, policy: ctx.institution.policy };
      const verdict = await checkCurrentLoginPassword(ctx.db, { hasher: site.deps.hasher, nowMs: site.nowMs }, { customer, policy: target.policy, password: current, path: 'password_change' });
      if (verdict === 'locked') return sendPasswordLockedPage(ctx);
      if (verdict === 'wrong') return showForm(ctx, session, { status: 401, errors: { currentPassword: T.currentPasswordWrong } });

      const newHash = await site.deps.hasher.hash(next);
      const nowMs = site.nowMs();
      const completed = completedSignIn(ctx, session.subject);
      const issued = await ctx.db.transaction().execute(async (trx) => {
        const stored = await storeChangedLoginPassword(trx, { ...target, verifiedHash: customer.login_password_hash, newHash, nowMs, path: 'password_change' });
        if (!stored) return undefined;
        const signedIn = await issueSession(trx, CUSTOMER, { institution: target.institution, subject: target.contractId, stage: 'signed_in', nowMs, randomBytes: site.deps.randomBytes, previous: session });
        // The sign-in completes here: its browser and ログイン通知, like every other sign-in's.
        await completed.withIssued(trx);
        return signedIn;
      });
      if (!issued) return sendChangedMeanwhile(ctx);
      ctx.sessions.setCookie(issued.token);
      completed.issued();
      return ctx.reply.redirect(`${ctx.base}main?done=${MAIN_DONE.passwordChanged}`, 303);
    },
  });
}
