// The contract of AuthorityClient (authority-client.ts), as one suite that every
// implementation must pass: in-process and over HTTP, on SQLite and PostgreSQL. Not a test file
// by itself; authority-client.contract.test.ts runs it for each implementation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DialectName } from '../../../src/db/database.js';
import { DIALECTS, skipReason } from '../db/testing.js';
import { timeStepAt } from '../../../src/otp/index.js';
import type { AuthorityClient } from '../../../src/authority/authority-client.js';
import { provisionTestToken, STEP_MS, wrongCode, type TestAuthority, type TestToken } from './authority-testing.js';

export interface ContractEnvironment {
  /** The authority behind the clients: provisioning, the clock, token states. */
  t: TestAuthority;
  clientFor(relyingParty: 'bank-a' | 'bank-b'): AuthorityClient;
  close(): Promise<void>;
}

export type ContractEnvironmentFactory = (dialect: DialectName) => Promise<ContractEnvironment>;

/** A new token (of `kind`), bound to contract 1000000001 through `client` with the code it shows now. */
async function boundThrough(t: TestAuthority, client: AuthorityClient, kind: 'mobile' | 'desktop' = 'mobile'): Promise<{ token: TestToken; bindingId: string }> {
  const token = await provisionTestToken(t, kind);
  const bound = await client.bind({ serial: token.serial, subject: '1000000001', code: token.codeAt(t.clock.nowMs()) });
  assert.ok(bound.ok, JSON.stringify(bound));
  return { token, bindingId: bound.bindingId };
}

export function runAuthorityClientContract(implementation: string, createEnvironment: ContractEnvironmentFactory): void {
  for (const dialect of DIALECTS) {
    describe(`AuthorityClient contract: ${implementation} [${dialect}]`, { skip: skipReason(dialect) }, () => {
      const withEnvironment = (run: (env: ContractEnvironment) => Promise<void>) => async () => {
        const env = await createEnvironment(dialect);
        try {
          await run(env);
        } finally {
          await env.close();
        }
      };

      it(
        'binds with a current code, then verifies each later step once',
        withEnvironment(async ({ t, clientFor }) => {
          const token = await provisionTestToken(t);
          const client = clientFor('bank-a');
          const bound = await client.bind({ serial: token.serial.toLowerCase(), subject: '1000000001', code: token.codeAt(t.clock.nowMs()) });
          assert.ok(bound.ok);
          assert.deepEqual({ ...bound, bindingId: typeof bound.bindingId }, { ok: true, bindingId: 'string', serial: token.serial, kind: 'mobile', timeStep: timeStepAt({ nowMs: t.clock.nowMs(), periodSeconds: 30 }) });
          t.clock.advance(STEP_MS);
          const code = token.codeAt(t.clock.nowMs());
          assert.deepEqual(await client.verify({ bindingId: bound.bindingId, code }), { valid: true, timeStep: bound.timeStep + 1 });
          assert.deepEqual(await client.verify({ bindingId: bound.bindingId, code }), { valid: false, reason: 'replayed' });
        }),
      );

      it(
        'answers every bind failure with its reason',
        withEnvironment(async ({ t, clientFor }) => {
          const token = await provisionTestToken(t);
          const client = clientFor('bank-a');
          const code = token.codeAt(t.clock.nowMs());
          const bind = (input: { serial?: string; code?: string }) => client.bind({ serial: input.serial ?? token.serial, subject: '1000000001', code: input.code ?? code });
          assert.deepEqual(await bind({ serial: 'nonsense' }), { ok: false, reason: 'malformed_serial' });
          assert.deepEqual(await bind({ serial: 'MMOB00000000' }), { ok: false, reason: 'unknown_serial' });
          assert.deepEqual(await bind({ code: '12345' }), { ok: false, reason: 'malformed_code' });
          assert.deepEqual(await bind({ code: '1'.repeat(40) }), { ok: false, reason: 'malformed_code' });
          assert.deepEqual(await bind({ code: wrongCode(token, t.clock.nowMs()) }), { ok: false, reason: 'invalid_code' });
          await t.authority.setTokenState(token.serial, 'disabled');
          assert.deepEqual(await bind({}), { ok: false, reason: 'token_disabled' });
          await t.authority.setTokenState(token.serial, 'revoked');
          assert.deepEqual(await bind({}), { ok: false, reason: 'unknown_serial' });
        }),
      );

      it(
        'throws TypeError for a subject that is no identifier (a caller bug)',
        withEnvironment(async ({ t, clientFor }) => {
          const token = await provisionTestToken(t);
          await assert.rejects(clientFor('bank-a').bind({ serial: token.serial, subject: '', code: token.codeAt(t.clock.nowMs()) }), TypeError);
          await assert.rejects(clientFor('bank-a').bind({ serial: token.serial, subject: 'a\u0000b', code: token.codeAt(t.clock.nowMs()) }), TypeError);
        }),
      );

      it(
        'answers every verify failure with its reason',
        withEnvironment(async ({ t, clientFor }) => {
          const a = clientFor('bank-a');
          const { token, bindingId } = await boundThrough(t, a, 'desktop');
          t.clock.advance(STEP_MS);
          const code = token.codeAt(t.clock.nowMs());
          for (const bindingId of ['bnd_AAAAAAAAAAAAAAAAAAAAAA', 'a/b?c#d', 'x'.repeat(300), '\u0000', '']) {
            assert.deepEqual(await a.verify({ bindingId, code }), { valid: false, reason: 'binding_not_found' }, JSON.stringify(bindingId));
          }
          assert.deepEqual(await clientFor('bank-b').verify({ bindingId: bindingId, code }), { valid: false, reason: 'binding_not_found' });
          for (const malformed of ['', '12345', 'abcdef', '１２３４５６', '1'.repeat(40)]) {
            assert.deepEqual(await a.verify({ bindingId: bindingId, code: malformed }), { valid: false, reason: 'malformed_code' }, malformed);
          }
          assert.deepEqual(await a.verify({ bindingId: bindingId, code: wrongCode(token, t.clock.nowMs()) }), { valid: false, reason: 'invalid_code' });
          await t.authority.setTokenState(token.serial, 'disabled');
          assert.deepEqual(await a.verify({ bindingId: bindingId, code }), { valid: false, reason: 'token_disabled' });
          await t.authority.setTokenState(token.serial, 'active');
          for (let i = 0; i < 19; i++) await a.verify({ bindingId: bindingId, code: wrongCode(token, t.clock.nowMs()) });
          assert.deepEqual(await a.verify({ bindingId: bindingId, code }), { valid: false, reason: 'throttled' });
        }),
      );

      it(
        'verifies transaction codes, and throws TypeError for a payee that is no account number',
        withEnvironment(async ({ t, clientFor }) => {
          const a = clientFor('bank-a');
          const { token, bindingId } = await boundThrough(t, a);
          const transaction = { payeeAccount: '0012345', amountYen: 1_500_000 };
          const code = token.transactionCodeAt({ nowMs: t.clock.nowMs(), ...transaction });
          assert.deepEqual(await a.verify({ bindingId: bindingId, code, transaction: { ...transaction, amountYen: 1_500_001 } }), { valid: false, reason: 'invalid_code' });
          assert.deepEqual(await a.verify({ bindingId: bindingId, code, transaction }), { valid: true, timeStep: Math.floor(t.clock.nowMs() / 60_000) });
          assert.deepEqual(await a.verify({ bindingId: bindingId, code, transaction }), { valid: false, reason: 'replayed' });
          await assert.rejects(a.verify({ bindingId: bindingId, code, transaction: { payeeAccount: '12345' } }), TypeError);
          await assert.rejects(a.verify({ bindingId: bindingId, code, transaction: { payeeAccount: '0012345', amountYen: 0 } }), TypeError);
        }),
      );

      it(
        'unbinds its own bindings only, once',
        withEnvironment(async ({ t, clientFor }) => {
          const { bindingId } = await boundThrough(t, clientFor('bank-a'));
          assert.deepEqual(await clientFor('bank-b').unbind(bindingId), { ok: false, reason: 'binding_not_found' });
          assert.deepEqual(await clientFor('bank-a').unbind('no such/binding'), { ok: false, reason: 'binding_not_found' });
          assert.deepEqual(await clientFor('bank-a').unbind(bindingId), { ok: true });
          assert.deepEqual(await clientFor('bank-a').unbind(bindingId), { ok: false, reason: 'binding_not_found' });
        }),
      );

      it(
        'resyncs from two consecutive codes, and answers resync failures with their reason',
        withEnvironment(async ({ t, clientFor }) => {
          const a = clientFor('bank-a');
          const { token } = await boundThrough(t, a);
          t.clock.advance(STEP_MS);
          const behind = t.clock.nowMs() - 7 * STEP_MS;
          const codes = { code1: token.codeAt(behind - STEP_MS), code2: token.codeAt(behind) };
          assert.deepEqual(await a.resync({ serial: 'x', ...codes }), { ok: false, reason: 'malformed_serial' });
          assert.deepEqual(await clientFor('bank-b').resync({ serial: token.serial, ...codes }), { ok: false, reason: 'unknown_serial' });
          assert.deepEqual(await a.resync({ serial: token.serial, code1: 'abc', code2: codes.code2 }), { ok: false, reason: 'malformed_code' });
          assert.deepEqual(await a.resync({ serial: token.serial, code1: codes.code2, code2: codes.code1 }), { ok: false, reason: 'not_consecutive' });
          assert.deepEqual(await a.resync({ serial: token.serial, ...codes }), { ok: true, driftSteps: -7 });
        }),
      );
    });
  }
}
