// The audit log is evidence: an insider with database access who edits, deletes or inserts a
// row must be caught by `verifyAuditChain`, which names the first row that no longer fits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestDatabase, DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { appendAudit, verifyAuditChain } from './audit-log.js';

for (const dialect of DIALECTS) {
  describe(`audit log [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('chains records and verifies an untouched log', async () => {
      const database = await createTestDatabase(dialect);
      try {
        for (let i = 0; i < 5; i++) {
          await database.db.transaction().execute((trx) =>
            appendAudit(trx, { chain: 'demo', at: 1000 + i, actor: 'system', action: 'institution_policy_set', subject: `s${i}`, details: { i } }),
          );
        }
        await appendAudit(database.db, { chain: 'sample', at: 5, actor: 'system', action: 'institution_created' });
        assert.deepEqual(await verifyAuditChain(database.db, { batchSize: 2 }), { ok: true, chains: 2, records: 6 });
      } finally {
        await database.close();
      }
    });

    it('names the first altered row', async () => {
      const database = await createTestDatabase(dialect);
      try {
        for (let i = 0; i < 4; i++) await appendAudit(database.db, { chain: 'demo', at: i, actor: 'system', action: 'institution_policy_set' });
        await database.db.updateTable('audit_log').set({ actor: 'operator:mallory' }).where('seq', '=', 3).execute();
        assert.deepEqual(await verifyAuditChain(database.db), { ok: false, chain: 'demo', seq: 3, problem: 'hash_mismatch' });
      } finally {
        await database.close();
      }
    });

    it('catches a deleted row and a deleted tail', async () => {
      const database = await createTestDatabase(dialect);
      try {
        for (let i = 0; i < 4; i++) await appendAudit(database.db, { chain: 'demo', at: i, actor: 'system', action: 'institution_policy_set' });
        await database.db.deleteFrom('audit_log').where('seq', '=', 4).execute();
        assert.deepEqual(await verifyAuditChain(database.db), { ok: false, chain: 'demo', seq: 4, problem: 'head_mismatch' });
        await database.db.deleteFrom('audit_log').where('seq', '=', 2).execute();
        assert.deepEqual(await verifyAuditChain(database.db), { ok: false, chain: 'demo', seq: 2, problem: 'gap' });
      } finally {
        await database.close();
      }
    });

    it('keeps the chain whole under concurrent appends', async () => {
      const database = await createTestDatabase(dialect);
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            database.db.transaction().execute((trx) => appendAudit(trx, { chain: 'demo', at: i, actor: 'system', action: 'institution_policy_set' })),
          ),
        );
        assert.deepEqual(await verifyAuditChain(database.db), { ok: true, chains: 1, records: 20 });
      } finally {
        await database.close();
      }
    });
  });
}
