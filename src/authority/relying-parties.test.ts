import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { withTestAuthority } from '../../test/support/authority/authority-testing.js';
import { RelyingPartyError } from './relying-parties.js';

for (const dialect of DIALECTS) {
  describe(`relying parties [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('registers with a fresh API key, keeps only its SHA-256, and authenticates by it', () =>
      withTestAuthority(dialect, async (t) => {
        const { apiKey } = await t.authority.registerRelyingParty({ id: 'shinkin-1', name: 'しんきん' });
        assert.match(apiKey, /^mamori_rp_[A-Za-z0-9_-]{43}$/);
        const row = await t.database.db.selectFrom('relying_parties').selectAll().where('id', '=', 'shinkin-1').executeTakeFirstOrThrow();
        assert.equal(row.api_key_hash, createHash('sha256').update(apiKey).digest('hex'));
        assert.equal(await t.authority.authenticateRelyingParty(apiKey), 'shinkin-1');
        for (const wrong of ['', apiKey.slice(0, -1), `${apiKey}A`, apiKey.toUpperCase(), row.api_key_hash, 'mamori_rp_' + 'A'.repeat(43)]) {
          assert.equal(await t.authority.authenticateRelyingParty(wrong), undefined, wrong);
        }
        const audit = await t.database.db.selectFrom('audit_log').select(['action', 'subject']).where('subject', '=', 'shinkin-1').execute();
        assert.deepEqual(audit, [{ action: 'relying_party_registered', subject: 'shinkin-1' }]);
      }));

    it('refuses a taken id or one that is not a slug', () =>
      withTestAuthority(dialect, async (t) => {
        await assert.rejects(t.authority.registerRelyingParty({ id: 'bank-a', name: 'again' }), RelyingPartyError);
        for (const id of ['', 'Bank', 'a b', '-x', 'x'.repeat(41), 'ü']) {
          await assert.rejects(t.authority.registerRelyingParty({ id, name: 'n' }), RelyingPartyError, id);
        }
        assert.deepEqual(await t.authority.ensureRelyingParty({ id: 'bank-a', name: 'Bank A' }), { created: false });
        assert.deepEqual(await t.authority.ensureRelyingParty({ id: 'bank-c', name: 'Bank C' }), { created: true });
      }));

    it('rotates a key: the old one stops at once, the new one works', () =>
      withTestAuthority(dialect, async (t) => {
        const first = await t.authority.rotateRelyingPartyKey('bank-a');
        const second = await t.authority.rotateRelyingPartyKey('bank-a');
        assert.equal(await t.authority.authenticateRelyingParty(first.apiKey), undefined);
        assert.equal(await t.authority.authenticateRelyingParty(second.apiKey), 'bank-a');
        await assert.rejects(t.authority.rotateRelyingPartyKey('nobody'), RelyingPartyError);
      }));

    it('rotates with an overlap: the previous key works until the overlap ends, an older one not at all', () =>
      withTestAuthority(dialect, async (t) => {
        const first = await t.authority.rotateRelyingPartyKey('bank-a');
        const second = await t.authority.rotateRelyingPartyKey('bank-a', { overlapMs: 10 * 60_000 });
        assert.equal(await t.authority.authenticateRelyingParty(first.apiKey), 'bank-a', 'the previous key, inside its overlap');
        assert.equal(await t.authority.authenticateRelyingParty(second.apiKey), 'bank-a');
        // Another institution's keys are untouched and never confused with these.
        assert.equal(await t.authority.authenticateRelyingParty((await t.authority.rotateRelyingPartyKey('bank-b')).apiKey), 'bank-b');
        t.clock.advance(10 * 60_000);
        assert.equal(await t.authority.authenticateRelyingParty(first.apiKey), undefined, 'the overlap is over (also in the cache)');
        assert.equal(await t.authority.authenticateRelyingParty(second.apiKey), 'bank-a');

        const third = await t.authority.rotateRelyingPartyKey('bank-a', { overlapMs: 60_000 });
        const fourth = await t.authority.rotateRelyingPartyKey('bank-a', { overlapMs: 60_000 });
        assert.equal(await t.authority.authenticateRelyingParty(second.apiKey), undefined, 'only one previous key is kept');
        assert.equal(await t.authority.authenticateRelyingParty(third.apiKey), 'bank-a');
        assert.equal(await t.authority.authenticateRelyingParty(fourth.apiKey), 'bank-a');
        await t.authority.rotateRelyingPartyKey('bank-a'); // a leak: no overlap
        assert.equal(await t.authority.authenticateRelyingParty(third.apiKey), undefined);
        assert.equal(await t.authority.authenticateRelyingParty(fourth.apiKey), undefined, 'a rotation without overlap ends the previous key at once');
        for (const overlapMs of [-1, 1.5, 8 * 24 * 3600_000]) {
          await assert.rejects(t.authority.rotateRelyingPartyKey('bank-a', { overlapMs }), RelyingPartyError);
        }
        const audit = await t.database.db.selectFrom('audit_log').select(['details']).where('action', '=', 'relying_party_key_rotated').where('subject', '=', 'bank-a').execute();
        assert.equal(audit.length, 5, 'one record per rotation, refusals none');
        assert.equal(audit.filter((row) => row.details.includes('previousKeyWorksUntil')).length, 3);
      }));
  });
}
