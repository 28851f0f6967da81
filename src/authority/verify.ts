// Verifying a code for a binding: the hot path of every login and transfer.
//
// One read (the binding with its token), one conditional write that takes a throttle attempt,
// at most three HMACs, one conditional write for the replay mark, and the attempt given back.
// The replay mark: `UPDATE bindings SET last_step = :step WHERE id = :id AND
// last_step < :step` — of any number of concurrent requests with one code, in any number of
// processes, exactly one updates a row; every other is `replayed`.
//
// Not audited here, on purpose: a verify changes no authentication state a person would look
// for (only a replay floor and a failure counter), it runs on every login and transfer, and
// the relying party records the event that matters (login, transfer) in its own chain, in the
// same transaction as its own change. An audit row here would double every login's writes and
// serialise all institutions on the authority chain's head.
import { ocraTimeStepAt, timeStepAt, TRANSACTION_OCRA_SUITE, verifyTotp, verifyTransactionCode, type HmacKey } from '../otp/index.js';
import type { TransactionInput, VerifyResult } from './authority-client.js';
import { isPlausibleBindingId, unsealTokenKey, type AuthorityContext } from './authority-context.js';
import { claimStep, findLiveBindingWithToken, type BindingWithToken, type ReplayFloor } from './binding-store.js';
import { driftInMinuteSteps, learnedDrift } from './drift.js';
import { isThrottled, setDriftIfUnchanged, throttleOf, withTokenAttempt } from './token-store.js';

export interface VerifyInput {
  bindingId: string;
  code: string;
  transaction?: TransactionInput;
}

type CodeCheck = { matched: true; step: number; offset?: number } | { matched: false; reason: 'malformed_code' | 'invalid_code' | 'replayed' };

export async function verifyCode(ctx: AuthorityContext, relyingPartyId: string, input: VerifyInput): Promise<VerifyResult> {
  const { db } = ctx.database;
  const { policy } = ctx;
  const nowMs = ctx.clock.nowMs();
  if (!isPlausibleBindingId(input.bindingId)) return { valid: false, reason: 'binding_not_found' };
  const binding = await findLiveBindingWithToken(db, { bindingId: input.bindingId, relyingPartyId });
  if (binding === undefined) return { valid: false, reason: 'binding_not_found' };
  // A revoked token's bindings are dead too; to the relying party that reads as disabled.
  if (binding.state !== 'active') return { valid: false, reason: 'token_disabled' };
  // The code is checked only under one of the token's remaining throttle attempts, taken with
  // one conditional write: the throttle bounds the codes checked, not only those counted.
  const attempted = await withTokenAttempt(db, throttleOf(policy, binding.serial, nowMs), async (countFailure): Promise<VerifyResult> => {
    const check = input.transaction ? checkTransactionCode(ctx, binding, input.code, input.transaction, nowMs) : checkLoginCode(ctx, binding, input.code, nowMs);
    if (!check.matched) {
      if (check.reason === 'invalid_code') await countFailure();
      return { valid: false, reason: check.reason };
    }

    const floor: ReplayFloor = input.transaction ? 'last_transaction_step' : 'last_step';
    const claim = {
      bindingId: binding.id,
      serial: binding.serial,
      floor,
      step: check.step,
      nowMs,
      maxFailures: policy.throttleMaxFailures,
      throttleWindowMs: policy.throttleWindowMs,
    };
    const nextDrift = check.offset === undefined ? undefined : learnedDrift({ driftSteps: binding.drift_steps, offset: check.offset, maxLearnedDriftSteps: policy.maxLearnedDriftSteps });
    const claimed =
      nextDrift === undefined
        ? await claimStep(db, claim) // the common case: one statement, its own transaction
        : await db.transaction().execute(async (trx) => {
            const won = await claimStep(trx, claim);
            if (won) await setDriftIfUnchanged(trx, { serial: binding.serial, from: binding.drift_steps, to: nextDrift, nowMs });
            return won;
          });
    if (claimed) return { valid: true, timeStep: check.step };
    return { valid: false, reason: await whyClaimFailed(ctx, relyingPartyId, binding.id, nowMs) };
  });
  return attempted.taken ? attempted.value : { valid: false, reason: 'throttled' };
}

/** The claim lost: to a concurrent request with the same code (replayed), an unbind, a disabling, or the throttle. */
async function whyClaimFailed(
  ctx: AuthorityContext,
  relyingPartyId: string,
  bindingId: string,
  nowMs: number,
): Promise<'replayed' | 'binding_not_found' | 'token_disabled' | 'throttled'> {
  const again = await findLiveBindingWithToken(ctx.database.db, { bindingId, relyingPartyId });
  if (again === undefined) return 'binding_not_found';
  if (again.state !== 'active') return 'token_disabled';
  if (isThrottled(again, throttleOf(ctx.policy, again.serial, nowMs))) return 'throttled';
  return 'replayed';
}

function checkLoginCode(ctx: AuthorityContext, binding: BindingWithToken, code: string, nowMs: number): CodeCheck {
  const key = unsealTokenKey(ctx.keyring, binding);
  const common = { key, code, nowMs, periodSeconds: binding.period_seconds, digits: binding.digits, window: ctx.policy.windowSteps, driftSteps: binding.drift_steps };
  const result = verifyTotp({ ...common, afterStep: binding.last_step });
  if (result.valid) return { matched: true, step: result.timeStep, offset: result.offset };
  if (result.reason === 'malformed_code') return { matched: false, reason: 'malformed_code' };
  return { matched: false, reason: matchesBelowFloor(binding.last_step, common) ? 'replayed' : 'invalid_code' };
}

/**
 * Was the wrong code in fact one already used (at or below the floor)? Only worth asking when
 * the floor cuts into the window; then the steps the first pass skipped are tried.
 */
function matchesBelowFloor(
  lastStep: number,
  options: { key: HmacKey; code: string; nowMs: number; periodSeconds: number; digits: number; window: number; driftSteps: number },
): boolean {
  const lowestStep = timeStepAt({ nowMs: options.nowMs, periodSeconds: options.periodSeconds }) + options.driftSteps - options.window;
  if (lastStep < lowestStep) return false;
  const all = verifyTotp(options);
  return all.valid && all.timeStep <= lastStep;
}

function checkTransactionCode(ctx: AuthorityContext, binding: BindingWithToken, code: string, transaction: TransactionInput, nowMs: number): CodeCheck {
  // The OCRA suite fixes HMAC-SHA1 over the token's own secret (src/otp/transaction-code.ts).
  const key = unsealTokenKey(ctx.keyring, binding, 'SHA1');
  const common = {
    key,
    code,
    payeeAccount: transaction.payeeAccount,
    ...(transaction.amountYen === undefined ? {} : { amountYen: transaction.amountYen }),
    nowMs,
    window: ctx.policy.windowSteps,
    driftSteps: driftInMinuteSteps({ driftSteps: binding.drift_steps, periodSeconds: binding.period_seconds }),
  };
  const result = verifyTransactionCode({ ...common, afterStep: binding.last_transaction_step });
  if (result.valid) return { matched: true, step: result.timeStep };
  if (result.reason === 'malformed_code') return { matched: false, reason: 'malformed_code' };
  const lowestStep = ocraTimeStepAt({ suite: TRANSACTION_OCRA_SUITE, nowMs }) + common.driftSteps - common.window;
  if (binding.last_transaction_step < lowestStep) return { matched: false, reason: 'invalid_code' };
  const all = verifyTransactionCode(common);
  return { matched: false, reason: all.valid && all.timeStep <= binding.last_transaction_step ? 'replayed' : 'invalid_code' };
}
