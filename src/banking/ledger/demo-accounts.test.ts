import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason, withTestDatabase } from '../../../test/support/db/testing.js';
import { manualClock } from '../../shared/clock.js';
import { listAccountsOfContract } from './accounts.js';
import { ensureDemoAccount, ensureDemoAccounts } from './demo-accounts.js';
import { checkLedgerInvariants } from './ledger-invariants.js';
import { countingRandomBytes, seedCustomer, seedInstitution, TEST_START_MS } from '../../../test/support/banking/ledger/test-fixtures.js';

for (const dialect of DIALECTS) {
  describe(`demo accounts [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('opens each demo customer one funded account, once, however often it runs', () =>
      withTestDatabase(dialect, async (database) => {
        const db = database.db;
        const clock = manualClock(TEST_START_MS);
        await db.insertInto('institutions').values({
          slug: 'sample', name: 'サンプル信用金庫', name_en: 'Sample', bank_code: '9902', primary_colour: '#000000', support_name: 's', support_phone: 'p', support_hours: 'h',
          confirmation_mode: 'positions', confirmation_positions: 2, confirmation_name: '資金移動用パスワード', confirmation_name_en: 'x', policy: '{}', created_at: 0,
        }).execute();
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9901', clock });
        await seedCustomer(db, bank, { contractId: '1000000001' });
        await seedCustomer(db, { ...bank, slug: 'sample' }, { contractId: '1000000001' });
        await seedCustomer(db, { ...bank, slug: 'sample' }, { contractId: '1000000002' });
        const deps = { clock, randomBytes: countingRandomBytes };
        const first = await ensureDemoAccount(db, deps, { institution: 'demo', contractId: '1000000001' });
        assert.deepEqual(first.created && first.accountNumber, '1000001');
        assert.deepEqual(await ensureDemoAccount(db, deps, { institution: 'demo', contractId: '1000000001' }), { created: false });
        assert.equal(await ensureDemoAccounts(db, deps, ['1000000001', '1000000002']), 2, 'the sample branch is created on the way');
        assert.equal(await ensureDemoAccounts(db, deps, ['1000000001', '1000000002']), 0);
        const [account] = await listAccountsOfContract(db, { institution: 'sample', contractId: '1000000002' });
        assert.deepEqual([account?.account_number, account?.holder_name, account?.balance], ['1000002', 'ﾏﾓﾘ ﾊﾅｺ', 3_000_000]);
        assert.equal((await checkLedgerInvariants(db)).ok, true);
      }));
  });
}
