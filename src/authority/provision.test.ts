import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyAuditChain } from '../audit/audit-log.js';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { decodeBase32, parseKeyUri } from '../otp/index.js';
import { systemRandomBytes } from '../shared/clock.js';
import { createAuthority } from './authority-service.js';
import { testToken, withTestAuthority } from '../../test/support/authority/authority-testing.js';
import { deriveClientTokenSecret } from './key-agreement.js';
import { randomDigits } from './provision.js';

const subtle = globalThis.crypto.subtle;

for (const dialect of DIALECTS) {
  describe(`provisionToken [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('issues a plain token: serial, base32 secret, RFC 6238 defaults and an otpauth URI; its code binds', () =>
      withTestAuthority(dialect, async (t) => {
        const result = await t.authority.provisionToken({ kind: 'mobile' });
        assert.ok(result.ok && 'secret' in result.token);
        const token = result.token;
        assert.match(token.serial, /^MMOB[0-9]{8}$/);
        assert.match(token.secret, /^[A-Z2-7]{32}$/); // 20 bytes, no padding
        assert.equal(decodeBase32(token.secret).length, 20);
        assert.deepEqual([token.algorithm, token.digits, token.periodSeconds], ['SHA1', 6, 30]);
        const uri = parseKeyUri(token.otpauthUri);
        assert.equal(uri.type, 'totp');
        assert.equal(uri.accountName, token.serial);
        assert.equal(uri.issuer, 'Mamori');
        assert.deepEqual(uri.secret, decodeBase32(token.secret));

        const row = await t.database.db.selectFrom('tokens').selectAll().where('serial', '=', token.serial).executeTakeFirstOrThrow();
        assert.equal(row.state, 'active');
        assert.equal(row.kind, 'mobile');
        assert.equal(row.secret_key_id, 'k1');
        assert.ok(!row.secret_ciphertext.includes(token.secret));

        const client = t.authority.clientFor('bank-a');
        const bound = await client.bind({ serial: token.serial, subject: '1000000001', code: testToken(token.serial, decodeBase32(token.secret)).codeAt(t.clock.nowMs()) });
        assert.equal(bound.ok, true, JSON.stringify(bound));
        const audit = await t.database.db.selectFrom('audit_log').select(['action', 'subject', 'details']).where('chain', '=', 'authority').orderBy('seq').execute();
        assert.deepEqual(audit.map((r) => r.action), ['relying_party_registered', 'relying_party_registered', 'token_provisioned', 'token_bound']);
        assert.equal(audit[2]?.subject, token.serial);
        assert.deepEqual(await verifyAuditChain(t.database.db), { ok: true, chains: 1, records: 4 });
      }));

    it('agrees the key: no secret in the answer, and the client-derived secret makes codes that bind', () =>
      withTestAuthority(dialect, async (t) => {
        const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
        const clientPublicKey = Buffer.from(await subtle.exportKey('raw', pair.publicKey)).toString('base64url');
        const result = await t.authority.provisionToken({ kind: 'desktop', clientPublicKey });
        assert.ok(result.ok && 'serverPublicKey' in result.token);
        assert.equal('secret' in result.token, false);
        assert.equal('otpauthUri' in result.token, false);
        assert.match(result.token.serial, /^MDSK[0-9]{8}$/);
        const secret = await deriveClientTokenSecret({ clientPrivateKey: pair.privateKey, serverPublicKey: result.token.serverPublicKey, serial: result.token.serial });
        const token = testToken(result.token.serial, secret);
        const bound = await t.authority.clientFor('bank-a').bind({ serial: token.serial, subject: '1000000001', code: token.codeAt(t.clock.nowMs()) });
        assert.deepEqual(bound.ok && { kind: bound.kind, serial: bound.serial }, { kind: 'desktop', serial: token.serial });
      }));

    it('refuses an invalid client key and writes nothing', () =>
      withTestAuthority(dialect, async (t) => {
        const result = await t.authority.provisionToken({ kind: 'mobile', clientPublicKey: Buffer.alloc(65, 4).toString('base64url') });
        assert.deepEqual(result, { ok: false, reason: 'invalid_public_key' });
        assert.deepEqual(await t.database.db.selectFrom('tokens').selectAll().execute(), []);
      }));

    it('draws another serial when the first one is taken', () =>
      withTestAuthority(dialect, async (t) => {
        // Every 4-byte draw (the serial digits) repeats the same value twice, then goes on.
        let fourByteDraws = 0;
        const scripted = (size: number) => (size === 4 && fourByteDraws++ < 2 ? new Uint8Array([0, 1, 2, 3]) : systemRandomBytes(size));
        const authority = createAuthority({ database: t.database, keyring: t.keyring, clock: t.clock, randomBytes: scripted });
        const first = await authority.provisionToken({ kind: 'mobile' });
        const second = await authority.provisionToken({ kind: 'mobile' });
        assert.ok(first.ok && second.ok);
        assert.notEqual(first.token.serial, second.token.serial);
        assert.equal(fourByteDraws, 3);
      }));

    it('refuses a kind it does not know (misuse)', () =>
      withTestAuthority(dialect, async (t) => {
        await assert.rejects(t.authority.provisionToken({ kind: 'hardware' as 'mobile' }), TypeError);
      }));
  });
}

describe('randomDigits', () => {
  it('draws uniform digits of the asked length, rejecting the biased tail of 2^32', () => {
    const draws = [new Uint8Array([0xff, 0xff, 0xff, 0xff]), new Uint8Array([0, 0, 0, 42])];
    const scripted = () => draws.shift() ?? new Uint8Array(4);
    assert.equal(randomDigits(scripted, 7), '0000042');
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 2000; i++) for (const d of randomDigits(systemRandomBytes, 7)) counts[Number(d)]! += 1;
    for (const count of counts) assert.ok(count > 1100 && count < 1700, `digit count ${count}`);
  });
});
