// What the confirm step asks, and checking the answer (DESIGN §4, issue 5 §3):
//  - a registered token → its one-time password; where the institution turns on 取引認証,
//    a transaction code over the payee account (and the amount, if the policy says so)
//    instead, so that a code made for one payee or amount is worthless for any other;
//  - no token → the confirmation password (whole, or the digit positions fixed when the
//    transfer was prepared).
// Wrong codes count toward the same OTP lock as every other path; wrong confirmation
// passwords toward the password lock. The checks themselves are ports — the authority client
// and the Personal Web counters (confirm-ports.ts wires the real ones) — so this file holds
// only the rules and can be tested with fakes.
import type { TransactionInput, VerifyResult } from '../../authority/authority-client.js';
import type { ConfirmationMode } from '../banking.tables.js';
import type { ConfirmationAnswer } from '../confirmation-password.js';
import type { TransactionAuthMode } from '../institution-policy.js';
import type { OtpProof } from '../limits/change-limit.js';

export type ConfirmChallenge =
  | { kind: 'otp' }
  | { kind: 'transaction_code'; includeAmount: boolean; payeeAccount: string; amountYen: number | null }
  | { kind: 'confirmation_password'; mode: 'whole' }
  | { kind: 'confirmation_password'; mode: 'positions'; positions: number[] };

export interface ConfirmingCustomer {
  /** The authority binding of the registered token; null when no token is registered. */
  bindingId: string | null;
  otpLocked: boolean;
  passwordLocked: boolean;
}

export function decideConfirmChallenge(input: {
  customer: Pick<ConfirmingCustomer, 'bindingId'>;
  transactionAuth: TransactionAuthMode;
  confirmationMode: ConfirmationMode;
  transfer: { payeeAccountNumber: string; amountYen: number; passwordPositions: number[] | null };
}): ConfirmChallenge {
  if (input.customer.bindingId === null) {
    // Without a token there is nothing to compute a transaction code with.
    const positions = input.transfer.passwordPositions;
    return input.confirmationMode === 'positions' && positions !== null
      ? { kind: 'confirmation_password', mode: 'positions', positions }
      : { kind: 'confirmation_password', mode: 'whole' };
  }
  switch (input.transactionAuth) {
    case 'off':
      return { kind: 'otp' };
    case 'account':
      return { kind: 'transaction_code', includeAmount: false, payeeAccount: input.transfer.payeeAccountNumber, amountYen: null };
    case 'account_amount':
      return { kind: 'transaction_code', includeAmount: true, payeeAccount: input.transfer.payeeAccountNumber, amountYen: input.transfer.amountYen };
  }
}

export type ConfirmAnswer = { kind: 'code'; code: string } | { kind: 'confirmation_password'; answer: ConfirmationAnswer };

export interface CodeFailureCount {
  locked: boolean; // this failure locked the contract (or it was locked already)
  warn: boolean; // the institution's warning threshold is reached (「あと N 回誤るとロックされます」)
  remaining: number; // wrong codes left before the lock
}

/** One of the contract's remaining code attempts, taken before the code is verified. */
export interface ConfirmCodeAttempt {
  /** A wrong code: the attempt counts. */
  wrong(): Promise<CodeFailureCount>;
  /** A right code: the attempt goes back; false when a lock was set meanwhile (the code then does not count). */
  right(): Promise<boolean>;
}

/** Bound to one customer by the caller (confirm-ports.ts). */
export interface ConfirmPorts {
  verifyCode(input: { bindingId: string; code: string; transaction?: TransactionInput }): Promise<VerifyResult>;
  /**
   * Runs `check` under one of the contract's remaining code attempts (src/banking/fail-counters.ts):
   * a code is verified only under one, so no more codes are checked than the lock allows. An
   * attempt `check` does not settle is given back uncounted. Refused: 'locked', or 'throttled'
   * when every remaining attempt stayed in use by other requests.
   */
  withCodeAttempt<T>(check: (attempt: ConfirmCodeAttempt) => Promise<T>): Promise<{ taken: true; value: T } | { taken: false; refusal: 'locked' | 'throttled' }>;
  checkConfirmationPassword(answer: ConfirmationAnswer): Promise<{ ok: true } | { ok: false; locked: boolean }>;
}

export type ConfirmVerifyError =
  | 'answer_missing' // the answer does not fit the challenge (e.g. a code where a password is asked)
  | 'code_malformed' // not 6 digits: not counted
  | 'code_wrong'
  | 'code_locked'
  | 'code_throttled' // the authority's per-token throttle: try again later, not counted
  | 'token_unavailable' // the token was disabled or unbound meanwhile
  | 'password_wrong'
  | 'password_locked';

export type ConfirmVerifyResult =
  | { ok: true; method: ConfirmChallenge['kind'] }
  | { ok: false; error: ConfirmVerifyError; warn: boolean; remainingAttempts?: number };

/** 6 digits after removing spaces and turning full-width digits into ASCII. */
export function normalizeCode(typed: string): string | undefined {
  const code = typed.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000-]/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

export async function verifyConfirmAnswer(
  ports: ConfirmPorts,
  input: { challenge: ConfirmChallenge; customer: ConfirmingCustomer; answer: ConfirmAnswer },
): Promise<ConfirmVerifyResult> {
  const { challenge, customer, answer } = input;
  switch (challenge.kind) {
    case 'otp':
    case 'transaction_code': {
      if (answer.kind !== 'code' || customer.bindingId === null) return { ok: false, error: 'answer_missing', warn: false };
      if (customer.otpLocked) return { ok: false, error: 'code_locked', warn: false };
      const code = normalizeCode(answer.code);
      if (code === undefined) return { ok: false, error: 'code_malformed', warn: false };
      const transaction =
        challenge.kind === 'transaction_code'
          ? { payeeAccount: challenge.payeeAccount, ...(challenge.includeAmount && challenge.amountYen !== null ? { amountYen: challenge.amountYen } : {}) }
          : undefined;
      const { bindingId } = customer;
      const attempted = await ports.withCodeAttempt(async (attempt): Promise<ConfirmVerifyResult> => {
        const result = await ports.verifyCode({ bindingId, code, ...(transaction ? { transaction } : {}) });
        if (result.valid) {
          if (!(await attempt.right())) return { ok: false, error: 'code_locked', warn: false };
          return { ok: true, method: challenge.kind };
        }
        switch (result.reason) {
          case 'malformed_code':
            return { ok: false, error: 'code_malformed', warn: false };
          case 'throttled':
            return { ok: false, error: 'code_throttled', warn: false };
          case 'token_disabled':
          case 'binding_not_found':
            return { ok: false, error: 'token_unavailable', warn: false };
          case 'invalid_code':
          case 'replayed': {
            const counted = await attempt.wrong();
            return counted.locked
              ? { ok: false, error: 'code_locked', warn: false }
              : { ok: false, error: 'code_wrong', warn: counted.warn, remainingAttempts: counted.remaining };
          }
        }
      });
      if (!attempted.taken) return { ok: false, error: attempted.refusal === 'locked' ? 'code_locked' : 'code_throttled', warn: false };
      return attempted.value;
    }
    case 'confirmation_password': {
      if (answer.kind !== 'confirmation_password' || answer.answer.mode !== challenge.mode) return { ok: false, error: 'answer_missing', warn: false };
      if (challenge.mode === 'positions' && answer.answer.mode === 'positions') {
        const asked = [...challenge.positions].sort().join(',');
        const given = Object.keys(answer.answer.digits).map(Number).sort().join(',');
        if (asked !== given) return { ok: false, error: 'answer_missing', warn: false };
      }
      if (customer.passwordLocked) return { ok: false, error: 'password_locked', warn: false };
      const checked = await ports.checkConfirmationPassword(answer.answer);
      if (checked.ok) return { ok: true, method: 'confirmation_password' };
      return { ok: false, error: checked.locked ? 'password_locked' : 'password_wrong', warn: false };
    }
  }
  throw new Error('unreachable');
}

/** The one-time password that backs a limit raise (limits/change-limit.ts). */
export async function verifyOtpForLimitRaise(
  ports: ConfirmPorts,
  input: { institution: string; contractId: string; customer: ConfirmingCustomer; code: string; nowMs: number },
): Promise<{ ok: true; proof: OtpProof } | { ok: false; error: ConfirmVerifyError; warn: boolean; remainingAttempts?: number }> {
  const result = await verifyConfirmAnswer(ports, { challenge: { kind: 'otp' }, customer: input.customer, answer: { kind: 'code', code: input.code } });
  if (!result.ok) return result;
  return {
    ok: true,
    proof: { kind: 'otp_verified', purpose: 'limit_raise', institution: input.institution, contractId: input.contractId, verifiedAtMs: input.nowMs },
  };
}
