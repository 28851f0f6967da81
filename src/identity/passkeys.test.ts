// Passkeys in the identity core (issue 15), on both dialects, with real ES256 credentials from a
// software authenticator: registration (user verification required, at most 5, audited), sign-in
// with a discoverable credential, step-up bound to one operation, and every refusal the issue
// names — another origin, a replayed challenge, a challenge of another browser session, another
// institution's or another contract's credential (answered as an unknown one), no user
// verification, a counter gone backwards — counted on the passkey's own lock, which locks
// passkey sign-in after 5 and leaves the contract's password and one-time password alone.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { verifyAuditChain } from '../audit/audit-log.js';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../test/support/db/testing.js';
import { seedCustomer, seedInstitution, type TestBank } from '../../test/support/banking/ledger/test-fixtures.js';
import { SoftAuthenticator } from '../../test/support/identity/soft-authenticator.js';
import { PASSKEY_LOCK_THRESHOLD } from './attempts.js';
import {
  CHALLENGE_TTL_MS,
  deletePasskeys,
  finishPasskeyRegistration,
  finishPasskeySignIn,
  finishPasskeyStepUp,
  listPasskeys,
  MAX_PASSKEYS,
  passkeyNameProblem,
  renamePasskey,
  startPasskeyRegistration,
  startPasskeySignIn,
  startPasskeyStepUp,
  sweepPasskeyChallenges,
  type Ceremony,
} from './passkeys.js';
import { CUSTOMER } from './principals.js';

const ORIGIN = 'http://localhost:8080';
const RP = { id: 'localhost', origin: ORIGIN, name: 'デモ信用金庫' };
const ALICE = '1000000001';
const BOB = '1000000002';
const THRESHOLDS = { password: 5, otp: 5 };
const binding = (name: string) => createHash('sha256').update(name).digest('hex');

for (const dialect of DIALECTS) {
  describe(`passkeys in the identity core [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let database: TestDatabase;
    let demo: TestBank;
    beforeEach(async () => {
      database = await createTestDatabase(dialect);
      demo = await seedInstitution(database.db, { slug: 'demo', bankCode: '9990' });
      const sample = await seedInstitution(database.db, { slug: 'sample', bankCode: '9991', clock: demo.clock });
      await seedCustomer(database.db, demo, { contractId: ALICE });
      await seedCustomer(database.db, demo, { contractId: BOB });
      await seedCustomer(database.db, sample, { contractId: ALICE });
    });
    afterEach(() => database.close());

    const ceremony = (over: Partial<Ceremony> = {}): Ceremony => ({ kind: CUSTOMER, institution: 'demo', rp: RP, bindingHash: binding('session-a'), nowMs: demo.clock.nowMs(), ...over });
    const alice = { institution: 'demo', subject: ALICE };

    async function register(authenticator: SoftAuthenticator, who = alice, name = 'iPhone', over: Partial<Ceremony> = {}) {
      const started = await startPasskeyRegistration(database.db, ceremony(over), { ...who, userName: who.subject, userDisplayName: 'テスト' });
      assert.ok(started.ok);
      const { response } = authenticator.create(started.options);
      return finishPasskeyRegistration(database.db, ceremony(over), { principal: who, response, name });
    }

    async function signIn(authenticator: SoftAuthenticator, answer: Parameters<SoftAuthenticator['get']>[1] = {}, over: Partial<Ceremony> = {}) {
      const options = await startPasskeySignIn(database.db, ceremony(over));
      return finishPasskeySignIn(database.db, ceremony(over), { response: authenticator.get(options, answer), thresholds: THRESHOLDS, path: 'login' });
    }

    const passkeyFailures = async (contractId = ALICE) =>
      Number((await (database.db as unknown as Kysely<Record<string, { passkey_failures: number; institution: string; contract_id: string }>>).selectFrom('customers').select('passkey_failures').where('institution', '=', 'demo').where('contract_id', '=', contractId).executeTakeFirstOrThrow()).passkey_failures);

    it('registers with user verification required, lists, renames; signs in with no password and no code; audited', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      const started = await startPasskeyRegistration(database.db, ceremony(), { ...alice, userName: ALICE, userDisplayName: 'テスト' });
      assert.ok(started.ok);
      assert.equal(started.options.attestation, 'none');
      assert.equal(started.options.authenticatorSelection?.userVerification, 'required');
      assert.equal(started.options.authenticatorSelection?.residentKey, 'preferred');
      assert.equal(started.options.rp.id, 'localhost');
      assert.notEqual(started.options.user.id, ALICE, 'the user handle is opaque');
      const registered = await finishPasskeyRegistration(database.db, ceremony(), { principal: alice, response: authenticator.create(started.options).response, name: ' iPhone ' });
      assert.ok(registered.ok);
      assert.equal(registered.passkey.name, 'iPhone');
      assert.equal(registered.passkey.backedUp, true);
      assert.deepEqual((await listPasskeys(database.db, CUSTOMER, alice)).map((p) => p.name), ['iPhone']);
      assert.ok(await renamePasskey(database.db, CUSTOMER, alice, { id: registered.passkey.id, name: '仕事用の電話', nowMs: demo.clock.nowMs() }));
      assert.ok(!(await renamePasskey(database.db, CUSTOMER, { institution: 'demo', subject: BOB }, { id: registered.passkey.id, name: 'x', nowMs: demo.clock.nowMs() })), 'not Bob\'s');

      demo.clock.advance(60_000);
      const signedIn = await signIn(authenticator);
      assert.deepEqual(signedIn.ok && { subject: signedIn.subject, name: signedIn.passkey.name, lastUsedAt: signedIn.passkey.lastUsedAt }, { subject: ALICE, name: '仕事用の電話', lastUsedAt: demo.clock.nowMs() });
      assert.deepEqual(await database.db.selectFrom('audit_log').select(['action', 'actor']).where('action', 'like', '%passkey%').execute(), [{ action: 'passkey_registered', actor: `customer:${ALICE}` }]);
      assert.ok((await verifyAuditChain(database.db)).ok);
    });

    it('refuses a registration made for another origin, without user verification, or with a challenge of another session or used twice', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      const start = async () => {
        const started = await startPasskeyRegistration(database.db, ceremony(), { ...alice, userName: ALICE, userDisplayName: 'テスト' });
        assert.ok(started.ok);
        return started.options;
      };
      const finish = (response: Parameters<typeof finishPasskeyRegistration>[2]['response'], over: Partial<Ceremony> = {}) => finishPasskeyRegistration(database.db, ceremony(over), { principal: alice, response, name: 'x' });
      assert.deepEqual(await finish(authenticator.create(await start(), { origin: 'https://phish.example' }).response), { ok: false, reason: 'invalid' });
      assert.deepEqual(await finish(authenticator.create(await start(), { userVerified: false }).response), { ok: false, reason: 'invalid' });
      assert.deepEqual(await finish(authenticator.create(await start()).response, { bindingHash: binding('session-b') }), { ok: false, reason: 'challenge' });
      const once = authenticator.create(await start()).response;
      assert.ok((await finish(once)).ok);
      assert.deepEqual(await finish(once), { ok: false, reason: 'challenge' });
      const late = authenticator.create(await start()).response;
      demo.clock.advance(CHALLENGE_TTL_MS);
      assert.deepEqual(await finish(late), { ok: false, reason: 'challenge' });
      assert.equal((await listPasskeys(database.db, CUSTOMER, alice)).length, 1);
    });

    it('keeps at most 5 per contract, also when registrations race for the fifth place', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      for (let i = 0; i < MAX_PASSKEYS - 1; i++) assert.ok((await register(authenticator, alice, `key ${i}`)).ok);
      const starts = await Promise.all([0, 1, 2].map(() => startPasskeyRegistration(database.db, ceremony(), { ...alice, userName: ALICE, userDisplayName: 'テスト' })));
      const answers = starts.map((s) => (assert.ok(s.ok), authenticator.create(s.options).response));
      const results = await Promise.all(answers.map((response, i) => finishPasskeyRegistration(database.db, ceremony(), { principal: alice, response, name: `race ${i}` })));
      assert.deepEqual(results.map((r) => r.ok).sort(), [false, false, true]);
      assert.deepEqual(results.filter((r) => !r.ok), [{ ok: false, reason: 'limit' }, { ok: false, reason: 'limit' }]);
      assert.equal((await listPasskeys(database.db, CUSTOMER, alice)).length, MAX_PASSKEYS);
      assert.deepEqual(await startPasskeyRegistration(database.db, ceremony(), { ...alice, userName: ALICE, userDisplayName: 'テスト' }), { ok: false, reason: 'limit' });
    });

    it('answers another institution\'s passkey, another contract\'s and an unknown one alike, counting nothing', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      assert.ok((await register(authenticator)).ok);
      // demo's passkey at sample (same relying party id: one origin serves both).
      assert.deepEqual(await signIn(authenticator, {}, { institution: 'sample' }), { ok: false, reason: 'refused' });
      // An unknown credential.
      const stranger = new SoftAuthenticator(ORIGIN);
      stranger.create((await startPasskeyRegistration(database.db, ceremony(), { ...alice, userName: ALICE, userDisplayName: 'x' }) as { ok: true; options: never }).options);
      assert.deepEqual(await signIn(stranger), { ok: false, reason: 'refused' });
      // Alice's passkey for Bob's step-up.
      const bob = { institution: 'demo', subject: BOB };
      assert.ok((await register(new SoftAuthenticator(ORIGIN), bob)).ok);
      const started = await startPasskeyStepUp(database.db, ceremony(), { principal: bob, operation: 'transfer:t1' });
      assert.ok(started.ok);
      const forBob = await finishPasskeyStepUp(database.db, ceremony(), { principal: bob, operation: 'transfer:t1', response: authenticator.get(started.options), thresholds: THRESHOLDS, path: 'transfer' });
      assert.deepEqual(forBob, { ok: false, reason: 'refused' });
      assert.equal(await passkeyFailures(ALICE), 0);
      assert.equal(await passkeyFailures(BOB), 0);
    });

    it('refuses and counts a replayed assertion, another origin, no user verification, another session\'s challenge and a counter gone backwards; 5 lock passkey sign-in only', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN, true);
      assert.ok((await register(authenticator)).ok);
      const options = await startPasskeySignIn(database.db, ceremony());
      const answer = authenticator.get(options);
      assert.ok((await finishPasskeySignIn(database.db, ceremony(), { response: answer, thresholds: THRESHOLDS, path: 'login' })).ok);
      assert.deepEqual(await finishPasskeySignIn(database.db, ceremony(), { response: answer, thresholds: THRESHOLDS, path: 'login' }), { ok: false, reason: 'refused' }, 'replayed');
      assert.equal(await passkeyFailures(), 1);
      assert.deepEqual(await signIn(authenticator, { origin: 'https://phish.example' }), { ok: false, reason: 'refused' });
      assert.deepEqual(await signIn(authenticator, { userVerified: false }), { ok: false, reason: 'refused' });
      const other = await startPasskeySignIn(database.db, ceremony({ bindingHash: binding('session-b') }));
      assert.deepEqual(await finishPasskeySignIn(database.db, ceremony(), { response: authenticator.get(other), thresholds: THRESHOLDS, path: 'login' }), { ok: false, reason: 'refused' });
      assert.equal(await passkeyFailures(), 4);
      assert.deepEqual(await signIn(authenticator, { counter: 1 }), { ok: false, reason: 'locked' }, 'a cloned authenticator: the counter went back');
      assert.equal(await passkeyFailures(), PASSKEY_LOCK_THRESHOLD);
      assert.deepEqual(await signIn(authenticator), { ok: false, reason: 'locked' }, 'locked: even a right one');
      const row = await database.db.selectFrom('customers').select(['password_failures', 'otp_failures', 'status']).where('institution', '=', 'demo').where('contract_id', '=', ALICE).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row, password_failures: Number(row.password_failures), otp_failures: Number(row.otp_failures) }, { password_failures: 0, otp_failures: 0, status: 'active' }, 'the contract itself is not locked');
      const audit = await database.db.selectFrom('audit_log').select('action').where('action', 'like', 'passkey_%').orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['passkey_registered', 'passkey_failed', 'passkey_failed', 'passkey_failed', 'passkey_failed', 'passkey_locked']);
    });

    it('of 20 answers with one challenge at once, exactly one signs in', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      assert.ok((await register(authenticator)).ok);
      const answer = authenticator.get(await startPasskeySignIn(database.db, ceremony()));
      const results = await Promise.all(Array.from({ length: 20 }, () => finishPasskeySignIn(database.db, ceremony(), { response: answer, thresholds: THRESHOLDS, path: 'login' })));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.ok(results.every((r) => r.ok || r.reason === 'refused' || r.reason === 'locked' || r.reason === 'throttled'));
      assert.ok((await passkeyFailures()) <= PASSKEY_LOCK_THRESHOLD);
    });

    it('a step-up assertion made for operation A is refused for B and still confirms A exactly once', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      assert.ok((await register(authenticator)).ok);
      const A = 'transfer:tr_1|payee:0010001234567|amount:10000';
      const B = 'transfer:tr_2|payee:0010001234567|amount:90000';
      const started = await startPasskeyStepUp(database.db, ceremony(), { principal: alice, operation: A });
      assert.ok(started.ok);
      assert.deepEqual(started.options.allowCredentials?.length, 1);
      const forA = authenticator.get(started.options);
      const stepUp = (operation: string) => finishPasskeyStepUp(database.db, ceremony(), { principal: alice, operation, response: forA, thresholds: THRESHOLDS, path: 'transfer' });
      assert.deepEqual(await stepUp(B), { ok: false, reason: 'refused' });
      assert.ok((await stepUp(A)).ok);
      assert.deepEqual(await stepUp(A), { ok: false, reason: 'refused' });
      // A sign-in challenge does not confirm an operation, nor a step-up's sign a user in.
      const signInAnswer = authenticator.get(await startPasskeySignIn(database.db, ceremony()));
      assert.deepEqual(await finishPasskeyStepUp(database.db, ceremony(), { principal: alice, operation: A, response: signInAnswer, thresholds: THRESHOLDS, path: 'transfer' }), { ok: false, reason: 'refused' });
      const started2 = await startPasskeyStepUp(database.db, ceremony(), { principal: alice, operation: A });
      assert.ok(started2.ok);
      assert.deepEqual(await finishPasskeySignIn(database.db, ceremony(), { response: authenticator.get(started2.options), thresholds: THRESHOLDS, path: 'login' }), { ok: false, reason: 'refused' });
      assert.deepEqual(await startPasskeyStepUp(database.db, ceremony(), { principal: { institution: 'demo', subject: BOB }, operation: A }), { ok: false, reason: 'none' });
    });

    it('stores the backup flag as each assertion says (a synced passkey may change it)', async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      assert.ok((await register(authenticator)).ok);
      const first = await signIn(authenticator, { backedUp: false });
      assert.ok(first.ok && !first.passkey.backedUp);
      const second = await signIn(authenticator, { backedUp: true });
      assert.ok(second.ok && second.passkey.backedUp);
      assert.equal((await listPasskeys(database.db, CUSTOMER, alice))[0]!.backedUp, true);
    });

    it('deletes one or all — by the customer, or revoked on a written request — audited; a deleted passkey signs in no more', async () => {
      const phone = new SoftAuthenticator(ORIGIN);
      const laptop = new SoftAuthenticator(ORIGIN);
      const one = await register(phone, alice, 'phone');
      assert.ok(one.ok && (await register(laptop, alice, 'laptop')).ok);
      const seen: string[][] = [];
      const deleted = await deletePasskeys(database.db, CUSTOMER, alice, { id: one.passkey.id, nowMs: demo.clock.nowMs(), by: { actor: 'self' }, inTransaction: async (_trx, d) => void seen.push(d.map((p) => p.name)) });
      assert.deepEqual(deleted.map((p) => p.name), ['phone']);
      assert.deepEqual(await signIn(phone), { ok: false, reason: 'refused' });
      assert.ok((await signIn(laptop)).ok);
      assert.deepEqual(await deletePasskeys(database.db, CUSTOMER, { institution: 'demo', subject: BOB }, { id: one.passkey.id, nowMs: demo.clock.nowMs(), by: { actor: 'self' } }), [], 'not Bob\'s to delete');
      const revoked = await deletePasskeys(database.db, CUSTOMER, alice, { nowMs: demo.clock.nowMs(), by: { actor: 'operator:teller', requestFormNo: 'F-1', reason: '紛失' }, inTransaction: async (_trx, d) => void seen.push(d.map((p) => p.name)) });
      assert.deepEqual(revoked.map((p) => p.name), ['laptop']);
      assert.deepEqual(seen, [['phone'], ['laptop']]);
      assert.deepEqual(await signIn(laptop), { ok: false, reason: 'refused' });
      const audit = await database.db.selectFrom('audit_log').select(['action', 'actor', 'details']).where('action', 'in', ['passkey_deleted', 'passkey_revoked']).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => [a.action, a.actor]), [['passkey_deleted', `customer:${ALICE}`], ['passkey_revoked', 'operator:teller']]);
      assert.match(String(audit[1]!.details), /"requestFormNo":"F-1"/);
      assert.ok((await verifyAuditChain(database.db)).ok);
    });

    it('sweeps expired challenges', async () => {
      await startPasskeySignIn(database.db, ceremony());
      demo.clock.advance(CHALLENGE_TTL_MS);
      await startPasskeySignIn(database.db, ceremony());
      assert.equal(await sweepPasskeyChallenges(database.db, demo.clock.nowMs()), 1);
    });
  });
}

describe('passkey names', () => {
  it('refuses empty, over-long and control characters', () => {
    assert.equal(passkeyNameProblem('iPhone'), undefined);
    assert.equal(passkeyNameProblem('仕事用'), undefined);
    assert.equal(passkeyNameProblem('  '), 'empty');
    assert.equal(passkeyNameProblem('x'.repeat(41)), 'too_long');
    assert.equal(passkeyNameProblem('a\u202Eb'), 'control');
    assert.equal(passkeyNameProblem('a\nb'), 'control');
    assert.equal(passkeyNameProblem('a\uD800b'), 'control');
  });
});
