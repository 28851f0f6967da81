// Issuing software tokens (DESIGN §3.2): a fresh serial and a 160-bit secret, sealed at rest.
// Plain provisioning returns the secret once (base32 and an otpauth:// URI for authenticator
// apps); with key agreement the secret is derived on both sides and never travels.
import { appendAudit } from '../audit/audit-log.js';
import { buildKeyUri, encodeBase32, generateSerial, type TokenKind } from '../otp/index.js';
import type { RandomBytes } from '../shared/clock.js';
import { AUTHORITY_AUDIT_CHAIN, type AuthorityContext } from './authority-context.js';
import { TOKEN_PARAMETERS } from './authority-policy.js';
import { agreeServerKey, deriveTokenSecret, TOKEN_SECRET_BYTES } from './key-agreement.js';
import { insertTokenIfSerialFree } from './token-store.js';

export interface ProvisionInput {
  kind: TokenKind;
  /** base64url of the client's uncompressed P-256 point: agree the key instead of sending it. */
  clientPublicKey?: string;
}

interface TokenParameters {
  serial: string;
  algorithm: typeof TOKEN_PARAMETERS.algorithm;
  digits: typeof TOKEN_PARAMETERS.digits;
  periodSeconds: typeof TOKEN_PARAMETERS.periodSeconds;
}

export interface PlainProvisionedToken extends TokenParameters {
  secret: string; // RFC 4648 base32, no padding
  otpauthUri: string;
}

export interface AgreedProvisionedToken extends TokenParameters {
  serverPublicKey: string; // base64url uncompressed P-256 point
}

export type ProvisionResult =
  | { ok: true; token: PlainProvisionedToken | AgreedProvisionedToken }
  | { ok: false; reason: 'invalid_public_key' };

/** Serials are 7 random digits wide: a collision is retried with a fresh draw, a few times. */
const SERIAL_ATTEMPTS = 8;

export async function provisionToken(ctx: AuthorityContext, input: ProvisionInput): Promise<ProvisionResult> {
  if (input.kind !== 'mobile' && input.kind !== 'desktop') throw new TypeError('kind must be mobile or desktop');
  let agreement: { serverPublicKey: string; sharedSecret: Uint8Array } | undefined;
  if (input.clientPublicKey !== undefined) {
    const agreed = agreeServerKey({ clientPublicKey: input.clientPublicKey, randomBytes: ctx.randomBytes });
    if (!agreed.ok) return agreed;
    agreement = agreed;
  }
  const nowMs = ctx.clock.nowMs();
  for (let attempt = 0; attempt < SERIAL_ATTEMPTS; attempt++) {
    const serial = generateSerial({ kind: input.kind, randomDigits: randomDigits(ctx.randomBytes, 7) });
    // With key agreement the serial is the HKDF salt, so the secret follows the serial drawn.
    const secret = agreement ? deriveTokenSecret({ sharedSecret: agreement.sharedSecret, serial }) : ctx.randomBytes(TOKEN_SECRET_BYTES);
    const sealed = ctx.keyring.seal(secret, serial);
    const inserted = await ctx.database.db.transaction().execute(async (trx) => {
      const free = await insertTokenIfSerialFree(trx, {
        serial,
        kind: input.kind,
        ...TOKEN_PARAMETERS,
        secretCiphertext: sealed.ciphertext,
        secretKeyId: sealed.keyId,
        nowMs,
      });
      if (!free) return false;
      await appendAudit(trx, {
        chain: AUTHORITY_AUDIT_CHAIN,
        at: nowMs,
        actor: 'anonymous',
        action: 'token_provisioned',
        subject: serial,
        details: { kind: input.kind, keyAgreement: agreement !== undefined },
      });
      return true;
    });
    if (!inserted) continue;
    const parameters: TokenParameters = { serial, ...TOKEN_PARAMETERS };
    if (agreement) return { ok: true, token: { ...parameters, serverPublicKey: agreement.serverPublicKey } };
    return {
      ok: true,
      token: {
        ...parameters,
        secret: encodeBase32(secret),
        otpauthUri: buildKeyUri({ issuer: ctx.policy.issuer, accountName: serial, secret, ...TOKEN_PARAMETERS }),
      },
    };
  }
  throw new Error(`no free serial after ${SERIAL_ATTEMPTS} draws: the serial space is nearly full`);
}

/** `count` uniform decimal digits: rejection sampling on 32-bit draws, so no digit is favoured. */
export function randomDigits(randomBytes: RandomBytes, count: number): string {
  const modulus = 10 ** count;
  const limit = Math.floor(2 ** 32 / modulus) * modulus;
  for (;;) {
    const bytes = randomBytes(4);
    const value = ((bytes[0] ?? 0) * 2 ** 24 + ((bytes[1] ?? 0) << 16) + ((bytes[2] ?? 0) << 8) + (bytes[3] ?? 0)) >>> 0;
    if (value < limit) return String(value % modulus).padStart(count, '0');
  }
}
