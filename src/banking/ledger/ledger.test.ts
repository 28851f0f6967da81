import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../../test/support/db/testing.js';
import { findAccount, getBalance, openAccount, systemAccountId } from './accounts.js';
import { deposit } from './deposit.js';
import { listHistory } from './history.js';
import { postJournalEntry } from './journal.js';
import { checkLedgerInvariants } from './ledger-invariants.js';
import { countingRandomBytes, seedCustomer, seedFundedAccount, seedInstitution } from '../../../test/support/banking/ledger/test-fixtures.js';
import { transactOutcome } from './transact.js';

async function withDatabase(dialect: (typeof DIALECTS)[number], run: (database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await createTestDatabase(dialect);
  try {
    await run(database);
  } finally {
    await database.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`ledger [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('opens accounts with sequential numbers per branch and refuses a taken number', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        await seedCustomer(db, bank, { contractId: '1000000001' });
        const deps = { nowMs: bank.clock.nowMs(), randomBytes: countingRandomBytes };
        const base = { institution: 'demo', contractId: '1000000001', branchCode: '001', actor: 'system' };
        const a = await openAccount(db, deps, { ...base, holderName: 'ヤマダ タロウ' });
        const b = await openAccount(db, deps, { ...base, holderName: 'ﾔﾏﾀﾞ ﾀﾛｳ' });
        assert.ok(a.ok && b.ok);
        assert.equal(a.account.account_number, '1000001');
        assert.equal(b.account.account_number, '1000002');
        assert.equal(a.account.holder_name, 'ﾔﾏﾀﾞ ﾀﾛｳ');
        assert.deepEqual(await openAccount(db, deps, { ...base, holderName: 'ｱ', accountNumber: '1000002' }), { ok: false, error: 'account_number_taken' });
        assert.deepEqual(await openAccount(db, deps, { ...base, holderName: 'ｱ', branchCode: '002' }), { ok: false, error: 'unknown_branch' });
        assert.deepEqual(await openAccount(db, deps, { ...base, holderName: 'ｱ', branchCode: '1' }), { ok: false, error: 'invalid_branch_code' });
        assert.deepEqual(await openAccount(db, deps, { ...base, holderName: 'ｱ', accountNumber: '123' }), { ok: false, error: 'invalid_account_number' });
        assert.deepEqual(await openAccount(db, deps, { ...base, holderName: '山田' }), { ok: false, error: 'holder_name_invalid_characters' });
        assert.equal(await getBalance(db, a.account.id), 0);
        assert.ok((await findAccount(db, systemAccountId('demo', 'clearing'))) !== undefined);
      });
    });

    it('skips numbers named before the counter reaches them (the demo accounts 1000001, 1000002)', async () => {
      // Regression: the unique violation rolled the counter back with it, so every retry drew
      // the same taken number and opening an account failed once a number had been named.
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        await seedCustomer(db, bank, { contractId: '1000000001' });
        const deps = { nowMs: bank.clock.nowMs(), randomBytes: countingRandomBytes };
        const base = { institution: 'demo', contractId: '1000000001', branchCode: '001', actor: 'system', holderName: 'ｱ' };
        for (const accountNumber of ['1000001', '1000002', '1000004']) assert.ok((await openAccount(db, deps, { ...base, accountNumber })).ok);
        const counted = [];
        for (let i = 0; i < 2; i++) {
          const opened = await openAccount(db, deps, base);
          assert.ok(opened.ok, JSON.stringify(opened));
          counted.push(opened.account.account_number);
        }
        assert.deepEqual(counted, ['1000003', '1000005']);
      });
    });

    it('opens accounts concurrently without handing out a number twice', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        await seedCustomer(db, bank, { contractId: '1000000001' });
        const results = await Promise.all(
          Array.from({ length: 8 }, () =>
            openAccount(db, { nowMs: 1, randomBytes: countingRandomBytes }, { institution: 'demo', contractId: '1000000001', branchCode: '001', holderName: 'ｱ', actor: 'system' }),
          ),
        );
        const numbers = results.map((r) => (r.ok ? r.account.account_number : r.error));
        assert.equal(new Set(numbers).size, 8, numbers.join());
      });
    });

    it('deposits from demo funding, keeping every sum at zero', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        const account = await seedFundedAccount(db, bank, { contractId: '1000000001', holderName: 'ﾔﾏﾀﾞ ﾀﾛｳ', balanceYen: 3_000_000 });
        assert.equal(await getBalance(db, account.id), 3_000_000);
        assert.equal(await getBalance(db, systemAccountId('demo', 'demo_funding')), -3_000_000);
        const deps = { nowMs: 5, randomBytes: countingRandomBytes };
        assert.deepEqual(await deposit(db, deps, { accountId: account.id, amountYen: 0, actor: 'system' }), { ok: false, error: 'amount_not_positive' });
        assert.deepEqual(await deposit(db, deps, { accountId: account.id, amountYen: 1.5, actor: 'system' }), { ok: false, error: 'amount_not_positive' });
        assert.deepEqual(await deposit(db, deps, { accountId: 'acc_nope', amountYen: 1, actor: 'system' }), { ok: false, error: 'account_not_found' });
        assert.deepEqual(
          await deposit(db, deps, { accountId: systemAccountId('demo', 'clearing'), amountYen: 1, actor: 'system' }),
          { ok: false, error: 'account_not_found' },
        );
        assert.deepEqual(await checkLedgerInvariants(db), { ok: true, accounts: 4, entries: 1 });
        assert.equal((await verifyAuditChain(db)).ok, true);
      });
    });

    it('refuses an overdraft and rolls the whole entry back', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        const a = await seedFundedAccount(db, bank, { contractId: '1000000001', holderName: 'ｱ', balanceYen: 1000 });
        const b = await seedFundedAccount(db, bank, { contractId: '1000000002', holderName: 'ｲ', balanceYen: 0 });
        const move = (amountYen: number) =>
          transactOutcome(db, (trx) =>
            postJournalEntry(trx, {
              entryId: `je_${amountYen}`,
              institution: 'demo',
              kind: 'transfer',
              transferId: null,
              nowMs: 1,
              actor: 'test',
              // the credit sorts first or last depending on ids: the rollback must undo it either way
              postings: [
                { accountId: b.id, amountYen, description: 'in' },
                { accountId: a.id, amountYen: -amountYen, description: 'out' },
              ],
            }),
          );
        assert.deepEqual(await move(1001), { ok: false, error: 'insufficient_funds', accountId: a.id });
        assert.equal(await getBalance(db, b.id), 0);
        assert.equal((await move(1000)).ok, true);
        assert.equal(await getBalance(db, a.id), 0);
        assert.equal(await getBalance(db, b.id), 1000);
        assert.equal((await checkLedgerInvariants(db)).ok, true);
      });
    });

    it('refuses unbalanced entries as misuse', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        const a = await seedFundedAccount(db, bank, { contractId: '1000000001', holderName: 'ｱ', balanceYen: 1000 });
        const post = (postings: { accountId: string; amountYen: number; description: string }[]) =>
          transactOutcome(db, (trx) => postJournalEntry(trx, { entryId: 'je_x', institution: 'demo', kind: 'transfer', transferId: null, nowMs: 1, actor: 't', postings }));
        await assert.rejects(post([{ accountId: a.id, amountYen: -1, description: '' }]), TypeError);
        await assert.rejects(post([{ accountId: a.id, amountYen: -1, description: '' }, { accountId: a.id, amountYen: 2, description: '' }]), TypeError);
        await assert.rejects(post([{ accountId: a.id, amountYen: -0.5, description: '' }, { accountId: a.id, amountYen: 0.5, description: '' }]), TypeError);
        await assert.rejects(post([{ accountId: a.id, amountYen: -1, description: '' }, { accountId: 'acc_missing', amountYen: 1, description: '' }]), TypeError);
        assert.equal((await checkLedgerInvariants(db)).ok, true);
      });
    });

    it('lists the history newest first, a page at a time, with running balances', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        const account = await seedFundedAccount(db, bank, { contractId: '1000000001', holderName: 'ｱ', balanceYen: 0 });
        for (let i = 1; i <= 25; i++) {
          bank.clock.advance(1000);
          await deposit(db, { nowMs: bank.clock.nowMs(), randomBytes: countingRandomBytes }, { accountId: account.id, amountYen: i, actor: 'system' });
        }
        const first = await listHistory(db, { accountId: account.id, page: 1, pageSize: 10 });
        assert.ok(first);
        assert.equal(first.totalItems, 25);
        assert.equal(first.pageCount, 3);
        assert.deepEqual(first.items.map((l) => l.amountYen), [25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
        assert.equal(first.items[0]!.balanceAfterYen, (25 * 26) / 2);
        const last = await listHistory(db, { accountId: account.id, page: 3, pageSize: 10 });
        assert.deepEqual(last!.items.map((l) => l.amountYen), [5, 4, 3, 2, 1]);
        const beyond = await listHistory(db, { accountId: account.id, page: 99, pageSize: 10 });
        assert.equal(beyond!.page, 3);
        assert.equal(await listHistory(db, { accountId: 'acc_none', page: 1, pageSize: 10 }), undefined);
        await assert.rejects(listHistory(db, { accountId: account.id, page: 1, pageSize: 0 }), TypeError);
      });
    });

    it('reports tampering: a changed balance, a changed posting, a deleted posting', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        const account = await seedFundedAccount(db, bank, { contractId: '1000000001', holderName: 'ｱ', balanceYen: 500 });
        await db.updateTable('accounts').set({ balance: 600 }).where('id', '=', account.id).execute();
        const check = await checkLedgerInvariants(db);
        assert.equal(check.ok, false);
        assert.deepEqual(
          !check.ok && check.problems.map((p) => p.kind).sort(),
          ['balance_after_mismatch', 'balance_mismatch', 'sum_not_zero'],
        );
        await db.updateTable('accounts').set({ balance: 500 }).where('id', '=', account.id).execute();
        await db.updateTable('postings').set({ amount: 400 }).where('account_id', '=', account.id).execute();
        const changed = await checkLedgerInvariants(db);
        assert.ok(!changed.ok && changed.problems.some((p) => p.kind === 'entry_unbalanced'));
        await db.deleteFrom('postings').where('account_id', '=', account.id).execute();
        const deleted = await checkLedgerInvariants(db);
        assert.ok(!deleted.ok && deleted.problems.some((p) => p.kind === 'sequence_mismatch'));
      });
    });

    it('keeps a customer balance from going negative even for a direct update (CHECK)', async () => {
      await withDatabase(dialect, async ({ db }) => {
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        const account = await seedFundedAccount(db, bank, { contractId: '1000000001', holderName: 'ｱ', balanceYen: 5 });
        await assert.rejects(db.updateTable('accounts').set({ balance: -1 }).where('id', '=', account.id).execute());
      });
    });
  });
}
