// Table types of the token authority. Instants are UTC milliseconds (BIGINT).
import type { Generated } from 'kysely';

export interface RelyingPartyTable {
  id: string; // the institution's slug
  name: string;
  api_key_hash: string; // SHA-256 hex of a 256-bit random key: high entropy, so no slow hash needed
  created_at: number;
  // After a rotation with an overlap: the previous key still works until previous_key_expires_at.
  previous_api_key_hash: string | null;
  previous_key_expires_at: number | null;
}

export type TokenState = 'active' | 'disabled' | 'revoked';

export interface TokenTable {
  serial: string;
  kind: 'mobile' | 'desktop';
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  period_seconds: number;
  secret_ciphertext: string; // AES-256-GCM, base64url(iv | ciphertext | tag)
  secret_key_id: string; // which master key sealed it
  state: TokenState;
  drift_steps: Generated<number>; // learned clock drift, in time steps
  // Per-token throttle across every relying party: failures inside the current window.
  throttle_failures: Generated<number>;
  throttle_window_start: Generated<number>;
  // Attempts taken and not yet judged (token-store.ts): they count toward the throttle while
  // their codes are checked, and lapse together at throttle_lapse_at.
  throttle_in_flight: Generated<number>;
  throttle_lapse_at: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface BindingTable {
  id: string;
  relying_party_id: string;
  serial: string;
  subject: string;
  // Replay floor: the highest time step accepted for this binding. Only strictly greater steps
  // are accepted afterwards (DESIGN §4), written with a compare-and-set update.
  last_step: Generated<number>;
  last_transaction_step: Generated<number>; // the same, for OCRA transaction codes (T1M steps)
  created_at: number;
  deleted_at: number | null;
}

export interface AuthorityTables {
  relying_parties: RelyingPartyTable;
  tokens: TokenTable;
  bindings: BindingTable;
}
