// The seed pages' flows through the routes, on both dialects and both demo institutions:
// demo asks the whole 確認用パスワード, sample two digit positions of the 資金移動用パスワード.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { STEP_MS } from '../../../test/support/authority/authority-testing.js';
import { findCustomer } from '../../banking/customers.js';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { confirmationFields, createBankHarness, DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { japanDateTime } from '../../shared/japan-time.js';

async function passAuthStep(client: FormClient, base: string, flow: 'register' | 'deregister' | 'exchange', contractId: string = DEMO.contractId) {
  await client.get(`${base}${flow}`);
  return client.post(`${base}${flow}`, { contractId, loginPassword: DEMO.password });
}

for (const dialect of DIALECTS) {
  for (const slug of ['demo', 'sample'] as const) {
    describe(`Personal Web flows at /ib/${slug}/ [${dialect}]`, { skip: skipReason(dialect) }, () => {
      const base = `/ib/${slug}/`;
      let h: BankHarness;
      beforeEach(async () => { h = await createBankHarness(dialect); });
      afterEach(async () => {
        // Every flow answered, and nothing failed after its answer was sent (a fault there shows in no page).
        const errors = [...h.errorLog];
        await h.close();
        assert.deepEqual(errors, []);
      });

      it('logs in without a token to the main page, which urges registration; logout ends the session', async () => {
        const c = h.client();
        const login = await c.get(base);
        assert.equal(login.statusCode, 200);
        assert.match(login.body, /<label for="f-contractId">契約者ID<\/label>/);
        assert.match(login.body, /<label for="f-loginPassword">ログインパスワード<\/label>/);
        for (const link of ['利用開始', '利用中止', '利用登録/交換']) assert.ok(login.body.includes(`>${link}</a>`), link);
        const posted = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
        assert.equal(posted.statusCode, 303);
        assert.equal(posted.headers.location, `${base}main`);
        const main = await c.follow(posted);
        assert.equal(main.statusCode, 200);
        assert.match(main.body, /ワンタイムパスワードが未登録です/);
        assert.match(main.body, />ログアウト</);
        const out = await c.post(`${base}logout`, {});
        assert.equal(out.statusCode, 303);
        assert.match((await c.follow(out)).body, /ログアウトしました/);
        const again = await c.get(`${base}main`);
        assert.equal(again.statusCode, 303);
        assert.equal(again.headers.location, base);
      });

      it('registers a token (利用開始), then logs in with a one-time password, then stops (利用中止)', async () => {
        const token = await h.token();
        const c = h.client();
        const auth = await passAuthStep(c, base, 'register');
        assert.equal(auth.statusCode, 303);
        const form = await c.follow(auth);
        assert.match(form.body, /<label for="f-serial">シリアル番号<\/label>/);
        assert.match(form.body, /<label for="f-code">ワンタイムパスワード<\/label>/);
        assert.match(form.body, /autocomplete="one-time-code" inputmode="numeric"/);
        if (slug === 'demo') assert.match(form.body, /<label for="f-confirmationPassword">確認用パスワード<\/label>/);
        else {
          assert.match(form.body, /<legend>資金移動用パスワード<\/legend>/);
          assert.equal([...form.body.matchAll(/<label for="f-position\d">\d桁目<\/label>/g)].length, 2);
        }
        const done = await c.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
        assert.equal(done.statusCode, 200, done.body);
        assert.match(done.body, /ワンタイムパスワードの利用開始が完了しました/);
        assert.match(done.body, /<button type="submit" class="button button--secondary">ログイン画面に戻る<\/button>/);
        assert.deepEqual(h.errorLog, [], 'the answer was sent and nothing failed after it');

        // The code used for registration cannot log in; the next step's code can.
        h.clock.advance(STEP_MS);
        const l = h.client();
        await l.get(base);
        const pw = await l.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
        assert.equal(pw.headers.location, `${base}login/otp`);
        const otpPage = await l.follow(pw);
        assert.match(otpPage.body, /ワンタイムパスワード認証/);
        const ok = await l.post(`${base}login/otp`, { code: token.codeAt(h.clock.nowMs()) });
        assert.equal(ok.statusCode, 303);
        const main = await l.follow(ok);
        assert.match(main.body, /利用中/);
        assert.doesNotMatch(main.body, /未登録です/);

        h.clock.advance(STEP_MS);
        const d = h.client();
        const dAuth = await passAuthStep(d, base, 'deregister');
        const dForm = await d.follow(dAuth);
        assert.match(dForm.body, />停止</);
        const stopped = await d.post(`${base}deregister/token`, { code: token.codeAt(h.clock.nowMs()), ...confirmationFields(dForm.body) });
        assert.equal(stopped.statusCode, 200, stopped.body);
        assert.match(stopped.body, /ワンタイムパスワードの利用を中止しました/);
        const customer = await findCustomer(h.database.db, slug, DEMO.contractId);
        assert.equal(customer?.token_binding_id, null);
        assert.equal(customer?.token_deregistered_at, h.clock.nowMs());
        assert.deepEqual(await verifyAuditChain(h.database.db), { ok: true, chains: 3, records: (await h.database.db.selectFrom('audit_log').select('seq').execute()).length });
      });

      it('exchanges the token (利用登録/交換): the old token fails at once, the new one works', async () => {
        const oldToken = await h.token();
        const newToken = await h.token();
        const c = h.client();
        const form = await c.follow(await passAuthStep(c, base, 'register'));
        await c.post(`${base}register/token`, { serial: oldToken.serial, code: oldToken.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });

        h.clock.advance(STEP_MS);
        const x = h.client();
        const current = await x.follow(await passAuthStep(x, base, 'exchange'));
        assert.match(current.body, /現在ご利用中のトークン/);
        const next = await x.post(`${base}exchange/current`, { code: oldToken.codeAt(h.clock.nowMs()) });
        assert.equal(next.statusCode, 303, next.body);
        const newForm = await x.follow(next);
        assert.match(newForm.body, /<label for="f-serial">シリアル番号<\/label>/);
        const done = await x.post(`${base}exchange/new`, { serial: newToken.serial, code: newToken.codeAt(h.clock.nowMs()) });
        assert.equal(done.statusCode, 200, done.body);
        assert.match(done.body, /ワンタイムパスワードの利用登録\/交換が完了しました/);

        h.clock.advance(STEP_MS);
        const l = h.client();
        await l.get(base);
        await l.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
        await l.get(`${base}login/otp`);
        const refused = await l.post(`${base}login/otp`, { code: oldToken.codeAt(h.clock.nowMs()) });
        assert.equal(refused.statusCode, 401);
        assert.match(refused.body, /ワンタイムパスワードが正しくありません/);
        const ok = await l.post(`${base}login/otp`, { code: newToken.codeAt(h.clock.nowMs()) });
        assert.equal(ok.statusCode, 303);
      });

      it('refuses a second registration clearly, after the password only', async () => {
        const token = await h.token();
        const c = h.client();
        const form = await c.follow(await passAuthStep(c, base, 'register'));
        await c.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
        const again = await passAuthStep(h.client(), base, 'register');
        assert.equal(again.statusCode, 409);
        assert.match(again.body, /すでに利用登録されています/);
      });

      it('respects registration_blocked_until after a branch reissue', async () => {
        await h.database.db
          .updateTable('customers')
          .set({ registration_blocked_until: h.clock.nowMs() + 30 * 60_000 })
          .where('institution', '=', slug)
          .where('contract_id', '=', DEMO.contractId)
          .execute();
        const blocked = await passAuthStep(h.client(), base, 'register');
        assert.equal(blocked.statusCode, 409);
        assert.match(blocked.body, /トークン再発行のお手続き後、しばらくの間は利用登録ができません/);
        // The time in the one date format (DESIGN §3.5): YYYY/MM/DD HH:MM of Japan, nothing after it.
        assert.ok(blocked.body.includes(`${japanDateTime(h.clock.nowMs() + 30 * 60_000)}以降に再度お試しください`), blocked.body);
        assert.doesNotMatch(blocked.body, /\(JST\)/);
        h.clock.advance(30 * 60_000 + 1);
        const open = await passAuthStep(h.client(), base, 'register');
        assert.equal(open.headers.location, `${base}register/token`);
      });

      it('applies the desktop-kind policy with the seed reason (demo closed, sample open)', async () => {
        const desktop = await h.token('desktop');
        const c = h.client();
        const form = await c.follow(await passAuthStep(c, base, 'register'));
        const result = await c.post(`${base}register/token`, { serial: desktop.serial, code: desktop.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
        if (slug === 'demo') {
          assert.equal(result.statusCode, 400);
          assert.match(result.body, /パソコン用のソフトウェアトークンは平成30年3月以降、利用登録ができなくなりました/);
          assert.equal((await findCustomer(h.database.db, slug, DEMO.contractId))?.token_binding_id, null);
        } else {
          assert.match(result.body, /ワンタイムパスワードの利用開始が完了しました/);
        }
      });

      it('warns at the 4th wrong code and shows how to unlock at the 5th', async () => {
        const token = await h.token();
        const c = h.client();
        const form = await c.follow(await passAuthStep(c, base, 'register'));
        await c.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
        const l = h.client();
        await l.get(base);
        await l.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
        await l.get(`${base}login/otp`);
        const wrong = String((Number(token.codeAt(h.clock.nowMs())) + 500_000) % 1_000_000).padStart(6, '0');
        for (let i = 1; i <= 3; i++) {
          const r = await l.post(`${base}login/otp`, { code: wrong });
          assert.equal(r.statusCode, 401);
          assert.doesNotMatch(r.body, /あと1回誤ると/);
        }
        const fourth = await l.post(`${base}login/otp`, { code: wrong });
        assert.match(fourth.body, /あと1回誤るとロックされます/);
        assert.match(fourth.body, /role="alert"/);
        const fifth = await l.post(`${base}login/otp`, { code: wrong });
        assert.equal(fifth.statusCode, 403);
        assert.match(fifth.body, /お取引店舗へ当金庫所定の書面\(ワンタイムパスワードのロック解除\)にて届出ください/);
        assert.match(fifth.body, /EBサポートセンター/);
      });

      it('serves every page in English with ?lang=en and remembers it', async () => {
        const c = h.client();
        const en = await c.get(`${base}?lang=en`);
        assert.match(en.body, /<html lang="en">/);
        assert.match(en.body, />Contract ID</);
        assert.match(en.body, />Log in</);
        assert.match(en.body, /href="\/ib\/[a-z]+\/\?lang=ja"/);
        const next = await c.get(`${base}register`);
        assert.match(next.body, /<html lang="en">/);
        assert.match(next.body, />Next</);
        const help = await c.get(`${base}help`);
        assert.match(help.body, /Questions about one-time passwords/);
      });

      it('sends security headers and no-store on pages', async () => {
        const r = await h.client().get(base);
        assert.match(String(r.headers['content-security-policy']), /default-src 'self'; .*frame-ancestors 'none'; form-action 'self'; base-uri 'none'/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['referrer-policy'], 'no-referrer');
        assert.equal(r.headers['x-frame-options'], 'DENY');
        assert.equal(r.headers['cache-control'], 'no-store');
        assert.doesNotMatch(r.body, /<script|style=/);
        const pre = String(r.headers['set-cookie']);
        assert.match(pre, /HttpOnly/);
        assert.match(pre, /SameSite=Strict/);
        assert.match(pre, new RegExp(`Path=${base.replace(/\//g, '\\/')}`));
      });
    });
  }
}
