// Operators as the CLI (`mamori operator add`) and the demo seeding create them: validation,
// argon2id hashes, the audit record, idempotent demo seeding (also when run concurrently).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestAuthority, type TestAuthority } from '../../test/support/authority/authority-testing.js';
import { seedDemoData } from '../banking/demo-data.js';
import { createPasswordHasher, TEST_ARGON2 } from '../banking/password-hasher.js';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { systemRandomBytes } from '../shared/clock.js';
import { addOperator, DEMO_OPERATOR_PASSWORD, findOperator, listOperators, seedDemoOperators } from './operators.js';

const hasher = createPasswordHasher(TEST_ARGON2);

for (const dialect of DIALECTS) {
  describe(`operators [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let t: TestAuthority;
    beforeEach(async () => {
      t = await createTestAuthority(dialect);
      await seedDemoData({ database: t.database, authority: t.authority, clock: t.clock, hasher, confirmationPepper: systemRandomBytes(32) });
    });
    afterEach(async () => {
      await t.close();
    });

    it('addOperator validates, hashes with argon2id and audits', async () => {
      const db = t.database.db;
      const base = { db, institution: 'demo', hasher, clock: t.clock };
      assert.deepEqual(await addOperator({ ...base, login: 'Bad Login', role: 'teller', password: 'long-enough-pass' }), { ok: false, reason: 'invalid_login' });
      assert.deepEqual(await addOperator({ ...base, login: 'ok', role: 'root', password: 'long-enough-pass' }), { ok: false, reason: 'invalid_role' });
      assert.deepEqual(await addOperator({ ...base, login: 'ok', role: 'teller', password: 'short' }), { ok: false, reason: 'weak_password' });
      assert.deepEqual(await addOperator({ ...base, institution: 'nowhere', login: 'ok', role: 'teller', password: 'long-enough-pass' }), { ok: false, reason: 'unknown_institution' });
      assert.deepEqual(await addOperator({ ...base, login: 'yamada', role: 'supervisor', password: 'long-enough-pass', actor: 'cli' }), {
        ok: true,
        operator: { institution: 'demo', login: 'yamada', role: 'supervisor' },
      });
      assert.deepEqual(await addOperator({ ...base, login: 'yamada', role: 'teller', password: 'long-enough-pass' }), { ok: false, reason: 'login_taken' });
      const row = (await findOperator(db, 'demo', 'yamada'))!;
      assert.match(row.password_hash, /^\$argon2id\$/);
      assert.equal(row.token_binding_id, null, 'enrolment waits for the first sign-in');
      assert.equal(await findOperator(db, 'sample', 'yamada'), undefined, 'per institution');
      const audit = await db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('subject', '=', 'yamada').execute();
      assert.deepEqual(audit, [{ actor: 'cli', action: 'operator_created', details: '{"role":"supervisor"}' }]);
    });

    it('seedDemoOperators creates teller and supervisor per demo institution, once', async () => {
      const runs = await Promise.all([1, 2, 3].map(() => seedDemoOperators({ database: t.database, hasher, clock: t.clock })));
      assert.deepEqual(runs.flatMap((r) => r.created).sort(), ['demo/supervisor', 'demo/teller', 'sample/supervisor', 'sample/teller']);
      assert.deepEqual(await seedDemoOperators({ database: t.database, hasher, clock: t.clock }), { created: [] });
      for (const slug of ['demo', 'sample']) {
        const operators = await listOperators(t.database.db, slug);
        assert.deepEqual(operators.map((o) => [o.login, o.role]), [['supervisor', 'supervisor'], ['teller', 'teller']]);
        assert.ok(await hasher.verify(operators[0]!.password_hash, DEMO_OPERATOR_PASSWORD));
      }
    });
  });
}
