// Table types of the double-entry ledger. Money is integer yen (BIGINT, safe integers in JS);
// instants are UTC milliseconds (BIGINT).
//
// Every movement of money is one journal entry with two or more postings that sum to zero.
// A posting carries the account's own sequence number and the balance after it, so an
// account's history (入出金明細) reads straight off its postings, newest first, and the
// balance kept in the account row can always be recomputed from them.
export type AccountRole = 'customer' | 'clearing' | 'fees' | 'demo_funding';
export type AccountType = 'ordinary'; // 普通; 当座 and 貯蓄 exist only at other banks here

/** 取引店舗: a branch of one of the platform's institutions. */
export interface BranchTable {
  institution: string;
  code: string; // 3 digits
  name: string; // 本店
  kana: string; // ホンテン (full-width katakana, as the zengin-code data writes it)
  // The last account number handed out here; bumped with UPDATE … RETURNING, so concurrent
  // openings queue on the branch row instead of racing for max(number) + 1.
  last_account_number: number;
  created_at: number;
}

export interface AccountTable {
  id: string;
  institution: string; // the institution's slug
  role: AccountRole;
  contract_id: string | null; // owner, for role 'customer'; null for system accounts
  branch_code: string | null; // 3 digits; null for system accounts
  account_number: string | null; // 7 digits, unique per institution + branch; null for system accounts
  account_type: AccountType;
  holder_name: string; // half-width katakana (口座名義), as the zengin format carries it
  balance: number; // yen; never negative for customer accounts (also a CHECK constraint)
  last_seq: number; // sequence number of this account's latest posting
  opened_at: number;
}

export type JournalEntryKind = 'deposit' | 'transfer';

export interface JournalEntryTable {
  id: string;
  institution: string;
  kind: JournalEntryKind;
  transfer_id: string | null;
  posted_at: number;
  actor: string;
}

export interface PostingTable {
  account_id: string;
  seq: number; // 1, 2, 3… per account: the order of its history
  entry_id: string;
  amount: number; // yen; positive credits (入金), negative debits (出金)
  balance_after: number;
  description: string; // 摘要 shown in the history, e.g. 「振込 ﾔﾏﾀﾞ ﾀﾛｳ」
  posted_at: number;
}

export interface LedgerTables {
  branches: BranchTable;
  accounts: AccountTable;
  journal_entries: JournalEntryTable;
  postings: PostingTable;
}
