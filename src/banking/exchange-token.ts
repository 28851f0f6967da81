// 利用登録/交換 (seed 002 Q&A): with the current token's code already verified (its binding id kept
// in the session), bind the new token at the authority first, then swap the binding in ONE bank
// transaction (compare-and-set on the verified binding id), then unbind the old one. There is
// never a moment with no token or with two: before the swap the old token works, after it only
// the new one, because the bank verifies only against the binding it stores.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { isOtpLocked } from './fail-counters.js';
import { findCustomer } from './customers.js';
import type { InstitutionPolicy } from './institution-policy.js';
import { bindNewToken, storeNewBinding, unbindQuietly, type BindFailure, type TokenDeps } from './register-token.js';

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
  const swapped = await storeNewBinding(db, deps, { ...input, replacing: input.verifiedBindingId }, bound, {
    action: 'token_exchanged',
    details: { oldSerial: customer.token_serial, serial: bound.serial, kind: bound.kind },
    event: { kind: 'token_exchanged', oldSerial: customer.token_serial, serial: bound.serial },
  });
  if (!swapped) return { ok: false, reason: 'changed_meanwhile' };
  const oldUnbound = await unbindQuietly(deps.authority, input.verifiedBindingId);
  return { ok: true, serial: bound.serial, kind: bound.kind, oldUnbound };
}
