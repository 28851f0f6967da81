// Attack: cross-site request forgery. A page on another site, opened by an operator who is
// signed in to the console, posts a hidden form to /branch/<slug>/… — to suspend a customer,
// approve a proposal, open a contract or unlock an operator — riding on the operator's cookie.
// Defences: SameSite=Strict cookies, and a CSRF token on every form (the session's own token
// after sign-in, a double-submit token before it), checked on the server for every POST; and a
// strict CSP, no-store and frame-ancestors 'none' on every console page.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { listProposals } from '../proposals.js';
import { DEMO_OPERATOR_PASSWORD } from '../operators.js';
import { createConsoleHarness, DEMO, lockCustomerPassword, type ConsoleHarness } from '../../../test/support/branch/web/branch-console-testing.js';

const base = '/branch/demo/';

for (const dialect of DIALECTS) {
  describe(`CSRF and response headers of the console [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    beforeEach(async () => { h = await createConsoleHarness(dialect); });
    afterEach(() => h.close());

    async function auditCount(): Promise<number> {
      return (await h.database.db.selectFrom('audit_log').select('seq').where('chain', '=', 'demo').execute()).length;
    }

    it('every state-changing form refuses a missing, empty or foreign token, and writes nothing', async () => {
      await lockCustomerPassword(h, 'demo', DEMO.contractId);
      const teller = await h.signIn('demo', 'teller');
      await teller.get(`${base}customers/${DEMO.contractId}`);
      await teller.post(`${base}customers/${DEMO.contractId}/actions/unlock_password`, { requestFormNo: 'R-1', reason: 'x' });
      const [proposal] = await listProposals(h.database.db, { institution: 'demo', status: 'pending' });
      assert.ok(proposal);
      await h.addOperator('demo', 'admin', 'administrator');
      const supervisor = await h.signIn('demo', 'supervisor');
      const admin = await h.signIn('demo', 'admin');
      const forms: [typeof teller, string, Record<string, string>][] = [
        [teller, `customers/${DEMO.contractId}/actions/suspend`, { requestFormNo: 'R-1', reason: 'x' }],
        [teller, `customers/${DEMO.contractId}/actions/change_limit`, { requestFormNo: 'R-1', reason: 'x', newLimitYen: '100000' }],
        [teller, 'contracts', { name: '偽 造', holderName: 'ギゾウ', branchCode: '001', requestFormNo: 'R-1', reason: 'x' }],
        [supervisor, `approvals/${proposal.id}/approve`, {}],
        [supervisor, `approvals/${proposal.id}/reject`, { note: 'x' }],
        [admin, 'operators/teller/reset-token', { reason: 'x' }],
        [teller, 'logout', {}],
      ];
      await supervisor.get(`${base}home`);
      const otherSession = supervisor.csrf()!; // a real token, of someone else's session
      for (const [client, path, fields] of forms) {
        for (const csrf of [null, '', 'A'.repeat(43), otherSession]) {
          if (client === supervisor && csrf === otherSession) continue; // that one is the supervisor's own token
          const before = await auditCount();
          const r = await client.post(`${base}${path}`, fields, { csrf });
          assert.equal(r.statusCode, 403, `${path} with csrf=${String(csrf).slice(0, 8)}: ${r.statusCode}`);
          assert.equal(await auditCount(), before, `${path}: nothing written`);
        }
      }
      assert.equal((await teller.get(`${base}home`)).statusCode, 200, 'a forged logout did not log the teller out');
    });

    it('the login form needs its double-submit token', async () => {
      const c = h.client();
      await c.get(base);
      for (const csrf of [null, '', 'B'.repeat(43)]) {
        const r = await c.post(`${base}login`, { login: 'teller', password: DEMO_OPERATOR_PASSWORD }, { csrf });
        assert.equal(r.statusCode, 403);
      }
      const fresh = h.client(); // no cookie at all: a cross-site form
      assert.equal((await fresh.post(`${base}login`, { login: 'teller', password: DEMO_OPERATOR_PASSWORD }, { csrf: 'C'.repeat(43) })).statusCode, 403);
    });

    it('reads only forms: a JSON sign-in carrying the double-submit token is a 415 page', async () => {
      // Found by the attack suite (test/security/bad-input-bank.test.ts): JSON bodies reached the pages.
      const c = h.client();
      await c.get(base);
      const json = await h.app.inject({
        method: 'POST',
        url: `${base}login`,
        payload: JSON.stringify({ csrf: c.csrf(), login: 'teller', password: DEMO_OPERATOR_PASSWORD }),
        headers: { 'content-type': 'application/json', cookie: `mamori_branch_pre=${c.cookie('mamori_branch_pre')}` },
      });
      assert.equal(json.statusCode, 415);
      assert.equal(json.headers.location, undefined);
      assert.equal((await c.post(`${base}login`, { login: 'teller', password: DEMO_OPERATOR_PASSWORD })).statusCode, 303, 'the same fields as a form sign in');
    });

    it('console pages carry a strict CSP, no-store and the other security headers; cookies are HttpOnly, SameSite=Strict, per site', async () => {
      const c = h.client();
      const login = await c.get(base);
      const teller = await h.signIn('demo', 'teller');
      const home = await teller.get(`${base}home`);
      for (const r of [login, home]) {
        assert.match(String(r.headers['content-security-policy']), /default-src 'self'; script-src 'self'; style-src 'self'/);
        assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
        assert.equal(r.headers['cache-control'], 'no-store');
        assert.equal(r.headers['x-frame-options'], 'DENY');
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['referrer-policy'], 'no-referrer');
      }
      const pre = String(login.headers['set-cookie']);
      assert.match(pre, /mamori_branch_pre=[^;]+; Max-Age=3600; Path=\/branch\/demo\/; HttpOnly; SameSite=Strict/);
      const signIn = h.client();
      await signIn.get(base);
      const step = await signIn.post(`${base}login`, { login: 'teller', password: DEMO_OPERATOR_PASSWORD });
      assert.match(String(step.headers['set-cookie']), /mamori_branch=[^;]+; Path=\/branch\/demo\/; HttpOnly; SameSite=Strict/);
      assert.equal((await c.get('/assets/branch-console.css')).statusCode, 200);
    });
  });
}
