import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { timeStepAt } from '../otp/index.js';
import { boundTestToken, STEP_MS, withTestAuthority, wrongCode } from '../../test/support/authority/authority-testing.js';

const step = (nowMs: number) => timeStepAt({ nowMs, periodSeconds: 30 });

for (const dialect of DIALECTS) {
  describe(`verify [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('accepts the current code once; the same code again is replayed', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        assert.deepEqual(await client.verify({ bindingId, code }), { valid: true, timeStep: step(t.clock.nowMs()) });
        assert.deepEqual(await client.verify({ bindingId, code }), { valid: false, reason: 'replayed' });
        t.clock.advance(STEP_MS);
        assert.deepEqual(await client.verify({ bindingId, code }), { valid: false, reason: 'replayed' });
        assert.deepEqual(await client.verify({ bindingId, code: token.codeAt(t.clock.nowMs()) }), { valid: true, timeStep: step(t.clock.nowMs()) });
      }));

    it('refuses an older step after a newer one (replayed), and the bind code itself', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const now = t.clock.nowMs();
        assert.deepEqual(await client.verify({ bindingId, code: token.codeAt(now - STEP_MS) }), { valid: false, reason: 'replayed' });
        assert.equal((await client.verify({ bindingId, code: token.codeAt(now + STEP_MS) })).valid, true);
        assert.deepEqual(await client.verify({ bindingId, code: token.codeAt(now) }), { valid: false, reason: 'replayed' });
      }));

    it('accepts one code once for each binding of a token: two subjects, and two relying parties', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId: first } = await boundTestToken(t, 'bank-a', '1000000001');
        const prev = token.codeAt(t.clock.nowMs() - STEP_MS);
        const second = await t.authority.clientFor('bank-a').bind({ serial: token.serial, subject: '1000000002', code: prev });
        const third = await t.authority.clientFor('bank-b').bind({ serial: token.serial, subject: '1000000001', code: prev });
        assert.ok(second.ok && third.ok);
        const code = token.codeAt(t.clock.nowMs());
        assert.equal((await t.authority.clientFor('bank-a').verify({ bindingId: first, code })).valid, true);
        assert.equal((await t.authority.clientFor('bank-a').verify({ bindingId: second.bindingId, code })).valid, true);
        assert.equal((await t.authority.clientFor('bank-b').verify({ bindingId: third.bindingId, code })).valid, true);
        assert.deepEqual(await t.authority.clientFor('bank-b').verify({ bindingId: third.bindingId, code }), { valid: false, reason: 'replayed' });
      }));

    it('tells a wrong code from a malformed one; only wrong codes count against the throttle', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        assert.deepEqual(await client.verify({ bindingId, code: wrongCode(token, t.clock.nowMs()) }), { valid: false, reason: 'invalid_code' });
        for (const code of ['', '12345', '1234567', '12345a', ' 123456', '１２３４５６', '-12345']) {
          assert.deepEqual(await client.verify({ bindingId, code }), { valid: false, reason: 'malformed_code' }, code);
        }
        const row = await t.database.db.selectFrom('tokens').select('throttle_failures').where('serial', '=', token.serial).executeTakeFirstOrThrow();
        assert.equal(row.throttle_failures, 1);
      }));

    it('accepts the neighbouring steps (window ±1) but not two steps away', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const now = t.clock.nowMs();
        assert.deepEqual(await client.verify({ bindingId, code: token.codeAt(now + 2 * STEP_MS) }), { valid: false, reason: 'invalid_code' });
        assert.deepEqual(await client.verify({ bindingId, code: token.codeAt(now + STEP_MS) }), { valid: true, timeStep: step(now) + 1 });
      }));

    it("sees only the relying party's own live bindings", () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t, 'bank-a');
        const code = token.codeAt(t.clock.nowMs());
        assert.deepEqual(await t.authority.clientFor('bank-b').verify({ bindingId, code }), { valid: false, reason: 'binding_not_found' });
        assert.deepEqual(await t.authority.clientFor('bank-a').verify({ bindingId: 'bnd_nope', code }), { valid: false, reason: 'binding_not_found' });
        assert.deepEqual(await t.authority.clientFor('bank-a').unbind(bindingId), { ok: true });
        assert.deepEqual(await t.authority.clientFor('bank-a').verify({ bindingId, code }), { valid: false, reason: 'binding_not_found' });
      }));

    it('throttles a token after 20 wrong codes across every relying party, until the window ends', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId: atA } = await boundTestToken(t, 'bank-a');
        const bound = await t.authority.clientFor('bank-b').bind({ serial: token.serial, subject: '9', code: token.codeAt(t.clock.nowMs() - STEP_MS) });
        assert.ok(bound.ok);
        const wrong = wrongCode(token, t.clock.nowMs());
        for (let i = 0; i < 20; i++) {
          const client = t.authority.clientFor(i % 2 === 0 ? 'bank-a' : 'bank-b');
          const bindingId: string = i % 2 === 0 ? atA : bound.bindingId;
          assert.deepEqual(await client.verify({ bindingId, code: wrong }), { valid: false, reason: 'invalid_code' });
        }
        const right = token.codeAt(t.clock.nowMs());
        assert.deepEqual(await t.authority.clientFor('bank-a').verify({ bindingId: atA, code: right }), { valid: false, reason: 'throttled' });
        assert.deepEqual(await t.authority.clientFor('bank-b').verify({ bindingId: bound.bindingId, code: right }), { valid: false, reason: 'throttled' });
        assert.deepEqual(await t.authority.clientFor('bank-a').bind({ serial: token.serial, subject: '2', code: right }), { ok: false, reason: 'throttled' });
        // The code was not spent by the throttled attempts: after the window it is accepted.
        t.clock.advance(5 * 60_000);
        const later = token.codeAt(t.clock.nowMs());
        assert.equal((await t.authority.clientFor('bank-a').verify({ bindingId: atA, code: later })).valid, true);
      }));

    it('refuses a right code whose claim comes after the failure budget was spent or the token was disabled (races)', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        // As if 20 concurrent wrong guesses committed between this request's read and its write:
        // the claim itself checks the budget.
        const { claimStep } = await import('./binding-store.js');
        await t.database.db.updateTable('tokens').set({ throttle_failures: 20, throttle_window_start: t.clock.nowMs() }).execute();
        const claim = { bindingId, serial: token.serial, floor: 'last_step' as const, step: step(t.clock.nowMs()), nowMs: t.clock.nowMs(), maxFailures: 20, throttleWindowMs: 300_000 };
        assert.equal(await claimStep(t.database.db, claim), false);
        // Likewise a code checked just before the token was disabled.
        await t.database.db.updateTable('tokens').set({ throttle_failures: 0, state: 'disabled' }).execute();
        assert.equal(await claimStep(t.database.db, claim), false);
        await t.database.db.updateTable('tokens').set({ state: 'active' }).execute();
        assert.equal(await claimStep(t.database.db, claim), true);
      }));

    it('answers token_disabled for a disabled or revoked token, and works again when re-enabled', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        assert.deepEqual(await t.authority.setTokenState(token.serial, 'disabled'), { ok: true });
        assert.deepEqual(await client.verify({ bindingId, code }), { valid: false, reason: 'token_disabled' });
        assert.deepEqual(await t.authority.setTokenState(token.serial, 'active'), { ok: true });
        assert.equal((await client.verify({ bindingId, code })).valid, true);
        assert.deepEqual(await t.authority.setTokenState(token.serial, 'revoked'), { ok: true });
        t.clock.advance(STEP_MS);
        assert.deepEqual(await client.verify({ bindingId, code: token.codeAt(t.clock.nowMs()) }), { valid: false, reason: 'token_disabled' });
        assert.deepEqual(await t.authority.setTokenState(token.serial, 'active'), { ok: false, reason: 'revoked' });
        assert.deepEqual(await t.authority.setTokenState('MMOB00000000', 'active'), { ok: false, reason: 'unknown_serial' });
        assert.deepEqual(await t.authority.setTokenState('MMOB00000001', 'active'), { ok: false, reason: 'malformed_serial' });
        const actions = await t.database.db.selectFrom('audit_log').select('action').where('action', '=', 'token_state_changed').execute();
        assert.equal(actions.length, 3);
      }));

    it('learns drift one step at a time from accepted codes, up to ±10 steps', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const drift = async () => (await t.database.db.selectFrom('tokens').select('drift_steps').where('serial', '=', token.serial).executeTakeFirstOrThrow()).drift_steps;
        // The token's clock runs ahead, one more step at each login, 12 logins.
        for (let ahead = 1; ahead <= 12; ahead++) {
          t.clock.advance(STEP_MS);
          const result = await client.verify({ bindingId, code: token.codeAt(t.clock.nowMs() + ahead * STEP_MS) });
          if (ahead <= 11) assert.equal(result.valid, true, `ahead ${ahead}`);
          else assert.deepEqual(result, { valid: false, reason: 'invalid_code' });
          assert.equal(await drift(), Math.min(ahead, 10));
        }
        // Back toward zero is always learnt (two steps on, so the code is above the floor).
        t.clock.advance(2 * STEP_MS);
        assert.equal((await client.verify({ bindingId, code: token.codeAt(t.clock.nowMs() + 9 * STEP_MS) })).valid, true);
        assert.equal(await drift(), 9);
        // An accepted code on the centre changes nothing.
        t.clock.advance(STEP_MS);
        assert.equal((await client.verify({ bindingId, code: token.codeAt(t.clock.nowMs() + 9 * STEP_MS) })).valid, true);
        assert.equal(await drift(), 9);
      }));

    it('verifies transaction codes bound to the payee (and amount), with their own replay floor', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const now = t.clock.nowMs();
        const code = token.transactionCodeAt({ nowMs: now, payeeAccount: '0123456', amountYen: 78_000 });
        const transaction = { payeeAccount: '0123456', amountYen: 78_000 };
        assert.deepEqual(await client.verify({ bindingId, code, transaction: { payeeAccount: '0123456', amountYen: 78_001 } }), { valid: false, reason: 'invalid_code' });
        assert.deepEqual(await client.verify({ bindingId, code, transaction: { payeeAccount: '1234567', amountYen: 8_000 } }), { valid: false, reason: 'invalid_code' });
        assert.deepEqual(await client.verify({ bindingId, code, transaction }), { valid: true, timeStep: Math.floor(now / 60_000) });
        assert.deepEqual(await client.verify({ bindingId, code, transaction }), { valid: false, reason: 'replayed' });
        // The login floor is separate: the current login code is still good.
        assert.equal((await client.verify({ bindingId, code: token.codeAt(now) })).valid, true);
        // Account only.
        t.clock.advance(60_000);
        const accountOnly = token.transactionCodeAt({ nowMs: t.clock.nowMs(), payeeAccount: '7654321' });
        assert.equal((await client.verify({ bindingId, code: accountOnly, transaction: { payeeAccount: '7654321' } })).valid, true);
        assert.deepEqual(await client.verify({ bindingId, code: 'abcdef', transaction: { payeeAccount: '7654321' } }), { valid: false, reason: 'malformed_code' });
        await assert.rejects(client.verify({ bindingId, code: '123456', transaction: { payeeAccount: '12' } }), TypeError);
      }));
  });
}
