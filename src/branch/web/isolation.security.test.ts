// Attack: reaching customers or pages one must not reach. (1) An operator of one institution
// reads or changes another institution's customers — both demo institutions have a customer
// 1000000001, so a lookup by contract ID alone would hand over the wrong one. (2) A customer's
// bank-site session (or an operator's console session) is carried to the other site: by the
// browser (cookie paths), by copying the cookie value under the other site's cookie name, or by
// planting it. (3) Forced browsing: opening console pages with no session, or with a session
// that has only passed the password step (before the one-time password or the enrolment).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { openContract } from '../open-contract.js';
import { systemRandomBytes } from '../../shared/clock.js';
import { newIdempotencyKey } from '../../shared/idempotency-key.js';
import { DEMO_OPERATOR_PASSWORD } from '../operators.js';
import { createConsoleHarness, customerSignIn, DEMO, registerCustomerToken, type ConsoleHarness } from '../../../test/support/branch/web/branch-console-testing.js';

const CONSOLE_PAGES = ['home', 'customers', `customers/${DEMO.contractId}`, 'approvals', 'contracts/new', 'audit', 'audit.csv', 'operators'];
const CONSOLE_POSTS = [`customers/${DEMO.contractId}/actions/suspend`, 'approvals/prp_00000000000000000000000000000000/approve', 'contracts', 'operators/teller/unlock'];

for (const dialect of DIALECTS) {
  describe(`isolation of institutions and of the two sites [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    beforeEach(async () => { h = await createConsoleHarness(dialect); });
    afterEach(() => h.close());

    it("an operator never sees another institution's customer, by ID or by name", async () => {
      const opened = await openContract(h.database.db, { hasher: h.hasher, confirmationPepper: h.pepper, randomBytes: systemRandomBytes, nowMs: () => h.clock.nowMs() }, {
        institution: 'sample',
        name: '見本 だけ',
        holderName: 'ミホン ダケ',
        branchCode: '001',
        requestFormNo: 'R-1',
        reason: 'test',
        operatorLogin: 'teller',
        formKey: newIdempotencyKey(systemRandomBytes),
      });
      assert.ok(opened.ok);
      const demoTeller = await h.signIn('demo', 'teller');
      const byId = await demoTeller.get(`/branch/demo/customers/${opened.card.contractId}`);
      assert.equal(byId.statusCode, 404);
      const byName = await demoTeller.get(`/branch/demo/customers?q=${encodeURIComponent('見本')}`);
      assert.match(byName.body, /該当するお客様はいません/);
      // The same contract ID at both: the demo console shows the demo customer only.
      await h.database.db.updateTable('customers').set({ name: 'サンプルの人' }).where('institution', '=', 'sample').where('contract_id', '=', DEMO.contractId).execute();
      const same = await demoTeller.get(`/branch/demo/customers/${DEMO.contractId}`);
      assert.match(same.body, /守 太郎/);
      assert.doesNotMatch(same.body, /サンプルの人/);
      const audit = await demoTeller.get('/branch/demo/audit');
      assert.equal(audit.statusCode, 403, 'tellers do not read the audit log');
      const supervisor = await h.signIn('demo', 'supervisor');
      assert.doesNotMatch((await supervisor.get('/branch/demo/audit')).body, new RegExp(opened.card.contractId), "the other institution's audit chain is not shown");
    });

    it("an operator's session is good at its own institution only", async () => {
      const demoTeller = await h.signIn('demo', 'teller');
      demoTeller.setCookie('mamori_branch', demoTeller.cookie('mamori_branch')!, '/branch/sample/');
      for (const page of CONSOLE_PAGES) {
        const r = await demoTeller.get(`/branch/sample/${page}`);
        assert.equal(r.statusCode, 303, page);
        assert.equal(r.headers.location, '/branch/sample/', page);
      }
      // And the session was not ended by trying: it still works at home.
      assert.equal((await demoTeller.get('/branch/demo/home')).statusCode, 200);
    });

    it('a customer session never reaches the console, whatever cookie it is sent as', async () => {
      const token = await registerCustomerToken(h, 'demo', DEMO.contractId);
      const customer = await customerSignIn(h, 'demo', DEMO.contractId, token);
      const customerToken = customer.cookie('mamori_session')!;
      // The browser does not send it: its Path is the bank site's.
      const login = await h.client().get('/ib/demo/');
      assert.ok(String(login.headers['set-cookie']).includes('Path=/ib/demo/'));
      for (const page of CONSOLE_PAGES) {
        const asIs = h.client();
        asIs.setCookie('mamori_session', customerToken, '/branch/demo/');
        assert.equal((await asIs.get(`/branch/demo/${page}`)).headers.location, '/branch/demo/', `${page} with mamori_session`);
        const renamed = h.client();
        renamed.setCookie('mamori_branch', customerToken, '/branch/demo/');
        assert.equal((await renamed.get(`/branch/demo/${page}`)).headers.location, '/branch/demo/', `${page} with the value as mamori_branch`);
      }
      for (const path of CONSOLE_POSTS) {
        const renamed = h.client();
        renamed.setCookie('mamori_branch', customerToken, '/branch/demo/');
        const r = await renamed.post(`/branch/demo/${path}`, { requestFormNo: 'R-1', reason: 'x' }, { csrf: 'A'.repeat(43) });
        assert.equal(r.headers.location, '/branch/demo/', path);
      }
      // The customer's own session is untouched and still works on the bank site.
      assert.equal((await customer.get('/ib/demo/main')).statusCode, 200);
    });

    it("an operator's session never reaches the bank site's signed-in pages", async () => {
      const teller = await h.signIn('demo', 'teller');
      const c = h.client();
      c.setCookie('mamori_session', teller.cookie('mamori_branch')!, '/ib/demo/');
      const r = await c.get('/ib/demo/main');
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/ib/demo/');
    });

    it('forced browsing without a session, or before the one-time password, lands on the login page', async () => {
      const anonymous = h.client();
      for (const page of CONSOLE_PAGES) {
        const r = await anonymous.get(`/branch/demo/${page}`);
        assert.equal(r.statusCode, 303, page);
        assert.equal(r.headers.location, '/branch/demo/', page);
      }
      // Password only (enrolled operator: awaiting the code).
      await h.signIn('demo', 'teller');
      const halfway = h.client();
      await halfway.get('/branch/demo/');
      const step = await halfway.post('/branch/demo/login', { login: 'teller', password: DEMO_OPERATOR_PASSWORD });
      assert.equal(step.headers.location, '/branch/demo/login/otp');
      for (const page of [...CONSOLE_PAGES, 'login/enrol']) {
        assert.equal((await halfway.get(`/branch/demo/${page}`)).headers.location, '/branch/demo/', page);
      }
      // Password only (not enrolled: awaiting enrolment) reaches nothing but the enrolment.
      await h.addOperator('demo', 'newcomer', 'supervisor');
      const enrolling = h.client();
      await enrolling.get('/branch/demo/');
      const first = await enrolling.post('/branch/demo/login', { login: 'newcomer', password: DEMO_OPERATOR_PASSWORD });
      assert.equal(first.headers.location, '/branch/demo/login/enrol');
      assert.equal((await enrolling.get('/branch/demo/login/enrol')).statusCode, 200);
      for (const page of [...CONSOLE_PAGES, 'login/otp']) {
        assert.equal((await enrolling.get(`/branch/demo/${page}`)).headers.location, '/branch/demo/', page);
      }
    });

    it('unknown institutions and paths answer 404 pages, never a 500', async () => {
      const c = h.client();
      assert.equal((await c.get('/branch/nowhere/')).statusCode, 404);
      assert.equal((await c.get('/branch/demo/no/such/page')).statusCode, 404);
      const teller = await h.signIn('demo', 'teller');
      assert.equal((await teller.get('/branch/demo/customers/12345')).statusCode, 404);
      assert.equal((await teller.post(`/branch/demo/customers/${DEMO.contractId}/actions/delete_everything`, {})).statusCode, 404);
      assert.equal((await teller.get(`/branch/demo/customers?q=${'x'.repeat(500)}`)).statusCode, 400);
    });
  });
}
