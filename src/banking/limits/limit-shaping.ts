// Limits shaped in time (issue 14 §5; the FSA and National Police Agency's request of
// 2025-09-12): beside the daily limit, two caps that fraud after phishing runs into, each in the
// Japan calendar day and each a policy key of the institution:
//  - for newContractOrTokenCapDays days from the day a contract is opened, or a token
//    registered (利用開始) or exchanged (利用登録/交換) — the first thing a thief with a phished
//    password does is bind a token of their own — the day's transfers together are capped at
//    newContractOrTokenCapYen, unless the branch lifted the cap (written request, maker-checker)
//    after that opening or registration;
//  - a payee registered today (or changed today), or an account typed by hand that the contract
//    has never paid on an earlier day, may receive at most newPayeeCapYen today, all such payees
//    together; from the next day the ordinary limit holds.
// What is read here is read inside the transfer's transaction and handed to consumeDailyLimit,
// whose one conditional write on today's usage row enforces the limit and both caps together.
//
// The start of the new-token cap is customers.token_registered_at (set by registration and by
// exchange). A deregistration clears it: a contract without a token then confirms transfers with
// its confirmation password, within the no-token ceiling, and gains nothing from the cap ending.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import { japanDate, type InstitutionPolicy } from '../institution-policy.js';

type Db = Kysely<Schema> | Transaction<Schema>;

const DAY_MS = 86_400_000;

/** The instant 0:00 JST of the Japan calendar day that holds `nowMs`. */
export function japanDayStartMs(nowMs: number): number {
  return Date.parse(`${japanDate(nowMs)}T00:00:00+09:00`);
}

/** 0:00 JST of the next Japan calendar day: when a raise asked for at `nowMs` takes effect. */
export function nextJapanMidnightMs(nowMs: number): number {
  return japanDayStartMs(nowMs) + DAY_MS;
}

export type ShapingPolicy = Pick<InstitutionPolicy, 'limitRaiseNextDay' | 'newContractOrTokenCapDays' | 'newContractOrTokenCapYen' | 'newPayeeCapYen'>;

/** The cap after a contract opening or a token registration, while it holds. */
export interface DayCap {
  capYen: number;
  days: number;
  since: 'contract' | 'token';
  /** 0:00 JST of the first day with the ordinary limit again. */
  untilMs: number;
}

/** The caps that hold for one transfer today (null: that rule does not apply). */
export interface TransferShaping {
  dayCap: DayCap | null;
  /** Set when the transfer's payee is new today. */
  newPayeeCap: { capYen: number; untilMs: number } | null;
}

export const NO_SHAPING: TransferShaping = Object.freeze({ dayCap: null, newPayeeCap: null });

/** The day cap from what the customer row says (pure: the reader below fetches the rows). */
export function dayCapOf(
  input: { contractOpenedAtMs: number; tokenRegisteredAtMs: number | null; liftedAtMs: number | null },
  policy: ShapingPolicy,
  nowMs: number,
): DayCap | null {
  const days = policy.newContractOrTokenCapDays;
  if (days === 0) return null;
  const token = input.tokenRegisteredAtMs !== null && input.tokenRegisteredAtMs >= input.contractOpenedAtMs;
  const sinceMs = token ? input.tokenRegisteredAtMs! : input.contractOpenedAtMs;
  // A lift holds for the openings and registrations before it; a later registration caps anew.
  if (input.liftedAtMs !== null && input.liftedAtMs >= sinceMs) return null;
  const untilMs = japanDayStartMs(sinceMs) + days * DAY_MS;
  if (nowMs >= untilMs) return null;
  return { capYen: policy.newContractOrTokenCapYen, days, since: token ? 'token' : 'contract', untilMs };
}

export async function readDayCap(db: Db, input: { institution: string; contractId: string; policy: ShapingPolicy; nowMs: number }): Promise<DayCap | null> {
  if (input.policy.newContractOrTokenCapDays === 0) return null;
  const row = await db
    .selectFrom('customers as c')
    .leftJoin('limit_cap_lifts as l', (join) => join.onRef('l.institution', '=', 'c.institution').onRef('l.contract_id', '=', 'c.contract_id'))
    .select(['c.created_at', 'c.token_registered_at', 'l.lifted_at'])
    .where('c.institution', '=', input.institution)
    .where('c.contract_id', '=', input.contractId)
    .executeTakeFirst();
  if (!row) return null;
  return dayCapOf(
    {
      contractOpenedAtMs: Number(row.created_at),
      tokenRegisteredAtMs: row.token_registered_at === null ? null : Number(row.token_registered_at),
      liftedAtMs: row.lifted_at === null || row.lifted_at === undefined ? null : Number(row.lifted_at),
    },
    input.policy,
    input.nowMs,
  );
}

export interface PayeeAccount {
  bankCode: string;
  branchCode: string;
  accountType: string;
  accountNumber: string;
}

/**
 * Whether `payee` is new for the contract today: neither paid on an earlier Japan day, nor a
 * registered payee last written before today (a payee changed today to another account is new).
 */
export async function isNewPayeeToday(db: Db, input: { institution: string; contractId: string; payee: PayeeAccount; nowMs: number }): Promise<boolean> {
  const todayStartMs = japanDayStartMs(input.nowMs);
  const today = japanDate(input.nowMs);
  const paid = await db
    .selectFrom('transfers')
    .select('id')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('status', '=', 'done')
    .where('business_day', '<', today)
    .where('payee_bank_code', '=', input.payee.bankCode)
    .where('payee_branch_code', '=', input.payee.branchCode)
    .where('payee_account_type', '=', input.payee.accountType as 'ordinary')
    .where('payee_account_number', '=', input.payee.accountNumber)
    .limit(1)
    .executeTakeFirst();
  if (paid) return false;
  const registered = await db
    .selectFrom('registered_payees')
    .select('id')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('bank_code', '=', input.payee.bankCode)
    .where('branch_code', '=', input.payee.branchCode)
    .where('account_type', '=', input.payee.accountType as 'ordinary')
    .where('account_number', '=', input.payee.accountNumber)
    .where('updated_at', '<', todayStartMs)
    .limit(1)
    .executeTakeFirst();
  return registered === undefined;
}

/** Every cap that holds for a transfer of the contract to `payee` at `nowMs`. */
export async function readTransferShaping(
  db: Db,
  input: { institution: string; contractId: string; payee: PayeeAccount; policy: ShapingPolicy; nowMs: number },
): Promise<TransferShaping> {
  const dayCap = await readDayCap(db, input);
  const capYen = input.policy.newPayeeCapYen;
  const newPayeeCap = capYen !== null && (await isNewPayeeToday(db, input)) ? { capYen, untilMs: nextJapanMidnightMs(input.nowMs) } : null;
  return { dayCap, newPayeeCap };
}
