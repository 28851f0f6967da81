// The OTP lifecycle against the real (in-process) authority: one token per contract even under
// races, the exchange swap, and nothing half-done when the authority cannot be reached.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { STEP_MS, createTestAuthority, provisionTestToken, type TestAuthority } from '../../test/support/authority/authority-testing.js';
import { AuthorityUnavailableError, type AuthorityClient } from '../authority/authority-client.js';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { findCustomer } from './customers.js';
import { seedDemoData } from './demo-data.js';
import { deregisterToken } from './deregister-token.js';
import { exchangeToken } from './exchange-token.js';
import { findInstitution } from './institutions.js';
import { createPasswordHasher, TEST_ARGON2 } from './password-hasher.js';
import { registerToken } from './register-token.js';
import { verifyCustomerCode } from './verify-customer-code.js';

const CONTRACT = '1000000001';

for (const dialect of DIALECTS) {
  describe(`token lifecycle [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let t: TestAuthority;
    beforeEach(async () => {
      t = await createTestAuthority(dialect, { poolSize: 8 });
      await seedDemoData({ database: t.database, authority: t.authority, clock: t.clock, hasher: createPasswordHasher(TEST_ARGON2), confirmationPepper: new Uint8Array(32) });
    });
    afterEach(async () => {
      await t.close();
    });

    const deps = () => ({ authority: t.authority.clientFor('sample'), nowMs: () => t.clock.nowMs() });
    const policy = async () => (await findInstitution(t.database.db, 'sample'))!.policy;
    const target = async (serial: string, code: string) => ({ institution: 'sample', contractId: CONTRACT, policy: await policy(), path: 'register', serial, code });

    it('two registrations racing with different tokens: exactly one is stored, the other undone', async () => {
      const a = await provisionTestToken(t);
      const b = await provisionTestToken(t);
      const now = t.clock.nowMs();
      const results = await Promise.all([registerToken(t.database.db, deps(), await target(a.serial, a.codeAt(now))), registerToken(t.database.db, deps(), await target(b.serial, b.codeAt(now)))]);
      assert.equal(results.filter((r) => r.ok).length, 1);
      const stored = (await findCustomer(t.database.db, 'sample', CONTRACT))!;
      const live = await t.database.db.selectFrom('bindings').select(['id', 'serial']).where('relying_party_id', '=', 'sample').where('deleted_at', 'is', null).execute();
      assert.deepEqual(live, [{ id: stored.token_binding_id, serial: stored.token_serial }]);
    });

    it('two registrations racing with the same token never undo the stored binding', async () => {
      const a = await provisionTestToken(t);
      const now = t.clock.nowMs();
      await Promise.all([registerToken(t.database.db, deps(), await target(a.serial, a.codeAt(now))), registerToken(t.database.db, deps(), await target(a.serial, a.codeAt(now)))]);
      t.clock.advance(STEP_MS);
      const verified = await verifyCustomerCode(t.database.db, deps(), { institution: 'sample', contractId: CONTRACT, policy: await policy(), path: 'login', code: a.codeAt(t.clock.nowMs()) });
      assert.equal(verified.ok, true);
    });

    it('exchange swaps atomically; deregistration records when', async () => {
      const a = await provisionTestToken(t);
      const b = await provisionTestToken(t);
      assert.equal((await registerToken(t.database.db, deps(), await target(a.serial, a.codeAt(t.clock.nowMs())))).ok, true);
      t.clock.advance(STEP_MS);
      const current = await verifyCustomerCode(t.database.db, deps(), { institution: 'sample', contractId: CONTRACT, policy: await policy(), path: 'exchange', code: a.codeAt(t.clock.nowMs()) });
      assert.ok(current.ok);
      const same = await exchangeToken(t.database.db, deps(), { institution: 'sample', contractId: CONTRACT, policy: await policy(), verifiedBindingId: current.bindingId, serial: a.serial, code: a.codeAt(t.clock.nowMs()) });
      assert.deepEqual(same, { ok: false, reason: 'same_token' });
      const swapped = await exchangeToken(t.database.db, deps(), { institution: 'sample', contractId: CONTRACT, policy: await policy(), verifiedBindingId: current.bindingId, serial: b.serial, code: b.codeAt(t.clock.nowMs()) });
      assert.equal(swapped.ok && swapped.oldUnbound, true);
      const stale = await exchangeToken(t.database.db, deps(), { institution: 'sample', contractId: CONTRACT, policy: await policy(), verifiedBindingId: current.bindingId, serial: a.serial, code: a.codeAt(t.clock.nowMs()) });
      assert.deepEqual(stale, { ok: false, reason: 'changed_meanwhile' });
      t.clock.advance(STEP_MS);
      const old = await verifyCustomerCode(t.database.db, deps(), { institution: 'sample', contractId: CONTRACT, policy: await policy(), path: 'login', code: a.codeAt(t.clock.nowMs()) });
      assert.equal(old.ok, false);
      const gone = await deregisterToken(t.database.db, deps(), { institution: 'sample', contractId: CONTRACT, policy: await policy(), path: 'deregister', code: b.codeAt(t.clock.nowMs()) });
      assert.deepEqual(gone, { ok: true, unbound: true });
      assert.equal((await findCustomer(t.database.db, 'sample', CONTRACT))!.token_deregistered_at, t.clock.nowMs());
    });

    it('fails closed when the authority cannot answer: nothing stored, nothing counted', async () => {
      const a = await provisionTestToken(t);
      const down: AuthorityClient = {
        bind: () => Promise.reject(new AuthorityUnavailableError('down')),
        verify: () => Promise.reject(new AuthorityUnavailableError('down')),
        unbind: () => Promise.reject(new AuthorityUnavailableError('down')),
        resync: () => Promise.reject(new AuthorityUnavailableError('down')),
      };
      await assert.rejects(registerToken(t.database.db, { authority: down, nowMs: () => t.clock.nowMs() }, await target(a.serial, a.codeAt(t.clock.nowMs()))), AuthorityUnavailableError);
      const customer = (await findCustomer(t.database.db, 'sample', CONTRACT))!;
      assert.equal(customer.token_binding_id, null);
      assert.equal(customer.otp_failures, 0);
    });
  });
}
