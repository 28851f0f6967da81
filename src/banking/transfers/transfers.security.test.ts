// Attacks on money movement, and what stops each one.
//
// - DOUBLE SPEND: a customer (or malware in their browser) submits the confirm form twice, or
//   fifty times at once, hoping each request posts. The pending transfer flips to 'done' with a
//   compare-and-set inside the posting transaction, and a unique index allows one journal entry
//   per transfer: exactly one posting, every request answered with the same receipt.
// - OVERSPEND BY RACE: many different transfers confirmed at once, each checked against the
//   same balance or the same remaining daily limit. Debits and limit consumption are
//   conditional updates (`balance >= :amt`, `used + :amt <= limit`) that serialise on the row,
//   so together they never pass the balance (a CHECK constraint is the second wall) or limit.
// - REPLAYED CONFIRM: a captured confirm request sent again later. A done transfer only ever
//   returns its original receipt; it cannot be re-posted, and its idempotency key opens
//   nothing else.
// - TAMPERED BODY ON RETRY: a retry that keeps the transfer id and key but changes amount or
//   payee (a man-in-the-browser rewriting the form). The body must equal the stored pending
//   transfer, which is what gets posted; a changed transfer is a new one, and a transaction
//   code made for the old payee or amount does not verify for it.
// - TRANSFER TO OWN SOURCE ACCOUNT, or from someone else's account, or confirming someone
//   else's pending transfer: refused before anything is stored or moved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../../test/support/db/testing.js';
import { getBalance } from '../ledger/accounts.js';
import { checkLedgerInvariants } from '../ledger/ledger-invariants.js';
import { confirmBodyOf, fakePorts, RIGHT_CODE, createWorld, type World } from '../../../test/support/banking/transfers/test-world.js';
import { checkTransferInvariants } from './transfer-invariants.js';

async function withWorld(dialect: (typeof DIALECTS)[number], run: (world: World) => Promise<void>, options?: Parameters<typeof createWorld>[1]) {
  const database: TestDatabase = await createTestDatabase(dialect);
  try {
    await run(await createWorld(database.db, options));
    assert.equal((await checkLedgerInvariants(database.db)).ok, true);
    assert.equal((await checkTransferInvariants(database.db)).ok, true);
  } finally {
    await database.close();
  }
}

const fresh = (n: number) => ({ customer: { bindingId: `bind_${n}`, otpLocked: false, passwordLocked: false } });

for (const dialect of DIALECTS) {
  describe(`transfer attacks [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('double spend: 50 concurrent confirms post once', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '250000' });
        assert.ok(prepared.ok);
        const results = await Promise.all(Array.from({ length: 50 }, () => world.confirm(prepared.transfer)));
        assert.equal(results.filter((r) => r.ok && !r.replayed).length, 1);
        assert.equal(new Set(results.map((r) => r.ok && r.receipt.referenceNo)).size, 1);
        assert.equal(await getBalance(world.db, world.alice.id), 2_750_000);
      });
    });

    it('overspend by race: 50 concurrent transfers never take a balance below zero', async () => {
      await withWorld(
        dialect,
        async (world) => {
          const prepared = [];
          for (let i = 0; i < 50; i++) {
            const p = await world.prepare({ amount: '100000' });
            assert.ok(p.ok, JSON.stringify(p));
            prepared.push(p.transfer);
          }
          const results = await Promise.all(prepared.map((t, i) => world.confirm(t, fresh(i))));
          assert.equal(results.filter((r) => r.ok).length, 10);
          assert.ok(results.every((r) => r.ok || r.error === 'insufficient_funds'));
          assert.equal(await getBalance(world.db, world.alice.id), 0);
        },
        { aliceYen: 1_000_000, policy: { dailyLimitDefaultYen: 10_000_000 } },
      );
    });

    it('replayed confirm: a captured request returns the original receipt and posts nothing', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '30000' });
        assert.ok(prepared.ok);
        const original = await world.confirm(prepared.transfer);
        assert.ok(original.ok);
        world.bank.clock.advance(3 * 86_400_000); // days later, past expiry
        const replay = await world.confirm(prepared.transfer, { answer: { kind: 'code', code: '999999' } });
        assert.deepEqual(replay, { ok: true, receipt: original.receipt, replayed: true });
        // The key opens only its own transfer.
        const other = await world.prepare({ amount: '1' });
        assert.ok(other.ok);
        assert.deepEqual(await world.confirm(other.transfer, { idempotencyKey: prepared.transfer.idempotencyKey }), { ok: false, error: 'transfer_not_found' });
        assert.equal(await getBalance(world.db, world.alice.id), 2_970_000);
      });
    });

    it('tampered body on retry: refused, and an old transaction code does not fit a changed transfer', async () => {
      await withWorld(dialect, async (world) => {
        const prepared = await world.prepare({ amount: '10000' });
        assert.ok(prepared.ok);
        const t = prepared.transfer;
        const body = confirmBodyOf(t);
        for (const tampered of [
          { ...body, amountYen: 1_000_000 },
          { ...body, payee: { ...body.payee, accountNumber: world.carol.account_number! } },
          { ...body, payee: { ...body.payee, name: 'ｻﾄｳ ｹﾝ' } },
          { ...body, payee: { ...body.payee, bankCode: '0001' } },
        ]) {
          assert.deepEqual(await world.confirm(t, { body: tampered }), { ok: false, error: 'transfer_body_mismatch' });
        }
        assert.equal(world.ports.verified.length, 0, 'a tampered request never reaches the code check');

        // 取引認証 (account + amount): the customer made a code for bob's account and ¥10,000;
        // malware changes the amount, which makes a new transfer; the code does not verify.
        const ports = fakePorts({ expectTransaction: { payeeAccount: world.bob.account_number!, amountYen: 10_000 } });
        const policy = { ...world.institution.policy, transactionAuth: 'account_amount' as const };
        const institution = { ...world.institution, policy };
        const changed = await world.prepare({ amount: '900000', institution: { ...institution, policy: { ...policy, dailyLimitDefaultYen: 1_000_000 } } });
        assert.ok(changed.ok);
        const refused = await world.confirm(changed.transfer, { ports, institution: { ...institution, policy: { ...policy, dailyLimitDefaultYen: 1_000_000 } }, answer: { kind: 'code', code: RIGHT_CODE } });
        assert.deepEqual(refused, { ok: false, error: 'code_wrong', warn: false, remainingAttempts: 4 });
        assert.equal(ports.wrongCodes, 1, 'counted toward the OTP lock');
        const genuine = await world.confirm(t, { ports, institution, answer: { kind: 'code', code: RIGHT_CODE } });
        assert.ok(genuine.ok);
        assert.equal(await getBalance(world.db, world.alice.id), 2_990_000);
      });
    });

    it('own source account, someone else\'s account or transfer: refused, nothing stored', async () => {
      await withWorld(dialect, async (world) => {
        const own = await world.prepare({ payee: { accountNumber: world.alice.account_number!, name: 'ﾏﾓﾘ ﾀﾛｳ' } });
        assert.deepEqual(own, { ok: false, error: 'payee_is_source', field: 'accountNumber' });
        const fromBob = await world.prepare({ sourceAccountId: world.bob.id });
        assert.deepEqual(fromBob, { ok: false, error: 'source_account_not_found', field: 'sourceAccount' });
        const bobs = await world.prepare({ contractId: '1000000002', sourceAccountId: world.bob.id, payee: { accountNumber: world.carol.account_number!, name: 'ｻﾄｳ ｹﾝ' } });
        assert.ok(bobs.ok);
        // Alice confirms Bob's pending transfer with her own (valid) code and his key.
        const hijack = await world.confirm({ ...bobs.transfer, contractId: '1000000001' });
        assert.deepEqual(hijack, { ok: false, error: 'transfer_not_found' });
        assert.equal(await getBalance(world.db, world.bob.id), 3_000_000);
        const stored = await world.db.selectFrom('transfers').select('id').execute();
        assert.equal(stored.length, 1);
      });
    });
  });
}
