// Disabling, re-enabling and revoking a token (an operator's or the CLI's action). Revoked is
// final. A disabled token verifies nothing for any relying party until re-enabled.
import { appendAudit } from '../audit/audit-log.js';
import { normalizeSerial } from '../otp/index.js';
import type { TokenState } from './authority.tables.js';
import { AUTHORITY_AUDIT_CHAIN, type AuthorityContext } from './authority-context.js';
import { updateTokenState } from './token-store.js';

export type SetTokenStateResult = { ok: true } | { ok: false; reason: 'malformed_serial' | 'unknown_serial' | 'revoked' };

export async function setTokenState(ctx: AuthorityContext, serialInput: string, state: TokenState, options: { actor?: string } = {}): Promise<SetTokenStateResult> {
  if (state !== 'active' && state !== 'disabled' && state !== 'revoked') throw new TypeError('state must be active, disabled or revoked');
  const normalized = normalizeSerial(serialInput);
  if (!normalized.ok) return { ok: false, reason: 'malformed_serial' };
  const serial = normalized.serial;
  const nowMs = ctx.clock.nowMs();
  return ctx.database.db.transaction().execute(async (trx) => {
    const result = await updateTokenState(trx, { serial, state, nowMs });
    if (!result.changed) return { ok: false, reason: result.reason };
    await appendAudit(trx, { chain: AUTHORITY_AUDIT_CHAIN, at: nowMs, actor: options.actor ?? 'system', action: 'token_state_changed', subject: serial, details: { state } });
    return { ok: true };
  });
}
