// Table types of the branch console (issue 6): operators, maker-checker proposals and the
// contracts the console opened. Operators' sessions, and the two notes the console leaves for
// the bank site's sign-in (a session ended, a password to change), are the identity core's
// (src/identity/identity.tables.ts). Instants are UTC milliseconds (BIGINT).
import type { Generated } from 'kysely';

export type OperatorRole = 'teller' | 'supervisor' | 'administrator';

/** A member of an institution's staff who signs in at /branch/<slug>/ with password + OTP. */
export interface OperatorTable {
  institution: string;
  login: string; // [a-z][a-z0-9._-]{1,31}; the authority subject is `operator:<login>`
  role: OperatorRole;
  password_hash: string; // argon2id
  // Lock counters (5 → locked, an administrator unlocks), written only with compare-and-set.
  password_failures: Generated<number>;
  otp_failures: Generated<number>;
  token_binding_id: string | null; // binding at the institution's relying party
  token_serial: string | null;
  token_enrolled_at: number | null;
  last_sign_in_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The actions a teller proposes and a supervisor approves (maker-checker). */
export type ProposalKind = 'unlock_otp' | 'unlock_password' | 'reissue_token' | 'resume' | 'reset_password' | 'change_limit' | 'change_email' | 'lift_limit_cap';
export type ProposalStatus = 'pending' | 'approved' | 'rejected';

export interface ProposalTable {
  id: string; // prp_<hex>
  institution: string;
  contract_id: string;
  kind: ProposalKind;
  params: string; // JSON, e.g. {"newLimitYen":1000000} or {"newEmail":"…"} (shown masked, audited masked); never a secret
  request_form_no: string; // the written request (届出) this acts on
  reason: string;
  status: ProposalStatus;
  proposed_by: string; // operator login
  proposed_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null; // why it was rejected
}

/**
 * The contract a 新規契約 form opened, under the form's idempotency key (migration 0010): a
 * resubmission of the same form finds it here and opens nothing (see open-contract.ts).
 */
export interface ContractOpeningTable {
  institution: string;
  form_key: string; // the form's idempotency key (src/shared/idempotency-key.ts)
  contract_id: string;
  opened_by: string; // operator login
  form_digest: string; // SHA-256 hex of the form's fields as read, to tell the same form from an edited one
  opened_at: number;
}

export interface BranchTables {
  operators: OperatorTable;
  branch_proposals: ProposalTable;
  contract_openings: ContractOpeningTable;
}
