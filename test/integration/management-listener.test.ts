// The operations conventions a bank's platform team wires its monitoring to (issue 18):
// health, readiness and metrics on a listener of their own (MAMORI_MANAGEMENT_PORT), away from
// the customers' port, which then no longer answers them; the standard process_* and nodejs_*
// series beside Mamori's; a trusted proxy's X-Request-Id adopted as the request id, anyone
// else's ignored; and one log line per request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSandbox, type Sandbox } from './cli-helpers.js';
import { freePort, startMamori, type MamoriProcess } from './deployment-helpers.js';

describe('mamori serve with MAMORI_MANAGEMENT_PORT', () => {
  let sandbox: Sandbox;
  let server: MamoriProcess;
  let management: string;
  let logFile: string;

  before(async () => {
    sandbox = createSandbox();
    logFile = join(sandbox.dir, 'server.log');
    const managementPort = await freePort();
    management = `http://127.0.0.1:${managementPort}`;
    server = await startMamori('all', { ...sandbox.env, LOG_LEVEL: 'info', MAMORI_TRUST_PROXY: '127.0.0.1' }, { managementPort, logFile });
  });

  after(async () => {
    await server?.stop();
    sandbox?.remove();
  });

  it('answers /healthz, /readyz and /metrics there, and the customers\' port no longer does', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.deepEqual(await (await fetch(`${management}/healthz`)).json(), { status: 'ok', version });
    const ready = await fetch(`${management}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: 'ok' } });
    const metrics = await (await fetch(`${management}/metrics`)).text();
    for (const series of ['mamori_logins_total', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds', 'nodejs_version_info']) {
      assert.match(metrics, new RegExp(`^# TYPE ${series} `, 'm'), series);
    }
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.equal((await fetch(`${server.url}${path}`)).status, 404, `${path} on the customers' port`);
    // The customers' pages are where they were; the management listener has none of them.
    assert.equal((await fetch(`${server.url}/ib/demo/`)).status, 200);
    assert.equal((await fetch(`${management}/ib/demo/`)).status, 404);
  });

  it("adopts a trusted proxy's X-Request-Id as the request id, and refuses a malformed one", async () => {
    const adopted = await fetch(`${server.url}/ib/demo/`, { headers: { 'x-request-id': 'edge-7f3a9c:0001' } });
    assert.equal(adopted.headers.get('x-request-id'), 'edge-7f3a9c:0001');
    for (const bad of ['two words', 'x'.repeat(129), 'semi;colon', '<script>', '"quoted"']) {
      const answered = await fetch(`${server.url}/ib/demo/`, { headers: { 'x-request-id': bad } });
      assert.match(answered.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, `${bad.slice(0, 20)}: a fresh UUID instead`);
    }
  });

  it('writes one log line per request, with its id, method, path (no query string), status and time', async () => {
    await fetch(`${server.url}/ib/demo/help?from=somewhere`, { headers: { 'x-request-id': 'one-line-check' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"one-line-check"'))
      .map((line) => JSON.parse(line) as { reqId: string; msg: string; req: { method: string; url: string }; res: { statusCode: number }; responseTime: number });
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const [line] = lines;
    assert.equal(line!.msg, 'request completed');
    assert.deepEqual([line!.req.method, line!.req.url, line!.res.statusCode], ['GET', '/ib/demo/help?[redacted]', 200]);
    assert.ok(line!.responseTime >= 0);
  });
});

describe('X-Request-Id from a client that is not a trusted proxy', () => {
  it('is ignored: the request gets a random id', async () => {
    const sandbox = createSandbox();
    const server = await startMamori('all', sandbox.env);
    try {
      const answered = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'forged-by-client' } });
      assert.match(answered.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    } finally {
      await server.stop();
      sandbox.remove();
    }
  });
});
