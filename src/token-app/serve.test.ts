// How /token/ is served: content types, the app's CSP and other security headers, the service
// worker's scope header, revalidation by ETag and gzip.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../db/database.js';
import { manualClock, systemRandomBytes } from '../shared/clock.js';
import { buildApp } from '../web/app.js';
import { TOKEN_APP_CONTENT_SECURITY_POLICY, tokenAppPart } from './serve.js';

describe('tokenAppPart', () => {
  let dir: string;
  let database: Database;
  let app: FastifyInstance;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-token-serve-'));
    database = openDatabase({ dialect: 'sqlite', file: join(dir, 'test.sqlite') });
    // distDir does not exist yet: registering the part builds the app.
    app = await buildApp({ database, clock: manualClock(0), randomBytes: systemRandomBytes }, [tokenAppPart({ distDir: join(dir, 'dist') })]);
  });

  after(async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectedTypes: [string, RegExp][] = [
    ['/token/', /^text\/html; charset=utf-8$/],
    ['/token/index.html', /^text\/html; charset=utf-8$/],
    ['/token/app.js', /^text\/javascript; charset=utf-8$/],
    ['/token/sw.js', /^text\/javascript; charset=utf-8$/],
    ['/token/styles.css', /^text\/css; charset=utf-8$/],
    ['/token/manifest.webmanifest', /^application\/manifest\+json/],
    ['/token/icon-192.png', /^image\/png$/],
    ['/token/icon-512.png', /^image\/png$/],
    ['/token/icon-maskable-512.png', /^image\/png$/],
  ];
  for (const [url, type] of expectedTypes) {
    it(`serves ${url} as ${type.source}, with the app's security headers`, async () => {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), type);
      assert.equal(response.headers['content-security-policy'], TOKEN_APP_CONTENT_SECURITY_POLICY);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['cache-control'], 'no-cache');
      assert.ok(response.headers.etag);
      assert.ok(response.rawPayload.length > 0);
    });
  }

  it('has the CSP the issue asks for, and nothing looser', () => {
    const directives = new Map(TOKEN_APP_CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.slice(d.indexOf(' ') + 1)]));
    assert.equal(directives.get('default-src'), "'self'");
    assert.equal(directives.get('script-src'), "'self'");
    assert.equal(directives.get('connect-src'), "'self'");
    assert.equal(directives.get('img-src'), "'self' data: blob:");
    assert.equal(directives.get('frame-ancestors'), "'none'");
    assert.doesNotMatch(TOKEN_APP_CONTENT_SECURITY_POLICY, /unsafe|\*/);
  });

  it('lets the service worker control /token/', async () => {
    const response = await app.inject({ method: 'GET', url: '/token/sw.js' });
    assert.equal(response.headers['service-worker-allowed'], '/token/');
  });

  it('redirects /token to /token/, keeping the query', async () => {
    const response = await app.inject({ method: 'GET', url: '/token?lang=en' });
    assert.equal(response.statusCode, 301);
    assert.equal(response.headers.location, '/token/?lang=en');
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await app.inject({ method: 'GET', url: '/token/app.js' });
    const again = await app.inject({ method: 'GET', url: '/token/app.js', headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
  });

  it('sends text gzipped to clients that accept it', async () => {
    const plain = await app.inject({ method: 'GET', url: '/token/app.js' });
    const gzipped = await app.inject({ method: 'GET', url: '/token/app.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.equal(gzipped.headers.vary, 'Accept-Encoding');
    assert.ok(gzipped.rawPayload.length < plain.rawPayload.length);
    assert.deepEqual(gunzipSync(gzipped.rawPayload), plain.rawPayload);
    const png = await app.inject({ method: 'GET', url: '/token/icon-192.png', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(png.headers['content-encoding'], undefined);
  });

  it('serves the page that loads only /token/app.js, with no inline script', async () => {
    const response = await app.inject({ method: 'GET', url: '/token/' });
    assert.match(response.body, /<script type="module" src="\/token\/app\.js"><\/script>/);
    assert.match(response.body, /<link rel="manifest" href="\/token\/manifest\.webmanifest">/);
  });

  it('does not serve files outside the app', async () => {
    for (const url of ['/token/build-info.json', '/token/../package.json', '/token/app.ts', '/token/dist/app.js']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
    }
  });
});
