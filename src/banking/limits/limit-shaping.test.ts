// Limits shaped in time (issue 14 §5), on SQLite and PostgreSQL: the next-day raise, the cap
// after a contract opening or a token registration, the new-payee cap, each refusal naming its
// rule and when it ends, and 50 parallel transfers against each cap — never one yen past it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../../test/support/db/testing.js';
import { countingRandomBytes } from '../../../test/support/banking/ledger/test-fixtures.js';
import { createWorld, LIMIT_SHAPING_OFF, type World } from '../../../test/support/banking/transfers/test-world.js';
import { DEFAULT_POLICY, type InstitutionPolicy } from '../institution-policy.js';
import { checkLedgerInvariants } from '../ledger/ledger-invariants.js';
import { addRegisteredPayee } from '../transfers/registered-payees.js';
import { checkTransferInvariants } from '../transfers/transfer-invariants.js';
import { cancelPendingRaise, changeDailyLimit, type OtpProof } from './change-limit.js';
import { getLimitStatus } from './daily-limit.js';
import { dayCapOf, japanDayStartMs, nextJapanMidnightMs, readDayCap } from './limit-shaping.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** 2026-11-21 23:50 in Tokyo. */
const AT_2350_JST = Date.parse('2026-11-21T23:50:00+09:00');

async function withWorld(dialect: (typeof DIALECTS)[number], policy: Partial<InstitutionPolicy>, run: (world: World) => Promise<void>, options: { aliceYen?: number } = {}) {
  const database: TestDatabase = await createTestDatabase(dialect);
  try {
    const world = await createWorld(database.db, { policy, ...options });
    await run(world);
    assert.equal((await checkLedgerInvariants(database.db)).ok, true);
    const transfers = await checkTransferInvariants(database.db);
    assert.equal(transfers.ok, true, JSON.stringify(transfers));
    assert.equal((await verifyAuditChain(database.db)).ok, true);
  } finally {
    await database.close();
  }
}

/** Notifications are written only for a contract with an address. */
const withAddress = (world: World) => world.db.updateTable('customers').set({ email: 'taro@example.jp' }).where('contract_id', '=', '1000000001').execute();
const fresh = (n: number) => ({ customer: { bindingId: `bind_${n}`, otpLocked: false, passwordLocked: false } });
/** Accounts at the other institution on the platform (9991), none of them paid before. */
const external = (n: number) => ({ bankCode: '9991', branchCode: '001', accountNumber: String(2_000_000 + n), name: 'ﾀﾆﾝ' });
const SHAPING = {
  nextDay: { ...LIMIT_SHAPING_OFF, limitRaiseNextDay: true },
  contractCap: { ...LIMIT_SHAPING_OFF, newContractOrTokenCapDays: DEFAULT_POLICY.newContractOrTokenCapDays, newContractOrTokenCapYen: DEFAULT_POLICY.newContractOrTokenCapYen },
  payeeCap: { ...LIMIT_SHAPING_OFF, newPayeeCapYen: DEFAULT_POLICY.newPayeeCapYen },
};

describe('limit shaping: the Japan calendar day', () => {
  it('a raise takes effect at 0:00 JST of the next day', () => {
    assert.equal(nextJapanMidnightMs(AT_2350_JST), Date.parse('2026-11-22T00:00:00+09:00'));
    assert.equal(nextJapanMidnightMs(Date.parse('2026-11-22T00:00:00+09:00')), Date.parse('2026-11-23T00:00:00+09:00'));
    assert.equal(japanDayStartMs(Date.parse('2026-11-21T14:59:59Z')), Date.parse('2026-11-21T00:00:00+09:00'));
  });

  it('the cap after an opening counts the opening day as the first of N days, and a lift ends it until the next registration', () => {
    const policy = { ...DEFAULT_POLICY };
    const opened = Date.parse('2026-12-07T23:30:00+09:00');
    const cap = dayCapOf({ contractOpenedAtMs: opened, tokenRegisteredAtMs: null, liftedAtMs: null }, policy, opened);
    assert.deepEqual(cap, { capYen: 100_000, days: 7, since: 'contract', untilMs: Date.parse('2026-12-14T00:00:00+09:00') });
    assert.notEqual(dayCapOf({ contractOpenedAtMs: opened, tokenRegisteredAtMs: null, liftedAtMs: null }, policy, Date.parse('2026-12-13T23:59:59+09:00')), null);
    assert.equal(dayCapOf({ contractOpenedAtMs: opened, tokenRegisteredAtMs: null, liftedAtMs: null }, policy, Date.parse('2026-12-14T00:00:00+09:00')), null);
    const token = opened + 3 * DAY_MS;
    assert.equal(dayCapOf({ contractOpenedAtMs: opened, tokenRegisteredAtMs: token, liftedAtMs: null }, policy, token)?.since, 'token');
    assert.equal(dayCapOf({ contractOpenedAtMs: opened, tokenRegisteredAtMs: null, liftedAtMs: opened + 1 }, policy, opened + 2), null);
    assert.equal(dayCapOf({ contractOpenedAtMs: opened, tokenRegisteredAtMs: token, liftedAtMs: opened + 1 }, policy, token)?.since, 'token');
    assert.equal(dayCapOf({ contractOpenedAtMs: opened, tokenRegisteredAtMs: null, liftedAtMs: null }, { ...policy, newContractOrTokenCapDays: 0 }, opened), null);
  });
});

for (const dialect of DIALECTS) {
  describe(`limits shaped in time [${dialect}]`, { skip: skipReason(dialect) }, () => {
    const proof = (world: World): OtpProof => ({ kind: 'otp_verified', purpose: 'limit_raise', institution: 'demo', contractId: '1000000001', verifiedAtMs: world.bank.clock.nowMs() });
    const change = (world: World, newLimitYen: number) =>
      changeDailyLimit(world.db, { nowMs: world.bank.clock.nowMs() }, {
        institution: 'demo', contractId: '1000000001', policy: world.bank.policy, newLimitYen, tokenRegistered: true, otpProof: proof(world), actor: 'customer:1000000001',
      });
    const status = (world: World) => getLimitStatus(world.db, { institution: 'demo', contractId: '1000000001', defaultLimitYen: 500_000, nowMs: world.bank.clock.nowMs() });

    it('a raise at 23:50 JST refuses a transfer over the old limit at 23:55 and allows it at 00:01', async () => {
      await withWorld(dialect, SHAPING.nextDay, async (world) => {
        await withAddress(world);
        world.bank.clock.set(AT_2350_JST);
        const raised = await change(world, 1_000_000);
        const midnight = Date.parse('2026-11-22T00:00:00+09:00');
        assert.deepEqual(raised, { ok: true, previousYen: 500_000, limitYen: 1_000_000, changed: true, pendingFromMs: midnight });
        assert.deepEqual((await status(world)).pending, { limitYen: 1_000_000, fromMs: midnight });
        assert.equal((await status(world)).limitYen, 500_000);

        world.bank.clock.set(AT_2350_JST + 5 * MINUTE_MS);
        const early = await world.prepare({ amount: '600000' });
        assert.deepEqual(!early.ok && [early.error, early.refusal], ['limit_exceeded', { rule: 'daily_limit', remainingYen: 500_000 }]);
        // Prepared within the old limit, confirmed after midnight: the confirm reads the limit then.
        const straddling = await world.prepare({ amount: '400000' });
        assert.ok(straddling.ok);

        world.bank.clock.set(midnight + MINUTE_MS);
        assert.deepEqual([(await status(world)).limitYen, (await status(world)).pending], [1_000_000, null]);
        const late = await world.prepare({ amount: '600000' });
        assert.ok(late.ok, JSON.stringify(late));
        assert.ok((await world.confirm(late.transfer)).ok);
        assert.ok((await world.confirm(straddling.transfer, fresh(1))).ok);
        const audit = await world.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'daily_limit%').orderBy('seq').execute();
        assert.deepEqual(audit.map((a) => [a.action, JSON.parse(a.details)]), [['daily_limit_raise_scheduled', { fromYen: 500_000, toYen: 1_000_000, effectiveFromMs: midnight }]]);
        const mail = await world.db.selectFrom('notification_outbox').select(['kind', 'body']).where('kind', '=', 'limit_changed').executeTakeFirstOrThrow();
        assert.match(mail.body, /適用開始: 2026\/11\/22 00:00/);
      });
    });

    it('a lowering is at once and drops a pending raise; the customer may cancel a pending raise', async () => {
      await withWorld(dialect, SHAPING.nextDay, async (world) => {
        await withAddress(world);
        assert.ok((await change(world, 2_000_000)).ok);
        assert.deepEqual(await change(world, 300_000), { ok: true, previousYen: 500_000, limitYen: 300_000, changed: true });
        assert.deepEqual([(await status(world)).limitYen, (await status(world)).pending], [300_000, null]);
        world.bank.clock.advance(DAY_MS);
        assert.equal((await status(world)).limitYen, 300_000, 'the dropped raise never takes effect');

        assert.ok((await change(world, 800_000)).ok);
        const cancel = () => cancelPendingRaise(world.db, { nowMs: world.bank.clock.nowMs() }, { institution: 'demo', contractId: '1000000001', actor: 'customer:1000000001' });
        const twice = await Promise.all([cancel(), cancel()]);
        assert.deepEqual(twice.map((r) => r.cancelled).sort(), [false, true]);
        assert.deepEqual([(await status(world)).limitYen, (await status(world)).pending], [300_000, null]);
        world.bank.clock.advance(DAY_MS);
        assert.equal((await status(world)).limitYen, 300_000);
        assert.deepEqual(await cancel(), { ok: true, cancelled: false });
        // Choosing the current limit while a raise is pending withdraws it too.
        assert.ok((await change(world, 900_000)).ok);
        assert.deepEqual(await change(world, 300_000), { ok: true, previousYen: 300_000, limitYen: 300_000, changed: true });
        assert.equal((await status(world)).pending, null);
        const actions = await world.db.selectFrom('audit_log').select('action').where('action', 'like', 'daily_limit%').orderBy('seq').execute();
        assert.deepEqual(actions.map((a) => a.action), [
          'daily_limit_raise_scheduled', 'daily_limit_lowered', 'daily_limit_raise_scheduled', 'daily_limit_raise_cancelled', 'daily_limit_raise_scheduled', 'daily_limit_raise_cancelled',
        ]);
        const kinds = await world.db.selectFrom('notification_outbox').select('kind').where('kind', 'like', 'limit%').execute();
        assert.equal(kinds.filter((k) => k.kind === 'limit_raise_cancelled').length, 2);
      });
    });

    it('caps the days after the opening and after a token registration, naming the rule and when it ends', async () => {
      await withWorld(dialect, SHAPING.contractCap, async (world) => {
        const ends = Date.parse('2026-11-28T00:00:00+09:00'); // opened 2026/11/21: 7 days
        const first = await world.prepare({ amount: '100000' });
        assert.ok(first.ok);
        const over = await world.prepare({ amount: '100001' });
        assert.deepEqual(!over.ok && over.refusal, { rule: 'new_contract_or_token', remainingYen: 100_000, capYen: 100_000, days: 7, since: 'token', untilMs: ends });
        const second = await world.prepare({ amount: '1' });
        assert.ok(second.ok);
        assert.ok((await world.confirm(first.transfer)).ok);
        const refused = await world.confirm(second.transfer, fresh(2));
        assert.deepEqual(!refused.ok && [refused.error, refused.refusal?.rule, refused.refusal?.remainingYen], ['limit_exceeded', 'new_contract_or_token', 0]);
        assert.equal((await world.db.selectFrom('transfers').select('status').where('id', '=', second.transfer.id).executeTakeFirstOrThrow()).status, 'pending');

        world.bank.clock.set(ends - 1);
        assert.equal((await world.prepare({ amount: '100001' })).ok, false);
        world.bank.clock.set(ends);
        const after = await world.prepare({ amount: '400000' });
        assert.ok(after.ok);
        assert.ok((await world.confirm(after.transfer, fresh(3))).ok);

        // An exchange of the token starts the cap again.
        await world.db.updateTable('customers').set({ token_registered_at: world.bank.clock.nowMs() }).where('contract_id', '=', '1000000001').execute();
        const exchanged = await world.prepare({ amount: '100001' });
        assert.deepEqual(!exchanged.ok && exchanged.refusal?.rule, 'new_contract_or_token');
        // A contract without a token has its opening day as the start (carol: no token).
        const carol = await readDayCap(world.db, { institution: 'demo', contractId: '1000000003', policy: world.bank.policy, nowMs: world.bank.clock.nowMs() });
        assert.equal(carol, null, 'opened 7 days ago');
        world.bank.clock.set(Date.parse('2026-11-21T12:00:00+09:00'));
        const carolEarlier = await readDayCap(world.db, { institution: 'demo', contractId: '1000000003', policy: world.bank.policy, nowMs: world.bank.clock.nowMs() });
        assert.deepEqual(carolEarlier, { capYen: 100_000, days: 7, since: 'contract', untilMs: ends });
      });
    });

    it('caps new payees together for today; a payee registered yesterday, or paid yesterday, is not new', async () => {
      await withWorld(dialect, SHAPING.payeeCap, async (world) => {
        const tomorrow = nextJapanMidnightMs(world.bank.clock.nowMs());
        const a = await world.prepare({ amount: '60000', payee: external(1) });
        const b = await world.prepare({ amount: '50000', payee: external(2) });
        assert.ok(a.ok && b.ok);
        assert.ok((await world.confirm(a.transfer)).ok);
        const refused = await world.confirm(b.transfer, fresh(1));
        assert.deepEqual(!refused.ok && refused.refusal, { rule: 'new_payee', remainingYen: 40_000, capYen: 100_000, untilMs: tomorrow });
        const early = await world.prepare({ amount: '40001', payee: external(3) });
        assert.deepEqual(!early.ok && early.refusal?.rule, 'new_payee');
        // A payee registered today is new too; the ordinary limit holds for others meanwhile.
        const saved = await addRegisteredPayee(world.db, { nowMs: world.bank.clock.nowMs(), randomBytes: countingRandomBytes }, {
          institution: 'demo', contractId: '1000000001', payee: { ...external(4), accountType: 'ordinary' }, actor: 'customer:1000000001',
        });
        assert.ok(saved.ok);
        assert.equal((await world.prepare({ amount: '40001', payee: external(4) })).ok, false);
        const usedStatus = await status(world);
        assert.equal(usedStatus.newPayeeUsedYen, 60_000);

        world.bank.clock.set(tomorrow);
        for (const [n, amount] of [[1, '200000'], [4, '150000']] as const) {
          const next = await world.prepare({ amount, payee: external(n) });
          assert.ok(next.ok, JSON.stringify(next));
          assert.ok((await world.confirm(next.transfer, fresh(10 + n))).ok);
        }
        const stillNew = await world.prepare({ amount: '100001', payee: external(2) });
        assert.deepEqual(!stillNew.ok && stillNew.refusal?.rule, 'new_payee', 'a payee refused yesterday was never paid: still new');
      });
    });

    for (const [name, policy, payeeOf, rule] of [
      ['the new-contract / new-token cap', SHAPING.contractCap, () => ({}), 'new_contract_or_token'],
      ['the new-payee cap (50 new payees together)', SHAPING.payeeCap, (i: number) => ({ payee: external(i) }), 'new_payee'],
    ] as const) {
      it(`50 parallel transfers never pass ${name}`, async () => {
        await withWorld(dialect, policy, async (world) => {
          const prepared = [];
          for (let i = 0; i < 50; i++) {
            const p = await world.prepare({ amount: '3000', ...payeeOf(i) });
            assert.ok(p.ok, JSON.stringify(p));
            prepared.push(p.transfer);
          }
          const results = await Promise.all(prepared.map((t, i) => world.confirm(t, fresh(i))));
          assert.equal(results.filter((r) => r.ok).length, 33); // 33 × ¥3,000 = ¥99,000; a 34th would pass ¥100,000
          assert.ok(results.every((r) => r.ok || (r.error === 'limit_exceeded' && r.refusal?.rule === rule)), JSON.stringify(results.filter((r) => !r.ok)));
          const usage = await status(world);
          assert.equal(usage.usedYen, 99_000);
          if (rule === 'new_payee') assert.equal(usage.newPayeeUsedYen, 99_000);
        });
      });
    }
  });
}
