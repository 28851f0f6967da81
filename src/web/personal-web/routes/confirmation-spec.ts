// Which confirmation-password fields a token form shows: the session's server-chosen positions,
// or the whole password.
import type { Session } from '../../../banking/sessions.js';
import { confirmationName } from '../outcome-pages.js';
import type { PageContext } from '../page-context.js';
import type { ConfirmationSpec } from '../views/token-views.js';

export function confirmationSpecOf(ctx: PageContext, session: Session): ConfirmationSpec {
  const positions = session.data.positions;
  return positions && positions.length >= 2
    ? { mode: 'positions', name: confirmationName(ctx), positions }
    : { mode: 'whole', name: confirmationName(ctx), positions: [] };
}
