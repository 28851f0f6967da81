import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyAuditChain } from '../audit/audit-log.js';
import { createTestAuthority } from '../../test/support/authority/authority-testing.js';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { demoDataBanner, seedDemoData } from './demo-data.js';
import { listInstitutions, setInstitutionPolicy } from './institutions.js';
import { createPasswordHasher, TEST_ARGON2 } from './password-hasher.js';

for (const dialect of DIALECTS) {
  describe(`institutions and demo data [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('seeds the demo data once, registered with the authority, and lists it', async () => {
      const t = await createTestAuthority(dialect);
      try {
        const deps = { database: t.database, authority: t.authority, clock: t.clock, hasher: createPasswordHasher(TEST_ARGON2), confirmationPepper: new Uint8Array(32) };
        const first = await seedDemoData(deps);
        assert.deepEqual(first.createdInstitutions, ['demo', 'sample']);
        assert.equal(first.createdCustomers.length, 4);
        assert.deepEqual(await seedDemoData(deps), { createdInstitutions: [], createdCustomers: [] });
        const list = await listInstitutions(t.database.db);
        assert.deepEqual(list.map((i) => [i.slug, i.bankCode, i.confirmation.mode, i.confirmation.name]), [
          ['demo', '9901', 'whole', '確認用パスワード'],
          ['sample', '9902', 'positions', '資金移動用パスワード'],
        ]);
        assert.equal(list[0]!.policy.desktopRegistrationClosedFrom, '2018-04-01');
        assert.equal(list[1]!.policy.desktopRegistrationClosedFrom, null);
        const parties = await t.database.db.selectFrom('relying_parties').select('id').where('id', 'in', ['demo', 'sample']).execute();
        assert.equal(parties.length, 2);
        const banner = demoDataBanner('http://localhost:3000/').join('\n');
        assert.match(banner, /http:\/\/localhost:3000\/ib\/demo\//);
        assert.match(banner, /Mamori-2026/);
        assert.match(banner, /246810/);
      } finally {
        await t.close();
      }
    });

    it('sets one policy key with validation and an audit record (institution set-policy)', async () => {
      const t = await createTestAuthority(dialect);
      try {
        await seedDemoData({ database: t.database, authority: t.authority, clock: t.clock, hasher: createPasswordHasher(TEST_ARGON2), confirmationPepper: new Uint8Array(32) });
        const set = await setInstitutionPolicy(t.database.db, 'sample', 'desktopRegistrationClosedFrom', '2030-01-01', { nowMs: 1 });
        assert.equal(set.ok && set.policy.desktopRegistrationClosedFrom, '2030-01-01');
        const none = await setInstitutionPolicy(t.database.db, 'sample', 'desktopRegistrationClosedFrom', 'none', { nowMs: 2 });
        assert.equal(none.ok && none.policy.desktopRegistrationClosedFrom, null);
        const lock = await setInstitutionPolicy(t.database.db, 'demo', 'otpLockThreshold', '6', { nowMs: 3 });
        assert.equal(lock.ok && lock.policy.otpLockThreshold, 6);
        const bad = await setInstitutionPolicy(t.database.db, 'demo', 'otpLockThreshold', 'many', { nowMs: 4 });
        assert.equal(bad.ok, false);
        assert.deepEqual(await setInstitutionPolicy(t.database.db, 'nope', 'otpLockThreshold', '5', { nowMs: 5 }), { ok: false, reason: 'unknown_institution' });
        const unknownKey = await setInstitutionPolicy(t.database.db, 'demo', 'colour', 'red', { nowMs: 6 });
        assert.equal(unknownKey.ok, false);
        const mode = await setInstitutionPolicy(t.database.db, 'demo', 'confirmationMode', 'positions', { nowMs: 7 });
        assert.equal(mode.ok, true);
        assert.equal((await listInstitutions(t.database.db))[0]!.confirmation.mode, 'positions');
        const audits = await t.database.db.selectFrom('audit_log').select('action').where('action', '=', 'institution_policy_set').execute();
        assert.equal(audits.length, 4);
        assert.equal((await verifyAuditChain(t.database.db)).ok, true);
      } finally {
        await t.close();
      }
    });
  });
}
