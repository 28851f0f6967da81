// What every authority operation needs, passed in explicitly (no globals, no hidden clock).
import type { Database } from '../db/database.js';
import { createHmacKey, type HmacKey } from '../otp/index.js';
import type { Clock, RandomBytes } from '../shared/clock.js';
import type { AuthorityPolicy } from './authority-policy.js';
import type { Keyring } from './keyring.js';
import type { TokenRow } from './token-store.js';

export interface AuthorityContext {
  readonly database: Database;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
  readonly policy: AuthorityPolicy;
}

/** The audit chain of the authority (institutions have their own). */
export const AUTHORITY_AUDIT_CHAIN = 'authority';

export function relyingPartyActor(relyingPartyId: string): string {
  return `rp:${relyingPartyId}`;
}

/**
 * The token's HMAC key, unsealed for this one check. The serial is the AAD, so a ciphertext
 * moved to another row does not open. Throws if it does not authenticate: that is tampering
 * or a missing master key, an infrastructure failure and never a "wrong code".
 */
export function unsealTokenKey(
  keyring: Keyring,
  token: Pick<TokenRow, 'serial' | 'algorithm' | 'secret_ciphertext' | 'secret_key_id'>,
  algorithm: TokenRow['algorithm'] = token.algorithm,
): HmacKey {
  const secret = keyring.open({ keyId: token.secret_key_id, ciphertext: token.secret_ciphertext }, token.serial);
  try {
    return createHmacKey(algorithm, secret);
  } finally {
    secret.fill(0); // createHmacKey keeps its own copy
  }
}

/** Random identifiers: base64url of 16 random bytes (128 bits), with a readable prefix. */
export function randomId(randomBytes: RandomBytes, prefix: string): string {
  return `${prefix}${Buffer.from(randomBytes(16)).toString('base64url')}`;
}

/**
 * Could this be a binding id we made? Anything else cannot exist, so it is not looked up:
 * no query for nonsense, and no NUL character ever reaches PostgreSQL (which refuses it).
 */
export function isPlausibleBindingId(bindingId: unknown): bindingId is string {
  return typeof bindingId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(bindingId);
}
