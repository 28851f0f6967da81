// The sign-in limit per client address (credential stuffing): which address counts, that an
// attempt over the limit is never checked, and that a right password gives its attempt back.
// Over HTTP, against real servers: test/security/credential-stuffing.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestDatabase, DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { checkWithinAddressLimit, clientAddressKey } from './sign-in-address-limit.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const POLICY = { signInFailuresPerAddress: 3, signInAddressWindowMinutes: 15 };

describe('clientAddressKey', () => {
  it('takes IPv4 as it is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    const cases: [string, string][] = [
      ['203.0.113.7', '203.0.113.7'],
      ['::ffff:203.0.113.7', '203.0.113.7'],
      ['2001:db8::1', '2001:db8:0:0::/64'],
      ['2001:db8:0:0:ffff::2', '2001:db8:0:0::/64'],
      ['2001:0DB8:00a0:0001:1:2:3:4', '2001:db8:a0:1::/64'],
      ['fe80::1%eth0', 'fe80:0:0:0::/64'],
      ['::1', '0:0:0:0::/64'],
      ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ];
    for (const [address, key] of cases) assert.equal(clientAddressKey(address), key, address);
  });
});

for (const dialect of DIALECTS) {
  describe(`checkWithinAddressLimit [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('counts failures per address, site and institution; over the limit the check is not run; a right password gives its attempt back', async () => {
      const database = await createTestDatabase(dialect);
      try {
        let checks = 0;
        const attempt = (ok: boolean, input: { clientAddress?: string; site?: 'ib' | 'branch'; institution?: string; nowMs?: number } = {}) =>
          checkWithinAddressLimit(
            database.db,
            { site: input.site ?? 'ib', institution: input.institution ?? 'demo', clientAddress: input.clientAddress ?? '198.51.100.1', policy: POLICY, nowMs: input.nowMs ?? T0 },
            async () => {
              checks += 1;
              return { ok };
            },
          );
        for (let i = 0; i < 5; i++) assert.deepEqual(await attempt(true), { allowed: true, checked: { ok: true } }, 'right passwords never use it up');
        for (let i = 0; i < 3; i++) assert.equal((await attempt(false)).allowed, true);
        assert.equal(checks, 8);
        assert.deepEqual(await attempt(true, { nowMs: T0 + 60_000 }), { allowed: false, retryAfterSeconds: 14 * 60 });
        assert.equal(checks, 8, 'over the limit, nothing is checked');
        // Another address, the other site, another institution: counted apart.
        assert.equal((await attempt(false, { clientAddress: '198.51.100.2' })).allowed, true);
        assert.equal((await attempt(false, { site: 'branch' })).allowed, true);
        assert.equal((await attempt(false, { institution: 'sample' })).allowed, true);
        // An IPv6 client rotating inside its /64 is one address.
        for (let i = 1; i <= 3; i++) assert.equal((await attempt(false, { clientAddress: `2001:db8:1:2::${i}` })).allowed, true);
        assert.equal((await attempt(false, { clientAddress: '2001:db8:1:2:ffff::9' })).allowed, false);
        // The next window starts afresh.
        assert.equal((await attempt(false, { nowMs: T0 + 15 * 60_000 })).allowed, true);
      } finally {
        await database.close();
      }
    });

    it('a burst of 30 at once from one address: exactly the limit is checked', async () => {
      const database = await createTestDatabase(dialect);
      try {
        let checks = 0;
        const results = await Promise.all(
          Array.from({ length: 30 }, () =>
            checkWithinAddressLimit(database.db, { site: 'ib', institution: 'demo', clientAddress: '198.51.100.3', policy: POLICY, nowMs: T0 }, async () => {
              checks += 1;
              return { ok: false };
            }),
          ),
        );
        assert.equal(results.filter((r) => r.allowed).length, 3);
        assert.equal(checks, 3);
      } finally {
        await database.close();
      }
    });
  });
}
