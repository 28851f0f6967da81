// RFC 6287 — OCRA: OATH Challenge-Response Algorithm.
import { DIGEST_BYTES, type HashAlgorithm } from './hash-algorithm.js';
import type { HmacKey } from './hmac-key.js';
import { assertCounter, dynamicTruncation, writeCounterBytes } from './hotp.js';

/** RFC 6287 §6.3 challenge formats: alphanumeric, numeric, hexadecimal. */
export type OcraChallengeFormat = 'A' | 'N' | 'H';

/** A parsed OCRASuite (RFC 6287 §6): `Algorithm:CryptoFunction:DataInput`. */
export interface OcraSuite {
  /** The suite string exactly as given; it is also the first bytes of every DataInput (§5.1). */
  readonly text: string;
  /** CryptoFunction HOTP-SHA1/SHA256/SHA512 (§6.2). */
  readonly algorithm: HashAlgorithm;
  /** Truncation length t (§6.2): 0 = no truncation (the full HMAC, as lower-case hex), else 4..10. */
  readonly digits: number;
  /** C: an 8-byte counter is part of the input (§6.3). */
  readonly counter: boolean;
  readonly challengeFormat: OcraChallengeFormat;
  /** xx of QFxx: the longest challenge allowed, 4..64 (§6.3). */
  readonly challengeMaxLength: number;
  /** PH: the hash of the PIN/password that is part of the input, or null (§6.3). */
  readonly passwordHash: HashAlgorithm | null;
  /** Snnn: the session-information length in bytes, or null (§6.3). */
  readonly sessionInfoBytes: number | null;
  /** TG: the time-step size in seconds, or null (§6.3). */
  readonly timeStepSeconds: number | null;
}

/** Q is always 128 bytes in DataInput (§5.1), whatever xx says. */
const CHALLENGE_FIELD_BYTES = 128;

const CRYPTO_FUNCTION = /^HOTP-(SHA1|SHA256|SHA512)-(0|[4-9]|10)$/;
const CHALLENGE_SPEC = /^Q([ANH])(\d\d)$/;
const PASSWORD_SPEC = /^P(SHA1|SHA256|SHA512)$/;
// §6.3: "typical values are 064, 128, 256 and 512"; these four are what the reference
// implementation (Appendix A) understands, so they are the ones that interoperate.
const SESSION_SPEC = /^S(064|128|256|512)$/;
// §6.3: [1-59]S, [1-59]M, [0-48]H. 0H would be a zero-length step (a division by zero), so
// it is rejected; numbers are written without leading zeros.
const TIME_SPEC = /^T([1-9]\d?)([SMH])$/;
const TIME_UNIT_SECONDS = { S: 1, M: 60, H: 3600 } as const;
const TIME_UNIT_MAX = { S: 59, M: 59, H: 48 } as const;

function invalidSuite(suite: string, reason: string): TypeError {
  return new TypeError(`invalid OCRA suite ${JSON.stringify(suite)}: ${reason}`);
}

/**
 * Parses an OCRASuite string (RFC 6287 §6). Throws a TypeError for anything outside the
 * grammar: `OCRA-1:HOTP-SHA{1|256|512}-{0|4..10}:[C-]Q{A|N|H}{04..64}[-P{hash}][-S{nnn}][-T{G}]`,
 * with the optional parts in that order and in upper case (the string is hashed as given, so
 * accepting variants would only make two spellings of one suite produce different codes).
 */
export function parseOcraSuite(suite: string): OcraSuite {
  if (typeof suite !== 'string') {
    throw new TypeError('OCRA suite must be a string');
  }
  const parts = suite.split(':');
  if (parts.length !== 3) {
    throw invalidSuite(suite, 'expected Algorithm:CryptoFunction:DataInput');
  }
  const [version, cryptoFunction, dataInput] = parts as [string, string, string];
  if (version !== 'OCRA-1') {
    throw invalidSuite(suite, 'only version OCRA-1 exists');
  }
  const crypto = CRYPTO_FUNCTION.exec(cryptoFunction);
  if (crypto === null) {
    throw invalidSuite(suite, 'CryptoFunction must be HOTP-SHA1|SHA256|SHA512-{0,4..10}');
  }
  const fields = dataInput.split('-');
  let index = 0;
  const counter = fields[index] === 'C';
  if (counter) {
    index++;
  }
  const challenge = CHALLENGE_SPEC.exec(fields[index] ?? '');
  if (challenge === null) {
    throw invalidSuite(suite, 'DataInput needs a challenge Q{A|N|H}{04..64}');
  }
  const challengeMaxLength = Number(challenge[2]);
  if (challengeMaxLength < 4 || challengeMaxLength > 64) {
    throw invalidSuite(suite, 'challenge length must be 04..64');
  }
  index++;
  let passwordHash: HashAlgorithm | null = null;
  const password = PASSWORD_SPEC.exec(fields[index] ?? '');
  if (password !== null) {
    passwordHash = password[1] as HashAlgorithm;
    index++;
  }
  let sessionInfoBytes: number | null = null;
  const session = SESSION_SPEC.exec(fields[index] ?? '');
  if (session !== null) {
    sessionInfoBytes = Number(session[1]);
    index++;
  }
  let timeStepSeconds: number | null = null;
  const time = TIME_SPEC.exec(fields[index] ?? '');
  if (time !== null) {
    const count = Number(time[1]);
    const unit = time[2] as keyof typeof TIME_UNIT_SECONDS;
    if (count > TIME_UNIT_MAX[unit]) {
      throw invalidSuite(suite, `time step ${count}${unit} is out of range`);
    }
    timeStepSeconds = count * TIME_UNIT_SECONDS[unit];
    index++;
  }
  if (index !== fields.length) {
    throw invalidSuite(suite, `unexpected DataInput part ${JSON.stringify(fields[index])}`);
  }
  return {
    text: suite,
    algorithm: crypto[1] as HashAlgorithm,
    digits: Number(crypto[2]),
    counter,
    challengeFormat: challenge[1] as OcraChallengeFormat,
    challengeMaxLength,
    passwordHash,
    sessionInfoBytes,
    timeStepSeconds,
  };
}

function toSuite(suite: OcraSuite | string): OcraSuite {
  return typeof suite === 'string' ? parseOcraSuite(suite) : suite;
}

/** The inputs of DataInput other than the suite (RFC 6287 §5.1). */
export interface OcraInputs {
  /** Q: digits (QN), visible ASCII (QA) or hex digits (QH); xx characters, or 2·xx for a mutual pair. */
  readonly challenge: string;
  /** C: required exactly when the suite has C. */
  readonly counter?: bigint | number;
  /** P: the hash of the PIN/password with the suite's P algorithm (see `hashBytes`). */
  readonly passwordHash?: Uint8Array;
  /** S: up to Snnn bytes; shorter values are zero-padded on the left like the reference code. */
  readonly sessionInfo?: Uint8Array;
  /** T: the number of time steps since the Unix epoch (see `ocraTimeStepAt`). */
  readonly timeStep?: bigint | number;
}

function hexValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (unit >= 0x41 && unit <= 0x46) return unit - 0x41 + 10;
  if (unit >= 0x61 && unit <= 0x66) return unit - 0x61 + 10;
  return -1;
}

/** Writes hex digits left-aligned from `offset`: an odd last digit fills a high nibble. */
function writeHexLeftAligned(target: Uint8Array, offset: number, hex: string): void {
  for (let i = 0; i < hex.length; i++) {
    const nibble = hexValue(hex.charCodeAt(i));
    const position = offset + (i >> 1);
    target[position] = (target[position] as number) | (i % 2 === 0 ? nibble << 4 : nibble);
  }
}

/**
 * Q, always 128 bytes (§5.1), zero-filled after the challenge. Numeric challenges follow the
 * reference implementation (Appendix A and the test harness producing Appendix C): the
 * decimal number is rewritten in hexadecimal (12345678 -> "BC614E") and these hex digits,
 * not the decimal ones, fill the field from the left; an odd count leaves a half byte.
 * Leading zeros of a numeric challenge are therefore lost ("0123" and "123" are one challenge).
 */
function writeChallenge(target: Uint8Array, offset: number, suite: OcraSuite, challenge: string): void {
  // xx bounds one party's challenge. Mutual challenge-response (§7.2) signs the client's and the
  // server's challenges concatenated, so Q may carry up to 2·xx characters (Appendix C.2 signs
  // 16 under QA08); even then it fits the 128-byte field.
  const maxLength = 2 * suite.challengeMaxLength;
  if (typeof challenge !== 'string' || challenge.length < 1 || challenge.length > maxLength) {
    throw new TypeError(`challenge must be 1 to ${maxLength} characters for ${suite.text}`);
  }
  switch (suite.challengeFormat) {
    case 'N': {
      if (!/^[0-9]+$/.test(challenge)) {
        throw new TypeError('a numeric (QN) challenge must contain only the digits 0-9');
      }
      writeHexLeftAligned(target, offset, BigInt(challenge).toString(16));
      return;
    }
    case 'A': {
      if (!/^[\x21-\x7e]+$/.test(challenge)) {
        throw new TypeError('an alphanumeric (QA) challenge must contain only visible ASCII characters');
      }
      for (let i = 0; i < challenge.length; i++) {
        target[offset + i] = challenge.charCodeAt(i);
      }
      return;
    }
    case 'H': {
      if (!/^[0-9A-Fa-f]+$/.test(challenge)) {
        throw new TypeError('a hexadecimal (QH) challenge must contain only hex digits');
      }
      writeHexLeftAligned(target, offset, challenge);
      return;
    }
  }
}

function assertPresence(present: boolean, expected: boolean, name: string, suite: OcraSuite): void {
  if (present && !expected) {
    throw new TypeError(`${name} was given but suite ${suite.text} has no ${name}`);
  }
  if (!present && expected) {
    throw new TypeError(`suite ${suite.text} requires ${name}`);
  }
}

function writeUint64(target: Uint8Array, offset: number, value: bigint | number): void {
  if (typeof value === 'number') {
    writeCounterBytes(target, offset, value);
  } else {
    new DataView(target.buffer, target.byteOffset, target.byteLength).setBigUint64(offset, value, false);
  }
}

/**
 * The message OCRA signs (RFC 6287 §5.1):
 * DataInput = OCRASuite | 00 | [C] | Q | [P | S | T], with C and T as 8-byte big-endian
 * numbers, Q as 128 bytes, P as the hash bytes and S as Snnn bytes. When the suite has T,
 * the time step is the last 8 bytes, which lets a verifier patch it in place.
 * Pure: throws a TypeError when an input the suite requires is missing, or one it does not
 * use is given, or an input is malformed.
 */
export function ocraMessage(suite: OcraSuite | string, inputs: OcraInputs): Uint8Array<ArrayBuffer> {
  const parsed = toSuite(suite);
  const { challenge, counter, passwordHash, sessionInfo, timeStep } = inputs;
  assertPresence(counter !== undefined, parsed.counter, 'counter (C)', parsed);
  assertPresence(passwordHash !== undefined, parsed.passwordHash !== null, 'passwordHash (P)', parsed);
  assertPresence(sessionInfo !== undefined, parsed.sessionInfoBytes !== null, 'sessionInfo (S)', parsed);
  assertPresence(timeStep !== undefined, parsed.timeStepSeconds !== null, 'timeStep (T)', parsed);

  const passwordBytes = parsed.passwordHash === null ? 0 : DIGEST_BYTES[parsed.passwordHash];
  const sessionBytes = parsed.sessionInfoBytes ?? 0;
  const suiteBytes = parsed.text.length; // ASCII only: the grammar admits nothing else
  const length =
    suiteBytes + 1 + (parsed.counter ? 8 : 0) + CHALLENGE_FIELD_BYTES + passwordBytes + sessionBytes +
    (parsed.timeStepSeconds === null ? 0 : 8);
  const message = new Uint8Array(length);
  for (let i = 0; i < suiteBytes; i++) {
    message[i] = parsed.text.charCodeAt(i);
  }
  let offset = suiteBytes + 1; // the 0x00 separator is already zero
  if (counter !== undefined) {
    assertCounter(counter, 'counter');
    writeUint64(message, offset, counter);
    offset += 8;
  }
  writeChallenge(message, offset, parsed, challenge);
  offset += CHALLENGE_FIELD_BYTES;
  if (passwordHash !== undefined) {
    if (!(passwordHash instanceof Uint8Array) || passwordHash.length !== passwordBytes) {
      throw new TypeError(`passwordHash must be the ${passwordBytes}-byte ${parsed.passwordHash} hash`);
    }
    message.set(passwordHash, offset);
    offset += passwordBytes;
  }
  if (sessionInfo !== undefined) {
    if (!(sessionInfo instanceof Uint8Array) || sessionInfo.length > sessionBytes) {
      throw new TypeError(`sessionInfo must be a Uint8Array of at most ${sessionBytes} bytes`);
    }
    message.set(sessionInfo, offset + sessionBytes - sessionInfo.length);
    offset += sessionBytes;
  }
  if (timeStep !== undefined) {
    assertCounter(timeStep, 'timeStep');
    writeUint64(message, offset, timeStep);
    offset += 8;
  }
  return message;
}

/** T of RFC 6287 §6.3: whole time steps of the suite's size since the Unix epoch. */
export function ocraTimeStepAt({ suite, nowMs }: { readonly suite: OcraSuite | string; readonly nowMs: number }): number {
  const parsed = toSuite(suite);
  if (parsed.timeStepSeconds === null) {
    throw new TypeError(`suite ${parsed.text} has no time step (T)`);
  }
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < 0) {
    throw new TypeError('nowMs must be a non-negative finite number');
  }
  return Math.floor(nowMs / (parsed.timeStepSeconds * 1000));
}

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];

/**
 * The OCRA response for a DataInput already signed: §5.2 applies HOTP's dynamic truncation
 * with t digits, or returns the whole HMAC (as lower-case hex) when t is 0.
 */
export function ocraResponseFromDigest(suite: OcraSuite | string, digest: Uint8Array): string {
  const parsed = toSuite(suite);
  if (parsed.digits === 0) {
    let hex = '';
    for (const byte of digest) {
      hex += byte.toString(16).padStart(2, '0');
    }
    return hex;
  }
  const value = dynamicTruncation(digest) % (POWERS_OF_TEN[parsed.digits] as number);
  return value.toString().padStart(parsed.digits, '0');
}

export interface GenerateOcraOptions extends OcraInputs {
  readonly suite: OcraSuite | string;
  /** Must use the suite's hash function. */
  readonly key: HmacKey;
}

/** RFC 6287 §5.2: OCRA = CryptoFunction(K, DataInput). */
export function generateOcra(options: GenerateOcraOptions): string {
  const suite = toSuite(options.suite);
  if (options.key.algorithm !== suite.algorithm) {
    throw new TypeError(`suite ${suite.text} needs an HMAC-${suite.algorithm} key, got ${options.key.algorithm}`);
  }
  return ocraResponseFromDigest(suite, options.key.sign(ocraMessage(suite, options)));
}
