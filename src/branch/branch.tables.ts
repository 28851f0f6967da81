// Table types of the branch console (issue 6): operators and their sessions, maker-checker
// proposals, and two small tables the console keeps about customers until the bank site owns
// them (see docs in each interface). Instants are UTC milliseconds (BIGINT).
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

export type OperatorSessionStage =
  | 'password_verified' // awaiting the one-time password
  | 'enrolment' // first sign-in: awaiting serial + code of the operator's new token
  | 'signed_in';

export interface OperatorSessionTable {
  id_hash: string; // SHA-256 hex of the 256-bit cookie token
  institution: string;
  login: string;
  stage: OperatorSessionStage;
  csrf_token: string;
  started_at: number; // the absolute lifetime counts from the password step
  created_at: number; // when this id was issued (new at each step)
  last_seen_at: number;
}

/** The actions a teller proposes and a supervisor approves (maker-checker). */
export type ProposalKind = 'unlock_otp' | 'unlock_password' | 'reissue_token' | 'resume' | 'reset_password' | 'change_limit';
export type ProposalStatus = 'pending' | 'approved' | 'rejected';

export interface ProposalTable {
  id: string; // prp_<hex>
  institution: string;
  contract_id: string;
  kind: ProposalKind;
  params: string; // JSON, e.g. {"newLimitYen":1000000}; never a secret
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
 * A customer whose login password was set by the branch (opening, reset) and must be changed
 * at the next login. Belongs with the customer (banking) in the end; kept here until the bank
 * site's login reads it (see password-change-requirements.ts).
 */
export interface PasswordChangeRequirementTable {
  institution: string;
  contract_id: string;
  cause: 'initial' | 'reset';
  required_since: number;
}

export type SessionEndCause = 'suspended' | 'token_reissued' | 'password_reset';

/**
 * A customer session the branch ended, remembered by the hash of its cookie token for a while,
 * so that the customer's next click can be told why (「利用を一時停止しました」) rather than
 * only being sent to the login page.
 */
export interface SessionEndNoticeTable {
  id_hash: string;
  institution: string;
  contract_id: string;
  cause: SessionEndCause;
  ended_at: number;
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
  operator_sessions: OperatorSessionTable;
  branch_proposals: ProposalTable;
  password_change_requirements: PasswordChangeRequirementTable;
  session_end_notices: SessionEndNoticeTable;
  contract_openings: ContractOpeningTable;
}
