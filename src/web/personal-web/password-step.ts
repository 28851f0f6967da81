// The password step of every flow (ログイン, 利用開始, 利用中止, 利用登録/交換) behind the limit per
// client address (src/web/sign-in-address-limit.ts): an attempt over the limit gets the 429 page
// and is never checked; a right password gives its attempt back.
import { checkLoginPassword, type PasswordCheck } from '../../banking/check-login-password.js';
import { checkWithinAddressLimit, signInEnvironmentOf } from '../sign-in-address-limit.js';
import { T } from './messages.js';
import { sendMessage, type PageContext } from './page-context.js';

/** The check of `checkLoginPassword`, or undefined once the 429 page has been sent. */
export async function checkPasswordStep(ctx: PageContext, input: { contractId: string; password: string; path: string }): Promise<PasswordCheck | undefined> {
  const { site } = ctx;
  const limited = await checkWithinAddressLimit(
    ctx.db,
    { site: 'ib', institution: ctx.institution.slug, clientAddress: ctx.request.ip, policy: ctx.institution.policy, nowMs: site.nowMs() },
    () =>
      checkLoginPassword(ctx.db, { hasher: site.deps.hasher, nowMs: site.nowMs }, { institution: ctx.institution.slug, policy: ctx.institution.policy, environment: signInEnvironmentOf(ctx.request), ...input }),
  );
  if (limited.allowed) return limited.checked;
  // The same page whatever contract was named: nothing about it was looked at.
  ctx.reply.header('retry-after', String(limited.retryAfterSeconds));
  await sendMessage(ctx, { status: 429, title: T.tooManyAttemptsTitle, lines: [T.tooManyAttempts], kind: 'error', withSupport: true });
  return undefined;
}
