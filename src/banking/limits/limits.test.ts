import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestDatabase, DIALECTS, skipReason, withFixture } from '../../../test/support/db/testing.js';
import { seedCustomer, seedInstitution, TEST_START_MS } from '../../../test/support/banking/ledger/test-fixtures.js';
import { changeDailyLimit, RAISE_PROOF_MAX_AGE_MS, type OtpProof } from './change-limit.js';
import { businessDayAt, getDailyLimit, getLimitStatus } from './daily-limit.js';
import { runLimitDowngradeJob } from './limit-downgrade.js';
import { runScheduledJobs } from '../../jobs/index.js';

const DAY_MS = 86_400_000;

describe('business day', () => {
  it('is the Japan calendar day, turning at 15:00 UTC', () => {
    assert.equal(businessDayAt(Date.UTC(2026, 10, 21, 14, 59, 59, 999)), '2026-11-21');
    assert.equal(businessDayAt(Date.UTC(2026, 10, 21, 15, 0, 0)), '2026-11-22');
    assert.equal(businessDayAt(Date.UTC(2026, 11, 31, 15, 0, 0)), '2027-01-01');
  });
});

for (const dialect of DIALECTS) {
  describe(`daily limits [${dialect}]`, { skip: skipReason(dialect) }, () => {
    async function setup() {
      const database = await createTestDatabase(dialect);
      // A raise in force at once, as before issue 14: limit-shaping.test.ts tests the next-day raise.
      const bank = await seedInstitution(database.db, { slug: 'demo', bankCode: '9990', policy: { limitRaiseNextDay: false } });
      await seedCustomer(database.db, bank, { contractId: '1000000001', tokenBindingId: 'bind_1' });
      await seedCustomer(database.db, bank, { contractId: '1000000002' });
      const proof = (contractId: string, atMs = bank.clock.nowMs()): OtpProof => ({ kind: 'otp_verified', purpose: 'limit_raise', institution: 'demo', contractId, verifiedAtMs: atMs });
      const change = (contractId: string, newLimitYen: number, extra: { tokenRegistered?: boolean; otpProof?: OtpProof | null } = {}) =>
        changeDailyLimit(database.db, { nowMs: bank.clock.nowMs() }, {
          institution: 'demo', contractId, policy: bank.policy, newLimitYen, tokenRegistered: extra.tokenRegistered ?? contractId === '1000000001', otpProof: extra.otpProof ?? null, actor: `customer:${contractId}`,
        });
      return { database, bank, proof, change };
    }

    it('starts new contracts at ¥500,000 and lets them lower it freely', () =>
      withFixture(setup(), async ({ database, bank, change }) => {
        assert.equal(await getDailyLimit(database.db, { institution: 'demo', contractId: '1000000002', defaultLimitYen: bank.policy.dailyLimitDefaultYen, nowMs: bank.clock.nowMs() }), 500_000);
        assert.deepEqual(await change('1000000002', 100_000), { ok: true, previousYen: 500_000, limitYen: 100_000, changed: true });
        assert.deepEqual(await change('1000000002', 0), { ok: true, previousYen: 100_000, limitYen: 0, changed: true });
        assert.deepEqual(await change('1000000002', 0), { ok: true, previousYen: 0, limitYen: 0, changed: false });
        const audit = await database.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'daily_limit%').orderBy('seq').execute();
        assert.deepEqual(audit.map((a) => a.action), ['daily_limit_lowered', 'daily_limit_lowered']);
        assert.deepEqual(JSON.parse(audit[0]!.details), { fromYen: 500_000, toYen: 100_000 });
      }));

    it('raises only with a registered token and a fresh OTP for this contract', () =>
      withFixture(setup(), async ({ database, bank, proof, change }) => {
        assert.deepEqual(await change('1000000002', 600_000, { otpProof: proof('1000000002') }), { ok: false, error: 'limit_raise_needs_token' });
        await change('1000000002', 100_000);
        assert.deepEqual(await change('1000000002', 200_000, { otpProof: proof('1000000002') }), { ok: false, error: 'limit_raise_needs_token' });
        assert.deepEqual(await change('1000000001', 600_000), { ok: false, error: 'limit_raise_needs_otp' });
        assert.deepEqual(await change('1000000001', 600_000, { otpProof: proof('1000000002') }), { ok: false, error: 'limit_raise_needs_otp' });
        const stale = proof('1000000001', bank.clock.nowMs() - RAISE_PROOF_MAX_AGE_MS - 1);
        assert.deepEqual(await change('1000000001', 600_000, { otpProof: stale }), { ok: false, error: 'limit_raise_needs_otp' });
        assert.deepEqual(await change('1000000001', 2_000_000, { otpProof: proof('1000000001') }), { ok: true, previousYen: 500_000, limitYen: 2_000_000, changed: true });
        assert.deepEqual(await change('1000000001', 20_000_000, { otpProof: proof('1000000001') }), { ok: false, error: 'limit_above_maximum' });
        assert.deepEqual(await change('1000000001', 123_456, { otpProof: proof('1000000001') }), { ok: false, error: 'limit_not_whole_units' });
        assert.deepEqual(await change('1000000001', -10_000), { ok: false, error: 'limit_not_whole_units' });
        const status = await getLimitStatus(database.db, { institution: 'demo', contractId: '1000000001', defaultLimitYen: 500_000, nowMs: TEST_START_MS });
        assert.deepEqual(status, { businessDay: '2026-11-21', limitYen: 2_000_000, usedYen: 0, remainingYen: 2_000_000, newPayeeUsedYen: 0, pending: null });
      }));

    it('lowers a limit above ¥500,000 once the token has been deregistered for 30 days (moved clock)', () =>
      withFixture(setup(), async ({ bank, proof, change, database }) => {
        const db = database.db;
        await seedCustomer(db, bank, { contractId: '1000000003', tokenBindingId: 'bind_3' });
        await seedCustomer(db, bank, { contractId: '1000000004', tokenBindingId: 'bind_4' });
        for (const contractId of ['1000000001', '1000000003', '1000000004']) {
          const raised = await change(contractId, 1_000_000, { tokenRegistered: true, otpProof: proof(contractId) });
          assert.ok(raised.ok);
        }
        // 1 deregisters now; 3 deregisters ten days later; 4 keeps its token.
        const deregisteredAt = bank.clock.nowMs();
        await db.updateTable('customers').set({ token_binding_id: null, token_deregistered_at: deregisteredAt }).where('contract_id', '=', '1000000001').execute();
        await db.updateTable('customers').set({ token_binding_id: null, token_deregistered_at: deregisteredAt + 10 * DAY_MS }).where('contract_id', '=', '1000000003').execute();

        bank.clock.set(deregisteredAt + 30 * DAY_MS - 1);
        assert.deepEqual(await runLimitDowngradeJob(db, { clock: bank.clock }), { lowered: [] });
        bank.clock.set(deregisteredAt + 30 * DAY_MS);
        const first = await runLimitDowngradeJob(db, { clock: bank.clock });
        assert.deepEqual(first.lowered, [{ institution: 'demo', contractId: '1000000001', fromYen: 1_000_000, toYen: 500_000, deregisteredAtMs: deregisteredAt }]);
        assert.deepEqual(await runLimitDowngradeJob(db, { clock: bank.clock }), { lowered: [] }, 'running again changes nothing');

        bank.clock.set(deregisteredAt + 40 * DAY_MS);
        const reports = await runScheduledJobs({ db, clock: bank.clock });
        const downgrade = reports.find((r) => r.job === 'limit_downgrade');
        assert.deepEqual(downgrade?.job === 'limit_downgrade' && downgrade.lowered.map((l) => l.contractId), ['1000000003']);
        const limits = await db.selectFrom('transfer_limits').select(['contract_id', 'daily_limit_yen']).orderBy('contract_id').execute();
        assert.deepEqual(limits.map((l) => [l.contract_id, l.daily_limit_yen]), [['1000000001', 500_000], ['1000000003', 500_000], ['1000000004', 1_000_000]]);
        const audit = await db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'daily_limit_lowered').orderBy('seq').execute();
        assert.equal(audit.length, 2);
        assert.deepEqual(JSON.parse(audit[0]!.details).reason, 'token_deregistered');
        assert.equal(audit[0]!.actor, 'system');
        // A shorter policy (per institution, or overridden) applies at once.
        assert.deepEqual((await runLimitDowngradeJob(db, { clock: bank.clock, policyDays: 0 })).lowered, []);
      }));

    it('keeps the limit of a contract that registered a token again', () =>
      withFixture(setup(), async ({ bank, proof, change, database }) => {
        const db = database.db;
        assert.ok((await change('1000000001', 1_000_000, { otpProof: proof('1000000001') })).ok);
        // Deregistered 40 days ago, registered again since: the date stays, the binding is back.
        await db.updateTable('customers').set({ token_binding_id: 'bind_new', token_deregistered_at: bank.clock.nowMs() - 40 * DAY_MS }).where('contract_id', '=', '1000000001').execute();
        assert.deepEqual(await runLimitDowngradeJob(db, { clock: bank.clock }), { lowered: [] });
      }));
  });
}
