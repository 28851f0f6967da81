// Opening a contract at the branch when the branch's counter meets account numbers named
// before it: every demo database has the demo customers' accounts 1000001 and 1000002 at
// branch 001, which is where the counter starts. Found by the attack suite (a 500 at
// POST /branch/demo/contracts on a `mamori demo` database).
//
// And opening is idempotent per form (issue 12 §7): the お客様カード page reloaded (the browser
// sends the form again) or a double submit opened a second contract with the same name and
// 書面番号. The same form's key opens one contract however often, and however concurrently —
// the staged race holds every submission past its first look for an earlier one, so the
// database's conditional insert is what decides, on PostgreSQL through two connection pools
// as two processes would.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyAuditChain } from '../audit/audit-log.js';
import { openAccount } from '../banking/ledger/accounts.js';
import { countingRandomBytes, seedCustomer, seedInstitution } from '../../test/support/banking/ledger/test-fixtures.js';
import { createPasswordHasher, TEST_ARGON2, type PasswordHasher } from '../banking/password-hasher.js';
import { openDatabase } from '../db/database.js';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../test/support/db/testing.js';
import { systemRandomBytes } from '../shared/clock.js';
import { newIdempotencyKey } from '../shared/idempotency-key.js';
import { openContract, type CustomerCard, type OpenContractInput } from './open-contract.js';

/** Holds every caller's first hash until `parties` callers have arrived: all are past their look for an earlier submission. */
function hasherHoldingUntil(parties: number, inner: PasswordHasher): PasswordHasher {
  let arrived = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    ...inner,
    async hash(plain) {
      if (arrived < parties) {
        arrived += 1;
        if (arrived === parties) release();
        await gate;
      }
      return inner.hash(plain);
    },
  };
}

async function counts(database: TestDatabase, institution: string): Promise<{ customers: number; accounts: number; openings: number; created: number }> {
  const { db } = database;
  const count = async (query: Promise<{ n: string | number | bigint }>) => Number((await query).n);
  return {
    customers: await count(db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('institution', '=', institution).executeTakeFirstOrThrow()),
    accounts: await count(db.selectFrom('accounts').select((eb) => eb.fn.countAll().as('n')).where('institution', '=', institution).where('role', '=', 'customer').executeTakeFirstOrThrow()),
    openings: await count(db.selectFrom('contract_openings').select((eb) => eb.fn.countAll().as('n')).where('institution', '=', institution).executeTakeFirstOrThrow()),
    created: await count(db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'customer_created').executeTakeFirstOrThrow()),
  };
}

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
        const first = await openContract(db, deps, { ...input, name: '新規 一郎', formKey: newIdempotencyKey(systemRandomBytes) });
        const second = await openContract(db, deps, { ...input, name: '新規 二郎', formKey: newIdempotencyKey(systemRandomBytes) });
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

    describe('idempotent per form', () => {
      let database: TestDatabase;
      const deps = () => ({ hasher: createPasswordHasher(TEST_ARGON2), confirmationPepper: systemRandomBytes(32), randomBytes: systemRandomBytes, nowMs: () => Date.now() });
      const form = (formKey: string): OpenContractInput => ({
        institution: 'demo',
        name: '再送 太郎',
        holderName: 'ｻｲｿｳ ﾀﾛｳ',
        branchCode: '001',
        requestFormNo: 'A-2026-0707',
        reason: '新規申込書',
        operatorLogin: 'teller',
        formKey,
      });
      beforeEach(async () => {
        database = await createTestDatabase(dialect);
        await seedInstitution(database.db, { slug: 'demo', bankCode: '9990' });
      });
      afterEach(async () => {
        await database.close();
      });

      it('the same form sent again opens nothing and answers with the first card, without its passwords', async () => {
        const key = newIdempotencyKey(systemRandomBytes);
        const first = await openContract(database.db, deps(), form(key));
        assert.ok(first.ok && !first.replayed, JSON.stringify(first));
        const { initialLoginPassword: _p, confirmationPassword: _c, ...issued }: CustomerCard = first.card;
        for (let again = 0; again < 3; again++) {
          const replay = await openContract(database.db, deps(), { ...form(key), name: ' 再送 太郎 ' }); // the same fields as read (trimmed)
          assert.ok(replay.ok && replay.replayed, JSON.stringify(replay));
          assert.deepEqual(replay.card, issued, 'contract ID, account and issue date of the first card');
          assert.ok(!('initialLoginPassword' in replay.card) && !('confirmationPassword' in replay.card));
          const shown = JSON.stringify(replay);
          assert.ok(!shown.includes(first.card.initialLoginPassword) && !shown.includes(first.card.confirmationPassword));
        }
        assert.deepEqual(await counts(database, 'demo'), { customers: 1, accounts: 1, openings: 1, created: 1 });
        // Another form (another key) with the very same fields is another contract: two
        // customers of one name are possible, and only the key says "the same form".
        const other = await openContract(database.db, deps(), form(newIdempotencyKey(systemRandomBytes)));
        assert.ok(other.ok && !other.replayed && other.card.contractId !== first.card.contractId);
        assert.deepEqual(await counts(database, 'demo'), { customers: 2, accounts: 2, openings: 2, created: 2 });
        assert.equal((await verifyAuditChain(database.db)).ok, true);
      });

      it('the same key with other fields, or from another operator, opens nothing and shows nothing', async () => {
        const key = newIdempotencyKey(systemRandomBytes);
        const first = await openContract(database.db, deps(), form(key));
        assert.ok(first.ok);
        const edits: Partial<OpenContractInput>[] = [{ name: '別人 花子' }, { holderName: 'ﾍﾞﾂｼﾞﾝ' }, { requestFormNo: 'A-2026-0708' }, { reason: '別の申込' }, { operatorLogin: 'supervisor' }];
        for (const edit of edits) {
          assert.deepEqual(await openContract(database.db, deps(), { ...form(key), ...edit }), { ok: false, reason: 'form_already_used' }, JSON.stringify(edit));
        }
        assert.deepEqual(await counts(database, 'demo'), { customers: 1, accounts: 1, openings: 1, created: 1 });
      });

      it('a form without a key of the right shape is misuse', async () => {
        for (const formKey of ['', 'short', 'x'.repeat(31) + '=', 'x'.repeat(33)]) {
          await assert.rejects(openContract(database.db, deps(), form(formKey)), TypeError);
        }
        assert.deepEqual(await counts(database, 'demo'), { customers: 0, accounts: 0, openings: 0, created: 0 });
      });

      it('10 concurrent submissions of one form, all past their first look, open exactly one contract', async () => {
        // On PostgreSQL half of them through a second pool of connections, as a second bank
        // process would; on SQLite (one process, one connection) transactions take turns.
        const second = dialect === 'postgres' ? openDatabase(database.location) : undefined;
        try {
          const key = newIdempotencyKey(systemRandomBytes);
          const shared = { ...deps(), hasher: hasherHoldingUntil(10, createPasswordHasher(TEST_ARGON2)) };
          const results = await Promise.all(
            Array.from({ length: 10 }, (_, i) => openContract(i % 2 === 1 && second ? second.db : database.db, shared, form(key))),
          );
          const opened = results.filter((r) => r.ok && !r.replayed);
          const replayed = results.filter((r) => r.ok && r.replayed);
          assert.equal(opened.length, 1, JSON.stringify(results));
          assert.equal(replayed.length, 9, JSON.stringify(results));
          const contractId = opened[0]!.ok ? opened[0]!.card.contractId : '';
          for (const r of replayed) assert.ok(r.ok && r.card.contractId === contractId && !('initialLoginPassword' in r.card));
          assert.deepEqual(await counts(database, 'demo'), { customers: 1, accounts: 1, openings: 1, created: 1 });
          assert.equal((await verifyAuditChain(database.db)).ok, true);
        } finally {
          await second?.close();
        }
      });
    });
  });
}
