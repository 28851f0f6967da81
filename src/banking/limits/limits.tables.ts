// Table types of daily transfer limits (1日あたり振込限度額), per contract.
import type { Generated } from 'kysely';

export interface TransferLimitTable {
  institution: string;
  contract_id: string;
  daily_limit_yen: number;
  updated_at: number;
  // A raise the customer asked for, in force from pending_from_ms (0:00 JST of the day after
  // the request, migration 0014); until then daily_limit_yen holds. Both null: none pending.
  pending_limit_yen: number | null;
  pending_from_ms: number | null;
}

/** Yen transferred by a contract on one Japan calendar day; consumed with a conditional update. */
export interface DailyUsageTable {
  institution: string;
  contract_id: string;
  business_day: string; // YYYY-MM-DD in Asia/Tokyo
  used_yen: number;
  // Of used_yen, what went to new payees (registered today, or never paid before): their cap.
  new_payee_used_yen: Generated<number>;
}

/**
 * The branch lifted the cap after a contract opening or a token registration (written request,
 * maker-checker): it holds for the openings and registrations before lifted_at; a later
 * registration starts a new cap.
 */
export interface LimitCapLiftTable {
  institution: string;
  contract_id: string;
  lifted_at: number;
  lifted_by: string; // operator login of the approver
  request_form_no: string;
}

export interface LimitTables {
  transfer_limits: TransferLimitTable;
  daily_usage: DailyUsageTable;
  limit_cap_lifts: LimitCapLiftTable;
}
