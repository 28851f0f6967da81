// When the branch ends a customer's sessions (利用一時停止, トークン再発行, ログインパスワードの
// 再設定), the customer's next click — a page or a form — lands on the login page WITH the
// reason, in Japanese or English. The reason travels as one fixed query value per cause; the
// login page shows nothing for any other value, and a suspended customer's later login gets the
// same answer as any failed login. Both dialects.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { branchAction, logIn, registerTokenOnSite } from '../../../test/support/web/personal-web/branch-actions-testing.js';
import { createBankHarness, DEMO, type BankHarness } from '../../../test/support/web/personal-web/personal-web-testing.js';

const base = '/ib/demo/';
/** デモ信用金庫's support centre (src/banking/demo-data.ts). */
const PHONE = '0120-000-000';
const SUSPENDED_JA = 'インターネットバンキングのご利用を一時停止しました。再開には、お取引店舗へ書面でのお手続きが必要です。';
const SUSPENDED_EN = 'We have suspended your use of internet banking.';

for (const dialect of DIALECTS) {
  describe(`session-end notices on the login page [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    it('the lock page names the support centre once (its box, no footer); other pages keep the footer', async () => {
      await h.database.db.updateTable('customers').set({ otp_failures: 5, token_binding_id: 'b_locked', token_serial: 'SYMC12345678' }).where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).execute();
      const c = h.client();
      await c.get(base);
      const locked = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(locked.statusCode, 403);
      assert.match(locked.body, /お問い合わせ先/);
      assert.equal(locked.body.split(PHONE).length - 1, 1, locked.body);
      assert.doesNotMatch(locked.body, /site-footer/);
      const login = await c.get(base);
      assert.equal(login.body.split(PHONE).length - 1, 1, 'the login page: the footer');
      assert.match(login.body, /class="site-footer"/);
    });

    it('利用一時停止: the next click lands on the login page with the notice and the support centre', async () => {
      const { client: c } = await logIn(h, { base, password: DEMO.password });
      assert.equal((await c.get(`${base}main`)).statusCode, 200);
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'suspend' } });

      const click = await c.get(`${base}main`);
      assert.equal(click.statusCode, 303);
      assert.equal(click.headers.location, `${base}?ended=suspended`);
      assert.match(String(click.headers['set-cookie']), /mamori_session=;/, 'the dead cookie goes');
      const page = await c.follow(click);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(SUSPENDED_JA), page.body);
      assert.match(page.body, /ご利用を一時停止しました/);
      assert.match(page.body, /お問い合わせ先/);
      assert.ok(page.body.includes('0120-'), 'the support centre phone');
      assert.equal(page.body.split(PHONE).length - 1, 1, 'the support centre once: in the notice, not again in the footer');
      assert.match(page.body, /<label for="f-contractId">契約者ID<\/label>/, 'the login form is still there');
      // The toggle keeps the notice; English through ?lang=en.
      assert.ok(page.body.includes(`href="${base}?ended=suspended&amp;lang=en"`), 'the language toggle keeps the notice');
      const en = await c.get(`${base}?ended=suspended&lang=en`);
      assert.ok(en.body.includes(SUSPENDED_EN), en.body);
      assert.match(en.body, /apply in writing at your branch/);
      assert.ok(!en.body.includes(SUSPENDED_JA));
    });

    it('a form posted after the suspension lands there too, and logout with the dead cookie as well', async () => {
      const { client: c } = await logIn(h, { base, password: DEMO.password });
      await c.get(`${base}main`);
      const csrf = c.csrf()!;
      const cookie = c.cookie('mamori_session')!;
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'suspend' } });
      const logout = await c.post(`${base}logout`, {}, { csrf });
      assert.equal(logout.statusCode, 303);
      assert.equal(logout.headers.location, `${base}?ended=suspended`);
      // A stepped-up form (any page guarded by its stage) says the same.
      const other = h.client();
      other.setCookie('mamori_session', cookie, base);
      const post = await other.post(`${base}login/otp`, { code: '123456' }, { csrf });
      assert.equal(post.headers.location, `${base}?ended=suspended`);
    });

    it('a suspended customer who logs in later gets the generic failure, nothing more', async () => {
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'suspend' } });
      const suspended = h.client();
      await suspended.get(base);
      const right = await suspended.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      const wrong = h.client();
      await wrong.get(base);
      const failed = await wrong.post(`${base}login`, { contractId: DEMO.other, loginPassword: 'Wrong-2026' });
      assert.equal(right.statusCode, 401);
      assert.equal(failed.statusCode, 401);
      const strip = (body: string) => body.replace(/name="csrf" value="[^"]+"/, '').replace(/value="\d{10}"/, '');
      assert.equal(strip(right.body), strip(failed.body), 'the same page as any failed login');
      assert.doesNotMatch(right.body, /一時停止/);
    });

    it('トークン再発行 and ログインパスワードの再設定 have notices of their own', async () => {
      const token = await registerTokenOnSite(h, base);
      const { client: reissued } = await logIn(h, { base, password: DEMO.password, token });
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'reissue_token' } });
      const r1 = await reissued.get(`${base}main`);
      assert.equal(r1.headers.location, `${base}?ended=token_reissued`);
      const p1 = await reissued.follow(r1);
      assert.match(p1.body, /トークン再発行のお手続きが行われたため、ログアウトしました/);
      assert.match(p1.body, /お心当たりのない場合は/);
      assert.match((await reissued.get(`${base}?ended=token_reissued&lang=en`)).body, /your token was reissued at your branch/);

      const { client: reset } = await logIn(h, { base, password: DEMO.password });
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'reset_password' }, newPasswordHash: await h.hasher.hash('Initial2026x') });
      const r2 = await reset.get(`${base}main`);
      assert.equal(r2.headers.location, `${base}?ended=password_reset`);
      assert.match((await reset.follow(r2)).body, /ログインパスワードの再設定が行われたため、ログアウトしました/);
      assert.match((await reset.get(`${base}?ended=password_reset&lang=en`)).body, /your login password was reset at your branch/);
    });

    it('shows nothing for an unknown or malformed `ended`, and nothing for a session that merely expired or never was', async () => {
      const c = h.client();
      const plain = (await c.get(base)).body;
      const strip = (body: string) => body.replace(/name="csrf" value="[^"]+"/, '').replace(/href="[^"]*lang=en"/, '');
      for (const query of ['ended=foo', 'ended=__proto__', 'ended=constructor', 'ended=SUSPENDED', 'ended[]=suspended', 'ended=suspended&ended=suspended', 'ended=%3Cscript%3E', 'ended=']) {
        const r = await c.get(`${base}?${query}`);
        assert.equal(r.statusCode, 200, query);
        assert.equal(strip(r.body), strip(plain), query);
        assert.doesNotMatch(r.body, /一時停止|再発行のお手続き|再設定が行われた|<script>/, query);
      }
      // An id that was never issued, and one of another institution: the plain login page.
      const stranger = h.client();
      stranger.setCookie('mamori_session', 'A'.repeat(43), base);
      assert.equal((await stranger.get(`${base}main`)).headers.location, base);
      const { client: demo } = await logIn(h, { base, password: DEMO.password });
      const cookie = demo.cookie('mamori_session')!;
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'suspend' } });
      const elsewhere = h.client();
      elsewhere.setCookie('mamori_session', cookie, '/ib/sample/');
      assert.equal((await elsewhere.get('/ib/sample/main')).headers.location, '/ib/sample/');
    });

    it('the notice lasts only as long as a session could (24 h), then the plain login page', async () => {
      const { client: c } = await logIn(h, { base, password: DEMO.password });
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'suspend' } });
      h.clock.advance(24 * 3600_000 + 1000);
      assert.equal((await c.get(`${base}main`)).headers.location, base);
    });
  });
}
