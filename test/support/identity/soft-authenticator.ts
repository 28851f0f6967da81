// A WebAuthn authenticator in the test's process, for the identity core's tests: it makes real
// ES256 credentials and answers (attestation `none`, CBOR, signatures over authenticator data
// and the client data's hash), as a browser with a platform authenticator would send them —
// and, on request, the answers a browser must never send (no user verification, another
// origin, a counter gone backwards). The browser tests use Chromium's virtual authenticator.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

// ——— a little CBOR (RFC 8949): what attestation objects and COSE keys use ———————————————

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function head(major: number, value: number): Buffer {
  if (value < 24) return Buffer.from([(major << 5) | value]);
  if (value < 0x100) return Buffer.from([(major << 5) | 24, value]);
  if (value < 0x10000) return Buffer.from([(major << 5) | 25, value >> 8, value & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(value, 1);
  return b;
}

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

export interface SoftCredential {
  id: string; // base64url
  privateKey: KeyObject;
  userHandle: string; // base64url, as registration offered it
  rpId: string;
  counter: number;
}

export interface AnswerOptions {
  /** Whether the person was verified (PIN, biometrics): default true. */
  userVerified?: boolean;
  /** The page's origin as the browser reports it: default the authenticator's. */
  origin?: string;
  /** Backup eligibility and state (a synced passkey): default eligible and backed up. */
  backupEligible?: boolean;
  backedUp?: boolean;
  /** The signature counter to report; default: the authenticator's policy. */
  counter?: number;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  /**
   * @param origin the origin the browser is at
   * @param counting whether the authenticator keeps a signature counter (platform passkeys keep none: 0)
   */
  constructor(
    readonly origin: string,
    readonly counting = false,
  ) {}

  /** navigator.credentials.create() with these options. */
  create(options: PublicKeyCredentialCreationOptionsJSON, answer: AnswerOptions = {}): { response: RegistrationResponseJSON; credential: SoftCredential } {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map<number, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const credentialId = randomBytes(32);
    const credential: SoftCredential = { id: b64url(credentialId), privateKey, userHandle: options.user.id, rpId: options.rp.id ?? new URL(this.origin).hostname, counter: 0 };
    const counter = answer.counter ?? (this.counting ? ++credential.counter : 0);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([sha256(credential.rpId), Buffer.from([this.flags(answer) | FLAG.AT]), u32(counter), Buffer.alloc(16), idLength, credentialId, coseKey]);
    const clientData = this.clientData('webauthn.create', options.challenge, answer);
    const attestationObject = cbor(new Map<string, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    this.credentials.push(credential);
    return {
      credential,
      response: {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['internal'] },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      },
    };
  }

  /** navigator.credentials.get() with these options, answered by `credential` (default: the newest). */
  get(options: PublicKeyCredentialRequestOptionsJSON, answer: AnswerOptions & { credential?: SoftCredential } = {}): AuthenticationResponseJSON {
    const credential = answer.credential ?? this.credentials.at(-1);
    if (!credential) throw new Error('SoftAuthenticator: no credential');
    const counter = answer.counter ?? (this.counting ? ++credential.counter : 0);
    const authData = Buffer.concat([sha256(credential.rpId), Buffer.from([this.flags(answer)]), u32(counter)]);
    const clientData = this.clientData('webauthn.get', options.challenge, answer);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: credential.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private flags(answer: AnswerOptions): number {
    const eligible = answer.backupEligible ?? true;
    return FLAG.UP | ((answer.userVerified ?? true) ? FLAG.UV : 0) | (eligible ? FLAG.BE : 0) | (eligible && (answer.backedUp ?? true) ? FLAG.BS : 0);
  }

  private clientData(type: string, challenge: string, answer: AnswerOptions): string {
    return JSON.stringify({ type, challenge, origin: answer.origin ?? this.origin, crossOrigin: false });
  }
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}
