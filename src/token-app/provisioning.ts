// Provisioning with key agreement (DESIGN §3.2), the browser half. The secret never travels
// and never exists as bytes in JavaScript:
//
//   1. generate an ECDH P-256 key pair; the private key is NOT extractable;
//   2. POST /authority/v1/tokens {"kind":"mobile","clientPublicKey": base64url(raw point)}
//      → 201 {serial, serverPublicKey, algorithm:"SHA1", digits:6, periodSeconds:30};
//   3. Z = ECDH(private key, server key)                        (32 bytes, SEC 1 §3.3.1)
//   4. K = HKDF-SHA256(Z, salt = UTF-8 serial, info = UTF-8 "mamori token secret v1", 160 bits)
//      derived straight into a non-extractable HMAC-SHA-1 CryptoKey (RFC 5869, RFC 4226 §4 R6).
//
// The CryptoKey is structured-clonable, so it is stored as is in IndexedDB (token-store.ts).
// The authority derives the same 20 bytes (src/authority/key-agreement.ts).
import { normalizeSerial } from '../otp/pure.js';

const KEY_AGREEMENT_INFO = 'mamori token secret v1';
const SECRET_BITS = 160;
const POINT_BYTES = 65;

export const PROVISION_PATH = '/authority/v1/tokens';

/** What is kept about a token (with the key): never the secret, which is inside the key. */
export interface ProvisionedToken {
  readonly serial: string;
  readonly key: CryptoKey;
  readonly algorithm: 'SHA1';
  readonly digits: number;
  readonly periodSeconds: number;
  readonly createdAtMs: number;
}

export type ProvisionFailureReason = 'network' | 'rate_limited' | 'server';

export type ProvisionResult = { ok: true; token: ProvisionedToken } | { ok: false; reason: ProvisionFailureReason };

export interface ProvisionDeps {
  /** `fetch` bound to the app's origin (the authority is served at the same origin). */
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly nowMs: () => number;
  /** Base URL of the authority; '' means the page's own origin. */
  readonly authorityBase?: string;
}

export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict base64url without padding; undefined for anything else. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

interface ProvisionAnswer {
  serial: string;
  serverPublicKey: Uint8Array<ArrayBuffer>;
  digits: number;
  periodSeconds: number;
}

/** Checks the 201 body: only what this app can use is accepted (SHA-1, 6 digits, 30 s). */
export function parseProvisionAnswer(body: unknown): ProvisionAnswer | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const answer = body as Record<string, unknown>;
  // DESIGN §3.2: 4 upper-case letters, then 8 digits (the last a Luhn check digit), canonical.
  if (typeof answer.serial !== 'string') return undefined;
  const serial = normalizeSerial(answer.serial);
  if (!serial.ok || serial.serial !== answer.serial) return undefined;
  if (typeof answer.serverPublicKey !== 'string') return undefined;
  const point = decodeBase64Url(answer.serverPublicKey);
  if (point === undefined || point.length !== POINT_BYTES || point[0] !== 0x04) return undefined;
  // The transaction suite (HOTP-SHA1) needs an HMAC-SHA-1 key; a key agreed for anything else
  // would make login codes the bank rejects, so it is refused rather than half-supported.
  if (answer.algorithm !== 'SHA1' || answer.digits !== 6 || answer.periodSeconds !== 30) return undefined;
  if ('secret' in answer) return undefined; // the secret must never travel: refuse such an answer
  return { serial: answer.serial, serverPublicKey: point, digits: answer.digits, periodSeconds: answer.periodSeconds };
}

/** Steps 3 and 4: the HMAC key both sides agree on, never extractable. */
export async function deriveTokenKey(input: { privateKey: CryptoKey; serverPublicKey: Uint8Array<ArrayBuffer>; serial: string }): Promise<CryptoKey> {
  const subtle = globalThis.crypto.subtle;
  // importKey rejects points that are not on P-256 (guards against invalid-curve attacks).
  const serverKey = await subtle.importKey('raw', input.serverPublicKey, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const z = await subtle.deriveBits({ name: 'ECDH', public: serverKey }, input.privateKey, 256);
  const ikm = await subtle.importKey('raw', z, 'HKDF', false, ['deriveKey']);
  const encoder = new TextEncoder();
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(input.serial), info: encoder.encode(KEY_AGREEMENT_INFO) },
    ikm,
    { name: 'HMAC', hash: 'SHA-1', length: SECRET_BITS },
    false, // not extractable: the secret stays inside WebCrypto
    ['sign'],
  );
}

/** Asks the authority for a new mobile token and agrees its secret. */
export async function provisionToken(deps: ProvisionDeps): Promise<ProvisionResult> {
  const subtle = globalThis.crypto.subtle;
  const pair = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])) as CryptoKeyPair;
  const clientPoint = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));

  let response: Response;
  try {
    response = await deps.fetch(`${deps.authorityBase ?? ''}${PROVISION_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ kind: 'mobile', clientPublicKey: encodeBase64Url(clientPoint) }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, reason: 'network' };
  }
  if (response.status === 429) return { ok: false, reason: 'rate_limited' };
  if (response.status !== 201) return { ok: false, reason: 'server' };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, reason: 'server' };
  }
  const answer = parseProvisionAnswer(body);
  if (answer === undefined) return { ok: false, reason: 'server' };
  let key: CryptoKey;
  try {
    key = await deriveTokenKey({ privateKey: pair.privateKey, serverPublicKey: answer.serverPublicKey, serial: answer.serial });
  } catch {
    return { ok: false, reason: 'server' }; // a point off the curve: the answer is unusable
  }
  return {
    ok: true,
    token: {
      serial: answer.serial,
      key,
      algorithm: 'SHA1',
      digits: answer.digits,
      periodSeconds: answer.periodSeconds,
      createdAtMs: deps.nowMs(),
    },
  };
}
