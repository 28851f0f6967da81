// 利用中止: after the current token's code, the bank forgets the binding (recording when, for the
// limit rule of DESIGN §4) in one audited transaction, then asks the authority to unbind it.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import { appendCustomerAudit } from './customers.js';
import { unbindQuietly, type TokenDeps } from './register-token.js';
import { verifyCustomerCode, type CodeFailure, type CodeTarget } from './verify-customer-code.js';

export type DeregisterResult = { ok: true; unbound: boolean } | CodeFailure | { ok: false; reason: 'changed_meanwhile' };

export async function deregisterToken(db: Kysely<Schema>, deps: TokenDeps, input: CodeTarget & { code: string }): Promise<DeregisterResult> {
  const verified = await verifyCustomerCode(db, deps, input);
  if (!verified.ok) return verified;
  const nowMs = deps.nowMs();
  const stored = await db.transaction().execute(async (trx) => {
    // The serial of the verified binding, for the notification (the update below clears it).
    const current = await trx
      .selectFrom('customers')
      .select('token_serial')
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .where('token_binding_id', '=', verified.bindingId)
      .executeTakeFirst();
    if (!current) return undefined;
    const row = await trx
      .updateTable('customers')
      .set({ token_binding_id: null, token_serial: null, token_kind: null, token_registered_at: null, token_deregistered_at: nowMs, updated_at: nowMs })
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .where('token_binding_id', '=', verified.bindingId)
      .returning('contract_id')
      .executeTakeFirst();
    if (!row) return undefined;
    await appendCustomerAudit(trx, { ...input, nowMs }, { action: 'token_deregistered', details: { bindingId: verified.bindingId } });
    await enqueueNotification(trx, { institution: input.institution, contractId: input.contractId, atMs: nowMs, event: { kind: 'token_deregistered', serial: current.token_serial } });
    return true;
  });
  if (stored === undefined) return { ok: false, reason: 'changed_meanwhile' };
  const unbound = await unbindQuietly(deps.authority, verified.bindingId);
  return { ok: true, unbound };
}
