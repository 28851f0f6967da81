// The instrumented AuthorityClient that feeds the verification metrics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metrics } from '../observability/mamori-metrics.js';
import { AuthorityUnavailableError, type AuthorityClient } from './authority-client.js';
import { instrumentAuthorityClient } from './instrumented-authority-client.js';

describe('instrumented AuthorityClient', () => {
  it('counts each verify by result and times it; unavailable answers are counted and thrown on', async () => {
    let answer: 'valid' | 'replayed' | 'down' = 'valid';
    const client: AuthorityClient = {
      verify: async () => {
        if (answer === 'down') throw new AuthorityUnavailableError('timed out');
        return answer === 'valid' ? { valid: true, timeStep: 1 } : { valid: false, reason: 'replayed' };
      },
      bind: async () => ({ ok: false, reason: 'invalid_code' }),
      unbind: async () => ({ ok: true }),
      resync: async () => ({ ok: true, driftSteps: 0 }),
    };
    const instrumented = instrumentAuthorityClient(client, metrics);
    const before = {
      valid: metrics.codeVerifications.get({ operation: 'verify', result: 'valid' }),
      replayed: metrics.codeVerifications.get({ operation: 'verify', result: 'replayed' }),
      unavailable: metrics.codeVerifications.get({ operation: 'verify', result: 'unavailable' }),
      invalidBind: metrics.codeVerifications.get({ operation: 'bind', result: 'invalid_code' }),
      timed: metrics.codeVerificationSeconds.count({ operation: 'verify' }),
    };
    assert.deepEqual(await instrumented.verify({ bindingId: 'b', code: '123456' }), { valid: true, timeStep: 1 });
    answer = 'replayed';
    assert.deepEqual(await instrumented.verify({ bindingId: 'b', code: '123456' }), { valid: false, reason: 'replayed' });
    answer = 'down';
    await assert.rejects(instrumented.verify({ bindingId: 'b', code: '123456' }), AuthorityUnavailableError);
    await instrumented.bind({ serial: 'MMOB12345678', subject: '1', code: '123456' });
    assert.equal(metrics.codeVerifications.get({ operation: 'verify', result: 'valid' }) - before.valid, 1);
    assert.equal(metrics.codeVerifications.get({ operation: 'verify', result: 'replayed' }) - before.replayed, 1);
    assert.equal(metrics.codeVerifications.get({ operation: 'verify', result: 'unavailable' }) - before.unavailable, 1);
    assert.equal(metrics.codeVerifications.get({ operation: 'bind', result: 'invalid_code' }) - before.invalidBind, 1);
    assert.equal(metrics.codeVerificationSeconds.count({ operation: 'verify' }) - before.timed, 3);
  });
});
