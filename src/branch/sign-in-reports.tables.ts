// 「心当たりがない」: a customer's report that a sign-in (or a failed attempt) of their contract
// was not theirs. The report suspended the contract at once; the console lists the open ones
// first until the contract is resumed. The sign-in is copied from its audit record (the record
// stays the source: `sign_in_seq` names it). Instants are UTC milliseconds.
export interface SignInReportTable {
  id: string; // 'rpt_' + 128 random bits in hex
  institution: string;
  contract_id: string;
  reported_at: number;
  sign_in_seq: number; // the audit record (chain = institution) of the sign-in reported
  sign_in_at: number;
  sign_in_action: string; // signed_in, password_failed, otp_failed, …
  browser: string;
  os: string;
  masked_address: string;
  resolved_at: number | null; // set when the contract is resumed
}

export interface SignInReportTables {
  sign_in_reports: SignInReportTable;
}
