// The confirmation password's two stored forms: the whole (argon2id) and peppered pair MACs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { systemRandomBytes } from '../shared/clock.js';
import { confirmationMatches, pickPositions, storeConfirmationPassword } from './confirmation-password.js';
import { createPasswordHasher, TEST_ARGON2 } from './password-hasher.js';

const hasher = createPasswordHasher(TEST_ARGON2);
const pepper = new Uint8Array(32).fill(7);

describe('confirmation password', () => {
  it('checks the whole value and every pair of positions; keeps nothing readable', async () => {
    const stored = await storeConfirmationPassword(hasher, pepper, { contractId: '1000000001', confirmationPassword: '246810' });
    const full = { contractId: '1000000001', ...stored };
    assert.doesNotMatch(stored.confirmationPairs, /246810|"2","4"/);
    assert.equal(Object.keys(JSON.parse(stored.confirmationPairs)).length, 15);
    assert.equal(await confirmationMatches(hasher, pepper, full, { mode: 'whole', value: '246810' }), true);
    assert.equal(await confirmationMatches(hasher, pepper, full, { mode: 'whole', value: '246811' }), false);
    for (let i = 1; i <= 6; i++) {
      for (let j = i + 1; j <= 6; j++) {
        const digits = { [i]: '246810'[i - 1]!, [j]: '246810'[j - 1]! };
        assert.equal(await confirmationMatches(hasher, pepper, full, { mode: 'positions', digits }), true, `${i},${j}`);
        const wrong = { [i]: '246810'[i - 1]!, [j]: String((Number('246810'[j - 1]) + 1) % 10) };
        assert.equal(await confirmationMatches(hasher, pepper, full, { mode: 'positions', digits: wrong }), false);
      }
    }
    // Bound to the contract and the pepper: the same MACs do not verify elsewhere.
    assert.equal(await confirmationMatches(hasher, pepper, { ...full, contractId: '1000000002' }, { mode: 'positions', digits: { 1: '2', 2: '4' } }), false);
    assert.equal(await confirmationMatches(hasher, new Uint8Array(32).fill(8), full, { mode: 'positions', digits: { 1: '2', 2: '4' } }), false);
    assert.equal(await confirmationMatches(hasher, pepper, full, { mode: 'positions', digits: { 1: '2' } }), false);
  });

  it('refuses misuse: a short pepper, a non-6-digit password', async () => {
    await assert.rejects(storeConfirmationPassword(hasher, new Uint8Array(8), { contractId: '1', confirmationPassword: '123456' }), TypeError);
    await assert.rejects(storeConfirmationPassword(hasher, pepper, { contractId: '1', confirmationPassword: '12345' }), TypeError);
  });

  it('picks distinct ascending positions in 1..6 (property), about uniformly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        let offset = 0;
        const positions = pickPositions(2, (n) => {
          const out = bytes.slice(offset % 64, (offset % 64) + n);
          offset += n;
          return out.length === n ? out : systemRandomBytes(n);
        });
        return positions.length === 2 && positions[0]! < positions[1]! && positions[0]! >= 1 && positions[1]! <= 6;
      }),
    );
    const counts = new Map<string, number>();
    for (let i = 0; i < 15_000; i++) {
      const key = pickPositions(2, systemRandomBytes).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 15);
    for (const count of counts.values()) assert.ok(count > 800 && count < 1200, String(count));
  });
});
