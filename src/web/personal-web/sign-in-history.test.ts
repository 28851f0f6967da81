// The customer's own defences at the bank site (issue 14 §2–4), through inject(), on SQLite and
// PostgreSQL: ログイン通知 on a new browser only (the device cookie, stored hashed), or on every
// sign-in, or none, as the policy says; 前回ログイン日時 on the main page; ログイン履歴 with the
// wrong codes and the success in order, only the contract's own; 「心当たりがない」 after its
// confirmation page suspends the contract at once as the branch does (every session ends, the
// next click says why), is audited, notified and listed for the console until resumed — and
// refuses a forged or malformed form, changing nothing.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { appendAudit } from '../../audit/audit-log.js';
import { hashDeviceToken } from '../../banking/sign-in-notice.js';
import { setInstitutionPolicy } from '../../banking/institutions.js';
import { listSignInReports } from '../../branch/sign-in-report-store.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { branchAction, logIn, registerTokenOnSite } from '../../../test/support/web/personal-web/branch-actions-testing.js';
import { createBankHarness, DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { DEVICE_COOKIE } from './device-cookie.js';

const base = '/ib/demo/';

for (const dialect of DIALECTS) {
  describe(`ログイン通知, ログイン履歴 and 心当たりがない [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    const notices = async (contractId: string = DEMO.contractId) =>
      h.database.db.selectFrom('notification_outbox').select(['kind', 'subject', 'body']).where('institution', '=', 'demo').where('contract_id', '=', contractId).where('kind', '=', 'signed_in').execute();
    const statusOf = async (contractId: string = DEMO.contractId) =>
      (await h.database.db.selectFrom('customers').select('status').where('institution', '=', 'demo').where('contract_id', '=', contractId).executeTakeFirstOrThrow()).status;
    const signInAgain = async (c: FormClient) => {
      await c.get(base);
      const r = await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(r.headers.location, `${base}main`);
    };

    it('a new browser gets one notice and a device cookie (stored hashed); the same browser again none; another browser one', async () => {
      const { client: c } = await logIn(h, { base, password: DEMO.password });
      const device = c.cookie(DEVICE_COOKIE);
      assert.match(device ?? '', /^[A-Za-z0-9_-]{43}$/, 'a 256-bit random value');
      const sent = await notices();
      assert.equal(sent.length, 1);
      assert.match(sent[0]!.subject, /ログイン/);
      assert.match(sent[0]!.body, /接続元IPアドレス: 127\.0\.0\.\*（一部のみ表示）/);
      assert.doesNotMatch(sent[0]!.body, /https?:|\/ib\/|127\.0\.0\.1/, 'no link, no whole address');
      assert.ok(!sent[0]!.body.includes(device!), 'no device id in the mail');
      const stored = await h.database.db.selectFrom('sign_in_devices').selectAll().execute();
      assert.deepEqual(stored.map((d) => d.device_hash), [hashDeviceToken(device!)], 'only the hash is stored');

      h.clock.advance(60_000);
      await signInAgain(c);
      assert.equal((await notices()).length, 1, 'the same browser: no second notice');
      assert.equal(c.cookie(DEVICE_COOKIE), device, 'the same device cookie');

      // A forged cookie value is a new browser; so is one without the cookie.
      const forged = h.client();
      forged.setCookie(DEVICE_COOKIE, 'not-ours', base);
      await signInAgain(forged);
      assert.notEqual(forged.cookie(DEVICE_COOKIE), 'not-ours');
      await logIn(h, { base, password: DEMO.password });
      assert.equal((await notices()).length, 3);
      // The cookie is the institution's own: HttpOnly, SameSite=Strict, Path /ib/demo/, long-lived.
      const fresh = h.client();
      await fresh.get(base);
      const r = await fresh.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      const header = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((line) => line.startsWith(`${DEVICE_COOKIE}=`));
      assert.ok(header);
      assert.match(header, /HttpOnly/i);
      assert.match(header, /SameSite=Strict/i);
      assert.match(header, /Path=\/ib\/demo\//);
      assert.match(header, /Max-Age=34560000/);
    });

    it('two sign-ins at the same moment from one new browser send one notice (one conditional insert decides)', async () => {
      const device = 'd'.repeat(43);
      const clients = [h.client(), h.client(), h.client()];
      for (const c of clients) {
        c.setCookie(DEVICE_COOKIE, device, base);
        await c.get(base);
      }
      const answers = await Promise.all(clients.map((c) => c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password })));
      assert.deepEqual(answers.map((r) => r.headers.location), clients.map(() => `${base}main`));
      assert.equal((await notices()).length, 1);
      const rows = await h.database.db.selectFrom('sign_in_devices').select('device_hash').execute();
      assert.deepEqual(rows, [{ device_hash: hashDeviceToken(device) }]);
    });

    it('the policy: signInNotice=all mails every sign-in, off none; a wrong password or an unfinished sign-in none', async () => {
      assert.equal((await setInstitutionPolicy(h.database.db, 'demo', 'signInNotice', 'all', { nowMs: h.clock.nowMs() })).ok, true);
      const { client: c } = await logIn(h, { base, password: DEMO.password });
      await signInAgain(c);
      assert.equal((await notices()).length, 2);
      assert.equal((await setInstitutionPolicy(h.database.db, 'demo', 'signInNotice', 'off', { nowMs: h.clock.nowMs() })).ok, true);
      await logIn(h, { base, password: DEMO.password });
      assert.equal((await notices()).length, 2);
      assert.equal((await setInstitutionPolicy(h.database.db, 'demo', 'signInNotice', 'sometimes', { nowMs: h.clock.nowMs() })).ok, false, 'validated');
      assert.equal((await setInstitutionPolicy(h.database.db, 'demo', 'signInNotice', 'new_environment', { nowMs: h.clock.nowMs() })).ok, true);
      const wrong = h.client();
      await wrong.get(base);
      assert.equal((await wrong.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: 'Wrong-2026' })).statusCode, 401);
      const token = await registerTokenOnSite(h, base);
      const halfway = h.client();
      await halfway.get(base);
      assert.equal((await halfway.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password })).headers.location, `${base}login/otp`);
      assert.equal((await notices()).length, 2, 'the password alone is not a completed sign-in');
      await halfway.get(`${base}login/otp`);
      await halfway.post(`${base}login/otp`, { code: token.codeAt(h.clock.nowMs()) });
      assert.equal((await notices()).length, 3, 'completed with the code: a new browser');
    });

    it('前回ログイン日時 on the main page, and a history of three wrong codes then a success, newest first', async () => {
      const token = await registerTokenOnSite(h, base);
      const first = await logIn(h, { base, password: DEMO.password, token });
      const main1 = await first.client.get(`${base}main`);
      assert.match(main1.body, /前回ログイン日時/);
      assert.match(main1.body, /今回が初めてのログインです/);
      const firstAt = h.clock.nowMs();

      h.clock.advance(3_600_000);
      const c = h.client();
      await c.get(base);
      await c.follow(await c.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password }));
      for (let i = 0; i < 3; i++) {
        const wrong = await c.post(`${base}login/otp`, { code: String((Number(token.codeAt(h.clock.nowMs())) + 1) % 1_000_000).padStart(6, '0') });
        assert.equal(wrong.statusCode, 401, wrong.body.slice(0, 200));
        h.clock.advance(1_000);
      }
      h.clock.advance(30_000);
      const ok = await c.post(`${base}login/otp`, { code: token.codeAt(h.clock.nowMs()) });
      assert.equal(ok.headers.location, `${base}main`);
      const main = await c.get(`${base}main`);
      const jst = new Date(firstAt + 9 * 3600_000).toISOString();
      const shown = `${jst.slice(0, 4)}/${jst.slice(5, 7)}/${jst.slice(8, 10)} ${jst.slice(11, 16)}`;
      assert.ok(main.body.includes(shown), `the previous sign-in at ${shown} (JST)`);
      assert.match(main.body, /不明（不明）・接続元 127\.0\.0\.\*/);
      assert.match(main.body, new RegExp(`href="${base}login-history">ログイン履歴</a>`));

      const history = await c.get(`${base}login-history`);
      assert.equal(history.statusCode, 200);
      const results = [...history.body.matchAll(/history-entry__result[^"]*">([^<]+)</g)].map((m) => m[1]);
      assert.deepEqual(results.slice(0, 5), ['ログイン', 'ワンタイムパスワード誤り', 'ワンタイムパスワード誤り', 'ワンタイムパスワード誤り', 'ログイン']);
      assert.match(history.body, /パスワード＋ワンタイムパスワード/);
      assert.match(history.body, /<button type="submit" class="button button--danger">心当たりがない<\/button>/);
      // The first sign-in (before this session) is the one chosen to start with.
      const checked = /value="(\d+)" checked/.exec(history.body)?.[1];
      const radios = [...history.body.matchAll(/name="entry" id="entry-(\d+)"/g)].map((m) => m[1]);
      assert.equal(checked, radios[4]);
      const en = await c.get(`${base}login-history?lang=en`);
      assert.match(en.body, /Sign-in history/);
      assert.match(en.body, /Wrong one-time password/);
      assert.match(en.body, /It wasn’t me/);
      // Another browser signing in meanwhile is not this session's previous sign-in.
      h.clock.advance(60_000);
      await logIn(h, { base, password: DEMO.password, token });
      assert.ok((await c.get(`${base}main`)).body.includes(shown), 'still the sign-in from before this session');
    });

    it('30 entries in pages of 10, never another contract\'s; a page out of range is a clear 400', async () => {
      const other = await logIn(h, { base, contractId: DEMO.other, password: DEMO.password });
      await other.client.get(`${base}main`);
      for (let i = 0; i < 17; i++) {
        const wrong = h.client();
        await wrong.get(base);
        await wrong.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: `Wrong-${i}` });
        if (i % 4 === 3) await logIn(h, { base, password: DEMO.password }); // stays below the lock
        h.clock.advance(1_000);
      }
      for (let i = 0; i < 12; i++) await logIn(h, { base, password: DEMO.password });
      const { client: c } = await logIn(h, { base, password: DEMO.password });
      const pages = await Promise.all([1, 2, 3].map((n) => c.get(`${base}login-history${n === 1 ? '' : `?page=${n}`}`)));
      const seqs = pages.flatMap((p) => [...p.body.matchAll(/name="entry" id="entry-(\d+)"/g)].map((m) => Number(m[1])));
      assert.equal(seqs.length, 30);
      assert.deepEqual([...seqs].sort((a, b) => b - a), seqs, 'newest first');
      // The language toggle of page 2 stays on page 2 (it used to go back to page 1).
      assert.match(pages[1]!.body, new RegExp(`href="${base}login-history\\?page=2&amp;lang=en"`));
      assert.match(pages[0]!.body, new RegExp(`href="${base}login-history\\?lang=en"`));
      const otherSeqs = (await h.database.db.selectFrom('audit_log').select('seq').where('subject', '=', DEMO.other).execute()).map((r) => Number(r.seq));
      assert.ok(otherSeqs.length > 0 && !seqs.some((s) => otherSeqs.includes(s)), 'never another contract\'s');
      // A wrong code on a signed-in page (a transfer) is no failed sign-in: not listed.
      const transfer = await h.database.db.transaction().execute((trx) =>
        appendAudit(trx, { chain: 'demo', at: h.clock.nowMs(), actor: `customer:${DEMO.contractId}`, action: 'otp_failed', subject: DEMO.contractId, details: { path: 'transfer', failures: 1 } }),
      );
      const first = await c.get(`${base}login-history`);
      assert.ok(!first.body.includes(`id="entry-${transfer.seq}"`), 'a transfer\'s wrong code is not a sign-in');
      assert.equal([...first.body.matchAll(/name="entry" id="entry-(\d+)"/g)].length, 10);
      for (const bad of ['4', '0', 'x', '1&page=2', '99999999999']) {
        const r = await c.get(`${base}login-history?page=${bad}`);
        assert.equal(r.statusCode, 400, bad);
        assert.match(r.body, /ページの指定が正しくありません/);
      }
    });

    it('心当たりがない: a confirmation first; then suspended at once, the other session ends at its next click, audited, notified, listed until resumed', async () => {
      const a = await logIn(h, { base, password: DEMO.password });
      h.clock.advance(60_000);
      const b = await logIn(h, { base, password: DEMO.password });
      const history = await b.client.get(`${base}login-history`);
      const chosen = /value="(\d+)" checked/.exec(history.body)![1]!;
      const confirm = await b.client.post(`${base}login-history/not-me`, { entry: chosen });
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /ご利用の停止（心当たりがない）/);
      assert.match(confirm.body, /<button type="submit" class="button button--danger">停止<\/button>/);
      assert.equal(await statusOf(), 'active', 'the confirmation page changes nothing');
      assert.equal((await a.client.get(`${base}main`)).statusCode, 200);

      const done = await b.client.post(`${base}login-history/not-me/confirm`, { entry: chosen });
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /ご利用を停止しました/);
      assert.match(done.body, /お取引店舗/);
      assert.ok(done.body.includes('0120-'), 'the support centre');
      assert.equal(await statusOf(), 'suspended');
      const click = await a.client.get(`${base}main`);
      assert.equal(click.statusCode, 303);
      assert.equal(click.headers.location, `${base}?ended=suspended`);
      assert.equal(b.client.cookie('mamori_session'), undefined, 'the reporting browser\'s dead cookie went with the result page');
      assert.equal((await b.client.get(`${base}main`)).headers.location, base);
      const sessions = await h.database.db.selectFrom('sessions').select('stage').where('contract_id', '=', DEMO.contractId).execute();
      assert.deepEqual(sessions, []);
      const actions = (await h.database.db.selectFrom('audit_log').select(['action', 'actor', 'details']).where('subject', '=', DEMO.contractId).orderBy('seq', 'desc').limit(2).execute()).map((r) => r.action);
      assert.deepEqual(actions, ['sign_in_reported', 'customer_suspended']);
      const mailed = await h.database.db.selectFrom('notification_outbox').select('kind').where('contract_id', '=', DEMO.contractId).where('kind', '=', 'suspended').execute();
      assert.equal(mailed.length, 1);
      const reports = await listSignInReports(h.database.db, { institution: 'demo' });
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.signInSeq, Number(chosen));
      assert.equal(reports[0]!.environment.address, '127.0.0.*');
      // Resumption stays the branch's (written request, maker-checker): it resolves the report.
      await branchAction(h, { contractId: DEMO.contractId, request: { kind: 'resume' } });
      assert.deepEqual(await listSignInReports(h.database.db, { institution: 'demo' }), []);
      assert.equal((await listSignInReports(h.database.db, { institution: 'demo', contractId: DEMO.contractId }))[0]?.resolvedAt, h.clock.nowMs());
    });

    it('心当たりがない pressed in two browsers at once: one suspension, one report; the other is told it is suspended', async () => {
      const browsers = [(await logIn(h, { base, password: DEMO.password })).client, (await logIn(h, { base, password: DEMO.password })).client];
      const entries: string[] = [];
      for (const b of browsers) entries.push(/value="(\d+)" checked/.exec((await b.get(`${base}login-history`)).body)![1]!);
      const answers = await Promise.all(browsers.map((b, i) => b.post(`${base}login-history/not-me/confirm`, { entry: entries[i]! })));
      // The one that came second was past its checks (told it is already suspended), or found its
      // session ended (the suspension notice), or its session live but the contract suspended
      // (the login page: openSignedInPage). Never a second suspension.
      const done = answers.filter((r) => r.statusCode === 200);
      assert.equal(done.length, 1, answers.map((r) => r.statusCode).join());
      const other = answers.find((r) => r !== done[0])!;
      if (other.statusCode === 409) assert.match(other.body, /すでに停止されています/);
      else assert.ok([`${base}?ended=suspended`, base].includes(String(other.headers.location)), String(other.headers.location));
      assert.equal((await listSignInReports(h.database.db, { institution: 'demo' })).length, 1);
      const suspensions = await h.database.db.selectFrom('audit_log').select('seq').where('subject', '=', DEMO.contractId).where('action', '=', 'customer_suspended').execute();
      assert.equal(suspensions.length, 1);
    });

    it('a forged, malformed or foreign form changes nothing: 403 without the token, 400 for an entry not the contract\'s own', async () => {
      const other = await logIn(h, { base, contractId: DEMO.other, password: DEMO.password });
      await other.client.get(`${base}main`);
      const foreign = Number((await h.database.db.selectFrom('audit_log').select('seq').where('subject', '=', DEMO.other).where('action', '=', 'signed_in').executeTakeFirstOrThrow()).seq);
      const { client: c } = await logIn(h, { base, password: DEMO.password });
      const history = await c.get(`${base}login-history`);
      const own = /value="(\d+)" checked/.exec(history.body)![1]!;
      for (const path of ['login-history/not-me', 'login-history/not-me/confirm']) {
        assert.equal((await c.post(`${base}${path}`, { entry: own }, { csrf: null })).statusCode, 403, `${path} without the token`);
        assert.equal((await c.post(`${base}${path}`, { entry: own }, { csrf: 'x'.repeat(43) })).statusCode, 403, `${path} with a wrong token`);
        await c.get(`${base}login-history`);
        for (const entry of [String(foreign), '', 'abc', '-1', '1e3', '0', '9'.repeat(16), '１２', `${own}\u0000`]) {
          const r = await c.post(`${base}${path}`, { entry });
          assert.equal(r.statusCode, 400, `${path} entry=${JSON.stringify(entry)}`);
          assert.match(r.body, /心当たりのない履歴を1つ選んでください/);
        }
        assert.equal((await c.post(`${base}${path}`, { entry: [own, own] })).statusCode, 400, 'repeated');
        assert.equal((await c.post(`${base}${path}`, {})).statusCode, 400, 'missing');
      }
      assert.equal(await statusOf(), 'active');
      assert.equal(await statusOf(DEMO.other), 'active');
      assert.deepEqual(await listSignInReports(h.database.db, { institution: 'demo' }), []);
      // Without a signed-in session: the login page, nothing done.
      const stranger = h.client();
      const r = await stranger.post(`${base}login-history/not-me/confirm`, { entry: own }, { csrf: null });
      assert.equal(r.statusCode, 303);
      assert.equal(await statusOf(), 'active');
    });
  });
}
