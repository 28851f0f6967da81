// Table types of transfers (振込) and registered payees (振込先登録). Money in integer yen,
// instants in UTC milliseconds.
export type TransferKind = 'internal' | 'external'; // same institution | another bank (via clearing)
export type TransferStatus = 'pending' | 'done';
export type PayeeAccountType = 'ordinary' | 'current' | 'savings'; // 普通 | 当座 | 貯蓄

export interface TransferTable {
  id: string;
  institution: string;
  contract_id: string;
  source_account_id: string;
  kind: TransferKind;
  payee_bank_code: string;
  payee_bank_name: string;
  payee_branch_code: string;
  payee_branch_name: string;
  payee_account_type: PayeeAccountType;
  payee_account_number: string;
  payee_name: string; // half-width katakana
  payee_account_id: string | null; // resolved for internal transfers
  amount_yen: number;
  fee_yen: number;
  // The pending transfer's idempotency key: the confirm form carries it, and every confirm
  // (first, double submit, retry) must present it with the same body.
  idempotency_key: string;
  status: TransferStatus;
  // Digit positions of the confirmation password asked for this transfer (JSON array, 1-based)
  // fixed when the transfer is prepared, so reloading the page cannot fish for easier digits.
  password_positions: string | null;
  // A short lease taken by the request that is checking the code: concurrent confirms (a
  // double click) wait for its outcome instead of sending the same code to the authority,
  // where it would read as a replay and count toward the lock. A crashed holder's lease ends.
  confirming_until: number | null;
  created_at: number;
  expires_at: number;
  confirmed_at: number | null;
  business_day: string | null; // Japan calendar day of the confirmation, YYYY-MM-DD
  reference_no: string | null; // 受付番号, set when done
  entry_id: string | null;
  exported_at: number | null; // external transfers: when handed to the clearing export
}

/** Per institution and Japan calendar day, the last 受付番号 sequence handed out. */
export interface ReferenceCounterTable {
  institution: string;
  business_day: string;
  last_value: number;
}

export interface RegisteredPayeeTable {
  id: string;
  institution: string;
  contract_id: string;
  bank_code: string;
  bank_name: string;
  branch_code: string;
  branch_name: string;
  account_type: PayeeAccountType;
  account_number: string;
  payee_name: string;
  nickname: string; // the customer's own label ('' when none)
  created_at: number;
  updated_at: number;
}

export interface TransferTables {
  transfers: TransferTable;
  reference_counters: ReferenceCounterTable;
  registered_payees: RegisteredPayeeTable;
}
