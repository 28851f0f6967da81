import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { timeStepAt } from '../otp/index.js';
import { systemRandomBytes } from '../shared/clock.js';
import { createAuthority } from './authority.js';
import { provisionTestToken, STEP_MS, withTestAuthority, wrongCode } from '../../test/support/authority/authority-testing.js';

const toFullWidth = (text: string) => text.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

for (const dialect of DIALECTS) {
  describe(`bind and unbind [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('binds after proof of possession; the proof code is spent for the binding', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        const bound = await client.bind({ serial: token.serial, subject: '1000000001', code });
        assert.ok(bound.ok);
        assert.match(bound.bindingId, /^bnd_[A-Za-z0-9_-]{22}$/);
        assert.deepEqual({ ...bound, bindingId: '' }, { ok: true, bindingId: '', serial: token.serial, kind: 'mobile', timeStep: timeStepAt({ nowMs: t.clock.nowMs(), periodSeconds: 30 }) });
        assert.deepEqual(await client.verify({ bindingId: bound.bindingId, code }), { valid: false, reason: 'replayed' });
        const audit = await t.database.db.selectFrom('audit_log').select(['actor', 'action', 'subject', 'details']).where('action', '=', 'token_bound').executeTakeFirstOrThrow();
        assert.equal(audit.actor, 'rp:bank-a');
        assert.equal(audit.subject, token.serial);
        assert.doesNotMatch(audit.details, new RegExp(code));
      }));

    it('accepts the serial as people type it, and names a wrong check digit apart from nonsense', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        const typed = `${token.serial.slice(0, 4).toLowerCase()}-${token.serial.slice(4, 8)} ${toFullWidth(token.serial.slice(8))}`;
        const bound = await client.bind({ serial: typed, subject: '1000000001', code });
        assert.ok(bound.ok);
        assert.equal(bound.serial, token.serial);
        const lastDigit = Number(token.serial.slice(-1));
        const wrongCheck = token.serial.slice(0, -1) + String((lastDigit + 1) % 10);
        for (const serial of ['', 'MMOB', 'hello world', wrongCheck, `${token.serial}0`, '１２３']) {
          assert.deepEqual(await client.bind({ serial, subject: '1', code }), { ok: false, reason: 'malformed_serial' }, serial);
        }
      }));

    it('refuses a bind that races the token being disabled (the disable commits between the check and the write)', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        // The database as bindToken sees it: its first transaction starts only after another
        // request has disabled the token — after bindToken read the token as active.
        const real = t.database.db;
        let race = true;
        const racingDb = new Proxy(real, {
          get(target, property) {
            if (property === 'transaction' && race) {
              race = false;
              const builder = target.transaction();
              return () => ({ execute: async <T>(fn: Parameters<typeof builder.execute<T>>[0]) => (await t.authority.setTokenState(token.serial, 'disabled'), builder.execute(fn)) });
            }
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
        const racing = createAuthority({ database: { ...t.database, db: racingDb }, keyring: t.keyring, clock: t.clock, randomBytes: systemRandomBytes });
        const code = token.codeAt(t.clock.nowMs());
        assert.deepEqual(await racing.clientFor('bank-a').bind({ serial: token.serial, subject: '1000000001', code }), { ok: false, reason: 'token_disabled' });
        assert.equal(race, false, 'the race was staged');
        const bindings = await real.selectFrom('bindings').select('id').where('serial', '=', token.serial).execute();
        assert.deepEqual(bindings, [], 'no binding was written after the disable');
      }));

    it('says unknown_serial for an unknown or revoked token, token_disabled for a disabled one', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        assert.deepEqual(await client.bind({ serial: 'MMOB00000000', subject: '1', code }), { ok: false, reason: 'unknown_serial' });
        await t.authority.setTokenState(token.serial, 'disabled');
        assert.deepEqual(await client.bind({ serial: token.serial, subject: '1', code }), { ok: false, reason: 'token_disabled' });
        await t.authority.setTokenState(token.serial, 'revoked');
        assert.deepEqual(await client.bind({ serial: token.serial, subject: '1', code }), { ok: false, reason: 'unknown_serial' });
      }));

    it('refuses a wrong code (counted) and a malformed one (not counted)', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const client = t.authority.clientFor('bank-a');
        assert.deepEqual(await client.bind({ serial: token.serial, subject: '1', code: wrongCode(token, t.clock.nowMs()) }), { ok: false, reason: 'invalid_code' });
        assert.deepEqual(await client.bind({ serial: token.serial, subject: '1', code: '12 34 56' }), { ok: false, reason: 'malformed_code' });
        const row = await t.database.db.selectFrom('tokens').select('throttle_failures').executeTakeFirstOrThrow();
        assert.equal(row.throttle_failures, 1);
        assert.deepEqual(await t.database.db.selectFrom('bindings').selectAll().execute(), []);
      }));

    it('binding the same token to the same subject again reuses the binding, with a fresh code only', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        const first = await client.bind({ serial: token.serial, subject: '1000000001', code });
        assert.ok(first.ok);
        assert.deepEqual(await client.bind({ serial: token.serial, subject: '1000000001', code }), { ok: false, reason: 'invalid_code' });
        t.clock.advance(STEP_MS);
        const again = await client.bind({ serial: token.serial, subject: '1000000001', code: token.codeAt(t.clock.nowMs()) });
        assert.ok(again.ok);
        assert.equal(again.bindingId, first.bindingId);
        const rows = await t.database.db.selectFrom('bindings').selectAll().execute();
        assert.equal(rows.length, 1);
      }));

    it('unbinds only its own bindings, once; binding again afterwards makes a new binding', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const a = t.authority.clientFor('bank-a');
        const bound = await a.bind({ serial: token.serial, subject: '1000000001', code: token.codeAt(t.clock.nowMs()) });
        assert.ok(bound.ok);
        assert.deepEqual(await t.authority.clientFor('bank-b').unbind(bound.bindingId), { ok: false, reason: 'binding_not_found' });
        assert.deepEqual(await a.unbind(bound.bindingId), { ok: true });
        assert.deepEqual(await a.unbind(bound.bindingId), { ok: false, reason: 'binding_not_found' });
        assert.deepEqual(await a.unbind('bnd_unknown'), { ok: false, reason: 'binding_not_found' });
        t.clock.advance(STEP_MS);
        const rebound = await a.bind({ serial: token.serial, subject: '1000000001', code: token.codeAt(t.clock.nowMs()) });
        assert.ok(rebound.ok);
        assert.notEqual(rebound.bindingId, bound.bindingId);
        const actions = await t.database.db.selectFrom('audit_log').select('action').where('action', 'in', ['token_bound', 'token_unbound']).orderBy('seq').execute();
        assert.deepEqual(actions.map((r) => r.action), ['token_bound', 'token_unbound', 'token_bound']);
      }));

    it('throws on a subject that is no identifier (misuse)', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const client = t.authority.clientFor('bank-a');
        for (const subject of ['', 'x'.repeat(65), 'a\nb', 42 as unknown as string]) {
          await assert.rejects(client.bind({ serial: token.serial, subject, code: '123456' }), TypeError);
        }
      }));
  });
}
