import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason, withTestDatabase } from '../../../test/support/db/testing.js';
import { countingRandomBytes } from '../../../test/support/banking/ledger/test-fixtures.js';
import { deleteStalePendingTransfers, PENDING_RETENTION_MS } from './pending-cleanup.js';
import { PENDING_TRANSFER_TTL_MS } from './prepare-transfer.js';
import { addRegisteredPayee, listRegisteredPayees, removeRegisteredPayee, updateRegisteredPayee } from './registered-payees.js';
import { createWorld } from '../../../test/support/banking/transfers/test-world.js';

for (const dialect of DIALECTS) {
  describe(`registered payees [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('adds, lists, updates and removes a contract\'s payees, each audited', () =>
      withTestDatabase(dialect, async (database) => {
        const world = await createWorld(database.db);
        const deps = { nowMs: world.bank.clock.nowMs(), randomBytes: countingRandomBytes };
        const alice = { institution: 'demo', contractId: '1000000001', actor: 'customer:1000000001' };
        const payee = { bankCode: '0001', branchCode: '100', accountType: 'ordinary', accountNumber: '１２３４５６７', name: 'やまだ たろう' };
        const added = await addRegisteredPayee(database.db, deps, { ...alice, payee, nickname: '大家さん' });
        assert.ok(added.ok, JSON.stringify(added));
        assert.deepEqual(
          [added.payee.bank_name, added.payee.branch_name, added.payee.account_number, added.payee.payee_name, added.payee.nickname],
          ['みずほ', '本店', '1234567', 'ﾔﾏﾀﾞ ﾀﾛｳ', '大家さん'],
        );
        assert.deepEqual(await addRegisteredPayee(database.db, deps, { ...alice, payee }), { ok: false, error: 'payee_already_registered' });
        assert.deepEqual(await addRegisteredPayee(database.db, deps, { ...alice, payee: { ...payee, branchCode: '998' } }), { ok: false, error: 'branch_not_found', field: 'branchCode' });
        assert.deepEqual(await addRegisteredPayee(database.db, deps, { ...alice, payee: { ...payee, name: '' } }), { ok: false, error: 'payee_name_empty', field: 'name' });
        const own = await addRegisteredPayee(database.db, deps, { ...alice, payee: { bankCode: '9990', branchCode: '001', accountType: 'ordinary', accountNumber: world.bob.account_number!, name: 'ﾏﾓﾘ ﾊﾅｺ' } });
        assert.ok(own.ok);
        assert.equal(own.payee.bank_name, 'demo信用金庫');

        const updated = await updateRegisteredPayee(database.db, deps, { ...alice, payeeId: added.payee.id, payee: { ...payee, accountNumber: '7654321' }, nickname: '' });
        assert.ok(updated.ok);
        assert.equal(updated.payee.account_number, '7654321');
        // Bob sees none of Alice's payees and cannot touch them.
        assert.deepEqual(await listRegisteredPayees(database.db, { institution: 'demo', contractId: '1000000002' }), []);
        assert.deepEqual(await removeRegisteredPayee(database.db, deps, { institution: 'demo', contractId: '1000000002', payeeId: added.payee.id, actor: 'customer:1000000002' }), { ok: false, error: 'payee_not_found' });
        assert.deepEqual(await updateRegisteredPayee(database.db, deps, { institution: 'demo', contractId: '1000000002', payeeId: added.payee.id, payee, actor: 'x' }), { ok: false, error: 'payee_not_found' });
        assert.deepEqual(await removeRegisteredPayee(database.db, deps, { ...alice, payeeId: added.payee.id }), { ok: true });
        assert.deepEqual((await listRegisteredPayees(database.db, alice)).map((p) => p.id), [own.payee.id]);
        const actions = await database.db.selectFrom('audit_log').select('action').where('action', 'like', 'payee_%').orderBy('seq').execute();
        assert.deepEqual(actions.map((a) => a.action), ['payee_registered', 'payee_registered', 'payee_updated', 'payee_removed']);
      }));

    it('deletes pending transfers a day after they expired, and nothing else', () =>
      withTestDatabase(dialect, async (database) => {
        const world = await createWorld(database.db);
        const old = await world.prepare();
        const done = await world.prepare();
        assert.ok(old.ok && done.ok);
        assert.ok((await world.confirm(done.transfer)).ok);
        const cutoff = world.bank.clock.nowMs() + PENDING_TRANSFER_TTL_MS + PENDING_RETENTION_MS;
        assert.deepEqual(await deleteStalePendingTransfers(database.db, { nowMs: cutoff }), { deleted: 0 });
        assert.deepEqual(await deleteStalePendingTransfers(database.db, { nowMs: cutoff + 1 }), { deleted: 1 });
        const left = await database.db.selectFrom('transfers').select('id').execute();
        assert.deepEqual(left.map((t) => t.id), [done.transfer.id]);
      }));
  });
}
