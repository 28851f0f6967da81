import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { systemRandomBytes } from '../shared/clock.js';
import { createAuthority } from './authority-service.js';
import { provisionTestToken, STEP_MS, withTestAuthority } from '../../test/support/authority/authority-testing.js';
import { createKeyring, type Keyring } from './keyring.js';
import { reencryptTokenSecrets } from './reencrypt.js';
import { replaceSecretIfUnchanged } from './token-store.js';

for (const dialect of DIALECTS) {
  describe(`reencryptTokenSecrets [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('re-seals every row with the new active key, in batches, while verifications go on', () =>
      withTestAuthority(dialect, async (t) => {
        const tokens = [];
        for (let i = 0; i < 23; i++) tokens.push(await provisionTestToken(t));
        const bindings: string[] = [];
        t.clock.advance(-STEP_MS);
        for (const token of tokens) {
          const bound = await t.authority.clientFor('bank-a').bind({ serial: token.serial, subject: token.serial, code: token.codeAt(t.clock.nowMs()) });
          assert.ok(bound.ok);
          bindings.push(bound.bindingId);
        }
        t.clock.advance(STEP_MS);

        // Rotation: k1 stays to open old rows, k2 seals from now on.
        const k1 = t.keyring;
        const k2Bytes = systemRandomBytes(32);
        const rotated = createKeyring({ keys: new Map([['k2', k2Bytes]]), activeKeyId: 'k2', randomBytes: systemRandomBytes });
        const both: Keyring = {
          activeKeyId: 'k2',
          keyIds: ['k1', 'k2'],
          seal: rotated.seal,
          open: (sealed, aad) => (sealed.keyId === 'k1' ? k1.open(sealed, aad) : rotated.open(sealed, aad)),
        };
        const authority = createAuthority({ database: t.database, keyring: both, clock: t.clock, randomBytes: systemRandomBytes });
        const client = authority.clientFor('bank-a');

        const verifications = Promise.all(tokens.map((token, i) => client.verify({ bindingId: bindings[i] ?? '', code: token.codeAt(t.clock.nowMs()) })));
        const result = await reencryptTokenSecrets(t.database.db, both, { batchSize: 5 });
        const verified = await verifications;
        assert.deepEqual(result, { reencrypted: 23, skipped: 0 });
        assert.ok(verified.every((r) => r.valid), JSON.stringify(verified));

        const rows = await t.database.db.selectFrom('tokens').select(['secret_key_id']).execute();
        assert.ok(rows.every((r) => r.secret_key_id === 'k2'));
        // A keyring with only k2 now verifies every token.
        const onlyK2 = createAuthority({ database: t.database, keyring: rotated, clock: t.clock, randomBytes: systemRandomBytes });
        t.clock.advance(STEP_MS);
        for (const [i, token] of tokens.entries()) {
          assert.equal((await onlyK2.clientFor('bank-a').verify({ bindingId: bindings[i] ?? '', code: token.codeAt(t.clock.nowMs()) })).valid, true);
        }
        assert.deepEqual(await reencryptTokenSecrets(t.database.db, both), { reencrypted: 0, skipped: 0 });
      }));

    it('never overwrites a row that changed meanwhile (compare and set on the old ciphertext)', () =>
      withTestAuthority(dialect, async (t) => {
        const token = await provisionTestToken(t);
        const row = await t.database.db.selectFrom('tokens').selectAll().executeTakeFirstOrThrow();
        const replaced = await replaceSecretIfUnchanged(t.database.db, { serial: token.serial, fromCiphertext: `${row.secret_ciphertext}x`, toCiphertext: 'other', toKeyId: 'k2' });
        assert.equal(replaced, false);
        const after = await t.database.db.selectFrom('tokens').selectAll().executeTakeFirstOrThrow();
        assert.equal(after.secret_ciphertext, row.secret_ciphertext);
      }));
  });
}
