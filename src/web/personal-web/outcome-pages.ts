// How each refusal of the domain is shown: on the form (the customer can correct it), or as a
// page of its own (nothing more to do here). One exhaustive switch per kind of outcome.
import type { BindFailure } from '../../banking/register-token.js';
import type { CodeFailure } from '../../banking/verify-customer-code.js';
import type { Text } from '../i18n.js';
import { desktopClosed, passwordLockedBody, T, withRemaining } from './messages.js';
import { sendMessage, type PageContext } from './page-context.js';
import type { FieldErrors } from './views/form-parts.js';

export type ShowOnForm = { status: number; errors: FieldErrors; formError: Text[] };

/** The lock page: shown only to someone who passed the login password. */
export function sendLockedPage(ctx: PageContext) {
  ctx.sessions.clearCookie();
  return sendMessage(ctx, { status: 403, title: T.lockedTitle, lines: [T.lockedBody, T.lockedHowTo], kind: 'error', withSupport: true });
}

export function sendPasswordLockedPage(ctx: PageContext) {
  ctx.sessions.clearCookie();
  return sendMessage(ctx, { status: 403, title: T.passwordLockedTitle, lines: [passwordLockedBody(confirmationName(ctx))], kind: 'error', withSupport: true });
}

export function confirmationName(ctx: PageContext): Text {
  return { ja: ctx.institution.confirmation.name, en: ctx.institution.confirmation.nameEn };
}

/** A code or bind failure: either what to show on the form, or a page has been sent. */
export async function showCodeFailure(ctx: PageContext, failure: CodeFailure | BindFailure): Promise<ShowOnForm | undefined> {
  switch (failure.reason) {
    case 'wrong_code':
      return {
        status: 401,
        errors: { code: T.wrongCode },
        formError: failure.warn ? [withRemaining(failure.remaining), T.wrongCodeRetry] : [T.wrongCodeRetry],
      };
    case 'throttled':
      return { status: 429, errors: {}, formError: [T.throttled] };
    case 'unknown_serial':
      return { status: 400, errors: { serial: T.unknownSerial }, formError: [] };
    case 'desktop_closed':
      return { status: 400, errors: { serial: desktopClosed(failure.closedFrom) }, formError: [] };
    case 'locked':
      await sendLockedPage(ctx);
      return undefined;
    case 'token_unusable':
      ctx.sessions.clearCookie();
      await sendMessage(ctx, { status: 403, title: T.stepResult, lines: [T.tokenUnusable], kind: 'error', withSupport: true });
      return undefined;
    case 'no_token':
      ctx.sessions.clearCookie();
      await sendMessage(ctx, { status: 409, title: T.stepResult, lines: [T.notRegistered], kind: 'warn' });
      return undefined;
  }
}

export function sendChangedMeanwhile(ctx: PageContext) {
  ctx.sessions.clearCookie();
  return sendMessage(ctx, { status: 409, title: T.stepResult, lines: [T.changedMeanwhile], kind: 'warn' });
}
