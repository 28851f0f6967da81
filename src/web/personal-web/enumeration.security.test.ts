// Attack: learning which contract IDs exist, or which factor was wrong, from the login answer —
// its text, status or timing — to focus password guessing on real contracts, or to tell a
// locked or suspended contract from a wrong password. DESIGN §5: unknown ID, wrong password,
// password lock and suspension answer alike, after the same argon2 work; only someone who
// passed the password learns anything more. Also: wrong passwords count toward their own lock
// with compare-and-set, even in parallel.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { suspendCustomer } from '../../banking/customers.js';
import { findCustomer } from '../../banking/customers.js';
import { setInstitutionPolicy } from '../../banking/institutions.js';
import type { PasswordHasher } from '../../banking/password-hasher.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { createBankHarness, DEMO, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';

/** The visible answer without the parts that differ per request (tokens, echoed ID). */
function answerOf(response: { statusCode: number; body: string }): string {
  return `${response.statusCode}\n${response.body.replace(/value="[^"]*"/g, 'value=""')}`;
}

function countingHasher(inner: PasswordHasher, counts: { verify: number; dummy: number }): PasswordHasher {
  return {
    hash: (plain) => inner.hash(plain),
    verify: (hash, plain) => {
      counts.verify += 1;
      return inner.verify(hash, plain);
    },
    verifyDummy: (plain) => {
      counts.dummy += 1;
      return inner.verifyDummy(plain);
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`login enumeration [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    async function attempt(path: string, contractId: string, password: string) {
      const c = h.client();
      await c.get(path === 'login' ? '/ib/demo/' : `/ib/demo/${path}`);
      return c.post(`/ib/demo/${path}`, { contractId, loginPassword: password });
    }

    it('answers unknown ID, wrong password, password-locked and suspended alike, on every entry', async () => {
      // 29 failed attempts from one address (inject's): more than the limit per address allows
      // (credential stuffing, test/security/credential-stuffing.test.ts), which is not this attack.
      assert.ok((await setInstitutionPolicy(h.database.db, 'demo', 'signInFailuresPerAddress', 100, { nowMs: h.clock.nowMs() })).ok);
      // 1000000002 gets locked by wrong passwords; 1000000001 gets suspended.
      for (let i = 0; i < 5; i++) await attempt('login', DEMO.other, `wrong-${i}`);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.other))!.password_failures, 5);
      await suspendCustomer(h.database.db, { institution: 'demo', contractId: DEMO.contractId, nowMs: h.clock.nowMs(), actor: 'operator:test' });
      for (const path of ['login', 'register', 'deregister', 'exchange']) {
        const answers = [
          await attempt(path, '1999999999', DEMO.password), // unknown
          await attempt(path, '1999999999', 'wrong'), // unknown, wrong
          await attempt(path, DEMO.other, 'wrong'), // locked, wrong password
          await attempt(path, DEMO.other, DEMO.password), // locked, right password
          await attempt(path, DEMO.contractId, DEMO.password), // suspended, right password
          await attempt(path, DEMO.contractId, 'wrong'), // suspended, wrong password
        ].map(answerOf);
        assert.equal(new Set(answers).size, 1, `${path}: ${answers.map((a) => a.slice(0, 3)).join(',')}`);
        assert.match(answers[0]!, /^401\n/);
        assert.match(answers[0]!, /契約者IDまたはログインパスワードが正しくないか、現在ご利用いただけない状態です/);
        assert.doesNotMatch(answers[0]!, /ロック|停止されて/);
      }
      // Nothing counted for a suspended or already locked contract.
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.other))!.password_failures, 5);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 0);
    });

    it('spends argon2 work on an unknown contract ID too', async () => {
      const counts = { verify: 0, dummy: 0 };
      const hasher = countingHasher(h.hasher, counts);
      const { createPersonalWebPart } = await import('./part.js');
      const { buildApp } = await import('../app.js');
      const { systemRandomBytes } = await import('../../shared/clock.js');
      const { FormClient } = await import('../../../test/support/web/personal-web/personal-web-testing.js');
      const app = await buildApp({ database: h.database, clock: h.clock, randomBytes: systemRandomBytes }, [
        createPersonalWebPart({ database: h.database, clock: h.clock, randomBytes: systemRandomBytes, authorityFor: (s) => h.authority.clientFor(s), confirmationPepper: h.pepper, hasher }),
      ]);
      try {
        const c = new FormClient(app);
        await c.get('/ib/demo/');
        await c.post('/ib/demo/login', { contractId: '1999999999', loginPassword: 'x' });
        // One argon2 verify against a dummy hash made with the same parameters as real ones.
        assert.deepEqual(counts, { verify: 0, dummy: 1 });
        await c.post('/ib/demo/login', { contractId: DEMO.contractId, loginPassword: 'x' });
        assert.deepEqual(counts, { verify: 1, dummy: 1 });
      } finally {
        await app.close();
      }
    });

    it('parallel wrong passwords never count past the password lock', async () => {
      await Promise.all(Array.from({ length: 9 }, (_, i) => attempt('login', DEMO.contractId, `wrong-${i}`)));
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 5);
      const right = await attempt('login', DEMO.contractId, DEMO.password);
      assert.equal(right.statusCode, 401);
    });

    it('a right password resets the count below the lock', async () => {
      for (let i = 0; i < 4; i++) await attempt('login', DEMO.contractId, `wrong-${i}`);
      assert.equal((await attempt('login', DEMO.contractId, DEMO.password)).statusCode, 303);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 0);
    });
  });
}
