// Opening a contract at the branch when the branch's counter meets account numbers named
// before it: every demo database has the demo customers' accounts 1000001 and 1000002 at
// branch 001, which is where the counter starts. Found by the attack suite (a 500 at
// POST /branch/demo/contracts on a `mamori demo` database).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyAuditChain } from '../audit/audit-log.js';
import { openAccount } from '../banking/ledger/accounts.js';
import { countingRandomBytes, seedCustomer, seedInstitution } from '../banking/ledger/test-fixtures.js';
import { createPasswordHasher, TEST_ARGON2 } from '../banking/password-hasher.js';
import { createTestDatabase, DIALECTS, skipReason } from '../db/testing.js';
import { systemRandomBytes } from '../shared/clock.js';
import { openContract } from './open-contract.js';

for (const dialect of DIALECTS) {
  describe(`opening a contract [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('takes the next free account number past numbers named before (the demo accounts)', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const { db } = database;
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        for (const contractId of ['1000000001', '1000000002']) {
          await seedCustomer(db, bank, { contractId });
          const named = await openAccount(db, { nowMs: bank.clock.nowMs(), randomBytes: countingRandomBytes }, {
            institution: 'demo',
            contractId,
            branchCode: '001',
            accountNumber: `100000${contractId.slice(-1)}`,
            holderName: 'ﾏﾓﾘ ﾀﾛｳ',
            actor: 'system',
          });
          assert.ok(named.ok);
        }
        const deps = { hasher: createPasswordHasher(TEST_ARGON2), confirmationPepper: systemRandomBytes(32), randomBytes: systemRandomBytes, nowMs: () => bank.clock.nowMs() };
        const input = { institution: 'demo', holderName: 'ｼﾝｷ ｹｲﾔｸ', branchCode: '001', requestFormNo: 'R-1', reason: 'test', operatorLogin: 'teller' };
        const first = await openContract(db, deps, { ...input, name: '新規 一郎' });
        const second = await openContract(db, deps, { ...input, name: '新規 二郎' });
        assert.ok(first.ok && second.ok, JSON.stringify([first, second]));
        assert.deepEqual([first.card.accountNumber, second.card.accountNumber], ['1000003', '1000004']);
        const accounts = await db.selectFrom('accounts').select(['contract_id', 'account_number']).where('role', '=', 'customer').orderBy('account_number').execute();
        assert.deepEqual(accounts.map((a) => a.account_number), ['1000001', '1000002', '1000003', '1000004']);
        assert.equal(accounts[2]!.contract_id, first.card.contractId);
        assert.equal((await verifyAuditChain(db)).ok, true);
      } finally {
        await database.close();
      }
    });
  });
}
