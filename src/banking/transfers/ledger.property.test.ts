// Property: whatever sequence of deposits, transfers (same institution and other banks),
// double and abandoned confirms and day changes happens, the ledger's invariants hold, the
// limit counters match the transfers, and every balance equals a simple model's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DIALECTS, skipReason, withTestDatabase } from '../../../test/support/db/testing.js';
import { getBalance, systemAccountId } from '../ledger/accounts.js';
import { deposit } from '../ledger/deposit.js';
import { checkLedgerInvariants } from '../ledger/ledger-invariants.js';
import { countingRandomBytes } from '../../../test/support/banking/ledger/test-fixtures.js';
import { checkTransferInvariants } from './transfer-invariants.js';
import { createWorld } from '../../../test/support/banking/transfers/test-world.js';

type Command =
  | { kind: 'deposit'; to: number; amountYen: number }
  | { kind: 'transfer'; from: number; to: number | 'external'; amountYen: number; confirms: number }
  | { kind: 'advance'; ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), to: fc.nat(2), amountYen: fc.integer({ min: 1, max: 1_000_000 }) }),
  fc.record({
    kind: fc.constant('transfer' as const),
    from: fc.nat(2),
    to: fc.oneof(fc.nat(2), fc.constant('external' as const)),
    amountYen: fc.integer({ min: 1, max: 2_000_000 }),
    confirms: fc.nat(3), // 0: abandoned at the confirmation page
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 2 * 86_400_000 }) }),
);

for (const dialect of DIALECTS) {
  describe(`ledger property [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('keeps every invariant under random sequences of operations', () =>
      withTestDatabase(dialect, async (database) => {
        const world = await createWorld(database.db, { policy: { dailyLimitDefaultYen: 3_000_000 } });
        const accounts = [world.alice, world.bob, world.carol];
        const contracts = ['1000000001', '1000000002', '1000000003'];
        const names = ['ﾏﾓﾘ ﾀﾛｳ', 'ﾏﾓﾘ ﾊﾅｺ', 'ｻﾄｳ ｹﾝ'];
        const model = new Map<string, number>();
        for (const a of accounts) model.set(a.id, Number(a.balance));
        model.set('clearing', 0);
        model.set('fees', 0);
        let binding = 0;

        await fc.assert(
          fc.asyncProperty(fc.array(command, { maxLength: 15 }), async (commands) => {
            for (const c of commands) {
              switch (c.kind) {
                case 'deposit': {
                  const id = accounts[c.to]!.id;
                  const done = await deposit(world.db, { nowMs: world.bank.clock.nowMs(), randomBytes: countingRandomBytes }, { accountId: id, amountYen: c.amountYen, actor: 'system' });
                  assert.ok(done.ok);
                  model.set(id, model.get(id)! + c.amountYen);
                  break;
                }
                case 'transfer': {
                  const source = accounts[c.from]!;
                  const payee = c.to === 'external'
                    ? { bankCode: '0001', branchCode: '100', accountNumber: '0000001', name: 'ｿﾄ' }
                    : { accountNumber: accounts[c.to]!.account_number!, name: names[c.to]! };
                  const prepared = await world.prepare({ contractId: contracts[c.from]!, sourceAccountId: source.id, amount: String(c.amountYen), payee });
                  if (!prepared.ok) {
                    assert.ok(['insufficient_funds', 'limit_exceeded', 'payee_is_source'].includes(prepared.error), prepared.error);
                    break;
                  }
                  const results = await Promise.all(
                    Array.from({ length: c.confirms }, () =>
                      world.confirm(prepared.transfer, { customer: { bindingId: `b${binding++}`, otpLocked: false, passwordLocked: false } }),
                    ),
                  );
                  const fresh = results.filter((r) => r.ok && !r.replayed);
                  assert.ok(fresh.length <= 1, 'posted at most once');
                  for (const r of results) if (!r.ok) assert.ok(['insufficient_funds', 'limit_exceeded'].includes(r.error), r.error);
                  if (fresh.length === 1) {
                    const t = prepared.transfer;
                    model.set(source.id, model.get(source.id)! - t.amountYen - t.feeYen);
                    const credited = t.kind === 'internal' ? t.payeeAccountId! : 'clearing';
                    model.set(credited, model.get(credited)! + t.amountYen);
                    model.set('fees', model.get('fees')! + t.feeYen);
                  }
                  break;
                }
                case 'advance':
                  world.bank.clock.advance(c.ms);
                  break;
              }
            }
            const ledger = await checkLedgerInvariants(world.db);
            assert.equal(ledger.ok, true, JSON.stringify(ledger));
            const transfers = await checkTransferInvariants(world.db);
            assert.equal(transfers.ok, true, JSON.stringify(transfers));
            for (const a of accounts) assert.equal(await getBalance(world.db, a.id), model.get(a.id));
            assert.equal(await getBalance(world.db, systemAccountId('demo', 'clearing')), model.get('clearing'));
            assert.equal(await getBalance(world.db, systemAccountId('demo', 'fees')), model.get('fees'));
          }),
          { numRuns: dialect === 'sqlite' ? 40 : 20 },
        );
      }));
  });
}
