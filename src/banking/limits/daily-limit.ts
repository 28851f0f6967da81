// The daily transfer limit (1日あたり振込限度額) per contract, counted per Japan calendar day
// (Asia/Tokyo, UTC+9 without daylight saving), and consumed atomically inside the transfer's
// own transaction:
//   INSERT … ON CONFLICT DO NOTHING                                 -- today's row exists
//   UPDATE daily_usage SET used_yen = used_yen + :amt, new_payee_used_yen = … + :toNew
//    WHERE … AND used_yen + :amt <= (the contract's limit now)       -- compare and set
//            AND used_yen + :amt <= :dayCap                           -- new contract / token
//            AND new_payee_used_yen + :amt <= :newPayeeCap            -- a new payee
// Concurrent transfers queue on the row; each sees the totals its predecessors committed, so
// together they can never pass the limit nor a cap, in one process or many (DESIGN §5). The
// limit is read in the same statement, so a raise still pending (limit-shaping.ts) counts only
// from the instant it takes effect.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import { japanDate } from '../institution-policy.js';
import type { TransferShaping } from './limit-shaping.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** The highest daily limit a customer may set, with a token. */
export const MAX_DAILY_LIMIT_YEN = 10_000_000;
/** Limits are chosen in units of ¥10,000 (万円), as the limit page offers them. */
export const LIMIT_UNIT_YEN = 10_000;

/** YYYY-MM-DD of the Japan calendar day at `nowMs`: the day the limit counts. */
export function businessDayAt(nowMs: number): string {
  return japanDate(nowMs);
}

export interface ContractRef {
  institution: string;
  contractId: string;
}

/** A raise the customer asked for that is not in force yet. */
export interface PendingRaise {
  limitYen: number;
  /** 0:00 JST of the day after the request. */
  fromMs: number;
}

export interface LimitSetting {
  /** The limit in force at `nowMs`. */
  limitYen: number;
  pending: PendingRaise | null;
}

/** The contract's limit at `nowMs` (its own, or the institution's default) and a raise still pending. */
export async function getLimitSetting(db: Db, input: ContractRef & { defaultLimitYen: number; nowMs: number }): Promise<LimitSetting> {
  const row = await db
    .selectFrom('transfer_limits')
    .select(['daily_limit_yen', 'pending_limit_yen', 'pending_from_ms'])
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
  if (row === undefined) return { limitYen: input.defaultLimitYen, pending: null };
  if (row.pending_limit_yen === null || row.pending_from_ms === null) return { limitYen: Number(row.daily_limit_yen), pending: null };
  if (Number(row.pending_from_ms) <= input.nowMs) return { limitYen: Number(row.pending_limit_yen), pending: null };
  return { limitYen: Number(row.daily_limit_yen), pending: { limitYen: Number(row.pending_limit_yen), fromMs: Number(row.pending_from_ms) } };
}

/** The contract's daily limit in yen at `nowMs`: its own, or the institution's default for new contracts. */
export async function getDailyLimit(db: Db, input: ContractRef & { defaultLimitYen: number; nowMs: number }): Promise<number> {
  return (await getLimitSetting(db, input)).limitYen;
}

export async function getUsedToday(db: Db, input: ContractRef & { businessDay: string }): Promise<{ usedYen: number; newPayeeUsedYen: number }> {
  const row = await db
    .selectFrom('daily_usage')
    .select(['used_yen', 'new_payee_used_yen'])
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('business_day', '=', input.businessDay)
    .executeTakeFirst();
  return row === undefined ? { usedYen: 0, newPayeeUsedYen: 0 } : { usedYen: Number(row.used_yen), newPayeeUsedYen: Number(row.new_payee_used_yen) };
}

export interface LimitStatus {
  businessDay: string;
  limitYen: number;
  usedYen: number;
  remainingYen: number;
  /** What of today's total went to new payees (their cap: limit-shaping.ts). */
  newPayeeUsedYen: number;
  pending: PendingRaise | null;
}

export async function getLimitStatus(db: Db, input: ContractRef & { defaultLimitYen: number; nowMs: number }): Promise<LimitStatus> {
  const businessDay = businessDayAt(input.nowMs);
  const [setting, used] = await Promise.all([getLimitSetting(db, input), getUsedToday(db, { ...input, businessDay })]);
  return {
    businessDay,
    limitYen: setting.limitYen,
    usedYen: used.usedYen,
    remainingYen: Math.max(0, setting.limitYen - used.usedYen),
    newPayeeUsedYen: used.newPayeeUsedYen,
    pending: setting.pending,
  };
}

/** Which rule refused a transfer, what is left under it today, and (for the caps) when it ends. */
export type LimitRefusal =
  | { rule: 'daily_limit'; remainingYen: number }
  | { rule: 'new_contract_or_token'; remainingYen: number; capYen: number; days: number; since: 'contract' | 'token'; untilMs: number }
  | { rule: 'new_payee'; remainingYen: number; capYen: number; untilMs: number };

export type ConsumeResult = { ok: true; usedYen: number } | { ok: false; error: 'limit_exceeded'; remainingYen: number; refusal: LimitRefusal };

/**
 * The rule that binds tightest for `amountYen` (the least left under it), when any refuses:
 * the one a refusal names. A cap that ties with the daily limit is named, as it says when it ends.
 */
export function refusingRule(
  input: { amountYen: number; limitYen: number; usedYen: number; newPayeeUsedYen: number; shaping: TransferShaping },
): LimitRefusal | undefined {
  const rules: LimitRefusal[] = [];
  const { dayCap, newPayeeCap } = input.shaping;
  if (dayCap !== null) rules.push({ rule: 'new_contract_or_token', remainingYen: Math.max(0, dayCap.capYen - input.usedYen), capYen: dayCap.capYen, days: dayCap.days, since: dayCap.since, untilMs: dayCap.untilMs });
  if (newPayeeCap !== null) rules.push({ rule: 'new_payee', remainingYen: Math.max(0, newPayeeCap.capYen - input.newPayeeUsedYen), capYen: newPayeeCap.capYen, untilMs: newPayeeCap.untilMs });
  rules.push({ rule: 'daily_limit', remainingYen: Math.max(0, input.limitYen - input.usedYen) });
  const refusing = rules.filter((r) => input.amountYen > r.remainingYen);
  if (refusing.length === 0) return undefined;
  return refusing.reduce((tightest, r) => (r.remainingYen < tightest.remainingYen ? r : tightest));
}

/**
 * Inside the transfer's transaction: adds `amountYen` to today's total unless that passes the
 * limit in force at `nowMs` or a cap of `shaping` (read in the same transaction), all in one
 * conditional write.
 */
export async function consumeDailyLimit(
  trx: Transaction<Schema>,
  input: ContractRef & { businessDay: string; nowMs: number; amountYen: number; defaultLimitYen: number; shaping: TransferShaping },
): Promise<ConsumeResult> {
  if (!Number.isSafeInteger(input.amountYen) || input.amountYen <= 0) throw new TypeError('amountYen must be a positive integer');
  const { dayCap, newPayeeCap } = input.shaping;
  await trx
    .insertInto('daily_usage')
    .values({ institution: input.institution, contract_id: input.contractId, business_day: input.businessDay, used_yen: 0 })
    .onConflict((oc) => oc.columns(['institution', 'contract_id', 'business_day']).doNothing())
    .execute();
  // The limit in force now: a pending raise counts from its instant, in this very statement.
  const limitNow = sql<number>`coalesce((select case when pending_limit_yen is not null and pending_from_ms <= ${input.nowMs} then pending_limit_yen else daily_limit_yen end from transfer_limits where institution = ${input.institution} and contract_id = ${input.contractId}), ${input.defaultLimitYen})`;
  const row = await trx
    .updateTable('daily_usage')
    .set((eb) => ({
      used_yen: eb('used_yen', '+', input.amountYen),
      new_payee_used_yen: eb('new_payee_used_yen', '+', newPayeeCap === null ? 0 : input.amountYen),
    }))
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('business_day', '=', input.businessDay)
    .where((eb) => eb(eb('used_yen', '+', input.amountYen), '<=', limitNow))
    .$if(dayCap !== null, (q) => q.where((eb) => eb(eb('used_yen', '+', input.amountYen), '<=', dayCap!.capYen)))
    .$if(newPayeeCap !== null, (q) => q.where((eb) => eb(eb('new_payee_used_yen', '+', input.amountYen), '<=', newPayeeCap!.capYen)))
    .returning('used_yen')
    .executeTakeFirst();
  if (row) return { ok: true, usedYen: Number(row.used_yen) };
  const [limitYen, used] = await Promise.all([getDailyLimit(trx, input), getUsedToday(trx, input)]);
  const refusal = refusingRule({ amountYen: input.amountYen, limitYen, usedYen: used.usedYen, newPayeeUsedYen: used.newPayeeUsedYen, shaping: input.shaping }) ?? {
    rule: 'daily_limit',
    remainingYen: Math.max(0, limitYen - used.usedYen),
  };
  return { ok: false, error: 'limit_exceeded', remainingYen: refusal.remainingYen, refusal };
}
