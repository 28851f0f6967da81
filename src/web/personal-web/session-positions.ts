// Which digit positions of the confirmation password a signed-in form asks, when the
// institution asks positions (DESIGN §3.3 「桁数が指定された」) and the form is not a step of
// its own with positions drawn into its session (the token flows): drawn from the session's own
// id hash, under the server's pepper, per form — so they stay the same however often the page
// is shown (a reload cannot shop for positions whose digits are known), the form never says
// which it answers, and a GET writes nothing. A new sign-in (a new session id) draws anew.
import { createHmac } from 'node:crypto';
import { pickPositions } from '../../banking/confirmation-password.js';
import { confirmationName } from './outcome-pages.js';
import type { CustomerSession, PageContext } from './page-context.js';
import type { ConfirmationSpec } from './views/token-views.js';

/** The confirmation password as `form` of this session asks it: whole, or at its positions. */
export function sessionConfirmationSpec(ctx: PageContext, session: CustomerSession, form: string): ConfirmationSpec {
  const name = confirmationName(ctx);
  const asked = ctx.institution.confirmation;
  if (asked.mode !== 'positions') return { mode: 'whole', name, positions: [] };
  return { mode: 'positions', name, positions: pickPositions(Math.max(2, asked.positions), sessionBytes(ctx.site.deps.confirmationPepper, session.idHash, form)) };
}

/** A stream of bytes fixed by the session and the form: HMAC-SHA256 blocks in counter mode. */
function sessionBytes(pepper: Uint8Array, sessionIdHash: string, form: string): (size: number) => Uint8Array {
  let block = 0;
  let pool = Buffer.alloc(0);
  return (size) => {
    while (pool.length < size) pool = Buffer.concat([pool, createHmac('sha256', pepper).update(`mamori/session-positions/v1|${form}|${sessionIdHash}|${block++}`).digest()]);
    const out = pool.subarray(0, size);
    pool = pool.subarray(size);
    return new Uint8Array(out);
  };
}
