// Provisioning with key agreement (DESIGN §3.2): the token app and the authority each hold an
// ECDH P-256 key pair and derive the same token secret, which therefore never travels.
//
//   clientPublicKey, serverPublicKey = base64url (no padding) of the 65-byte uncompressed point
//                                      0x04 | x | y (SEC 1 §2.3.3; WebCrypto exportKey('raw'))
//   Z      = ECDH shared secret: the 32-byte x coordinate (SEC 1 §3.3.1; WebCrypto
//            deriveBits({name:'ECDH'}, …, 256))
//   secret = HKDF-SHA256(ikm = Z, salt = UTF-8 serial, info = UTF-8 "mamori token secret v1",
//                        L = 20 bytes)                            // RFC 5869; RFC 4226 §4 R6
//
// The server's key pair is ephemeral: one per provisioning, forgotten afterwards. Its private
// key comes from the injected randomness, so tests can replay a provisioning exactly.
import { createECDH, hkdfSync } from 'node:crypto';
import type { RandomBytes } from '../shared/clock.js';

export const TOKEN_SECRET_INFO = 'mamori token secret v1';
export const TOKEN_SECRET_BYTES = 20;
const POINT_BYTES = 65;

export type ServerKeyAgreement =
  | { ok: true; serverPublicKey: string; sharedSecret: Uint8Array }
  | { ok: false; reason: 'invalid_public_key' };

/**
 * The server half up to Z: validates the client's point (on the curve, uncompressed, not the
 * identity — OpenSSL refuses points off P-256, which defeats invalid-curve attacks) and makes
 * an ephemeral key pair.
 */
export function agreeServerKey(input: { clientPublicKey: string; randomBytes: RandomBytes }): ServerKeyAgreement {
  const clientPoint = decodeBase64Url(input.clientPublicKey);
  if (clientPoint === undefined || clientPoint.length !== POINT_BYTES || clientPoint[0] !== 0x04) {
    return { ok: false, reason: 'invalid_public_key' };
  }
  const ecdh = createServerEcdh(input.randomBytes);
  let sharedSecret: Buffer;
  try {
    sharedSecret = ecdh.computeSecret(clientPoint);
  } catch {
    return { ok: false, reason: 'invalid_public_key' };
  }
  return {
    ok: true,
    serverPublicKey: ecdh.getPublicKey().toString('base64url'),
    sharedSecret: new Uint8Array(sharedSecret),
  };
}

/** HKDF-SHA256 of RFC 5869 with the salt and info above: the 20-byte token secret. */
export function deriveTokenSecret(input: { sharedSecret: Uint8Array; serial: string }): Uint8Array {
  const okm = hkdfSync('sha256', input.sharedSecret, Buffer.from(input.serial, 'utf8'), Buffer.from(TOKEN_SECRET_INFO, 'utf8'), TOKEN_SECRET_BYTES);
  return new Uint8Array(okm);
}

/**
 * The client half, with WebCrypto only (as a browser token or the CLI token computes it):
 * the same secret the authority derived, from the client's private key and the answer.
 */
export async function deriveClientTokenSecret(input: { clientPrivateKey: CryptoKey; serverPublicKey: string; serial: string }): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const serverPoint = decodeBase64Url(input.serverPublicKey);
  if (serverPoint === undefined || serverPoint.length !== POINT_BYTES) throw new TypeError('serverPublicKey must be base64url of a 65-byte P-256 point');
  const serverKey = await subtle.importKey('raw', new Uint8Array(serverPoint), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const z = await subtle.deriveBits({ name: 'ECDH', public: serverKey }, input.clientPrivateKey, 256);
  const ikm = await subtle.importKey('raw', z, 'HKDF', false, ['deriveBits']);
  const encoder = new TextEncoder();
  const secret = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(input.serial), info: encoder.encode(TOKEN_SECRET_INFO) },
    ikm,
    TOKEN_SECRET_BYTES * 8,
  );
  return new Uint8Array(secret);
}

function createServerEcdh(randomBytes: RandomBytes) {
  // A private key is any integer in [1, n-1]; 32 random bytes fall outside with probability
  // about 2^-32, and setPrivateKey refuses those, so draw again.
  for (let attempt = 0; attempt < 8; attempt++) {
    const ecdh = createECDH('prime256v1');
    try {
      ecdh.setPrivateKey(randomBytes(32));
      return ecdh;
    } catch {
      // out of range: draw again
    }
  }
  throw new Error('could not draw a P-256 private key');
}

function decodeBase64Url(text: string): Buffer | undefined {
  // Buffer.from(…, 'base64url') skips characters it does not know; refuse them instead.
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  return Buffer.from(text, 'base64url');
}
