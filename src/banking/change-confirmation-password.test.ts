// The confirmation password's change in the domain: stored in both forms at once, by
// compare-and-set on exactly the hash that was verified, with its audit record — and nothing
// written when the contract changed meanwhile (another change, a suspension, a password lock).
// The current login password's check counts toward the password lock. Both dialects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyAuditChain } from '../audit/audit-log.js';
import { DIALECTS, skipReason, withTestDatabase } from '../../test/support/db/testing.js';
import { seedCustomer, seedInstitution } from '../../test/support/banking/ledger/test-fixtures.js';
import { storeChangedConfirmationPassword } from './change-confirmation-password.js';
import { checkCurrentLoginPassword } from './change-login-password.js';
import { confirmationMatches, storeConfirmationPassword } from './confirmation-password.js';
import { findCustomer } from './customers.js';
import { createPasswordHasher, TEST_ARGON2 } from './password-hasher.js';

const hasher = createPasswordHasher(TEST_ARGON2);
const pepper = new Uint8Array(32).fill(7);
const CONTRACT = '1000000001';

for (const dialect of DIALECTS) {
  describe(`changing a confirmation password [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('stores both forms by compare-and-set on the verified hash, audited; a stale hash, a suspension or a lock writes nothing', () =>
      withTestDatabase(dialect, async (database) => {
        const { db } = database;
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        await seedCustomer(db, bank, { contractId: CONTRACT });
        const first = await storeConfirmationPassword(hasher, pepper, { contractId: CONTRACT, confirmationPassword: '246810' });
        await db.updateTable('customers').set({ confirmation_hash: first.confirmationHash, confirmation_pairs: first.confirmationPairs }).where('contract_id', '=', CONTRACT).execute();
        const next = await storeConfirmationPassword(hasher, pepper, { contractId: CONTRACT, confirmationPassword: '135792' });
        const input = { institution: 'demo', contractId: CONTRACT, policy: bank.policy, stored: next, nowMs: bank.clock.nowMs(), path: 'test' };

        // A hash that is no longer the stored one (changed meanwhile): nothing.
        assert.equal(await db.transaction().execute((trx) => storeChangedConfirmationPassword(trx, { ...input, verifiedHash: 'stale' })), false);
        // Suspended, or locked by wrong passwords, since the check: nothing.
        await db.updateTable('customers').set({ status: 'suspended' }).where('contract_id', '=', CONTRACT).execute();
        assert.equal(await db.transaction().execute((trx) => storeChangedConfirmationPassword(trx, { ...input, verifiedHash: first.confirmationHash })), false);
        await db.updateTable('customers').set({ status: 'active', password_failures: bank.policy.passwordLockThreshold }).where('contract_id', '=', CONTRACT).execute();
        assert.equal(await db.transaction().execute((trx) => storeChangedConfirmationPassword(trx, { ...input, verifiedHash: first.confirmationHash })), false);
        assert.equal((await findCustomer(db, 'demo', CONTRACT))!.confirmation_hash, first.confirmationHash);
        assert.equal((await db.selectFrom('audit_log').select('seq').where('action', '=', 'confirmation_password_changed').execute()).length, 0);

        await db.updateTable('customers').set({ password_failures: 0 }).where('contract_id', '=', CONTRACT).execute();
        assert.equal(await db.transaction().execute((trx) => storeChangedConfirmationPassword(trx, { ...input, verifiedHash: first.confirmationHash })), true);
        const row = (await findCustomer(db, 'demo', CONTRACT))!;
        const stored = { contractId: CONTRACT, confirmationHash: row.confirmation_hash, confirmationPairs: row.confirmation_pairs };
        assert.ok(await confirmationMatches(hasher, pepper, stored, { mode: 'whole', value: '135792' }));
        for (const [i, j] of [[1, 2], [3, 6], [5, 6]] as const) {
          assert.ok(await confirmationMatches(hasher, pepper, stored, { mode: 'positions', digits: { [i]: '135792'[i - 1]!, [j]: '135792'[j - 1]! } }), `${i},${j}`);
        }
        assert.ok(!(await confirmationMatches(hasher, pepper, stored, { mode: 'whole', value: '246810' })));
        // The old hash is gone: a second change from it is refused.
        assert.equal(await db.transaction().execute((trx) => storeChangedConfirmationPassword(trx, { ...input, verifiedHash: first.confirmationHash })), false);
        const audit = await db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'confirmation_password_changed').execute();
        assert.deepEqual(audit, [{ actor: `customer:${CONTRACT}`, details: '{"path":"test"}' }]);
        assert.ok((await verifyAuditChain(db)).ok);
      }));

    it('checks the current login password under an attempt: wrong ones count, the locking one says locked', () =>
      withTestDatabase(dialect, async (database) => {
        const { db } = database;
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        await seedCustomer(db, bank, { contractId: CONTRACT });
        await db.updateTable('customers').set({ login_password_hash: await hasher.hash('Mamori-2026') }).where('contract_id', '=', CONTRACT).execute();
        const check = async (password: string) =>
          checkCurrentLoginPassword(db, { hasher, nowMs: () => bank.clock.nowMs() }, { customer: (await findCustomer(db, 'demo', CONTRACT))!, policy: bank.policy, password, path: 'test' });
        assert.equal(await check('Mamori-2026'), 'right');
        for (let n = 1; n < bank.policy.passwordLockThreshold; n++) assert.equal(await check('wrong'), 'wrong', `wrong ${n}`);
        assert.equal(await check('wrong'), 'locked');
        assert.equal((await findCustomer(db, 'demo', CONTRACT))!.password_failures, bank.policy.passwordLockThreshold);
        assert.equal(await check('Mamori-2026'), 'locked', 'the right one after the lock is refused');
      }));
  });
}
