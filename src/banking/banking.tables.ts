// Table types of the bank site: institutions and their customers (their sessions: src/identity).
// Instants are UTC milliseconds (BIGINT). Secrets are never stored readable: passwords as
// argon2id hashes, the confirmation password also as peppered HMACs of digit pairs
// (see confirmation-password.ts and docs/ARCHITECTURE.md).
import type { Generated } from 'kysely';

export type ConfirmationMode = 'whole' | 'positions';

export interface InstitutionTable {
  slug: string; // URL segment and relying-party id at the authority
  name: string; // デモ信用金庫
  name_en: string;
  bank_code: string; // 4-digit zengin code, one no real bank uses for the demo
  primary_colour: string; // #rrggbb
  support_name: string; // デモ信用金庫 EBサポートセンター
  support_name_en: Generated<string>; // '' → the Japanese one is shown
  support_phone: string;
  support_hours: string;
  support_hours_en: Generated<string>;
  confirmation_mode: ConfirmationMode;
  confirmation_positions: number; // digits asked in 'positions' mode (2)
  confirmation_name: string; // 確認用パスワード / 資金移動用パスワード
  confirmation_name_en: string;
  policy: string; // JSON, validated by parseInstitutionPolicy
  created_at: number;
}

export type CustomerStatus = 'active' | 'suspended';
export type TokenKind = 'mobile' | 'desktop';

export interface CustomerTable {
  institution: string;
  contract_id: string; // 10 digits
  name: string;
  login_password_hash: string; // argon2id
  confirmation_hash: string; // argon2id of the whole confirmation password
  confirmation_pairs: string; // JSON {"i,j": hex HMAC-SHA256(pepper, contractId|i|j|d_i|d_j)}
  status: CustomerStatus;
  // Fail counters, written only with compare-and-set updates. A contract is locked while its
  // counter is at or above the institution's threshold; only an operator resets it.
  password_failures: Generated<number>;
  otp_failures: Generated<number>;
  // Attempts taken and not yet judged (fail-counters.ts), per factor: attempts in flight count
  // toward the lock while they are checked; they lapse together at *_lapse_at.
  password_attempts_in_flight: Generated<number>;
  password_attempts_lapse_at: Generated<number>;
  otp_attempts_in_flight: Generated<number>;
  otp_attempts_lapse_at: Generated<number>;
  token_binding_id: string | null; // the authority's binding: the only one the bank verifies
  token_serial: string | null;
  token_kind: TokenKind | null;
  token_registered_at: number | null;
  token_deregistered_at: number | null; // for the limit rule (DESIGN §4)
  registration_blocked_until: number | null; // set by a branch reissue
  email: string | null; // for notifications (migration 0006); none → no notification is sent
  created_at: number;
  updated_at: number;
}

export interface BankingTables {
  institutions: InstitutionTable;
  customers: CustomerTable;
}
