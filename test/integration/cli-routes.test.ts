// `mamori routes`: the route list comes from the app itself, per role — what the fuzzer aims at
// and what an engineer reads to know what a deployment exposes.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createSandbox, runMamori } from './cli-helpers.js';

describe('mamori routes', { timeout: 120_000 }, () => {
  const sandbox = createSandbox();
  after(() => sandbox.remove());

  const routesOf = async (role: string) => {
    const result = await runMamori(['routes', role], sandbox.env);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim().split('\n');
  };

  it('lists each role\'s routes: the authority has no bank pages, the bank no authority API', async () => {
    const [all, authority, bank] = await Promise.all([routesOf('all'), routesOf('authority'), routesOf('bank')]);
    assert.ok(authority.includes('POST /authority/v1/tokens'));
    assert.ok(authority.includes('POST /authority/v1/bindings/:id/verify'));
    assert.ok(!authority.some((line) => line.includes('/ib/')));
    assert.ok(bank.includes('POST /ib/:slug/login/otp'));
    assert.ok(bank.includes('POST /branch/:slug/customers/:contractId/actions/:kind'));
    assert.ok(!bank.some((line) => line.includes('/authority/v1')));
    for (const line of [...authority, ...bank]) assert.ok(all.includes(line), `${line} is served by \`all\` too`);
    assert.ok(!all.some((line) => line.startsWith('HEAD ')), 'HEAD routes only with --with-head');
    for (const line of all) assert.match(line, /^(GET|POST|PUT|PATCH|DELETE|OPTIONS) \/\S*$/);
  });

  it('leaves the configured data directory alone and refuses an unknown role', async () => {
    const unknown = await runMamori(['routes', 'everything'], sandbox.env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown role "everything"/);
    const withHead = await runMamori(['routes', 'authority', '--with-head'], sandbox.env);
    assert.ok(withHead.stdout.includes('HEAD /authority/v1/openapi.json'));
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(sandbox.env.MAMORI_DATA_DIR!), false, 'no database was made in MAMORI_DATA_DIR');
  });
});
