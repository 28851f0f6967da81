// The application shell answers every error with a coded JSON body that reveals nothing: a
// router rejection must not echo the URL back, and a 5xx shows only an error id.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { systemClock, systemRandomBytes } from '../shared/clock.js';
import type { Database } from '../db/database.js';
import { AuthorityUnavailableError } from '../authority/authority-client.js';
import { buildApp } from './app.js';

async function appWithRoutes() {
  return buildApp({ database: {} as Database, clock: systemClock, randomBytes: systemRandomBytes }, [
    {
      register(app) {
        app.get('/echo/:id', async (request) => ({ id: (request.params as { id: string }).id }));
        app.get('/boom', async () => {
          throw new Error('secret detail 123456');
        });
        app.get('/database-away', async () => {
          throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
        });
        app.get('/authority-away', async () => {
          throw new AuthorityUnavailableError('token authority unreachable (secret detail)');
        });
      },
    },
  ]);
}

describe('application shell', () => {
  it('answers a malformed %-escape with a coded 400 that does not echo the URL', async () => {
    const app = await appWithRoutes();
    const response = await app.inject('/echo/%E0%A4%A');
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), { error: 'bad_request', message: 'The request is not valid.' });
  });

  it('answers an over-long path parameter with a coded 414', async () => {
    const app = await appWithRoutes();
    const response = await app.inject(`/echo/${'a'.repeat(200)}`);
    assert.equal(response.statusCode, 414);
    assert.equal(response.json().error, 'bad_request');
    assert.ok(!response.body.includes('aaaa'));
  });

  it('hides the reason of a 5xx behind an error id', async () => {
    const app = await appWithRoutes();
    const response = await app.inject('/boom');
    assert.equal(response.statusCode, 500);
    const body = response.json();
    assert.equal(body.error, 'internal_error');
    assert.match(body.errorId, /^[0-9a-f-]{36}$/);
    assert.ok(!response.body.includes('secret detail'));
  });

  it('answers an outage of the database or the authority with a coded 503 and Retry-After, not as a bug', async () => {
    const app = await appWithRoutes();
    for (const path of ['/database-away', '/authority-away']) {
      const response = await app.inject(path);
      assert.equal(response.statusCode, 503, path);
      assert.equal(response.headers['retry-after'], '30', path);
      assert.deepEqual(response.json(), { error: 'service_unavailable', message: 'Temporarily unavailable; try again later.' }, path);
    }
    assert.equal((await app.inject('/boom')).headers['retry-after'], undefined, 'a bug is not an outage');
  });

  it('answers unknown routes with a coded 404', async () => {
    const app = await appWithRoutes();
    const response = await app.inject('/nowhere');
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error, 'not_found');
  });

  it('says at /healthz that it lives and which release it is (the version of package.json)', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const app = await appWithRoutes();
    const response = await app.inject('/healthz');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok', version });
  });
});
