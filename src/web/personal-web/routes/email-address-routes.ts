// メールアドレス (issue 14 §1): the signed-in pages that register or change the notification
// address (src/banking/notification-address.ts).
//   GET/POST email              the current address; step 1: the new address + the OTP (or
//                               the confirmation password without a token) → 「確認コードを送信」
//   GET/POST email/code         step 2: the 6-digit code mailed to the new address → 「確認」
//   POST     email/code/resend  「確認コードを再送信」
// Bad input (the address, the code's form) is a message on the form and checks nothing, so a
// mistyped address never takes an OTP attempt. The OTP and the confirmation password are
// checked by the transfer confirmation's helpers (verifyConfirmAnswer with the customer's
// ports), so a wrong code counts toward the one OTP lock and a wrong confirmation password
// toward the password lock, as on every other path (DESIGN §4). The address never goes into a
// URL: every redirect is a fixed path.
import type { FastifyInstance } from 'fastify';
import { checkEmailAddress } from '../../../banking/email-address.js';
import {
  confirmNotificationAddressChange,
  findNotificationAddressChange,
  resendNotificationAddressCode,
  startNotificationAddressChange,
} from '../../../banking/notification-address.js';
import { verifyConfirmAnswer, type ConfirmAnswer, type ConfirmChallenge } from '../../../banking/transfers/confirm-authentication.js';
import { confirmingCustomer, customerConfirmPorts } from '../../../banking/transfers/confirm-ports.js';
import { readDigits, readText, type FieldErrors, type FormBody } from '../../form-input.js';
import type { Text } from '../../i18n.js';
import { redisplayedBy } from '../../language-toggle.js';
import { readConfirmation } from '../form-readers.js';
import { confirmationWrong, emailAddressProblem, emailCodeRemaining, emailRateLimited, fieldProblem, FORMATS, T, withRemaining } from '../messages.js';
import { confirmationName, sendLockedPage, sendPasswordLockedPage } from '../outcome-pages.js';
import { openSignedInPage, redirectTo, sendMessage, sendPage, signedInForm, type SignedInPage } from '../page-context.js';
import { sessionConfirmationSpec } from '../session-positions.js';
import type { Site } from '../site.js';
import { emailAddressView, emailCodeView, type AddressConfirmation, type AddressFormState, type CodeFormState } from '../views/email-address-view.js';

/** Longer than any address we accept (254), so that "too long" is the validator's own message. */
const MAX_TYPED_ADDRESS = 1024;

/**
 * What step 1 asks: the token's code when one is registered, else the confirmation password —
 * whole, or at this session's digit positions (session-positions.ts).
 */
function confirmationOf(page: SignedInPage): AddressConfirmation {
  if (page.customer.token_binding_id !== null) return { kind: 'otp' };
  return { kind: 'confirmation_password', spec: sessionConfirmationSpec(page.ctx, page.session, 'notification_address') };
}

async function showAddressForm(page: SignedInPage, state: Omit<AddressFormState, 'csrf' | 'current' | 'confirmation' | 'pending'> & { status?: number }) {
  const { status, ...shown } = state;
  // A change under way (a code sent, still valid: the customer may have signed in again since) is named, with the way back to it.
  const pending = await findNotificationAddressChange(page.ctx.db, { institution: page.ctx.institution.slug, contractId: page.customer.contract_id });
  const waiting = pending && pending.expiresAtMs > page.ctx.site.nowMs() && pending.attemptsLeft > 0 ? { pending: { newAddress: pending.newAddress, expiresAtMs: pending.expiresAtMs } } : {};
  return sendPage(page.ctx, {
    title: T.emailTitle,
    session: page.session,
    status: status ?? 200,
    body: emailAddressView(page.ctx, { csrf: page.session.csrfToken, current: page.customer.email, confirmation: confirmationOf(page), ...waiting, ...shown }),
  });
}

async function showCodeForm(page: SignedInPage, state: Omit<CodeFormState, 'csrf' | 'newAddress' | 'expiresAtMs'> & { status?: number } = {}) {
  const pending = await findNotificationAddressChange(page.ctx.db, { institution: page.ctx.institution.slug, contractId: page.customer.contract_id });
  if (!pending) return redirectTo(page.ctx, 'email');
  const { status, ...shown } = state;
  return sendPage(page.ctx, {
    title: T.emailTitle,
    session: page.session,
    status: status ?? 200,
    body: emailCodeView(page.ctx, { csrf: page.session.csrfToken, newAddress: pending.newAddress, expiresAtMs: pending.expiresAtMs, ...shown }),
  });
}

/** The typed address, as the form shows it again (whatever it was: the view escapes it). */
function typedAddress(body: FormBody): string {
  const value = body.email;
  return typeof value === 'string' ? value.slice(0, MAX_TYPED_ADDRESS) : '';
}

/** The step-1 answer, or undefined with the fields marked. */
function readAnswer(body: FormBody, confirmation: AddressConfirmation, errors: FieldErrors): { challenge: ConfirmChallenge; answer: ConfirmAnswer } | undefined {
  if (confirmation.kind === 'otp') {
    const code = readDigits(body, 'code', 6);
    if (!code.ok) {
      errors.code = fieldProblem(T.otp, code.problem, FORMATS.otp);
      return undefined;
    }
    return { challenge: { kind: 'otp' }, answer: { kind: 'code', code: code.value } };
  }
  const { spec } = confirmation;
  const answer = readConfirmation(body, spec, errors);
  if (!answer) return undefined;
  const challenge: ConfirmChallenge = spec.mode === 'positions' ? { kind: 'confirmation_password', mode: 'positions', positions: spec.positions } : { kind: 'confirmation_password', mode: 'whole' };
  return { challenge, answer: { kind: 'confirmation_password', answer } };
}

function domainDeps(site: Site) {
  return { nowMs: site.nowMs(), randomBytes: site.deps.randomBytes, confirmationPepper: site.deps.confirmationPepper };
}

export function registerEmailAddressRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug/email', async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    const done = (request.query as Record<string, unknown>).done;
    return showAddressForm(page, done === 'changed' ? { done: [T.emailChanged] } : done === 'changed_told' ? { done: [T.emailChanged, T.emailChangedOldTold] } : {});
  });

  // The language toggle: the form again with the address typed (the code fields empty), nothing done.
  const redisplayAddress = redisplayedBy(async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    const body = await signedInForm(page);
    if (!body) return;
    return showAddressForm(page, { value: typedAddress(body) });
  });

  scope.post('/ib/:slug/email', redisplayAddress, async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    const body = await signedInForm(page);
    if (!body) return;
    const { ctx, customer } = page;
    const typed = typedAddress(body);
    const errors: FieldErrors = {};

    const read = readText(body, 'email', MAX_TYPED_ADDRESS);
    let address: string | undefined;
    if (!read.ok) errors.email = read.problem === 'missing' || read.problem === 'control_characters' ? emailAddressProblem(read.problem) : fieldProblem(T.emailNew, read.problem);
    else {
      const checked = checkEmailAddress(read.value);
      if (checked.ok) address = checked.address;
      else errors.email = emailAddressProblem(checked.problem);
    }
    if (address !== undefined && address === customer.email) errors.email = T.emailSame;
    const confirmation = confirmationOf(page);
    const answered = readAnswer(body, confirmation, errors);
    if (address === undefined || errors.email !== undefined || answered === undefined) return showAddressForm(page, { status: 400, value: typed, errors });

    const policy = ctx.institution.policy;
    const ports = customerConfirmPorts(ctx.db, { authority: ctx.authority(), hasher: site.deps.hasher, confirmationPepper: site.deps.confirmationPepper, clock: site.deps.clock }, { customer, policy, path: 'notification_address' });
    const verified = await verifyConfirmAnswer(ports, { challenge: answered.challenge, customer: confirmingCustomer(customer, policy), answer: answered.answer });
    if (!verified.ok) {
      const positionsKey = confirmation.kind === 'confirmation_password' && confirmation.spec.mode === 'positions' ? 'confirmation' : 'confirmationPassword';
      switch (verified.error) {
        case 'code_locked':
          return sendLockedPage(ctx);
        case 'password_locked':
          return sendPasswordLockedPage(ctx);
        case 'token_unavailable':
          ctx.sessions.clearCookie();
          return sendMessage(ctx, { status: 403, title: T.emailTitle, lines: [T.tokenUnusable], kind: 'error', withSupport: true });
        case 'code_throttled':
          return showAddressForm(page, { status: 429, value: typed, formError: [T.throttled] });
        case 'code_wrong':
          return showAddressForm(page, {
            status: 401,
            value: typed,
            errors: { code: T.wrongCode },
            formError: verified.warn && verified.remainingAttempts !== undefined ? [withRemaining(verified.remainingAttempts), T.wrongCodeRetry] : [T.wrongCodeRetry],
          });
        case 'password_wrong':
          return showAddressForm(page, { status: 401, value: typed, errors: { [positionsKey]: confirmationWrong(confirmationName(ctx)) } });
        case 'code_malformed':
        case 'answer_missing':
          return showAddressForm(page, { status: 400, value: typed, errors: confirmation.kind === 'otp' ? { code: FORMATS.otp } : { [positionsKey]: confirmationWrong(confirmationName(ctx)) } });
      }
    }
    const started = await startNotificationAddressChange(ctx.db, domainDeps(site), {
      institution: ctx.institution.slug,
      contractId: customer.contract_id,
      newAddress: address,
      confirmedBy: verified.method === 'confirmation_password' ? 'confirmation_password' : 'otp',
    });
    if (started.ok) return redirectTo(ctx, 'email/code');
    switch (started.reason) {
      case 'rate_limited':
        return showAddressForm(page, { status: 429, value: typed, formError: [emailRateLimited(started.retryAfterMs)] });
      case 'same_address':
        return showAddressForm(page, { status: 400, value: typed, errors: { email: T.emailSame } });
      case 'customer_not_found':
        ctx.sessions.clearCookie();
        return redirectTo(ctx, '');
    }
  });

  scope.get('/ib/:slug/email/code', async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    return showCodeForm(page);
  });

  const redisplayCode = redisplayedBy(async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    if (!(await signedInForm(page))) return;
    return showCodeForm(page);
  });

  scope.post('/ib/:slug/email/code', redisplayCode, async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    const body = await signedInForm(page);
    if (!body) return;
    const { ctx, customer } = page;
    const code = readDigits(body, 'code', 6);
    if (!code.ok) return showCodeForm(page, { status: 400, errors: { code: fieldProblem(T.emailCode, code.problem, T.emailCodeFormat) } });
    const confirmed = await confirmNotificationAddressChange(ctx.db, domainDeps(site), { institution: ctx.institution.slug, contractId: customer.contract_id, code: code.value });
    if (confirmed.ok) return ctx.reply.redirect(`${ctx.base}email?done=${confirmed.previous === null ? 'changed' : 'changed_told'}`, 303);
    const refusal = (status: number, lines: Text[], onField = true) => showCodeForm(page, { status, ...(onField ? { errors: { code: lines[0]! } } : {}), formError: onField ? lines.slice(1) : lines });
    switch (confirmed.reason) {
      case 'wrong_code':
        return refusal(401, [T.emailCodeWrong, emailCodeRemaining(confirmed.remainingAttempts)]);
      case 'expired':
        return refusal(400, [T.emailCodeExpired], false);
      case 'no_attempts_left':
        return refusal(429, [T.emailCodeUsedUp], false);
      case 'no_change_under_way':
        return sendMessage(ctx, { status: 409, title: T.emailTitle, lines: [T.emailNothingUnderWay], kind: 'warn' });
    }
  });

  scope.post('/ib/:slug/email/code/resend', async (request, reply) => {
    const page = await openSignedInPage(site, request, reply);
    if (!page) return;
    if (!(await signedInForm(page))) return;
    const { ctx, customer } = page;
    const resent = await resendNotificationAddressCode(ctx.db, domainDeps(site), { institution: ctx.institution.slug, contractId: customer.contract_id });
    if (resent.ok) return showCodeForm(page, { info: [T.emailResent] });
    switch (resent.reason) {
      case 'rate_limited':
        return showCodeForm(page, { status: 429, formError: [emailRateLimited(resent.retryAfterMs)] });
      case 'no_change_under_way':
        return sendMessage(ctx, { status: 409, title: T.emailTitle, lines: [T.emailNothingUnderWay], kind: 'warn' });
    }
  });
}
