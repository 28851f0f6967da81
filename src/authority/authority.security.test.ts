// Attacks this file guards against.
//
// A token authority serves many institutions and holds every customer's token secret, so it is
// worth attacking from three sides. (1) A dishonest or compromised institution holding its
// own API key tries to act on another institution's customers: verify codes against, delete,
// or resync bindings it did not make, or learn which serials exist. (2) An attacker who
// obtains a copy of the database — a stolen backup, a SQLite file copied off a disk, a
// pg_dump — looks for token secrets or API keys in it, or moves a ciphertext from one row to
// another to make a token he knows verify for someone else. (3) An attacker who saw a code
// (shoulder surfing, a phishing proxy, a log) replays it, or guesses codes through every
// institution at once to get around a per-institution lock. Each test names the attack it
// stops; the replay and concurrency cases live in verify.test.ts and concurrency.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason, TEST_POSTGRES_URL } from '../../test/support/db/testing.js';
import { encodeBase32 } from '../otp/index.js';
import { boundTestToken, provisionTestToken, STEP_MS, withTestAuthority, wrongCode, type TestAuthority } from '../../test/support/authority/authority-testing.js';
import { createTestApi } from '../../test/support/authority/http/authority-http-testing.js';

/** Every spelling of a secret that could sit in a dump: raw bytes, base32, hex, base64(url). */
function spellings(secret: Uint8Array): (string | Buffer)[] {
  const bytes = Buffer.from(secret);
  return [bytes, encodeBase32(secret), bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')];
}

function rawDatabaseBytes(t: TestAuthority): Buffer {
  const location = t.database.location;
  if (location.dialect === 'sqlite') {
    // The main file and the write-ahead log: committed rows may still sit only in the WAL.
    return Buffer.concat([location.file, `${location.file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
  }
  const pgDump = ['/usr/bin/pg_dump', ...['17', '16', '15', '14'].map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`)].find((p) => existsSync(p)) ?? 'pg_dump';
  const url = new URL(TEST_POSTGRES_URL);
  const dump = spawnSync(pgDump, ['--schema', location.schema ?? 'public', '--no-owner', '-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres', url.pathname.slice(1) || 'test'], {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(dump.status, 0, dump.stderr.toString());
  return dump.stdout;
}

for (const dialect of DIALECTS) {
  describe(`authority security [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('institution B cannot verify, delete or resync institution A\'s binding, nor tell it exists', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const b = t.authority.clientFor('bank-b');
        const now = t.clock.nowMs();
        assert.deepEqual(await b.verify({ bindingId, code: token.codeAt(now) }), { valid: false, reason: 'binding_not_found' });
        assert.deepEqual(await b.verify({ bindingId, code: token.codeAt(now), transaction: { payeeAccount: '1234567' } }), { valid: false, reason: 'binding_not_found' });
        assert.deepEqual(await b.unbind(bindingId), { ok: false, reason: 'binding_not_found' });
        assert.deepEqual(await b.resync({ serial: token.serial, code1: token.codeAt(now - STEP_MS), code2: token.codeAt(now) }), { ok: false, reason: 'unknown_serial' });
        // Same answers as for a binding that does not exist at all.
        assert.deepEqual(await b.verify({ bindingId: 'bnd_AAAAAAAAAAAAAAAAAAAAAA', code: token.codeAt(now) }), { valid: false, reason: 'binding_not_found' });
        // A's binding is untouched: the current code still works there, once.
        assert.deepEqual((await t.authority.clientFor('bank-a').verify({ bindingId, code: token.codeAt(now) })).valid, true);
        const row = await t.database.db.selectFrom('bindings').select(['deleted_at', 'relying_party_id']).where('id', '=', bindingId).executeTakeFirstOrThrow();
        assert.deepEqual(row, { deleted_at: null, relying_party_id: 'bank-a' });
      }));

    it('over HTTP too: B\'s key only reaches B\'s bindings', async () => {
      const api = await createTestApi(dialect);
      try {
        const { token, bindingId } = await boundTestToken(api.t);
        const code = token.codeAt(api.t.clock.nowMs());
        const verify = await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code }, as: 'bank-b' });
        assert.deepEqual(JSON.parse(verify.body), { valid: false, reason: 'binding_not_found' });
        assert.equal((await api.call({ method: 'DELETE', url: `/bindings/${bindingId}`, as: 'bank-b' })).statusCode, 404);
        assert.equal((await api.call({ method: 'POST', url: `/tokens/${token.serial}/sync`, body: { code1: code, code2: code }, as: 'bank-b' })).statusCode, 422);
        assert.deepEqual(JSON.parse((await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code }, as: 'bank-a' })).body).valid, true);
      } finally {
        await api.close();
      }
    });

    it('a revoked serial answers exactly like one that never existed (no oracle for serials)', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        await t.authority.setTokenState(token.serial, 'revoked');
        const a = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        assert.deepEqual(await a.bind({ serial: token.serial, subject: '1', code }), await a.bind({ serial: 'MMOB00000000', subject: '1', code }));
      }));

    it('keeps no token secret in the clear: raw database bytes hold no spelling of any secret', () =>
      withTestAuthority(dialect, async (t) => {
        const plain = await t.authority.provisionToken({ kind: 'mobile' });
        assert.ok(plain.ok && 'secret' in plain.token);
        const plainToken = await provisionTestToken(t); // and one more, read back through the keyring
        const pair = await globalThis.crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
        const clientPublicKey = Buffer.from(await globalThis.crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
        const agreed = await t.authority.provisionToken({ kind: 'mobile', clientPublicKey });
        assert.ok(agreed.ok && 'serverPublicKey' in agreed.token);
        const { deriveClientTokenSecret } = await import('./key-agreement.js');
        const agreedSecret = await deriveClientTokenSecret({ clientPrivateKey: pair.privateKey, serverPublicKey: agreed.token.serverPublicKey, serial: agreed.token.serial });
        const { apiKey } = await t.authority.rotateRelyingPartyKey('bank-a');

        const raw = rawDatabaseBytes(t);
        assert.ok(raw.includes(plainToken.serial), 'the dump should contain the serials (sanity check of the dump itself)');
        for (const secret of [plainToken.secret, agreedSecret]) {
          for (const spelling of spellings(secret)) assert.equal(raw.includes(spelling), false, `secret found in the clear as ${String(spelling)}`);
        }
        assert.equal(raw.includes(plain.token.secret), false, 'base32 secret of the plain answer found');
        assert.equal(raw.includes(apiKey), false, 'API key found in the clear');
        assert.equal(raw.includes(apiKey.slice('mamori_rp_'.length)), false, 'API key body found in the clear');
      }));

    it('a ciphertext moved to another row does not open there (AAD = serial): tampering fails closed', () =>
      withTestAuthority(dialect, async (t) => {
        const { token: victim, bindingId } = await boundTestToken(t);
        const attacker = await provisionTestToken(t);
        const attackerRow = await t.database.db.selectFrom('tokens').select(['secret_ciphertext', 'secret_key_id']).where('serial', '=', attacker.serial).executeTakeFirstOrThrow();
        await t.database.db.updateTable('tokens').set(attackerRow).where('serial', '=', victim.serial).execute();
        // The attacker's own token's code, against the victim's binding: refused by an error, never a yes.
        await assert.rejects(t.authority.clientFor('bank-a').verify({ bindingId, code: attacker.codeAt(t.clock.nowMs()) }), /does not authenticate/);
      }));

    it('a guesser cannot multiply his tries by going through several institutions', () =>
      withTestAuthority(dialect, { policy: { throttleMaxFailures: 6 } }, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const b = t.authority.clientFor('bank-b');
        // A dishonest institution B tries to bind the victim's token by guessing codes.
        for (let i = 0; i < 6; i++) assert.deepEqual(await b.bind({ serial: token.serial, subject: 'mallory', code: String(100_000 + i) === token.codeAt(t.clock.nowMs()) ? wrongCode(token, t.clock.nowMs()) : String(100_000 + i) }), { ok: false, reason: 'invalid_code' });
        assert.deepEqual(await b.bind({ serial: token.serial, subject: 'mallory', code: token.codeAt(t.clock.nowMs()) }), { ok: false, reason: 'throttled' });
        // The budget is the token's: A's verification waits for the window too (documented trade-off).
        assert.deepEqual(await t.authority.clientFor('bank-a').verify({ bindingId, code: token.codeAt(t.clock.nowMs()) }), { valid: false, reason: 'throttled' });
      }));

    it('writes no code, secret or API key into the audit log, and error bodies never echo a code', async () => {
      const api = await createTestApi(dialect);
      try {
        const { token, bindingId } = await boundTestToken(api.t);
        const code = token.codeAt(api.t.clock.nowMs());
        await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code } });
        const wrong = wrongCode(token, api.t.clock.nowMs());
        const refused = await api.call({ method: 'POST', url: '/bindings', body: { serial: token.serial, subject: 'x', code: wrong } });
        assert.equal(refused.body.includes(wrong), false);
        const typed = await api.call({ method: 'POST', url: '/bindings', body: { serial: token.serial, subject: 'x', code: Number(wrong) + 1 } });
        assert.equal(typed.body.includes(String(Number(wrong) + 1)), false);
        // What an audit row says (not its hashes and instants, whose digits could match a code by chance).
        const audit = JSON.stringify(await api.t.database.db.selectFrom('audit_log').select(['actor', 'action', 'details']).execute());
        for (const needle of [code, wrong, api.keys['bank-a'], api.keys['bank-b'], ...spellings(token.secret).map(String).slice(1)]) {
          assert.equal(audit.includes(needle), false, `audit log contains ${needle}`);
        }
      } finally {
        await api.close();
      }
    });
  });
}
