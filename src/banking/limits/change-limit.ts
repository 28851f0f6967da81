// Changing the daily limit (DESIGN §4): a customer may lower it freely; raising it needs a
// registered token AND a one-time password verified for this change, so without a token the
// limit can never rise at all — in particular never above the institution's no-token ceiling
// (¥500,000). Every change is audited in its own transaction.
import type { Kysely } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import { enqueueNotification } from '../../notifications/enqueue-notification.js';
import type { InstitutionPolicy } from '../institution-policy.js';
import { getDailyLimit, LIMIT_UNIT_YEN, MAX_DAILY_LIMIT_YEN, type ContractRef } from './daily-limit.js';

/** How long a verified one-time password may back a raise (the customer confirms at once). */
export const RAISE_PROOF_MAX_AGE_MS = 5 * 60_000;

/**
 * What `verifyOneTimePassword` (transfers/confirm-authentication.ts) returns on success: the
 * contract's own token produced a fresh code for this purpose. Callers pass it through.
 */
export interface OtpProof {
  readonly kind: 'otp_verified';
  readonly purpose: 'limit_raise';
  readonly institution: string;
  readonly contractId: string;
  readonly verifiedAtMs: number;
}

export type ChangeLimitError =
  | 'limit_not_whole_units' // not a multiple of ¥10,000, negative, or not a number
  | 'limit_above_maximum'
  | 'limit_raise_needs_token'
  | 'limit_raise_needs_otp';

export type ChangeLimitResult =
  | { ok: true; previousYen: number; limitYen: number; changed: boolean }
  | { ok: false; error: ChangeLimitError };

export async function changeDailyLimit(
  db: Kysely<Schema>,
  deps: { nowMs: number },
  input: ContractRef & {
    policy: Pick<InstitutionPolicy, 'dailyLimitDefaultYen'>;
    newLimitYen: number;
    tokenRegistered: boolean;
    otpProof: OtpProof | null;
    actor: string;
  },
): Promise<ChangeLimitResult> {
  const next = input.newLimitYen;
  if (!Number.isSafeInteger(next) || next < 0 || next % LIMIT_UNIT_YEN !== 0) return { ok: false, error: 'limit_not_whole_units' };
  if (next > MAX_DAILY_LIMIT_YEN) return { ok: false, error: 'limit_above_maximum' };
  const current = await getDailyLimit(db, { ...input, defaultLimitYen: input.policy.dailyLimitDefaultYen });
  if (next === current) return { ok: true, previousYen: current, limitYen: current, changed: false };
  if (next > current) {
    if (!input.tokenRegistered) return { ok: false, error: 'limit_raise_needs_token' };
    if (!isFreshProofFor(input.otpProof, input, deps.nowMs)) return { ok: false, error: 'limit_raise_needs_otp' };
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('transfer_limits')
      .values({ institution: input.institution, contract_id: input.contractId, daily_limit_yen: next, updated_at: deps.nowMs })
      .onConflict((oc) => oc.columns(['institution', 'contract_id']).doUpdateSet({ daily_limit_yen: next, updated_at: deps.nowMs }))
      .execute();
    await appendAudit(trx, {
      chain: input.institution,
      at: deps.nowMs,
      actor: input.actor,
      action: next > current ? 'daily_limit_raised' : 'daily_limit_lowered',
      subject: input.contractId,
      details: { fromYen: current, toYen: next },
    });
    await enqueueNotification(trx, { institution: input.institution, contractId: input.contractId, atMs: deps.nowMs, event: { kind: 'limit_changed', fromYen: current, toYen: next, by: input.actor.startsWith('operator:') ? 'branch' : 'customer' } });
  });
  return { ok: true, previousYen: current, limitYen: next, changed: true };
}

function isFreshProofFor(proof: OtpProof | null, contract: ContractRef, nowMs: number): boolean {
  return (
    proof !== null &&
    proof.kind === 'otp_verified' &&
    proof.purpose === 'limit_raise' &&
    proof.institution === contract.institution &&
    proof.contractId === contract.contractId &&
    proof.verifiedAtMs <= nowMs &&
    nowMs - proof.verifiedAtMs <= RAISE_PROOF_MAX_AGE_MS
  );
}
