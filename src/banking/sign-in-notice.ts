// ログイン通知 (issue 14 §2; OWASP ASVS 5.0 6.3.5): a completed sign-in is mailed to the customer
// as the institution's policy says (`signInNotice`): every one, only one from a browser the
// contract has not signed in from before (the default), or none.
//
// A browser is known by a long-lived random device cookie of the bank site (the web layer sets
// it, src/web/personal-web/device-cookie.ts); only its SHA-256 is stored, per contract
// (sign_in_devices). Whether this sign-in is the first from the browser is decided by ONE
// conditional insert, so two sign-ins at the same moment from a new browser send one notice.
// All of it is written in the transaction that issues the signed-in session (withIssued of
// src/identity/step-up.ts): a sign-in refused at the last moment sends nothing.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import type { SignInEnvironment } from '../shared/sign-in-environment.js';
import type { InstitutionPolicy } from './institution-policy.js';

/** Random bytes of a device cookie's value (256 bits; the brief asks for at least 128). */
export const DEVICE_TOKEN_BYTES = 32;

const DEVICE_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A value of the device cookie as we issue it (base64url of DEVICE_TOKEN_BYTES); anything else is a new browser. */
export function isDeviceTokenShape(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_TOKEN_SHAPE.test(value);
}

/** What is stored of a device cookie: its SHA-256, under a prefix no session token hash shares. */
export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(`device:${token}`).digest('hex');
}

/**
 * Records that the contract signed in from the browser: true when it never had before (the
 * conditional insert inserted), false when it had (its last sign-in moves).
 */
export async function recordSignInDevice(trx: Transaction<Schema>, input: { institution: string; contractId: string; deviceHash: string; nowMs: number }): Promise<{ newEnvironment: boolean }> {
  const inserted = await trx
    .insertInto('sign_in_devices')
    .values({ institution: input.institution, contract_id: input.contractId, device_hash: input.deviceHash, first_signed_in_at: input.nowMs, last_signed_in_at: input.nowMs })
    .onConflict((oc) => oc.columns(['institution', 'contract_id', 'device_hash']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { newEnvironment: true };
  await trx
    .updateTable('sign_in_devices')
    .set({ last_signed_in_at: input.nowMs })
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('device_hash', '=', input.deviceHash)
    .execute();
  return { newEnvironment: false };
}

export type SignInNoticeOutcome = { newEnvironment: boolean; noticed: boolean };

/** Inside the signed-in session's transaction: the browser recorded, and the notice queued when the policy asks for one. */
export async function noteCompletedSignIn(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; policy: Pick<InstitutionPolicy, 'signInNotice'>; deviceHash: string; environment: SignInEnvironment; nowMs: number },
): Promise<SignInNoticeOutcome> {
  const { newEnvironment } = await recordSignInDevice(trx, input);
  const wanted = input.policy.signInNotice === 'all' || (input.policy.signInNotice === 'new_environment' && newEnvironment);
  if (!wanted) return { newEnvironment, noticed: false };
  const queued = await enqueueNotification(trx, { institution: input.institution, contractId: input.contractId, atMs: input.nowMs, event: { kind: 'signed_in', environment: input.environment } });
  return { newEnvironment, noticed: queued.queued };
}
