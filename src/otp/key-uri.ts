// Google Authenticator's Key Uri Format (github.com/google/google-authenticator/wiki/Key-Uri-Format):
// otpauth://TYPE/LABEL?PARAMETERS, which authenticator apps read from a QR code.
import { decodeBase32, encodeBase32 } from './base32.js';
import { assertCodeDigits } from './code-format.js';
import { isHashAlgorithm, type HashAlgorithm } from './hash-algorithm.js';

interface KeyUriCommon {
  /** Who issued the key, e.g. "Mamori"; shown by the app above the account. */
  readonly issuer: string;
  readonly accountName: string;
  readonly secret: Uint8Array;
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
}

export interface TotpKeyUriOptions extends KeyUriCommon {
  readonly type?: 'totp';
  readonly periodSeconds: number;
}

export interface HotpKeyUriOptions extends KeyUriCommon {
  readonly type: 'hotp';
  /** The initial counter. */
  readonly counter: number;
}

export type KeyUriOptions = TotpKeyUriOptions | HotpKeyUriOptions;

/** A parsed key URI. `issuer` is null when the URI names none (the format only recommends it). */
export type KeyUri =
  | {
      readonly type: 'totp';
      readonly issuer: string | null;
      readonly accountName: string;
      readonly secret: Uint8Array;
      readonly algorithm: HashAlgorithm;
      readonly digits: number;
      readonly periodSeconds: number;
    }
  | {
      readonly type: 'hotp';
      readonly issuer: string | null;
      readonly accountName: string;
      readonly secret: Uint8Array;
      readonly algorithm: HashAlgorithm;
      readonly digits: number;
      readonly counter: number;
    };

function assertLabelPart(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  // The label is "issuer:account"; the format forbids a colon inside either part, and spaces
  // after the colon are dropped by readers, so edges must not be blank either.
  if (value.includes(':')) {
    throw new TypeError(`${name} must not contain ':'`);
  }
  if (value.trim() !== value) {
    throw new TypeError(`${name} must not start or end with white space`);
  }
}

/**
 * Builds `otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30`
 * (or `hotp` with `counter=`). Label parts and the issuer are percent-encoded (a space is
 * %20), the secret is unpadded base32, and the issuer appears both as the label prefix and
 * as a parameter, as the format recommends for old and new apps alike.
 */
export function buildKeyUri(options: KeyUriOptions): string {
  const { issuer, accountName, secret, algorithm, digits } = options;
  assertLabelPart(issuer, 'issuer');
  assertLabelPart(accountName, 'accountName');
  if (!(secret instanceof Uint8Array) || secret.length === 0) {
    throw new TypeError('secret must be a non-empty Uint8Array');
  }
  if (!isHashAlgorithm(algorithm)) {
    throw new TypeError('algorithm must be SHA1, SHA256 or SHA512');
  }
  assertCodeDigits(digits);
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const common = `secret=${encodeBase32(secret)}&issuer=${encodeURIComponent(issuer)}&algorithm=${algorithm}&digits=${digits}`;
  if (options.type === 'hotp') {
    assertNonNegativeSafeInteger(options.counter, 'counter');
    return `otpauth://hotp/${label}?${common}&counter=${options.counter}`;
  }
  if (!Number.isSafeInteger(options.periodSeconds) || options.periodSeconds <= 0) {
    throw new TypeError('periodSeconds must be a positive integer');
  }
  return `otpauth://totp/${label}?${common}&period=${options.periodSeconds}`;
}

function assertNonNegativeSafeInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer`);
  }
}

function invalidUri(reason: string): TypeError {
  // The URI itself is not quoted: it carries the secret, which must never reach a log.
  return new TypeError(`invalid otpauth URI: ${reason}`);
}

function decodeComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidUri(`${what} is not valid percent-encoding`);
  }
}

function isKeyUriType(type: string): type is KeyUri['type'] {
  return type === 'totp' || type === 'hotp';
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function parseDecimal(text: string, name: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isSafeInteger(value)) {
    throw invalidUri(`${name} must be a decimal integer`);
  }
  return value;
}

/**
 * Parses a key URI of type totp or hotp. Throws a TypeError with a message that says what is
 * wrong (and never repeats the URI, which holds the secret). Defaults follow the format:
 * algorithm SHA1, digits 6, period 30; hotp requires `counter`. Unknown parameters (such as
 * `image`) are ignored; a repeated parameter is an error, since which copy wins is ambiguous.
 * `+` is taken literally, not as a space: the format asks for %20.
 */
export function parseKeyUri(uri: string): KeyUri {
  if (typeof uri !== 'string') {
    throw new TypeError('invalid otpauth URI: not a string');
  }
  const match = /^otpauth:\/\/([^/?#]*)\/([^?#]*)(?:\?([^#]*))?$/i.exec(uri);
  if (match === null) {
    throw invalidUri('expected otpauth://TYPE/LABEL?PARAMETERS');
  }
  const type = (match[1] as string).toLowerCase();
  if (!isKeyUriType(type)) {
    throw invalidUri('type must be totp or hotp');
  }
  const rawLabel = match[2] as string;
  const parameters = new Map<string, string>();
  for (const pair of (match[3] ?? '').split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals), 'a parameter name');
    const value = equals === -1 ? '' : decodeComponent(pair.slice(equals + 1), `parameter ${name}`);
    if (parameters.has(name)) {
      throw invalidUri(`parameter ${name} appears twice`);
    }
    parameters.set(name, value);
  }

  // LABEL = accountname | issuer (":" | "%3A") *"%20" accountname
  const separator = /:|%3A/i.exec(rawLabel);
  const labelIssuer =
    separator === null ? null : decodeComponent(rawLabel.slice(0, separator.index), 'the label issuer');
  const accountName = decodeComponent(
    separator === null ? rawLabel : rawLabel.slice(separator.index + separator[0].length),
    'the account name',
  ).replace(/^ +/, '');
  if (accountName.length === 0) {
    throw invalidUri('the label has no account name');
  }
  const parameterIssuer = parameters.get('issuer');
  if (labelIssuer !== null && parameterIssuer !== undefined && labelIssuer !== parameterIssuer) {
    throw invalidUri('the label issuer and the issuer parameter differ');
  }
  const issuer = parameterIssuer ?? labelIssuer;
  if (issuer !== null && issuer.length === 0) {
    throw invalidUri('the issuer is empty');
  }

  const secretText = parameters.get('secret');
  if (secretText === undefined || secretText.length === 0) {
    throw invalidUri('the secret parameter is missing');
  }
  let secret: Uint8Array;
  try {
    secret = decodeBase32(secretText);
  } catch {
    throw invalidUri('the secret is not valid base32');
  }
  if (secret.length === 0) {
    throw invalidUri('the secret is empty');
  }

  const algorithmText = (parameters.get('algorithm') ?? 'SHA1').toUpperCase();
  if (!isHashAlgorithm(algorithmText)) {
    throw invalidUri('algorithm must be SHA1, SHA256 or SHA512');
  }
  const digits = parseDecimal(parameters.get('digits') ?? '6', 'digits');
  if (digits < 6 || digits > 8) {
    throw invalidUri('digits must be 6, 7 or 8');
  }

  if (type === 'hotp') {
    const counterText = parameters.get('counter');
    if (counterText === undefined) {
      throw invalidUri('an hotp URI needs a counter parameter');
    }
    return {
      type,
      issuer,
      accountName,
      secret,
      algorithm: algorithmText,
      digits,
      counter: parseDecimal(counterText, 'counter'),
    };
  }
  const periodSeconds = parseDecimal(parameters.get('period') ?? '30', 'period');
  if (periodSeconds <= 0) {
    throw invalidUri('period must be a positive number of seconds');
  }
  return { type, issuer, accountName, secret, algorithm: algorithmText, digits, periodSeconds };
}
