// Zero-downtime rotation of an institution's API key (docs/OPERATIONS.md, "Keys"): with
// `mamori keys rp <slug> --overlap MINUTES` the previous key keeps working at a running
// authority while the bank processes are given the new key and restarted one at a time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSandbox, runMamori, type Sandbox } from './cli-helpers.js';
import { startMamori, type MamoriProcess } from './deployment-helpers.js';

describe('mamori keys rp --overlap', { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  let authority: MamoriProcess;

  before(async () => {
    sandbox = createSandbox();
    authority = await startMamori('authority', { ...sandbox.env, LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await authority?.stop();
    sandbox?.remove();
  });

  /** 401 for a key the authority does not take; 200 ("binding_not_found") for one it takes. */
  const statusWith = async (key: string) =>
    (await fetch(`${authority.url}/authority/v1/bindings/bnd_AAAAAAAAAAAAAAAAAAAAAA/verify`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"code":"123456"}' })).status;

  it('keeps the previous key working during the overlap, and says until when', async () => {
    const first = await runMamori(['keys', 'rp', 'demo'], sandbox.env);
    assert.equal(first.code, 0, first.stderr);
    const second = await runMamori(['keys', 'rp', 'demo', '--overlap', '30'], sandbox.env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /the previous key keeps working for 30 minutes \(until \d{4}-\d\d-\d\dT/);
    const [oldKey, newKey] = [first.stdout.trim(), second.stdout.trim()];
    assert.notEqual(oldKey, newKey);
    assert.equal(await statusWith(newKey), 200);
    assert.equal(await statusWith(oldKey), 200, 'the previous key still works');
    assert.equal(await statusWith(`mamori_rp_${'B'.repeat(43)}`), 401);
  });

  it('refuses an overlap that is not a number of minutes up to 7 days', async () => {
    for (const overlap of ['-5', '1.5', 'ten', '10081']) {
      const result = await runMamori(['keys', 'rp', 'demo', '--overlap', overlap], sandbox.env);
      assert.equal(result.code, 2, overlap);
      assert.match(result.stderr, /--overlap/);
      assert.equal(result.stdout, '', 'no key is printed');
    }
  });
});
