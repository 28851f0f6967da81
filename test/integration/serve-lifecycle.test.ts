// The server process's life: it refuses to start on an unsafe or incomplete configuration
// (production without its secrets from the environment, insecure cookies, a wildcard proxy; a
// bank process without its authority) with every problem said at once, and on SIGTERM it
// finishes the requests in flight before it exits — a customer half-way through sending a form
// when a deployment restarts the process gets their answer, not a reset connection.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { createSandbox, runMamori } from './cli-helpers.js';
import { csrfOf, DEMO_PASSWORD, HttpBrowser, startMamori } from './deployment-helpers.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('mamori serve refuses an unsafe configuration', () => {
  it('production: no master key, insecure cookies, a wildcard proxy — all said at once, exit 1', async () => {
    const { env, remove } = createSandbox();
    try {
      const result = await runMamori(['serve'], { ...env, PORT: '0', MAMORI_MODE: 'production', MAMORI_SECURE_COOKIES: 'false', MAMORI_TRUST_PROXY: 'true' });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /the configuration is not valid/);
      assert.match(result.stderr, /production mode needs MAMORI_MASTER_KEY/);
      assert.match(result.stderr, /production mode refuses MAMORI_SECURE_COOKIES=false/);
      assert.match(result.stderr, /production mode refuses MAMORI_TRUST_PROXY=true/);
      assert.match(result.stderr, /production mode needs MAMORI_CONFIRMATION_PEPPER/);
      assert.match(result.stderr, /production mode needs MAMORI_SMTP_URL/);
      assert.equal(result.stdout, '');
    } finally {
      remove();
    }
  });

  it('a bank process needs its authority and its keys; the authority needs neither pepper nor relay', async () => {
    const { env, remove } = createSandbox();
    try {
      const bank = await runMamori(['serve', 'bank'], { ...env, PORT: '0' });
      assert.equal(bank.code, 1);
      assert.match(bank.stderr, /`serve bank` needs MAMORI_AUTHORITY_URL/);
      assert.match(bank.stderr, /`serve bank` needs MAMORI_RP_KEYS/);
      const keys = await runMamori(['serve', 'bank'], { ...env, PORT: '0', MAMORI_AUTHORITY_URL: 'http://127.0.0.1:9', MAMORI_RP_KEYS: 'demo:mamori_rp_not-a-real-key-but-secret' });
      assert.match(keys.stderr, /MAMORI_RP_KEYS: the key of "demo" is not an API key/);
      assert.doesNotMatch(keys.stderr, /not-a-real-key-but-secret/);
      const authority = await runMamori(['serve', 'authority'], { ...env, PORT: 'x', MAMORI_MODE: 'production', MAMORI_MASTER_KEY: KEY });
      assert.equal(authority.code, 1);
      assert.match(authority.stderr, /PORT must be a whole number/);
      assert.doesNotMatch(authority.stderr, /PEPPER|SMTP/);
    } finally {
      remove();
    }
  });
});

describe('mamori serve on SIGTERM', () => {
  it('finishes a request in flight, then exits 0', { timeout: 120_000 }, async () => {
    const { env, remove } = createSandbox();
    const server = await startMamori('all', { ...env, LOG_LEVEL: 'info' });
    try {
      // The pre-login CSRF cookie and token, as a browser would have them.
      const browser = new HttpBrowser();
      const page = await browser.request(`${server.url}/ib/demo/`);
      const body = new URLSearchParams({ csrf: csrfOf(page.body), contractId: '1000000001', loginPassword: DEMO_PASSWORD }).toString();
      const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

      // A slow client: headers and half the form, then SIGTERM, then the rest a second later.
      const answer = new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
        const slow = request(`${server.url}/ib/demo/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), cookie },
        });
        slow.on('response', (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, location: response.headers.location });
        });
        slow.on('error', reject);
        slow.write(body.slice(0, 20));
        setTimeout(() => {
          server.child.kill('SIGTERM');
          setTimeout(() => slow.end(body.slice(20)), 1000);
        }, 300);
      });
      const exitedEarly = await Promise.race([server.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000))]);
      assert.equal(exitedEarly, false, 'the process waits for the request in flight');
      // While it drains, it accepts no new work.
      await assert.rejects(fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) }));

      assert.deepEqual(await answer, { status: 303, location: '/ib/demo/main' });
      assert.equal(await server.exited, 0);
      const output = server.output();
      assert.ok(output.indexOf('shutting down: finishing requests in flight') < output.indexOf('"msg":"shut down"'), output.slice(-2000));
    } finally {
      await server.stop('SIGKILL');
      remove();
    }
  });
});
