// The HTTP client fails closed: an answer it cannot read, a timeout, a 5xx or a refused key
// throw AuthorityUnavailableError, never a yes; and only a request that provably never left
// (connection refused) is sent again.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { AuthorityUnavailableError } from '../authority-client.js';
import { createHttpAuthorityClient } from './http-authority-client.js';

const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
const reset = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
const jsonResponse = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function scriptedFetch(steps: (() => Response | Error)[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    const step = steps.shift();
    if (step === undefined) throw new Error('no more scripted answers');
    const outcome = step();
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const verifyInput = { bindingId: 'bnd_AAAAAAAAAAAAAAAAAAAAAA', code: '123456' };

describe('createHttpAuthorityClient', () => {
  it('sends the API key and JSON, and maps answers back', async () => {
    const { fetch, calls } = scriptedFetch([() => jsonResponse(200, { valid: true, timeStep: 42 })]);
    const client = createHttpAuthorityClient({ baseUrl: 'http://authority.test/', apiKey: 'mamori_rp_key', fetch });
    assert.deepEqual(await client.verify({ ...verifyInput, transaction: { payeeAccount: '1234567', amountYen: 1000 } }), { valid: true, timeStep: 42 });
    assert.equal(calls[0]?.url, 'http://authority.test/authority/v1/bindings/bnd_AAAAAAAAAAAAAAAAAAAAAA/verify');
    const headers = calls[0]?.init?.headers as Record<string, string>;
    assert.equal(headers.authorization, 'Bearer mamori_rp_key');
    assert.equal(headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(String(calls[0]?.init?.body)), { code: '123456', transaction: { payeeAccount: '1234567', amount: 1000 } });
  });

  it('retries a refused connection (the request never left), then answers', async () => {
    const { fetch, calls } = scriptedFetch([refused, refused, () => jsonResponse(200, { valid: false, reason: 'replayed' })]);
    const client = createHttpAuthorityClient({ baseUrl: 'http://authority.test', apiKey: 'k', retries: 2, fetch });
    assert.deepEqual(await client.verify(verifyInput), { valid: false, reason: 'replayed' });
    assert.equal(calls.length, 3);
  });

  it('gives up after the retries with AuthorityUnavailableError', async () => {
    const { fetch, calls } = scriptedFetch([refused, refused]);
    const client = createHttpAuthorityClient({ baseUrl: 'http://authority.test', apiKey: 'k', retries: 1, fetch });
    await assert.rejects(client.verify(verifyInput), AuthorityUnavailableError);
    assert.equal(calls.length, 2);
  });

  it('never repeats a request that may have arrived (reset, 5xx): verify spends a step', async () => {
    for (const failure of [reset, () => jsonResponse(502, { error: 'internal_error' }), () => jsonResponse(500, undefined)]) {
      const { fetch, calls } = scriptedFetch([failure, () => jsonResponse(200, { valid: true, timeStep: 1 })]);
      const client = createHttpAuthorityClient({ baseUrl: 'http://authority.test', apiKey: 'k', retries: 3, fetch });
      await assert.rejects(client.verify(verifyInput), AuthorityUnavailableError);
      assert.equal(calls.length, 1);
    }
  });

  it('turns answers it cannot trust into AuthorityUnavailableError, never into a yes', async () => {
    const answers = [
      () => new Response('<html>proxy error</html>', { status: 200 }),
      () => jsonResponse(200, { valid: 'yes' }),
      () => jsonResponse(200, { valid: true }),
      () => jsonResponse(200, { valid: false, reason: 'something_new' }),
      () => jsonResponse(401, { error: 'unauthorized' }),
      () => jsonResponse(404, { error: 'not_found' }),
      () => jsonResponse(302, undefined),
    ];
    for (const answer of answers) {
      const { fetch } = scriptedFetch([answer]);
      const client = createHttpAuthorityClient({ baseUrl: 'http://authority.test', apiKey: 'k', fetch });
      await assert.rejects(client.verify(verifyInput), AuthorityUnavailableError);
    }
  });

  it('times out a silent authority with AuthorityUnavailableError, having sent the request once', async () => {
    let received = 0;
    const server: Server = createServer(() => {
      received += 1; // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createHttpAuthorityClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', timeoutMs: 150, retries: 3 });
      const started = performance.now();
      await assert.rejects(client.verify(verifyInput), (error: unknown) => error instanceof AuthorityUnavailableError && /timed out/.test(error.message));
      assert.ok(performance.now() - started < 2000);
      assert.equal(received, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports an authority that is not listening (real refused connection)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = createHttpAuthorityClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', retries: 1 });
    await assert.rejects(client.unbind('bnd_x'), (error: unknown) => error instanceof AuthorityUnavailableError && /ECONNREFUSED/.test(error.message));
  });
});
