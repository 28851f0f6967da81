// Table types of daily transfer limits (1日あたり振込限度額), per contract.
export interface TransferLimitTable {
  institution: string;
  contract_id: string;
  daily_limit_yen: number;
  updated_at: number;
}

/** Yen transferred by a contract on one Japan calendar day; consumed with a conditional update. */
export interface DailyUsageTable {
  institution: string;
  contract_id: string;
  business_day: string; // YYYY-MM-DD in Asia/Tokyo
  used_yen: number;
}

export interface LimitTables {
  transfer_limits: TransferLimitTable;
  daily_usage: DailyUsageTable;
}
