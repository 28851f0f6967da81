// Fixed-window counters kept in the database, so every process shares them (DESIGN §2).
export interface RateLimitTable {
  key: string;
  window_start: number;
  count: number;
}

export interface RateLimitTables {
  rate_limits: RateLimitTable;
}
