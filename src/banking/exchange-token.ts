// 利用登録/交換 (seed 002 Q&A): with the current token's code already verified (its binding id kept
// in the session), bind the new token at the authority first, then swap the binding in ONE bank
// transaction (compare-and-set on the verified binding id), then unbind the old one. There is
// never a moment with no token or with two: before the swap the old token works, after it only
// the new one, because the bank verifies only against the binding it stores.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import { isOtpLocked } from './fail-counters.js';
import { findCustomer } from './customers.js';
import type { InstitutionPolicy } from './institution-policy.js';
import { bindNewToken, unbindQuietly, unbindUnlessStored, type BindFailure, type TokenDeps } from './register-token.js';

export type ExchangeResult =
  | { ok: true; serial: string; kind: 'mobile' | 'desktop'; oldUnbound: boolean }
  | BindFailure
  | { ok: false; reason: 'same_token' }
  | { ok: false; reason: 'changed_meanwhile' };

export async function exchangeToken(
  db: Kysely<Schema>,
  deps: TokenDeps,
  input: { institution: string; contractId: string; policy: InstitutionPolicy; verifiedBindingId: string; serial: string; code: string },
): Promise<ExchangeResult> {
  const customer = await findCustomer(db, input.institution, input.contractId);
  if (!customer || customer.status !== 'active') return { ok: false, reason: 'token_unusable' };
  if (isOtpLocked(customer, input.policy)) return { ok: false, reason: 'locked' };
  if (customer.token_binding_id !== input.verifiedBindingId) return { ok: false, reason: 'changed_meanwhile' };
  if (customer.token_serial === input.serial) return { ok: false, reason: 'same_token' };

  const result = await bindNewToken(db, deps, { ...input, path: 'exchange' });
  if (!result.ok) return result;
  const { bound } = result;
  const nowMs = deps.nowMs();
  let swapped: boolean;
  try {
    swapped = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('customers')
        .set({ token_binding_id: bound.bindingId, token_serial: bound.serial, token_kind: bound.kind, token_registered_at: nowMs, otp_failures: 0, updated_at: nowMs })
        .where('institution', '=', input.institution)
        .where('contract_id', '=', input.contractId)
        .where('token_binding_id', '=', input.verifiedBindingId)
        .where('status', '=', 'active')
        .where('otp_failures', '<', input.policy.otpLockThreshold)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await appendAudit(trx, {
        chain: input.institution,
        at: nowMs,
        actor: `customer:${input.contractId}`,
        action: 'token_exchanged',
        subject: input.contractId,
        details: { oldSerial: customer.token_serial, serial: bound.serial, kind: bound.kind },
      });
      await enqueueNotification(trx, {
        institution: input.institution,
        contractId: input.contractId,
        atMs: nowMs,
        event: { kind: 'token_exchanged', oldSerial: customer.token_serial, serial: bound.serial },
      });
      return true;
    });
  } catch (error) {
    await unbindUnlessStored(db, deps.authority, { ...input, bindingId: bound.bindingId });
    throw error;
  }
  if (!swapped) {
    await unbindUnlessStored(db, deps.authority, { ...input, bindingId: bound.bindingId });
    return { ok: false, reason: 'changed_meanwhile' };
  }
  const oldUnbound = await unbindQuietly(deps.authority, input.verifiedBindingId);
  return { ok: true, serial: bound.serial, kind: bound.kind, oldUnbound };
}
