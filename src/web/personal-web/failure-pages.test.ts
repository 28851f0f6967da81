// Pages for what goes wrong around a request: the token authority unreachable (fail closed with
// 「しばらくしてから再度お試しください」 and nothing half-done), an unknown institution, an unknown
// page, and the Secure cookie attribute behind TLS.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AuthorityUnavailableError, type AuthorityClient } from '../../authority/authority-client.js';
import { findCustomer } from '../../banking/customers.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { systemRandomBytes } from '../../shared/clock.js';
import { buildApp } from '../app.js';
import { createPersonalWebPart } from './part.js';
import { confirmationFields, createBankHarness, DEMO, FormClient, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';

const unreachable: AuthorityClient = {
  bind: () => Promise.reject(new AuthorityUnavailableError('connection refused')),
  verify: () => Promise.reject(new AuthorityUnavailableError('connection refused')),
  unbind: () => Promise.reject(new AuthorityUnavailableError('connection refused')),
  resync: () => Promise.reject(new AuthorityUnavailableError('connection refused')),
};

for (const dialect of DIALECTS) {
  describe(`failure pages [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    async function appWith(options: { authority?: AuthorityClient; secureCookies?: boolean }) {
      return buildApp({ database: h.database, clock: h.clock, randomBytes: systemRandomBytes }, [
        createPersonalWebPart({
          database: h.database,
          clock: h.clock,
          randomBytes: systemRandomBytes,
          authorityFor: (slug) => options.authority ?? h.authority.clientFor(slug),
          confirmationPepper: h.pepper,
          hasher: h.hasher,
          secureCookies: options.secureCookies ?? false,
        }),
      ]);
    }

    it('an unreachable authority gives 「しばらくしてから再度お試しください」 and changes nothing', async () => {
      const token = await h.token();
      const app = await appWith({ authority: unreachable });
      try {
        const c = new FormClient(app);
        await c.get('/ib/sample/register');
        const form = await c.follow(await c.post('/ib/sample/register', { contractId: DEMO.contractId, loginPassword: DEMO.password }));
        const r = await c.post('/ib/sample/register/token', { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
        assert.equal(r.statusCode, 503);
        assert.match(r.body, /しばらくしてから再度お試しください/);
        assert.match(r.body, /ログイン画面に戻る/);
        const customer = (await findCustomer(h.database.db, 'sample', DEMO.contractId))!;
        assert.equal(customer.token_binding_id, null);
        assert.equal(customer.otp_failures, 0);
        assert.equal(customer.password_failures, 0);
      } finally {
        await app.close();
      }
    });

    it('unknown institutions and pages get a 404 page, not JSON', async () => {
      const c = h.client();
      const bank = await c.get('/ib/nosuchbank/');
      assert.equal(bank.statusCode, 404);
      assert.match(String(bank.headers['content-type']), /text\/html/);
      const page = await c.get('/ib/demo/nosuchpage');
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /ページが見つかりません/);
    });

    it('marks cookies Secure when served behind TLS', async () => {
      const app = await appWith({ secureCookies: true });
      try {
        const c = new FormClient(app);
        const r = await c.get('/ib/demo/');
        assert.match(String(r.headers['set-cookie']), /; Secure/);
        const login = await c.post('/ib/demo/login', { contractId: DEMO.contractId, loginPassword: DEMO.password });
        assert.match(String(login.headers['set-cookie']), /mamori_session=[^;]+; Path=\/ib\/demo\/; HttpOnly; Secure; SameSite=Strict/);
      } finally {
        await app.close();
      }
    });
  });
}
