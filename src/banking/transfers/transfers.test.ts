import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../../test/support/db/testing.js';
import { getBalance, systemAccountId } from '../ledger/accounts.js';
import { deposit } from '../ledger/deposit.js';
import { listHistory } from '../ledger/history.js';
import { checkLedgerInvariants } from '../ledger/ledger-invariants.js';
import { countingRandomBytes } from '../../../test/support/banking/ledger/test-fixtures.js';
import { changeDailyLimit } from '../limits/change-limit.js';
import { formatOutgoingCsv, listOutgoingForExport, markTransfersExported } from './clearing-export.js';
import { PENDING_TRANSFER_TTL_MS } from './prepare-transfer.js';
import { checkTransferInvariants } from './transfer-invariants.js';
import { confirmBodyOf, createWorld, type World } from '../../../test/support/banking/transfers/test-world.js';

async function withWorld(dialect: (typeof DIALECTS)[number], run: (world: World, database: TestDatabase) => Promise<void>, options?: Parameters<typeof createWorld>[1]) {
  const database = await createTestDatabase(dialect);
  try {
    await run(await createWorld(database.db, options), database);
  } finally {
    await database.close();
  }
}

async function assertAllInvariants(world: World) {
  assert.deepEqual((await checkLedgerInvariants(world.db)).ok, true, JSON.stringify(await checkLedgerInvariants(world.db)));
  const transfers = await checkTransferInvariants(world.db);
  assert.equal(transfers.ok, true, JSON.stringify(transfers));
  assert.equal((await verifyAuditChain(world.db)).ok, true);
}

for (const dialect of DIALECTS) {
  describe(`transfers [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('refuses each bad input with its own code and stores nothing', async () => {
      await withWorld(dialect, async (world) => {
        const cases: [Parameters<World['prepare']>[0], string, string][] = [
          [{ amount: '0' }, 'amount_not_positive', 'amount'],
          [{ amount: '-500' }, 'amount_not_positive', 'amount'],
          [{ amount: '1000.5' }, 'amount_not_integer', 'amount'],
          [{ amount: '1,000' }, 'amount_has_separators', 'amount'],
          [{ amount: '１０００' }, 'amount_full_width', 'amount'],
          [{ amount: '' }, 'amount_required', 'amount'],
          [{ amount: '千円' }, 'amount_not_a_number', 'amount'],
          [{ amount: '3000001' }, 'insufficient_funds', 'amount'],
          [{ amount: '500001' }, 'limit_exceeded', 'amount'],
          [{ payee: { accountNumber: '7654321' } }, 'payee_not_found', 'accountNumber'],
          [{ payee: { accountNumber: '123' } }, 'account_number_invalid', 'accountNumber'],
          [{ payee: { accountType: 'current' } }, 'payee_not_found', 'accountNumber'],
          [{ payee: { accountType: 'fixed' } }, 'account_type_invalid', 'accountType'],
          [{ payee: { name: 'ヤマダ タロウ' } }, 'payee_name_mismatch', 'name'],
          [{ payee: { name: '山田' } }, 'payee_name_invalid_characters', 'name'],
          [{ payee: { bankCode: '1234' } }, 'bank_not_found', 'bankCode'],
          [{ payee: { branchCode: '999' } }, 'branch_not_found', 'branchCode'],
          [{ payee: { bankCode: '12' } }, 'bank_code_invalid', 'bankCode'],
          [{ contractId: '1000000002' }, 'source_account_not_found', 'sourceAccount'],
        ];
        for (const [overrides, error, field] of cases) {
          const result = await world.prepare(overrides);
          assert.equal(result.ok, false, `${JSON.stringify(overrides)} should fail`);
          assert.deepEqual(!result.ok && [result.error, result.field], [error, field], JSON.stringify(overrides));
        }
        const own = await world.prepare({ payee: { accountNumber: world.alice.account_number!, name: 'ﾏﾓﾘ ﾀﾛｳ' } });
        assert.deepEqual(!own.ok && own.error, 'payee_is_source');
        const rows = await world.db.selectFrom('transfers').selectAll().execute();
        assert.equal(rows.length, 0);
        assert.equal(await getBalance(world.db, world.alice.id), 3_000_000);
        await assertAllInvariants(world);
      });
    });

    it('accepts full-width digits in codes and the account number, and any kana in the name', async () => {
      await withWorld(dialect, async (world) => {
        const number = world.bob.account_number!.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
        const result = await world.prepare({ payee: { bankCode: '９９９０', branchCode: '００１', accountNumber: number, name: 'まもり　はなこ' } });
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.transfer.payee.name, 'ﾏﾓﾘ ﾊﾅｺ');
        assert.equal(result.transfer.payee.accountNumber, world.bob.account_number);
      });
    });

    it('credits a payee at the same institution at once, with a 受付番号 and history lines', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '12345' });
        assert.ok(prepared.ok);
        assert.equal(prepared.transfer.kind, 'internal');
        assert.equal(prepared.transfer.feeYen, 0);
        assert.equal(prepared.transfer.status, 'pending');
        assert.equal(prepared.transfer.expiresAtMs, world.bank.clock.nowMs() + PENDING_TRANSFER_TTL_MS);
        const confirmed = await world.confirm(prepared.transfer);
        assert.ok(confirmed.ok, JSON.stringify(confirmed));
        assert.equal(confirmed.replayed, false);
        assert.equal(confirmed.receipt.referenceNo, '20261121-000001');
        assert.equal(confirmed.receipt.sourceBalanceAfterYen, 3_000_000 - 12345);
        assert.equal(await getBalance(world.db, world.alice.id), 3_000_000 - 12345);
        assert.equal(await getBalance(world.db, world.bob.id), 3_000_000 + 12345);
        const aliceHistory = await listHistory(world.db, { accountId: world.alice.id, page: 1, pageSize: 10 });
        assert.deepEqual(aliceHistory!.items[0]!.description, '振込 ﾏﾓﾘ ﾊﾅｺ');
        const bobHistory = await listHistory(world.db, { accountId: world.bob.id, page: 1, pageSize: 10 });
        assert.deepEqual([bobHistory!.items[0]!.amountYen, bobHistory!.items[0]!.description], [12345, '振込 ﾏﾓﾘ ﾀﾛｳ']);
        const second = await world.prepare({ amount: '1' });
        assert.ok(second.ok);
        const confirmedSecond = await world.confirm(second.transfer, { answer: { kind: 'code', code: '123456' }, customer: { bindingId: 'bind_alice_2', otpLocked: false, passwordLocked: false } });
        assert.ok(confirmedSecond.ok, JSON.stringify(confirmedSecond));
        assert.equal(confirmedSecond.receipt.referenceNo, '20261121-000002');
        await assertAllInvariants(world);
      });
    });

    it('debits another bank\'s transfer into clearing, charges the fee and lists it for export', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '50000', payee: { bankCode: '0001', branchCode: '100', accountNumber: '0123456', name: 'ﾐｽﾞﾎ ｲﾁﾛｳ' } });
        assert.ok(prepared.ok, JSON.stringify(prepared));
        assert.equal(prepared.transfer.kind, 'external');
        assert.equal(prepared.transfer.payee.bankName, 'みずほ');
        assert.equal(prepared.transfer.payee.branchName, '本店');
        assert.equal(prepared.transfer.feeYen, 220);
        const confirmed = await world.confirm(prepared.transfer);
        assert.ok(confirmed.ok);
        assert.equal(await getBalance(world.db, world.alice.id), 3_000_000 - 50_220);
        assert.equal(await getBalance(world.db, systemAccountId('demo', 'clearing')), 50_000);
        assert.equal(await getBalance(world.db, systemAccountId('demo', 'fees')), 220);
        const outgoing = await listOutgoingForExport(world.db, { institution: 'demo' });
        assert.deepEqual(outgoing.map((t) => [t.referenceNo, t.amountYen, t.payee.accountNumber]), [['20261121-000001', 50000, '0123456']]);
        const csv = formatOutgoingCsv(outgoing);
        assert.match(csv, /^reference_no,business_day,/);
        assert.match(csv, /\r\n20261121-000001,2026-11-21,2026-11-21T10:00:00\+09:00,001,1000001,ﾏﾓﾘ ﾀﾛｳ,0001,みずほ,100,本店,1,0123456,ﾐｽﾞﾎ ｲﾁﾛｳ,50000\r\n$/);
        assert.deepEqual(await markTransfersExported(world.db, { nowMs: 1 }, { institution: 'demo', transferIds: [prepared.transfer.id], actor: 'operator:teller' }), { marked: 1 });
        assert.deepEqual(await listOutgoingForExport(world.db, { institution: 'demo' }), []);
        assert.equal((await listOutgoingForExport(world.db, { institution: 'demo', includeExported: true })).length, 1);
        await assertAllInvariants(world);
      });
    });

    it('treats another institution on this platform as another bank', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ payee: { bankCode: '9991', branchCode: '001', accountNumber: '1000001', name: 'ﾀﾞﾚｶ' } });
        assert.ok(prepared.ok, JSON.stringify(prepared));
        assert.equal(prepared.transfer.kind, 'external');
        assert.equal(prepared.transfer.payee.bankName, 'sample信用金庫');
      });
    });

    it('confirms once: a double submit and a retry return the same receipt and one posting', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '7000' });
        assert.ok(prepared.ok);
        const first = await world.confirm(prepared.transfer);
        const again = await world.confirm(prepared.transfer); // same code: the authority says "replayed"
        const later = await world.confirm(prepared.transfer, { answer: { kind: 'code', code: '000000' } });
        assert.ok(first.ok && again.ok && later.ok);
        assert.equal(again.replayed, true);
        assert.deepEqual(again.receipt, first.receipt);
        assert.deepEqual(later.receipt, first.receipt);
        assert.equal(world.ports.wrongCodes, 0, 'a retry of a done transfer is no wrong code');
        assert.equal(world.ports.verified.length, 1, 'a done transfer asks the authority nothing');
        assert.equal(await getBalance(world.db, world.alice.id), 3_000_000 - 7000);
        await assertAllInvariants(world);
      });
    });

    it('refuses a retry with another body or key, and another contract\'s confirm', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '7000' });
        assert.ok(prepared.ok);
        const t = prepared.transfer;
        const body = confirmBodyOf(t);
        assert.deepEqual(await world.confirm(t, { body: { ...body, amountYen: 70000 } }), { ok: false, error: 'transfer_body_mismatch' });
        assert.deepEqual(await world.confirm(t, { body: { ...body, payee: { ...body.payee, accountNumber: world.carol.account_number! } } }), { ok: false, error: 'transfer_body_mismatch' });
        assert.deepEqual(await world.confirm(t, { idempotencyKey: 'x'.repeat(32) }), { ok: false, error: 'transfer_not_found' });
        assert.deepEqual(await world.confirm(t, { contractId: '1000000002' }), { ok: false, error: 'transfer_not_found' });
        assert.ok((await world.confirm(t)).ok);
        assert.deepEqual(await world.confirm(t, { body: { ...body, amountYen: 70000 } }), { ok: false, error: 'transfer_body_mismatch' });
        assert.equal(world.ports.verified.length, 1);
        await assertAllInvariants(world);
      });
    });

    it('lets a pending transfer expire', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare();
        assert.ok(prepared.ok);
        world.bank.clock.advance(PENDING_TRANSFER_TTL_MS + 1);
        assert.deepEqual(await world.confirm(prepared.transfer), { ok: false, error: 'transfer_expired' });
        assert.equal(world.ports.verified.length, 0);
      });
    });

    it('checks balance and limit again at confirm, and rolls back everything when either fails', async () => {
      await withWorld(dialect, async (world) => {
        const big = await world.prepare({ amount: '400000' });
        const other = await world.prepare({ amount: '200000' });
        assert.ok(big.ok && other.ok);
        assert.ok((await world.confirm(big.transfer)).ok);
        const refused = await world.confirm(other.transfer, { answer: { kind: 'code', code: '123456' }, customer: { bindingId: 'b2', otpLocked: false, passwordLocked: false } });
        assert.deepEqual(refused, { ok: false, error: 'limit_exceeded', remainingYen: 100_000, refusal: { rule: 'daily_limit', remainingYen: 100_000 } });
        const still = await world.db.selectFrom('transfers').select('status').where('id', '=', other.transfer.id).executeTakeFirstOrThrow();
        assert.equal(still.status, 'pending');

        // Drain Carol's account between prepare and confirm.
        await deposit(world.db, { nowMs: 1, randomBytes: countingRandomBytes }, { accountId: world.carol.id, amountYen: 1000, actor: 'system' });
        const carolOut = await world.prepare({ contractId: '1000000003', sourceAccountId: world.carol.id, amount: '800' });
        const carolOut2 = await world.prepare({ contractId: '1000000003', sourceAccountId: world.carol.id, amount: '800' });
        assert.ok(carolOut.ok && carolOut2.ok);
        assert.ok((await world.confirm(carolOut.transfer, { customer: { bindingId: 'c1', otpLocked: false, passwordLocked: false } })).ok);
        const overdraft = await world.confirm(carolOut2.transfer, { customer: { bindingId: 'c2', otpLocked: false, passwordLocked: false } });
        assert.deepEqual(overdraft, { ok: false, error: 'insufficient_funds' });
        assert.equal(await getBalance(world.db, world.carol.id), 200);
        await assertAllInvariants(world);
      });
    });

    it('counts the limit per Japan calendar day and numbers 受付番号 per day', async () => {
      await withWorld(dialect, async (world) => {
        // 23:59 in Tokyo (14:59 UTC): the last minute of 21 November
        world.bank.clock.set(Date.UTC(2026, 10, 21, 14, 59, 0));
        const late = await world.prepare({ amount: '500000' });
        assert.ok(late.ok);
        const confirmed = await world.confirm(late.transfer);
        assert.ok(confirmed.ok);
        assert.equal(confirmed.receipt.transfer.businessDay, '2026-11-21');
        assert.deepEqual(!(await world.prepare({ amount: '1' })).ok, true);
        world.bank.clock.advance(60_000); // 00:00 on the 22nd in Tokyo, still the 21st in UTC
        const next = await world.prepare({ amount: '500000' });
        assert.ok(next.ok, JSON.stringify(next));
        const nextConfirmed = await world.confirm(next.transfer, { customer: { bindingId: 'b2', otpLocked: false, passwordLocked: false } });
        assert.ok(nextConfirmed.ok);
        assert.equal(nextConfirmed.receipt.referenceNo, '20261122-000001');
        await assertAllInvariants(world);
      });
    });

    it('posts one of 50 concurrent confirms of one transfer', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '9999' });
        assert.ok(prepared.ok);
        const results = await Promise.all(Array.from({ length: 50 }, () => world.confirm(prepared.transfer)));
        assert.ok(results.every((r) => r.ok), JSON.stringify(results.filter((r) => !r.ok)));
        const receipts = new Set(results.map((r) => (r.ok ? r.receipt.referenceNo : '')));
        assert.deepEqual([...receipts], ['20261121-000001']);
        assert.equal(results.filter((r) => r.ok && !r.replayed).length, 1);
        assert.equal(world.ports.wrongCodes, 0);
        assert.equal(await getBalance(world.db, world.alice.id), 3_000_000 - 9999);
        const entries = await world.db.selectFrom('journal_entries').select('id').where('transfer_id', '=', prepared.transfer.id).execute();
        assert.equal(entries.length, 1);
        await assertAllInvariants(world);
      });
    });

    it('admits exactly what a ¥100,000 limit allows of 50 concurrent transfers', async () => {
      await withWorld(dialect, async (world) => {
        const lowered = await changeDailyLimit(world.db, { nowMs: world.bank.clock.nowMs() }, {
          institution: 'demo', contractId: '1000000001', policy: world.bank.policy, newLimitYen: 100_000, tokenRegistered: true, otpProof: null, actor: 'customer:1000000001',
        });
        assert.ok(lowered.ok);
        const prepared = [];
        for (let i = 0; i < 50; i++) {
          const p = await world.prepare({ amount: '3000' });
          assert.ok(p.ok);
          prepared.push(p.transfer);
        }
        const results = await Promise.all(
          prepared.map((t, i) => world.confirm(t, { customer: { bindingId: `b${i}`, otpLocked: false, passwordLocked: false } })),
        );
        const admitted = results.filter((r) => r.ok).length;
        assert.equal(admitted, 33); // 33 × ¥3,000 = ¥99,000; a 34th would pass ¥100,000
        assert.ok(results.every((r) => r.ok || r.error === 'limit_exceeded'));
        assert.equal(await getBalance(world.db, world.alice.id), 3_000_000 - 99_000);
        const usage = await world.db.selectFrom('daily_usage').select('used_yen').executeTakeFirstOrThrow();
        assert.equal(usage.used_yen, 99_000);
        await assertAllInvariants(world);
      });
    });
  });
}
