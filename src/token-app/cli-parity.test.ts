// The browser token and the CLI token (`mamori token code|sign`) must show the same codes for
// the same secret, inputs and time. The browser's own secret cannot be read (that is the
// point), so this runs the app's code functions on Node's WebCrypto with an HMAC key imported
// from a known secret, and the real `mamori` command on a token file holding that secret.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { encodeBase32, generateSerial } from '../otp/pure.js';
import { computeLoginCode, computeTransactionCode } from './token-codes.js';

const run = promisify(execFile);
const MAMORI_BIN = new URL('../../bin/mamori.js', import.meta.url).pathname;

describe('browser token and `mamori token` agree', () => {
  const secret = new Uint8Array(randomBytes(20));
  let dir: string;
  let tokenFile: string;
  let key: CryptoKey;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-token-app-'));
    tokenFile = join(dir, 'token.json');
    const token = {
      version: 1,
      serial: generateSerial({ kind: 'mobile', randomDigits: '1234567' }),
      kind: 'mobile',
      secret: encodeBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      periodSeconds: 30,
      authority: 'http://localhost:3000',
      createdAt: new Date(0).toISOString(),
    };
    writeFileSync(tokenFile, JSON.stringify(token), { mode: 0o600 });
    key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function mamori(args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [MAMORI_BIN, ...args], {
      env: { ...process.env, MAMORI_TOKEN_FILE: tokenFile },
      timeout: 30_000,
    });
    return stdout.trim();
  }

  const timeSeconds = 1_775_000_123; // any fixed instant; 2026-03-31

  it('`token sign --account --amount --time` equals computeTransactionCode', async () => {
    // A leading-zero account is the case the challenge marker exists for.
    const cli = await mamori(['token', 'sign', '--account', '0123456', '--amount', '30000', '--time', String(timeSeconds)]);
    const app = await computeTransactionCode(key, { nowMs: timeSeconds * 1000, payeeAccount: '0123456', amountYen: 30_000 });
    assert.match(cli, /^\d{6}$/);
    assert.equal(app.code, cli);
  });

  it('`token sign --account --time` (account only) equals computeTransactionCode', async () => {
    const cli = await mamori(['token', 'sign', '--account', '7654321', '--time', String(timeSeconds)]);
    const app = await computeTransactionCode(key, { nowMs: timeSeconds * 1000, payeeAccount: '7654321' });
    assert.equal(app.code, cli);
  });

  it('`token code --time` equals computeLoginCode', async () => {
    const cli = await mamori(['token', 'code', '--time', String(timeSeconds)]);
    const app = await computeLoginCode(key, { nowMs: timeSeconds * 1000, digits: 6, periodSeconds: 30 });
    assert.equal(app.code, cli);
  });
});
