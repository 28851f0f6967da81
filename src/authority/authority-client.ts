// What a relying party (one institution's bank site or branch console) may ask of the token
// authority. Two implementations pass one test suite: in-process (the default single process)
// and HTTP (a split deployment, `mamori serve bank` calling `mamori serve authority`).
//
// Expected outcomes are returned as tagged unions. An authority that cannot be reached, or whose
// answer is unknown, throws AuthorityUnavailableError: callers fail closed ("try again later")
// and never treat it as a yes.

export interface TransactionInput {
  payeeAccount: string; // 7-digit account number of the payee
  amountYen?: number; // included when the institution's policy binds the amount too
}

export type BindFailureReason =
  | 'malformed_serial'
  | 'unknown_serial' // also returned for revoked tokens: no oracle for which serials exist
  | 'token_disabled'
  | 'malformed_code'
  | 'invalid_code'
  | 'throttled';

export type BindResult =
  | { ok: true; bindingId: string; serial: string; kind: 'mobile' | 'desktop'; timeStep: number }
  | { ok: false; reason: BindFailureReason };

export type VerifyFailureReason =
  | 'malformed_code'
  | 'invalid_code'
  | 'replayed' // the step was already used for this binding, or is older than one that was
  | 'throttled'
  | 'token_disabled'
  | 'binding_not_found';

export type VerifyResult = { valid: true; timeStep: number } | { valid: false; reason: VerifyFailureReason };

export type UnbindResult = { ok: true } | { ok: false; reason: 'binding_not_found' };

export type ResyncResult =
  | { ok: true; driftSteps: number }
  | {
      ok: false;
      // 'throttled': added by the authority — resync guesses count against the token's throttle.
      reason: 'malformed_serial' | 'unknown_serial' | 'malformed_code' | 'not_consecutive' | 'token_disabled' | 'throttled';
    };

export interface AuthorityClient {
  /** Binds a token to a subject (contract ID) after proof of possession: a current code. */
  bind(input: { serial: string; subject: string; code: string }): Promise<BindResult>;
  /** Verifies a login code, or with `transaction` a transaction code bound to the payee. */
  verify(input: { bindingId: string; code: string; transaction?: TransactionInput }): Promise<VerifyResult>;
  unbind(bindingId: string): Promise<UnbindResult>;
  /** Learns a token's drift from two consecutive codes (operator action). */
  resync(input: { serial: string; code1: string; code2: string }): Promise<ResyncResult>;
}

export class AuthorityUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthorityUnavailableError';
  }
}
