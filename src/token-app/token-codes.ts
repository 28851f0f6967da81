// The codes the browser token shows, computed with WebCrypto around the pure OTP helpers of
// src/otp: the HMAC runs inside `crypto.subtle.sign` with a non-extractable key, so the secret
// never exists as bytes in JavaScript, and everything before and after the HMAC (the counter
// bytes, the OCRA message, the truncation) is the same code the authority verifies with.
//
// Time is passed in (`nowMs`); the app passes Date.now(), tests pass fixed instants.
import {
  counterToBytes,
  ocraMessage,
  ocraResponseFromDigest,
  ocraTimeStepAt,
  parseOcraSuite,
  timeStepAt,
  TRANSACTION_OCRA_SUITE,
  transactionChallenge,
  truncateDigest,
  type TransactionDetails,
} from '../otp/pure.js';

const TRANSACTION_SUITE = parseOcraSuite(TRANSACTION_OCRA_SUITE);

/** What the key is expected to be: HMAC bound to the token's hash (SHA-1 for Mamori tokens). */
export interface CodeParameters {
  readonly digits: number;
  readonly periodSeconds: number;
}

export interface ShownCode {
  readonly code: string;
  /** The time step the code belongs to (RFC 6238 §4.2 T, or OCRA's T in minutes). */
  readonly timeStep: number;
  /** When the next code takes over, UTC milliseconds. */
  readonly validUntilMs: number;
}

async function hmac(key: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  // The src/otp helpers return arrays over a plain ArrayBuffer (never a SharedArrayBuffer),
  // which is what WebCrypto's BufferSource type asks for.
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, message as Uint8Array<ArrayBuffer>));
}

/** RFC 6238 §4.2: TOTP = HOTP(K, T) with T = floor(now / X); HOTP per RFC 4226 §5.3. */
export async function computeLoginCode(
  key: CryptoKey,
  { nowMs, digits, periodSeconds }: CodeParameters & { readonly nowMs: number },
): Promise<ShownCode> {
  const timeStep = timeStepAt({ nowMs, periodSeconds });
  const digest = await hmac(key, counterToBytes(timeStep));
  return { code: truncateDigest(digest, digits), timeStep, validUntilMs: (timeStep + 1) * periodSeconds * 1000 };
}

/**
 * 取引認証: the OCRA code (RFC 6287, suite OCRA-1:HOTP-SHA1-6:QN20-T1M) over the challenge
 * made from the payee account and optional amount — the same as `mamori token sign`.
 */
export async function computeTransactionCode(
  key: CryptoKey,
  { nowMs, payeeAccount, amountYen }: TransactionDetails & { readonly nowMs: number },
): Promise<ShownCode> {
  const challenge = transactionChallenge(amountYen === undefined ? { payeeAccount } : { payeeAccount, amountYen });
  const timeStep = ocraTimeStepAt({ suite: TRANSACTION_SUITE, nowMs });
  const digest = await hmac(key, ocraMessage(TRANSACTION_SUITE, { challenge, timeStep }));
  const stepMs = (TRANSACTION_SUITE.timeStepSeconds as number) * 1000;
  return { code: ocraResponseFromDigest(TRANSACTION_SUITE, digest), timeStep, validUntilMs: (timeStep + 1) * stepMs };
}
