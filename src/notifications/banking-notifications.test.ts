// The bank's events write their notifications in their own transactions: registration,
// exchange, deregistration, the OTP lock (exactly once, even when wrong codes race) and
// suspension — and a failed or refused event writes none. On both dialects, against the real
// in-process authority.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { STEP_MS, createTestAuthority, provisionTestToken, wrongCode, type TestAuthority } from '../../test/support/authority/authority-testing.js';
import { suspendCustomer } from '../banking/customers.js';
import { demoEmail, seedDemoData } from '../banking/demo-data.js';
import { deregisterToken } from '../banking/deregister-token.js';
import { exchangeToken } from '../banking/exchange-token.js';
import { findInstitution } from '../banking/institutions.js';
import { createPasswordHasher, TEST_ARGON2 } from '../banking/password-hasher.js';
import { registerToken } from '../banking/register-token.js';
import { verifyCustomerCode } from '../banking/verify-customer-code.js';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { metrics } from '../observability/mamori-metrics.js';

const CONTRACT = '1000000001';

for (const dialect of DIALECTS) {
  describe(`notifications of the bank's events [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let t: TestAuthority;
    beforeEach(async () => {
      t = await createTestAuthority(dialect, { poolSize: 8 });
      await seedDemoData({ database: t.database, authority: t.authority, clock: t.clock, hasher: createPasswordHasher(TEST_ARGON2), confirmationPepper: new Uint8Array(32) });
    });
    afterEach(async () => {
      await t.close();
    });

    const deps = () => ({ authority: t.authority.clientFor('demo'), nowMs: () => t.clock.nowMs() });
    const policy = async () => (await findInstitution(t.database.db, 'demo'))!.policy;
    const outbox = () => t.database.db.selectFrom('notification_outbox').select(['kind', 'recipient', 'body', 'contract_id']).orderBy('created_at').execute();

    it('gives the demo customers their addresses', async () => {
      const rows = await t.database.db.selectFrom('customers').select(['contract_id', 'email']).execute();
      assert.ok(rows.length > 0 && rows.every((r) => r.email === demoEmail(r.contract_id)));
      assert.equal(demoEmail(CONTRACT), '1000000001@demo.mamori.example');
    });

    it('registration, exchange and deregistration each write one message; a refused registration none', async () => {
      const a = await provisionTestToken(t);
      const b = await provisionTestToken(t);
      const target = { institution: 'demo', contractId: CONTRACT, policy: await policy(), path: 'register' };
      const refused = await registerToken(t.database.db, deps(), { ...target, serial: a.serial, code: wrongCode(a, t.clock.nowMs()) });
      assert.equal(refused.ok, false);
      assert.deepEqual(await outbox(), []);

      assert.ok((await registerToken(t.database.db, deps(), { ...target, serial: a.serial, code: a.codeAt(t.clock.nowMs()) })).ok);
      t.clock.advance(STEP_MS);
      const current = await verifyCustomerCode(t.database.db, deps(), { ...target, path: 'exchange', code: a.codeAt(t.clock.nowMs()) });
      assert.ok(current.ok);
      t.clock.advance(STEP_MS);
      const exchanged = await exchangeToken(t.database.db, deps(), { ...target, verifiedBindingId: current.bindingId, serial: b.serial, code: b.codeAt(t.clock.nowMs()) });
      assert.ok(exchanged.ok);
      t.clock.advance(STEP_MS);
      assert.ok((await deregisterToken(t.database.db, deps(), { ...target, path: 'deregister', code: b.codeAt(t.clock.nowMs()) })).ok);

      const rows = await outbox();
      assert.deepEqual(rows.map((r) => r.kind), ['token_registered', 'token_exchanged', 'token_deregistered']);
      assert.ok(rows.every((r) => r.recipient === '1000000001@demo.mamori.example' && r.contract_id === CONTRACT));
      for (const row of rows) {
        assert.ok(!row.body.includes(a.serial) && !row.body.includes(b.serial), 'serials are masked');
      }
      assert.ok(rows[2]!.body.includes(`${b.serial.slice(0, 4)}-****-${b.serial.slice(-4)}`));
    });

    it('wrong codes racing lock the contract once, and the customer is told once', async () => {
      const a = await provisionTestToken(t);
      const target = { institution: 'demo', contractId: CONTRACT, policy: await policy(), path: 'register' };
      assert.ok((await registerToken(t.database.db, deps(), { ...target, serial: a.serial, code: a.codeAt(t.clock.nowMs()) })).ok);
      const locksBefore = metrics.locks.get({ kind: 'otp' });
      const wrong = wrongCode(a, t.clock.nowMs());
      await Promise.all(Array.from({ length: 12 }, () => verifyCustomerCode(t.database.db, deps(), { ...target, path: 'login', code: wrong })));
      assert.deepEqual((await outbox()).map((r) => r.kind), ['token_registered', 'otp_locked']);
      assert.equal(metrics.locks.get({ kind: 'otp' }) - locksBefore, 1);
    });

    it('suspension writes its message with the suspension', async () => {
      assert.deepEqual(await suspendCustomer(t.database.db, { institution: 'demo', contractId: CONTRACT, nowMs: t.clock.nowMs(), actor: 'operator:teller' }), { ok: true });
      assert.deepEqual(await suspendCustomer(t.database.db, { institution: 'demo', contractId: CONTRACT, nowMs: t.clock.nowMs(), actor: 'operator:teller' }), { ok: false });
      assert.deepEqual((await outbox()).map((r) => r.kind), ['suspended']);
    });
  });
}
