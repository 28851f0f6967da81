// What a completed sign-in adds to the transaction that issues its signed-in session: this
// browser recorded for the contract and the ログイン通知 the policy asks for
// (src/banking/sign-in-notice.ts); and, once issued, the device cookie on the answer. A sign-in
// completes where its `signed_in` session is issued: after the one-time password (or the
// password alone without a token) — or, while the password is one the branch set, only after
// the forced change (password-change-routes.ts), so that a sign-in left at the change sends
// nothing, like any other unfinished one.
import type { Transaction } from 'kysely';
import { noteCompletedSignIn } from '../../../banking/sign-in-notice.js';
import type { Schema } from '../../../db/schema.js';
import { environmentDetails } from '../../../shared/sign-in-environment.js';
import { signInEnvironmentOf } from '../../sign-in-address-limit.js';
import { deviceTokenOf, setDeviceCookie } from '../device-cookie.js';
import type { PageContext } from '../page-context.js';

export interface CompletedSignIn {
  /** Where the sign-in came from, for its audit record (ログイン履歴). */
  details: ReturnType<typeof environmentDetails>;
  /** Inside the transaction that issues the signed-in session. */
  withIssued(trx: Transaction<Schema>): Promise<void>;
  /** On the answer, once that session is issued. */
  issued(): void;
}

export function completedSignIn(ctx: PageContext, contractId: string): CompletedSignIn {
  const environment = signInEnvironmentOf(ctx.request);
  const device = deviceTokenOf(ctx);
  return {
    details: environmentDetails(environment),
    withIssued: async (trx) => {
      await noteCompletedSignIn(trx, { institution: ctx.institution.slug, contractId, policy: ctx.institution.policy, deviceHash: device.hash, environment, nowMs: ctx.site.nowMs() });
    },
    issued: () => setDeviceCookie(ctx, device),
  };
}
