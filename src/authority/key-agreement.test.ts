import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemRandomBytes } from '../shared/clock.js';
import { agreeServerKey, deriveClientTokenSecret, deriveTokenSecret, TOKEN_SECRET_BYTES } from './key-agreement.js';

const subtle = globalThis.crypto.subtle;

async function clientKeyPair() {
  const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: Buffer.from(raw).toString('base64url') };
}

describe('key agreement (ECDH P-256 + HKDF-SHA256)', () => {
  it('gives the server (node:crypto) and the client (WebCrypto) the same 20-byte secret', async () => {
    const client = await clientKeyPair();
    const agreed = agreeServerKey({ clientPublicKey: client.publicKey, randomBytes: systemRandomBytes });
    assert.ok(agreed.ok);
    assert.equal(Buffer.from(agreed.serverPublicKey, 'base64url').length, 65);
    assert.doesNotMatch(agreed.serverPublicKey, /=/);
    const serverSecret = deriveTokenSecret({ sharedSecret: agreed.sharedSecret, serial: 'MMOB12345678' });
    const clientSecret = await deriveClientTokenSecret({ clientPrivateKey: client.privateKey, serverPublicKey: agreed.serverPublicKey, serial: 'MMOB12345678' });
    assert.equal(serverSecret.length, TOKEN_SECRET_BYTES);
    assert.deepEqual(clientSecret, serverSecret);
  });

  it('binds the secret to the serial (the HKDF salt)', async () => {
    const client = await clientKeyPair();
    const agreed = agreeServerKey({ clientPublicKey: client.publicKey, randomBytes: systemRandomBytes });
    assert.ok(agreed.ok);
    const a = deriveTokenSecret({ sharedSecret: agreed.sharedSecret, serial: 'MMOB12345678' });
    const b = deriveTokenSecret({ sharedSecret: agreed.sharedSecret, serial: 'MMOB12345686' });
    assert.notDeepEqual(a, b);
  });

  it('matches an independent HKDF computation (RFC 5869 with WebCrypto)', async () => {
    const z = new Uint8Array(32).fill(0x0b);
    const ikm = await subtle.importKey('raw', z, 'HKDF', false, ['deriveBits']);
    const expected = new Uint8Array(
      await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new TextEncoder().encode('MDSK00000000'), info: new TextEncoder().encode('mamori token secret v1') }, ikm, 160),
    );
    assert.deepEqual(deriveTokenSecret({ sharedSecret: z, serial: 'MDSK00000000' }), expected);
  });

  it('refuses points that are not uncompressed P-256 points', async () => {
    const client = await clientKeyPair();
    const raw = Buffer.from(client.publicKey, 'base64url');
    const offCurve = Buffer.from(raw);
    offCurve[64] = (offCurve[64] ?? 0) ^ 1;
    const compressed = Buffer.concat([Buffer.from([0x02 + ((raw[64] ?? 0) & 1)]), raw.subarray(1, 33)]);
    const cases = [
      '',
      'not base64url!',
      `${client.publicKey}==`,
      offCurve.toString('base64url'),
      compressed.toString('base64url'),
      Buffer.alloc(65).toString('base64url'), // all zeros, not even a point encoding
      Buffer.concat([Buffer.from([4]), Buffer.alloc(64)]).toString('base64url'), // (0, 0)
      raw.subarray(0, 64).toString('base64url'),
      Buffer.concat([raw, Buffer.from([0])]).toString('base64url'),
    ];
    for (const clientPublicKey of cases) {
      assert.deepEqual(agreeServerKey({ clientPublicKey, randomBytes: systemRandomBytes }), { ok: false, reason: 'invalid_public_key' }, clientPublicKey);
    }
  });

  it('draws the ephemeral key from the injected randomness (deterministic in tests)', async () => {
    const client = await clientKeyPair();
    const fixed = (size: number) => new Uint8Array(size).fill(0x42);
    const a = agreeServerKey({ clientPublicKey: client.publicKey, randomBytes: fixed });
    const b = agreeServerKey({ clientPublicKey: client.publicKey, randomBytes: fixed });
    assert.ok(a.ok && b.ok);
    assert.equal(a.serverPublicKey, b.serverPublicKey);
  });
});
