// Changing the daily limit (DESIGN §4): a customer may lower it freely; raising it needs a
// registered token AND a one-time password verified for this change, so without a token the
// limit can never rise at all — in particular never above the institution's no-token ceiling
// (¥500,000). A raise waits until 0:00 JST of the next day (issue 14 §5; limit-shaping.ts).
// Every change is audited and notified in its own transaction.
import type { Kysely } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import { enqueueNotification } from '../../notifications/enqueue-notification.js';
import type { InstitutionPolicy } from '../institution-policy.js';
import { getLimitSetting, LIMIT_UNIT_YEN, MAX_DAILY_LIMIT_YEN, type ContractRef } from './daily-limit.js';
import { nextJapanMidnightMs } from './limit-shaping.js';

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
  | { ok: true; previousYen: number; limitYen: number; changed: boolean; /** A raise waiting for 0:00 JST of the next day. */ pendingFromMs?: number }
  | { ok: false; error: ChangeLimitError };

/**
 * Lowering is at once (and drops a raise still pending); a raise needs the token's OTP and, with
 * the institution's limitRaiseNextDay (the default), waits until 0:00 JST of the next day: a
 * thief who phished the OTP cannot raise the limit and empty the account the same night, and
 * the notice of the raise reaches the customer first. Asking again replaces a pending raise.
 */
export async function changeDailyLimit(
  db: Kysely<Schema>,
  deps: { nowMs: number },
  input: ContractRef & {
    policy: Pick<InstitutionPolicy, 'dailyLimitDefaultYen' | 'limitRaiseNextDay'>;
    newLimitYen: number;
    tokenRegistered: boolean;
    otpProof: OtpProof | null;
    actor: string;
  },
): Promise<ChangeLimitResult> {
  const next = input.newLimitYen;
  const nowMs = deps.nowMs;
  if (!Number.isSafeInteger(next) || next < 0 || next % LIMIT_UNIT_YEN !== 0) return { ok: false, error: 'limit_not_whole_units' };
  if (next > MAX_DAILY_LIMIT_YEN) return { ok: false, error: 'limit_above_maximum' };
  const setting = await getLimitSetting(db, { ...input, defaultLimitYen: input.policy.dailyLimitDefaultYen, nowMs });
  const current = setting.limitYen;
  if (next === current && setting.pending === null) return { ok: true, previousYen: current, limitYen: current, changed: false };
  if (next > current) {
    if (!input.tokenRegistered) return { ok: false, error: 'limit_raise_needs_token' };
    if (!isFreshProofFor(input.otpProof, input, nowMs)) return { ok: false, error: 'limit_raise_needs_otp' };
  }
  const raise = next > current;
  const pendingFromMs = raise && input.policy.limitRaiseNextDay ? nextJapanMidnightMs(nowMs) : undefined;
  // In force now: `next`, or (a raise that waits) the current limit, with `next` pending.
  const values = { daily_limit_yen: pendingFromMs === undefined ? next : current, pending_limit_yen: pendingFromMs === undefined ? null : next, pending_from_ms: pendingFromMs ?? null, updated_at: nowMs };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('transfer_limits')
      .values({ institution: input.institution, contract_id: input.contractId, ...values })
      .onConflict((oc) => oc.columns(['institution', 'contract_id']).doUpdateSet(values))
      .execute();
    const by = input.actor.startsWith('operator:') ? 'branch' : 'customer';
    const details: Record<string, number> = { fromYen: current, toYen: next };
    if (pendingFromMs !== undefined) details.effectiveFromMs = pendingFromMs;
    else if (setting.pending !== null) details.cancelledPendingYen = setting.pending.limitYen;
    await appendAudit(trx, {
      chain: input.institution,
      at: nowMs,
      actor: input.actor,
      action: pendingFromMs !== undefined ? 'daily_limit_raise_scheduled' : raise ? 'daily_limit_raised' : next === current ? 'daily_limit_raise_cancelled' : 'daily_limit_lowered',
      subject: input.contractId,
      details,
    });
    await enqueueNotification(trx, {
      institution: input.institution,
      contractId: input.contractId,
      atMs: nowMs,
      event:
        next === current
          ? { kind: 'limit_raise_cancelled', limitYen: current, cancelledYen: setting.pending!.limitYen }
          : { kind: 'limit_changed', fromYen: current, toYen: next, by, ...(pendingFromMs !== undefined ? { effectiveFromMs: pendingFromMs } : {}) },
    });
  });
  return { ok: true, previousYen: current, limitYen: next, changed: true, ...(pendingFromMs !== undefined ? { pendingFromMs } : {}) };
}

export type CancelRaiseResult = { ok: true; cancelled: boolean };

/** The customer withdraws a raise still pending (the limit page's form); the limit in force stays. */
export async function cancelPendingRaise(db: Kysely<Schema>, deps: { nowMs: number }, input: ContractRef & { actor: string }): Promise<CancelRaiseResult> {
  return db.transaction().execute(async (trx) => {
    const pending = await trx
      .selectFrom('transfer_limits')
      .select(['daily_limit_yen', 'pending_limit_yen', 'pending_from_ms'])
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .where('pending_limit_yen', 'is not', null)
      .where('pending_from_ms', '>', deps.nowMs)
      .executeTakeFirst();
    if (!pending || pending.pending_limit_yen === null || pending.pending_from_ms === null) return { ok: true, cancelled: false };
    // Compare and set on the raise read: one withdrawn twice (two tabs) is withdrawn once.
    const cleared = await trx
      .updateTable('transfer_limits')
      .set({ pending_limit_yen: null, pending_from_ms: null, updated_at: deps.nowMs })
      .where('institution', '=', input.institution)
      .where('contract_id', '=', input.contractId)
      .where('pending_limit_yen', '=', pending.pending_limit_yen)
      .where('pending_from_ms', '=', pending.pending_from_ms)
      .executeTakeFirst();
    if (Number(cleared.numUpdatedRows) !== 1) return { ok: true, cancelled: false };
    const limitYen = Number(pending.daily_limit_yen);
    const cancelledYen = Number(pending.pending_limit_yen);
    await appendAudit(trx, { chain: input.institution, at: deps.nowMs, actor: input.actor, action: 'daily_limit_raise_cancelled', subject: input.contractId, details: { limitYen, cancelledPendingYen: cancelledYen } });
    await enqueueNotification(trx, { institution: input.institution, contractId: input.contractId, atMs: deps.nowMs, event: { kind: 'limit_raise_cancelled', limitYen, cancelledYen } });
    return { ok: true, cancelled: true };
  });
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
