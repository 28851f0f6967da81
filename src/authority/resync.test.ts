import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { provisionTestToken, STEP_MS, withTestAuthority, type TestAuthority } from '../../test/support/authority/authority-testing.js';

async function bound(t: TestAuthority) {
  const token = await provisionTestToken(t);
  const bind = await t.authority.clientFor('bank-a').bind({ serial: token.serial, subject: '1000000001', code: token.codeAt(t.clock.nowMs()) });
  assert.ok(bind.ok);
  t.clock.advance(STEP_MS);
  return { token, bindingId: bind.bindingId };
}

for (const dialect of DIALECTS) {
  describe(`resync [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('finds two consecutive codes far off, stores the drift, and spends both codes', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await bound(t);
        const client = t.authority.clientFor('bank-a');
        const ahead = 20 * STEP_MS; // the token's clock runs ten minutes fast
        const code1 = token.codeAt(t.clock.nowMs() + ahead - STEP_MS);
        const code2 = token.codeAt(t.clock.nowMs() + ahead);
        assert.deepEqual(await client.verify({ bindingId, code: code2 }), { valid: false, reason: 'invalid_code' });
        assert.deepEqual(await client.resync({ serial: token.serial, code1, code2 }), { ok: true, driftSteps: 20 });
        assert.deepEqual(await client.verify({ bindingId, code: code2 }), { valid: false, reason: 'replayed' });
        t.clock.advance(STEP_MS);
        assert.equal((await client.verify({ bindingId, code: token.codeAt(t.clock.nowMs() + ahead) })).valid, true);
        const audit = await t.database.db.selectFrom('audit_log').select('details').where('action', '=', 'token_resynced').executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(audit.details), { driftSteps: 20, previousDriftSteps: 0, relyingParty: 'bank-a' });
      }));

    it('refuses codes that are not consecutive, or beyond the window, and counts them', () =>
      withTestAuthority(dialect, async (t) => {
        const { token } = await bound(t);
        const client = t.authority.clientFor('bank-a');
        const now = t.clock.nowMs();
        assert.deepEqual(await client.resync({ serial: token.serial, code1: token.codeAt(now), code2: token.codeAt(now - STEP_MS) }), { ok: false, reason: 'not_consecutive' });
        assert.deepEqual(await client.resync({ serial: token.serial, code1: token.codeAt(now - 2 * STEP_MS), code2: token.codeAt(now) }), { ok: false, reason: 'not_consecutive' });
        const far = now + 60 * STEP_MS;
        assert.deepEqual(await client.resync({ serial: token.serial, code1: token.codeAt(far - STEP_MS), code2: token.codeAt(far) }), { ok: false, reason: 'not_consecutive' });
        const row = await t.database.db.selectFrom('tokens').select(['throttle_failures', 'drift_steps']).executeTakeFirstOrThrow();
        assert.deepEqual(row, { throttle_failures: 3, drift_steps: 0 });
      }));

    it('answers malformed input, unknown tokens, tokens bound only elsewhere, and disabled tokens', () =>
      withTestAuthority(dialect, async (t) => {
        const { token } = await bound(t);
        const a = t.authority.clientFor('bank-a');
        const now = t.clock.nowMs();
        const codes = { code1: token.codeAt(now - STEP_MS), code2: token.codeAt(now) };
        assert.deepEqual(await a.resync({ serial: 'XX', ...codes }), { ok: false, reason: 'malformed_serial' });
        assert.deepEqual(await a.resync({ serial: 'MMOB00000000', ...codes }), { ok: false, reason: 'unknown_serial' });
        assert.deepEqual(await t.authority.clientFor('bank-b').resync({ serial: token.serial, ...codes }), { ok: false, reason: 'unknown_serial' });
        assert.deepEqual(await a.resync({ serial: token.serial, code1: '12345', code2: codes.code2 }), { ok: false, reason: 'malformed_code' });
        await t.authority.setTokenState(token.serial, 'disabled');
        assert.deepEqual(await a.resync({ serial: token.serial, ...codes }), { ok: false, reason: 'token_disabled' });
      }));
  });
}
