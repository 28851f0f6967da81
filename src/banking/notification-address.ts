// The notification address (メールアドレス, issue 14 §1): where the bank's notices go. The
// customer registers or changes it on a signed-in page in two steps —
//   1. the new address, confirmed by the one-time password (or the confirmation password when
//      no token is registered), checked by the page before `startNotificationAddressChange`;
//   2. the 6-digit code that step sent to the NEW address, typed on the page
//      (`confirmNotificationAddressChange`): only someone who reads that mailbox can finish.
// Then the address is set, the OLD address (if any) and the new one are told (masked), and
// the change is audited — one transaction. The branch sets it at 新規契約 and on a written
// request (src/branch/customer-actions.ts) through `setNotificationAddress`, which also drops a
// change the customer had under way.
//
// The code: 6 random digits, valid 10 minutes, at most 5 tries, single use; stored only as an
// HMAC-SHA256 under a key derived from the server's confirmation pepper (a stolen database
// alone does not give it away, where a plain hash of 10^6 values would), bound to the contract
// and the address it was sent to. Every try is taken by a compare-and-set BEFORE the comparison
// (so parallel guesses cannot exceed the tries), and a right code is consumed by a conditional
// delete. A new code may be asked for; codes sent per contract are rate-limited in the database
// (5 an hour, shared with step 1), so the page cannot be used to flood a mailbox.
//
// The address is never written to a log, an audit record (masked there) or a URL.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import { hitRateLimit } from '../db/rate-limit.js';
import type { Schema } from '../db/schema.js';
import { enqueueAddressCode, enqueueNotification } from '../notifications/enqueue-notification.js';
import { maskEmailAddress } from '../notifications/masking.js';
import type { RandomBytes } from '../shared/clock.js';

/** How long a code may be typed after it was sent. */
export const ADDRESS_CODE_TTL_MS = 10 * 60_000;
/** Codes typed against one code before a new one must be asked for. */
export const ADDRESS_CODE_MAX_ATTEMPTS = 5;
/** Codes sent per contract and window (step 1 and 「確認コードを再送信」 together). */
export const ADDRESS_CODES_PER_WINDOW = 5;
export const ADDRESS_CODE_WINDOW_MS = 60 * 60_000;

export interface AddressCodeDeps {
  nowMs: number;
  randomBytes: RandomBytes;
  /** The server's confirmation pepper (never in the database); the code's MAC key is derived from it. */
  confirmationPepper: Uint8Array;
}

export interface ContractOf {
  institution: string;
  contractId: string;
}

/** How step 1 was confirmed (for the audit record). */
export type AddressChangeConfirmation = 'otp' | 'confirmation_password';

export type StartAddressChangeResult =
  | { ok: true; expiresAtMs: number }
  | { ok: false; reason: 'same_address' | 'customer_not_found' }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

/**
 * Step 1, after the page verified the OTP or the confirmation password: a new code for
 * `newAddress` (already checked by checkEmailAddress), its MAC stored (replacing any change
 * under way), the code sent to that address, audited — one transaction.
 */
export async function startNotificationAddressChange(
  db: Kysely<Schema>,
  deps: AddressCodeDeps,
  input: ContractOf & { newAddress: string; confirmedBy: AddressChangeConfirmation },
): Promise<StartAddressChangeResult> {
  return db.transaction().execute(async (trx): Promise<StartAddressChangeResult> => {
    const customer = await lockActiveCustomer(trx, input, deps.nowMs);
    if (!customer) return { ok: false, reason: 'customer_not_found' };
    if (customer.email === input.newAddress) return { ok: false, reason: 'same_address' };
    return sendNewCode(trx, deps, { ...input, address: input.newAddress, audit: { confirmedBy: input.confirmedBy, resent: false } });
  });
}

export type ResendAddressCodeResult =
  | { ok: true; expiresAtMs: number }
  | { ok: false; reason: 'no_change_under_way' }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

/** 「確認コードを再送信」: a new code to the same address, the old code void, its tries restarted. */
export async function resendNotificationAddressCode(db: Kysely<Schema>, deps: AddressCodeDeps, input: ContractOf): Promise<ResendAddressCodeResult> {
  return db.transaction().execute(async (trx): Promise<ResendAddressCodeResult> => {
    const customer = await lockActiveCustomer(trx, input, deps.nowMs);
    const pending = customer && (await findChange(trx, input));
    if (!pending) return { ok: false, reason: 'no_change_under_way' };
    return sendNewCode(trx, deps, { ...input, address: pending.new_address, audit: { resent: true } });
  });
}

export type ConfirmAddressChangeResult =
  | { ok: true; address: string; previous: string | null }
  | { ok: false; reason: 'no_change_under_way' | 'expired' | 'no_attempts_left' }
  | { ok: false; reason: 'wrong_code'; remainingAttempts: number };

/**
 * Step 2: `code` (6 ASCII digits, normalised by the page) against the code sent. A right code
 * sets the address, tells the old and the new address, and is audited, in one transaction.
 */
export async function confirmNotificationAddressChange(
  db: Kysely<Schema>,
  deps: Omit<AddressCodeDeps, 'randomBytes'>,
  input: ContractOf & { code: string },
): Promise<ConfirmAddressChangeResult> {
  if (!/^\d{6}$/.test(input.code)) throw new TypeError('the code is 6 ASCII digits (the page normalises what was typed)');
  return db.transaction().execute(async (trx): Promise<ConfirmAddressChangeResult> => {
    // The customer's row first, as every transaction about a contract (docs/ARCHITECTURE.md).
    const customer = await lockActiveCustomer(trx, input, deps.nowMs);
    if (!customer) return { ok: false, reason: 'no_change_under_way' };
    // One try taken, by compare-and-set, before the code is compared.
    const taken = await trx
      .updateTable('notification_address_changes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .where('attempts', '<', ADDRESS_CODE_MAX_ATTEMPTS)
      .where('expires_at', '>', deps.nowMs)
      .returning(['new_address', 'code_mac', 'attempts'])
      .executeTakeFirst();
    if (!taken) {
      const pending = await findChange(trx, input);
      if (!pending) return { ok: false, reason: 'no_change_under_way' };
      return { ok: false, reason: Number(pending.expires_at) <= deps.nowMs ? 'expired' : 'no_attempts_left' };
    }
    const expected = Buffer.from(taken.code_mac, 'hex');
    const given = Buffer.from(codeMac(deps.confirmationPepper, { ...input, address: taken.new_address }), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: 'wrong_code', remainingAttempts: ADDRESS_CODE_MAX_ATTEMPTS - Number(taken.attempts) };
    }
    // Single use: the change goes with the code that proved it.
    const consumed = await trx
      .deleteFrom('notification_address_changes')
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .where('code_mac', '=', taken.code_mac)
      .executeTakeFirst();
    if (Number(consumed.numDeletedRows) !== 1) return { ok: false, reason: 'no_change_under_way' };
    const previous = customer.email;
    await writeAddress(trx, { ...input, address: taken.new_address, previous, nowMs: deps.nowMs, actor: `customer:${input.contractId}`, by: 'customer', details: {} });
    return { ok: true, address: taken.new_address, previous };
  });
}

/** The change under way, for the page (the address it was sent to, until when). */
export async function findNotificationAddressChange(
  db: Kysely<Schema>,
  input: ContractOf,
): Promise<{ newAddress: string; expiresAtMs: number; attemptsLeft: number } | undefined> {
  const row = await findChange(db, input);
  return row && { newAddress: row.new_address, expiresAtMs: Number(row.expires_at), attemptsLeft: Math.max(0, ADDRESS_CODE_MAX_ATTEMPTS - Number(row.attempts)) };
}

/**
 * The branch's メールアドレス変更 (a written request, approved by a second person), inside the
 * approval's transaction: the address set (or removed with null) by compare-and-set on the one
 * the request was checked against, a change the customer had under way dropped, the old and the
 * new address told, audited. False when the address changed meanwhile.
 */
export async function setNotificationAddress(
  trx: Transaction<Schema>,
  input: ContractOf & {
    address: string | null;
    expectedPrevious: string | null;
    nowMs: number;
    actor: string;
    details: Record<string, string | number | boolean | null>;
  },
): Promise<boolean> {
  const updated = await trx
    .updateTable('customers')
    .set({ updated_at: input.nowMs })
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where((eb) => (input.expectedPrevious === null ? eb('email', 'is', null) : eb('email', '=', input.expectedPrevious)))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await trx.deleteFrom('notification_address_changes').where('institution', '=', input.institution).where('contract_id', '=', input.contractId).execute();
  await writeAddress(trx, { ...input, previous: input.expectedPrevious, by: 'branch' });
  return true;
}

// --- inside the transactions above ------------------------------------------------------------

async function lockActiveCustomer(trx: Transaction<Schema>, input: ContractOf, nowMs: number): Promise<{ email: string | null } | undefined> {
  // A write, so that PostgreSQL holds the row (and SQLite its write lock) for the rest of the
  // transaction: a suspension committed meanwhile means nothing is sent or set.
  return trx
    .updateTable('customers')
    .set({ updated_at: nowMs })
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('status', '=', 'active')
    .returning(['email'])
    .executeTakeFirst();
}

function findChange(db: Kysely<Schema> | Transaction<Schema>, input: ContractOf) {
  return db
    .selectFrom('notification_address_changes')
    .selectAll()
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
}

async function sendNewCode(
  trx: Transaction<Schema>,
  deps: AddressCodeDeps,
  input: ContractOf & { address: string; audit: Record<string, string | boolean> },
): Promise<{ ok: true; expiresAtMs: number } | { ok: false; reason: 'rate_limited'; retryAfterMs: number }> {
  const limited = await hitRateLimit(trx, {
    key: `notification-address-code:${input.institution}:${input.contractId}`,
    limit: ADDRESS_CODES_PER_WINDOW,
    windowMs: ADDRESS_CODE_WINDOW_MS,
    nowMs: deps.nowMs,
  });
  if (!limited.allowed) return { ok: false, reason: 'rate_limited', retryAfterMs: limited.retryAfterMs };
  const code = randomCode(deps.randomBytes);
  const expiresAtMs = deps.nowMs + ADDRESS_CODE_TTL_MS;
  const row = { new_address: input.address, code_mac: codeMac(deps.confirmationPepper, { ...input, code }), attempts: 0, started_at: deps.nowMs, expires_at: expiresAtMs };
  await trx
    .insertInto('notification_address_changes')
    .values({ institution: input.institution, contract_id: input.contractId, ...row })
    .onConflict((oc) => oc.columns(['institution', 'contract_id']).doUpdateSet(row))
    .execute();
  await appendAudit(trx, {
    chain: input.institution,
    at: deps.nowMs,
    actor: `customer:${input.contractId}`,
    action: 'notification_address_code_sent',
    subject: input.contractId,
    details: { to: maskEmailAddress(input.address), ...input.audit },
  });
  await enqueueAddressCode(trx, { institution: input.institution, contractId: input.contractId, atMs: deps.nowMs, to: input.address, code, expiresAtMs });
  return { ok: true, expiresAtMs };
}

async function writeAddress(
  trx: Transaction<Schema>,
  input: ContractOf & { address: string | null; previous: string | null; nowMs: number; actor: string; by: 'customer' | 'branch'; details: Record<string, string | number | boolean | null> },
): Promise<void> {
  const where = { institution: input.institution, contractId: input.contractId };
  // The old address hears of the change first (enqueued while it is still the customer's).
  if (input.address !== null && input.previous !== null) {
    await enqueueNotification(trx, { ...where, atMs: input.nowMs, to: input.previous, event: { kind: 'notification_address_changed', newAddress: input.address, by: input.by } });
  }
  await trx
    .updateTable('customers')
    .set({ email: input.address, updated_at: input.nowMs })
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .execute();
  await appendAudit(trx, {
    chain: input.institution,
    at: input.nowMs,
    actor: input.actor,
    action: 'notification_address_changed',
    subject: input.contractId,
    details: {
      ...input.details,
      from: input.previous === null ? null : maskEmailAddress(input.previous),
      to: input.address === null ? null : maskEmailAddress(input.address),
    },
  });
  if (input.address !== null) {
    await enqueueNotification(trx, { ...where, atMs: input.nowMs, to: input.address, event: { kind: 'notification_address_changed', newAddress: input.address, by: input.by } });
  }
}

/** 6 digits, uniform: rejection sampling over 32-bit values (no modulo bias). */
function randomCode(randomBytes: RandomBytes): string {
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
  for (;;) {
    const bytes = randomBytes(4);
    const value = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (value < limit) return String(value % 1_000_000).padStart(6, '0');
  }
}

/** The MAC of a code, bound to the contract and the address it was sent to, under a key of its own. */
function codeMac(pepper: Uint8Array, input: ContractOf & { address: string; code: string }): string {
  const key = createHmac('sha256', pepper).update('mamori/notification-address-code/v1').digest();
  return createHmac('sha256', key).update(`${input.institution}|${input.contractId}|${input.address}|${input.code}`).digest('hex');
}
