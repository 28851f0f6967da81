// Provisioning with key agreement, the browser half (provisioning.ts), against the authority's
// half (src/authority/key-agreement.ts) and against the contract written out with node:crypto
// alone: both sides must end with the same HMAC secret, the app's copy non-extractable.
import assert from 'node:assert/strict';
import { createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { agreeServerKey, deriveTokenSecret } from '../authority/key-agreement.js';
import { createHmacKey, generateSerial, generateTotp } from '../otp/index.js';
import { systemRandomBytes } from '../shared/clock.js';
import { decodeBase64Url, encodeBase64Url, parseProvisionAnswer, PROVISION_PATH, provisionToken, type ProvisionDeps } from './provisioning.js';
import { computeLoginCode } from './token-codes.js';

const NOW_MS = Date.UTC(2026, 3, 1, 9, 0, 5);
const SERIAL = generateSerial({ kind: 'mobile', randomDigits: '4711081' });

interface Recorded {
  url: string;
  body: { kind: string; clientPublicKey: string };
}

type FakeServer = (body: Recorded['body']) => { status: number; json?: unknown; text?: string; secret?: Uint8Array };

/** A fetch that answers like POST /authority/v1/tokens would. */
function fakeFetch(server: FakeServer): { deps: ProvisionDeps; calls: Recorded[]; secrets: Uint8Array[] } {
  const calls: Recorded[] = [];
  const secrets: Uint8Array[] = [];
  const deps: ProvisionDeps = {
    nowMs: () => NOW_MS,
    fetch: async (url, init) => {
      assert.equal(init.method, 'POST');
      const body = JSON.parse(String(init.body)) as Recorded['body'];
      calls.push({ url, body });
      const answer = server(body);
      if (answer.secret) secrets.push(answer.secret);
      const text = answer.text ?? JSON.stringify(answer.json);
      return new Response(text, { status: answer.status, headers: { 'content-type': 'application/json' } });
    },
  };
  return { deps, calls, secrets };
}

/** The authority's real key agreement, as its HTTP route uses it. */
const authorityServer: FakeServer = (body) => {
  const agreed = agreeServerKey({ clientPublicKey: body.clientPublicKey, randomBytes: systemRandomBytes });
  if (!agreed.ok) return { status: 400, json: { error: 'bad_request' } };
  const secret = deriveTokenSecret({ sharedSecret: agreed.sharedSecret, serial: SERIAL });
  return {
    status: 201,
    json: { serial: SERIAL, serverPublicKey: agreed.serverPublicKey, algorithm: 'SHA1', digits: 6, periodSeconds: 30 },
    secret,
  };
};

/** The contract of DESIGN §3.2 with node:crypto only: ECDH P-256, then HKDF-SHA256 to 20 bytes. */
const contractServer: FakeServer = (body) => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const z = ecdh.computeSecret(Buffer.from(body.clientPublicKey, 'base64url'));
  const secret = new Uint8Array(hkdfSync('sha256', z, Buffer.from(SERIAL, 'utf8'), Buffer.from('mamori token secret v1', 'utf8'), 20));
  return {
    status: 201,
    json: { serial: SERIAL, serverPublicKey: ecdh.getPublicKey().toString('base64url'), algorithm: 'SHA1', digits: 6, periodSeconds: 30 },
    secret,
  };
};

async function assertSameSecret(key: CryptoKey, secret: Uint8Array): Promise<void> {
  const reference = createHmacKey('SHA1', secret);
  for (const nowMs of [NOW_MS, NOW_MS + 30_000, 59_000, 2_000_000_000_000]) {
    const shown = await computeLoginCode(key, { nowMs, digits: 6, periodSeconds: 30 });
    assert.equal(shown.code, generateTotp({ key: reference, nowMs, periodSeconds: 30, digits: 6 }));
  }
}

describe('provisionToken', () => {
  for (const [name, server] of [
    ["the authority's key agreement", authorityServer],
    ['the contract computed with node:crypto', contractServer],
  ] as const) {
    it(`agrees the same secret as ${name}`, async () => {
      const { deps, calls, secrets } = fakeFetch(server);
      const result = await provisionToken(deps);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.token.serial, SERIAL);
      assert.equal(result.token.digits, 6);
      assert.equal(result.token.periodSeconds, 30);
      assert.equal(result.token.createdAtMs, NOW_MS);
      assert.equal(calls.length, 1);
      assert.equal(secrets.length, 1);
      await assertSameSecret(result.token.key, secrets[0] as Uint8Array);
    });
  }

  it('sends kind "mobile" and the 65-byte uncompressed point, base64url without padding', async () => {
    const { deps, calls } = fakeFetch(authorityServer);
    await provisionToken(deps);
    const call = calls[0];
    assert.ok(call);
    assert.equal(call.url, PROVISION_PATH);
    assert.deepEqual(Object.keys(call.body).sort(), ['clientPublicKey', 'kind']);
    assert.equal(call.body.kind, 'mobile');
    assert.match(call.body.clientPublicKey, /^[A-Za-z0-9_-]+$/);
    const point = Buffer.from(call.body.clientPublicKey, 'base64url');
    assert.equal(point.length, 65);
    assert.equal(point[0], 0x04);
  });

  it('makes a fresh client key pair for every provisioning', async () => {
    const { deps, calls } = fakeFetch(authorityServer);
    await provisionToken(deps);
    await provisionToken(deps);
    assert.notEqual(calls[0]?.body.clientPublicKey, calls[1]?.body.clientPublicKey);
  });

  it('keeps the secret inside WebCrypto: the key is HMAC-SHA-1, sign-only and not extractable', async () => {
    const { deps } = fakeFetch(authorityServer);
    const result = await provisionToken(deps);
    assert.ok(result.ok);
    const key = result.token.key;
    assert.equal(key.extractable, false);
    assert.deepEqual(key.usages, ['sign']);
    assert.equal(key.type, 'secret');
    assert.deepEqual(key.algorithm, { name: 'HMAC', hash: { name: 'SHA-1' }, length: 160 });
    await assert.rejects(crypto.subtle.exportKey('raw', key));
    await assert.rejects(crypto.subtle.exportKey('jwk', key));
  });

  it('reports a network failure, a rate limit and a server failure as such', async () => {
    const offline: ProvisionDeps = {
      nowMs: () => NOW_MS,
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    };
    assert.deepEqual(await provisionToken(offline), { ok: false, reason: 'network' });
    assert.deepEqual(await provisionToken(fakeFetch(() => ({ status: 429, json: { error: 'rate_limited' } })).deps), { ok: false, reason: 'rate_limited' });
    assert.deepEqual(await provisionToken(fakeFetch(() => ({ status: 500, json: { error: 'internal_error' } })).deps), { ok: false, reason: 'server' });
    assert.deepEqual(await provisionToken(fakeFetch(() => ({ status: 201, text: 'not json' })).deps), { ok: false, reason: 'server' });
  });

  it('refuses a server key that is not a point on P-256', async () => {
    const offCurve = new Uint8Array(65);
    offCurve[0] = 0x04;
    offCurve[1] = 1; // (1, 0) is not on the curve
    const { deps } = fakeFetch(() => ({
      status: 201,
      json: { serial: SERIAL, serverPublicKey: encodeBase64Url(offCurve), algorithm: 'SHA1', digits: 6, periodSeconds: 30 },
    }));
    assert.deepEqual(await provisionToken(deps), { ok: false, reason: 'server' });
  });
});

describe('parseProvisionAnswer', () => {
  const point = (() => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return ecdh.getPublicKey().toString('base64url');
  })();
  const good = { serial: SERIAL, serverPublicKey: point, algorithm: 'SHA1', digits: 6, periodSeconds: 30 };

  it('accepts the documented answer', () => {
    const parsed = parseProvisionAnswer(good);
    assert.ok(parsed);
    assert.equal(parsed.serial, SERIAL);
    assert.equal(parsed.serverPublicKey.length, 65);
  });

  const refusals: [string, unknown][] = [
    ['not an object', 'hello'],
    ['no serial', { ...good, serial: undefined }],
    ['a serial with a wrong check digit', { ...good, serial: `${SERIAL.slice(0, 11)}${(Number(SERIAL[11]) + 1) % 10}` }],
    ['a serial in display form', { ...good, serial: `${SERIAL.slice(0, 4)} ${SERIAL.slice(4, 8)} ${SERIAL.slice(8)}` }],
    ['a compressed point', { ...good, serverPublicKey: encodeBase64Url(new Uint8Array(33).fill(2)) }],
    ['padding in the key', { ...good, serverPublicKey: `${point}=` }],
    ['SHA256', { ...good, algorithm: 'SHA256' }],
    ['8 digits', { ...good, digits: 8 }],
    ['60-second periods', { ...good, periodSeconds: 60 }],
    ['a secret (it must never travel)', { ...good, secret: 'JBSWY3DPEHPK3PXP' }],
  ];
  for (const [name, body] of refusals) {
    it(`refuses ${name}`, () => assert.equal(parseProvisionAnswer(body), undefined));
  }
});

describe('base64url', () => {
  it('round-trips any bytes and matches Node', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const text = encodeBase64Url(bytes);
      assert.equal(text, Buffer.from(bytes).toString('base64url'));
      assert.deepEqual(decodeBase64Url(text), bytes);
    }
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    assert.equal(decodeBase64Url('ab+c'), undefined);
    assert.equal(decodeBase64Url('abcde'), undefined);
    assert.equal(decodeBase64Url('ab=='), undefined);
  });
});
