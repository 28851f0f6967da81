// Table types of the identity core: the sessions of both kinds of principal (a customer's
// contract at the bank site, an operator at the console), the notes left when the branch ends a
// customer's sessions, and the forced password change after the branch set a password. Two
// session tables, so that one kind's cookie token can never be looked up as the other's, with
// one shape and one code path (sessions.ts). Instants are UTC milliseconds (BIGINT).

/** The stages of a customer's session at the bank site, in the order of the sign-in steps. */
export type CustomerSessionStage =
  | 'password_verified' // login: awaiting the one-time password
  | 'signed_in'
  | 'password_change' // login done, but the branch set the password: only 'password/change' until it is changed
  | 'register_verified' // 利用開始: awaiting serial + code + confirmation password
  | 'deregister_verified' // 利用中止: awaiting code + confirmation password
  | 'exchange_verified' // 利用登録/交換: awaiting the current token's code
  | 'exchange_current_verified'; // 利用登録/交換: awaiting the new token's serial + code

/** The stages of an operator's session at the console. */
export type OperatorSessionStage =
  | 'password_verified' // awaiting the one-time password
  | 'enrolment' // first sign-in: awaiting serial + code of the operator's new token
  | 'signed_in';

/** The columns both session tables share; each names its principal in a column of its own. */
interface SessionColumns<Stage extends string> {
  id_hash: string; // SHA-256 hex of the 256-bit cookie token; the token itself is never stored
  institution: string;
  stage: Stage;
  data: string; // JSON: per-stage facts chosen by the server (e.g. the digit positions asked)
  csrf_token: string;
  started_at: number; // when the password was verified; the absolute lifetime counts from here
  created_at: number; // when this id was issued (new at each step)
  last_seen_at: number;
}

export interface SessionTable extends SessionColumns<CustomerSessionStage> {
  contract_id: string;
}

export interface OperatorSessionTable extends SessionColumns<OperatorSessionStage> {
  login: string;
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
 * A customer whose login password was set by the branch (opening, reset) and must be changed
 * at the next login (password-change-requirement.ts).
 */
export interface PasswordChangeRequirementTable {
  institution: string;
  contract_id: string;
  cause: 'initial' | 'reset';
  required_since: number;
}

/** A passkey (WebAuthn credential) of a customer's contract or an operator (passkeys.ts). */
export interface PasskeyTable {
  id: string; // pk_<hex>: ours, shown masked; never the credential id
  institution: string;
  principal: 'customer' | 'operator';
  subject: string; // contract ID or operator login
  credential_id: string; // base64url, as the authenticator made it
  user_handle: string; // base64url: the opaque user.id given at registration (never the subject)
  public_key: string; // base64url COSE key
  sign_count: number; // the authenticator's counter (0 where it keeps none)
  transports: string; // JSON array
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number; // 0/1, as the last assertion said (it may change: synced passkeys)
  name: string; // the customer's name for it
  created_at: number;
  last_used_at: number | null;
}

/** A ceremony's challenge: single use, bound to the browser's session, 5 minutes. */
export interface PasskeyChallengeTable {
  challenge: string; // base64url
  institution: string;
  purpose: 'register' | 'sign_in' | 'step_up';
  principal: 'customer' | 'operator';
  subject: string | null; // null for sign-in (the credential names the principal)
  binding_hash: string; // SHA-256 of the session (or pre-session) cookie token it is bound to
  operation_hash: string | null; // step-up: SHA-256 of the operation it confirms
  user_handle: string | null; // registration: the user.id offered
  created_at: number;
  expires_at: number;
}

export interface IdentityTables {
  passkeys: PasskeyTable;
  passkey_challenges: PasskeyChallengeTable;
  sessions: SessionTable;
  operator_sessions: OperatorSessionTable;
  session_end_notices: SessionEndNoticeTable;
  password_change_requirements: PasswordChangeRequirementTable;
}
