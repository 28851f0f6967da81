// The CLI token against a live token authority over HTTP. What could go wrong here is what a
// token is for: a secret that travels or leaks (a file others can read, a secret on screen), a
// token silently replaced (the customer's registered serial stops working with no way back), or
// codes the authority does not accept. Each test runs the real bin; the authority runs in this
// process, so the test can check with its in-process client that the codes are valid.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAuthority, createKeyring, type Authority, type Keyring } from '../../src/authority/authority.js';
import { authorityHttpPart } from '../../src/authority/http/authority-http.js';
import { createTestDatabase, type TestDatabase } from '../support/db/testing.js';
import { createHmacKey, decodeBase32, generateTransactionCode } from '../../src/otp/index.js';
import { manualClock, systemRandomBytes, type ManualClock } from '../../src/shared/clock.js';
import { buildApp } from '../../src/web/app.js';
import { createSandbox, runMamori, type Sandbox } from './cli-helpers.js';

// A step boundary of 30-second TOTP steps and one-minute OCRA steps, 5 s in.
const T0_MS = Date.UTC(2026, 3, 1, 0, 0, 0) + 5_000;
const seconds = (ms: number) => String(Math.floor(ms / 1000));

let database: TestDatabase;
let clock: ManualClock;
let keyring: Keyring;
let authority: Authority;
let app: FastifyInstance;
let authorityUrl: string;
let sandbox: Sandbox;
let tokenFile: string;

before(async () => {
  database = await createTestDatabase('sqlite');
  clock = manualClock(T0_MS);
  keyring = createKeyring({ keys: new Map([['k1', systemRandomBytes(32)]]), activeKeyId: 'k1', randomBytes: systemRandomBytes });
  authority = createAuthority({ database, keyring, clock, randomBytes: systemRandomBytes });
  await authority.ensureRelyingParty({ id: 'demo', name: 'デモ信用金庫' });
  app = await buildApp({ database, clock, randomBytes: systemRandomBytes }, [authorityHttpPart({ authority })]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(typeof address === 'object' && address !== null);
  authorityUrl = `http://127.0.0.1:${address.port}`;
  sandbox = createSandbox();
  tokenFile = join(sandbox.env.XDG_CONFIG_HOME!, 'mamori', 'token.json');
});

after(async () => {
  await app.close();
  await database.close();
  sandbox.remove();
});

function readStoredToken(path = tokenFile): Record<string, unknown> & { serial: string; secret: string } {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The secret the authority holds for `serial`, opened with its keyring. */
async function authoritySecret(serial: string): Promise<Uint8Array> {
  const row = await database.db.selectFrom('tokens').selectAll().where('serial', '=', serial).executeTakeFirstOrThrow();
  return keyring.open({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, serial);
}

describe('mamori token (CLI software token)', () => {
  let serial: string;
  let bindingId: string;

  it('token code without a token says how to make one', async () => {
    const result = await runMamori(['token', 'code'], sandbox.env);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no token at .*token\.json: make one with `mamori token new`/);
  });

  it('token new agrees the secret with the authority and keeps it in a 0600 file in a 0700 directory', async () => {
    const result = await runMamori(['token', 'new', '--authority', authorityUrl], sandbox.env);
    assert.equal(result.code, 0, result.stderr);
    const [firstLine] = result.stdout.split('\n');
    assert.match(firstLine!, /^MMOB\d{8}$/);
    serial = firstLine!;
    assert.match(result.stdout, new RegExp(`シリアル番号\\): ${serial.slice(0, 4)} ${serial.slice(4, 8)} ${serial.slice(8)}`));

    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(tokenFile)).mode & 0o777, 0o700);
    const stored = readStoredToken();
    assert.deepEqual(Object.keys(stored).sort(), ['algorithm', 'authority', 'createdAt', 'digits', 'kind', 'periodSeconds', 'secret', 'serial', 'version']);
    assert.deepEqual(
      { version: stored.version, serial: stored.serial, kind: stored.kind, algorithm: stored.algorithm, digits: stored.digits, periodSeconds: stored.periodSeconds, authority: stored.authority },
      { version: 1, serial, kind: 'mobile', algorithm: 'SHA1', digits: 6, periodSeconds: 30, authority: authorityUrl },
    );
    // Both sides derived the same 160-bit secret, which was never printed.
    assert.deepEqual(decodeBase32(stored.secret), await authoritySecret(serial));
    assert.equal(decodeBase32(stored.secret).length, 20);
    assert.ok(!result.stdout.includes(stored.secret) && !result.stderr.includes(stored.secret));
  });

  it('token code prints codes the authority accepts: bind, then verify the next step', async () => {
    const bindCode = await runMamori(['token', 'code', '--time', seconds(clock.nowMs())], sandbox.env);
    assert.equal(bindCode.code, 0, bindCode.stderr);
    assert.match(bindCode.stdout, /^\d{6}\n$/);
    const bound = await authority.clientFor('demo').bind({ serial, subject: '1000000001', code: bindCode.stdout.trim() });
    assert.ok(bound.ok, JSON.stringify(bound));
    bindingId = bound.bindingId;

    clock.advance(30_000);
    const loginCode = await runMamori(['token', 'code', '--time', seconds(clock.nowMs())], sandbox.env);
    const verified = await authority.clientFor('demo').verify({ bindingId, code: loginCode.stdout.trim() });
    assert.equal(verified.valid, true, JSON.stringify(verified));
  });

  it('token code uses the current time without --time', async () => {
    const result = await runMamori(['token', 'code'], sandbox.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\d{6}\n$/);
  });

  it('token sign prints the transaction code of src/otp, which the authority accepts for that payee and amount', async () => {
    clock.advance(60_000);
    const nowMs = clock.nowMs();
    const signed = await runMamori(['token', 'sign', '--account', '0123456', '--amount', '¥30,000', '--time', seconds(nowMs)], sandbox.env);
    assert.equal(signed.code, 0, signed.stderr);
    const key = createHmacKey('SHA1', decodeBase32(readStoredToken().secret));
    const expected = generateTransactionCode({ key, payeeAccount: '0123456', amountYen: 30_000, nowMs: Math.floor(nowMs / 1000) * 1000 });
    assert.equal(signed.stdout, `${expected}\n`);

    const accountOnly = await runMamori(['token', 'sign', '--account', '0123456', '--time', seconds(nowMs)], sandbox.env);
    assert.equal(accountOnly.stdout, `${generateTransactionCode({ key, payeeAccount: '0123456', nowMs: Math.floor(nowMs / 1000) * 1000 })}\n`);

    const client = authority.clientFor('demo');
    const other = await client.verify({ bindingId, code: expected, transaction: { payeeAccount: '0123456', amountYen: 300_000 } });
    assert.equal(other.valid, false, 'a code made for ¥30,000 does not authorise ¥300,000');
    const verified = await client.verify({ bindingId, code: expected, transaction: { payeeAccount: '0123456', amountYen: 30_000 } });
    assert.equal(verified.valid, true, JSON.stringify(verified));
  });

  it('token show prints the serial alone on the first line, and never the secret', async () => {
    const { secret } = readStoredToken();
    const text = await runMamori(['token', 'show'], sandbox.env);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.equal(lines[0], serial);
    assert.match(text.stdout, /kind: +mobile/);
    assert.ok(!text.stdout.includes(secret));

    const json = await runMamori(['token', 'show', '--json'], sandbox.env);
    assert.equal(json.code, 0, json.stderr);
    const shown = JSON.parse(json.stdout);
    assert.equal(shown.serial, serial);
    assert.equal(shown.secret, undefined);
    assert.equal(shown.file, tokenFile);
    assert.ok(!json.stdout.includes(secret));
  });

  it('token new refuses to replace a token without --force, and changes nothing', async () => {
    const before = readFileSync(tokenFile, 'utf8');
    const tokensBefore = await database.db.selectFrom('tokens').select('serial').execute();
    const result = await runMamori(['token', 'new', '--authority', authorityUrl], sandbox.env);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /a token already exists at .*nothing was changed/);
    assert.match(result.stderr, /new serial number/);
    assert.match(result.stderr, /--force/);
    assert.equal(readFileSync(tokenFile, 'utf8'), before);
    // Refused before asking the authority: no orphan token was issued.
    assert.equal((await database.db.selectFrom('tokens').select('serial').execute()).length, tokensBefore.length);
  });

  it('token new --force replaces it with a new serial and says the old one is gone', async () => {
    const result = await runMamori(['token', 'new', '--force', '--authority', authorityUrl], sandbox.env);
    assert.equal(result.code, 0, result.stderr);
    const newSerial = result.stdout.split('\n')[0]!;
    assert.match(newSerial, /^MMOB\d{8}$/);
    assert.notEqual(newSerial, serial);
    assert.match(result.stderr, new RegExp(`previous token ${serial.slice(0, 4)} ${serial.slice(4, 8)} ${serial.slice(8)} is gone for good`));
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.deepEqual(decodeBase32(readStoredToken().secret), await authoritySecret(newSerial));
  });

  it('uses MAMORI_AUTHORITY_URL and MAMORI_TOKEN_FILE, and makes desktop tokens', async () => {
    const otherFile = join(sandbox.dir, 'elsewhere', 'desk.json');
    const env = { ...sandbox.env, MAMORI_AUTHORITY_URL: authorityUrl, MAMORI_TOKEN_FILE: otherFile };
    const result = await runMamori(['token', 'new', '--kind', 'desktop'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^MDSK\d{8}\n/);
    assert.equal(readStoredToken(otherFile).kind, 'desktop');
    assert.equal(statSync(otherFile).mode & 0o777, 0o600);
  });

  it('says when the authority cannot be reached, and saves nothing', async () => {
    const env = { ...sandbox.env, MAMORI_TOKEN_FILE: join(sandbox.dir, 'unreachable', 'token.json') };
    const result = await runMamori(['token', 'new', '--authority', 'http://127.0.0.1:9'], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot reach the token authority at http:\/\/127\.0\.0\.1:9/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.equal(existsSync(env.MAMORI_TOKEN_FILE), false);
  });

  it('says when the URL is not an authority', async () => {
    const env = { ...sandbox.env, MAMORI_TOKEN_FILE: join(sandbox.dir, 'not-authority', 'token.json') };
    const result = await runMamori(['token', 'new', '--authority', `${authorityUrl}/nowhere`], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /does not serve the token authority API/);
    assert.equal(existsSync(env.MAMORI_TOKEN_FILE), false);
  });

  it('warns when the token file can be read by others, and names a broken file', async () => {
    const path = join(sandbox.dir, 'loose', 'token.json');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, readFileSync(tokenFile));
    chmodSync(path, 0o644);
    const loose = await runMamori(['token', 'code'], { ...sandbox.env, MAMORI_TOKEN_FILE: path });
    assert.equal(loose.code, 0);
    assert.match(loose.stderr, /can be read by other users; run: chmod 600/);

    writeFileSync(path, '{"version":1,');
    const broken = await runMamori(['token', 'code'], { ...sandbox.env, MAMORI_TOKEN_FILE: path });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /the token file .* cannot be used: it is not JSON/);
  });
});
