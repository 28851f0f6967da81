// The daily transfer limit (1日あたり振込限度額) per contract, counted per Japan calendar day
// (Asia/Tokyo, UTC+9 without daylight saving), and consumed atomically inside the transfer's
// own transaction:
//   INSERT … ON CONFLICT DO NOTHING                                 -- today's row exists
//   UPDATE daily_usage SET used_yen = used_yen + :amt
//    WHERE … AND used_yen + :amt <= (the contract's limit)          -- compare and set
// Concurrent transfers queue on the row; each sees the total its predecessors committed, so
// together they can never pass the limit, in one process or many (DESIGN §5).
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import { japanDate } from '../institution-policy.js';

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

/** The contract's daily limit in yen: its own, or the institution's default for new contracts. */
export async function getDailyLimit(db: Db, input: ContractRef & { defaultLimitYen: number }): Promise<number> {
  const row = await db
    .selectFrom('transfer_limits')
    .select('daily_limit_yen')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
  return row === undefined ? input.defaultLimitYen : Number(row.daily_limit_yen);
}

export async function getUsedToday(db: Db, input: ContractRef & { businessDay: string }): Promise<number> {
  const row = await db
    .selectFrom('daily_usage')
    .select('used_yen')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('business_day', '=', input.businessDay)
    .executeTakeFirst();
  return row === undefined ? 0 : Number(row.used_yen);
}

export interface LimitStatus {
  businessDay: string;
  limitYen: number;
  usedYen: number;
  remainingYen: number;
}

export async function getLimitStatus(db: Db, input: ContractRef & { defaultLimitYen: number; nowMs: number }): Promise<LimitStatus> {
  const businessDay = businessDayAt(input.nowMs);
  const [limitYen, usedYen] = await Promise.all([getDailyLimit(db, input), getUsedToday(db, { ...input, businessDay })]);
  return { businessDay, limitYen, usedYen, remainingYen: Math.max(0, limitYen - usedYen) };
}

export type ConsumeResult =
  | { ok: true; usedYen: number }
  | { ok: false; error: 'limit_exceeded'; remainingYen: number };

/** Inside the transfer's transaction: adds `amountYen` to today's total unless that passes the limit. */
export async function consumeDailyLimit(
  trx: Transaction<Schema>,
  input: ContractRef & { businessDay: string; amountYen: number; defaultLimitYen: number },
): Promise<ConsumeResult> {
  if (!Number.isSafeInteger(input.amountYen) || input.amountYen <= 0) throw new TypeError('amountYen must be a positive integer');
  await trx
    .insertInto('daily_usage')
    .values({ institution: input.institution, contract_id: input.contractId, business_day: input.businessDay, used_yen: 0 })
    .onConflict((oc) => oc.columns(['institution', 'contract_id', 'business_day']).doNothing())
    .execute();
  const row = await trx
    .updateTable('daily_usage')
    .set((eb) => ({ used_yen: eb('used_yen', '+', input.amountYen) }))
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('business_day', '=', input.businessDay)
    .where((eb) =>
      eb(
        eb('used_yen', '+', input.amountYen),
        '<=',
        eb.fn.coalesce(
          eb
            .selectFrom('transfer_limits')
            .select('daily_limit_yen')
            .where('institution', '=', input.institution)
            .where('contract_id', '=', input.contractId),
          eb.val(input.defaultLimitYen),
        ),
      ),
    )
    .returning('used_yen')
    .executeTakeFirst();
  if (row) return { ok: true, usedYen: Number(row.used_yen) };
  const [limitYen, usedYen] = await Promise.all([getDailyLimit(trx, input), getUsedToday(trx, input)]);
  return { ok: false, error: 'limit_exceeded', remainingYen: Math.max(0, limitYen - usedYen) };
}
