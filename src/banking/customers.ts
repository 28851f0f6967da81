// Customers (契約者) of an institution: creation with hashed passwords, lookup, suspension.
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { appendAudit, type AuditEntry } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { CUSTOMER } from '../identity/principals.js';
import { endSessionsOf } from '../identity/sessions.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import type { CustomerTable } from './banking.tables.js';
import { storeConfirmationPassword } from './confirmation-password.js';
import { checkEmailAddress } from './email-address.js';
import type { InstitutionPolicy } from './institution-policy.js';
import type { PasswordHasher } from './password-hasher.js';

export type Customer = Selectable<CustomerTable>;

export const CONTRACT_ID_PATTERN = /^\d{10}$/;

export interface NewCustomer {
  institution: string;
  contractId: string;
  name: string;
  loginPassword: string;
  confirmationPassword: string;
  /** Where notifications (取引通知) go; without one, none is sent. */
  email?: string | null;
}

export async function findCustomer(db: Kysely<Schema> | Transaction<Schema>, institution: string, contractId: string): Promise<Customer | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('institution', '=', institution)
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
}

/** Hashes the passwords (off the event loop), then inserts the customer with its audit record. */
/** The audit record of a change the customer made to their own contract (actor and subject: the contract). */
export async function appendCustomerAudit(
  trx: Transaction<Schema>,
  contract: { institution: string; contractId: string; nowMs: number },
  entry: Pick<AuditEntry, 'action' | 'details'>,
): Promise<void> {
  await appendAudit(trx, { chain: contract.institution, at: contract.nowMs, actor: `customer:${contract.contractId}`, subject: contract.contractId, ...entry });
}

/**
 * A password change's compare-and-set: writes `changes` only while the contract still holds
 * `verifiedHash` (the password just checked) in `column`, is active and not password-locked.
 * False, and nothing written, when it changed meanwhile.
 */
export async function updateIfPasswordStillVerified(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; policy: InstitutionPolicy; verifiedHash: string },
  column: 'login_password_hash' | 'confirmation_hash',
  changes: Updateable<CustomerTable>,
): Promise<boolean> {
  const updated = await trx
    .updateTable('customers')
    .set(changes)
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where(column, '=', input.verifiedHash)
    .where('status', '=', 'active')
    .where('password_failures', '<', input.policy.passwordLockThreshold)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export async function createCustomer(
  db: Kysely<Schema>,
  input: NewCustomer,
  deps: { hasher: PasswordHasher; confirmationPepper: Uint8Array; nowMs: number; actor?: string },
): Promise<Customer> {
  if (!CONTRACT_ID_PATTERN.test(input.contractId)) throw new TypeError('a contract ID is 10 digits');
  if (input.loginPassword.length < 8) throw new TypeError('a login password has at least 8 characters');
  // The one validator of an address (email-address.ts); the callers' forms checked it already.
  if (input.email !== undefined && input.email !== null && !checkEmailAddress(input.email).ok) throw new TypeError('an e-mail address is name@domain (see checkEmailAddress)');
  const [loginPasswordHash, confirmation] = await Promise.all([
    deps.hasher.hash(input.loginPassword),
    storeConfirmationPassword(deps.hasher, deps.confirmationPepper, input),
  ]);
  const row = {
    institution: input.institution,
    contract_id: input.contractId,
    name: input.name,
    login_password_hash: loginPasswordHash,
    confirmation_hash: confirmation.confirmationHash,
    confirmation_pairs: confirmation.confirmationPairs,
    status: 'active' as const,
    token_binding_id: null,
    token_serial: null,
    token_kind: null,
    token_registered_at: null,
    token_deregistered_at: null,
    registration_blocked_until: null,
    email: input.email ?? null,
    created_at: deps.nowMs,
    updated_at: deps.nowMs,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('customers').values(row).execute();
    await appendAudit(trx, {
      chain: input.institution,
      at: deps.nowMs,
      actor: deps.actor ?? 'system',
      action: 'customer_created',
      subject: input.contractId,
    });
  });
  return { ...row, password_failures: 0, otp_failures: 0, otp_attempts_in_flight: 0, otp_attempts_lapse_at: 0, password_attempts_in_flight: 0, password_attempts_lapse_at: 0 };
}

/**
 * 利用一時停止 (lost or stolen device): the contract can no longer sign in, and every session it
 * has ends in the same transaction. For the branch console.
 */
export async function suspendCustomer(
  db: Kysely<Schema>,
  input: { institution: string; contractId: string; nowMs: number; actor: string },
): Promise<{ ok: boolean }> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('customers')
      .set({ status: 'suspended', updated_at: input.nowMs })
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return { ok: false };
    await endSessionsOf(trx, CUSTOMER, { institution: input.institution, subject: input.contractId });
    await appendAudit(trx, { chain: input.institution, at: input.nowMs, actor: input.actor, action: 'customer_suspended', subject: input.contractId });
    await enqueueNotification(trx, { institution: input.institution, contractId: input.contractId, atMs: input.nowMs, event: { kind: 'suspended' } });
    return { ok: true };
  });
}
