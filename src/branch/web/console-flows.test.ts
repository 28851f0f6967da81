// The written requests of seed 002 carried out at the console, end to end over the pages of
// both sites in one app: ロック解除 (maker-checker), 利用一時停止 (immediate, ends the customer's
// live session), 利用再開, トークン再発行 (registration reopens only after the wait), login
// password reset, limit changes, and opening a contract with its お客様カード. Both dialects.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { findCustomer } from '../../banking/customers.js';
import { japanDateTime } from '../../shared/japan-time.js';
import { getDailyLimit } from '../../banking/limits/daily-limit.js';
import { CUSTOMER } from '../../identity/principals.js';
import { findSessionEndNote, hashSessionToken } from '../../identity/sessions.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { isPasswordChangeRequired } from '../../identity/password-change-requirement.js';
import { appendAudit } from '../../audit/audit-log.js';
import { listProposals } from '../proposals.js';
import {
  createConsoleHarness,
  customerSignIn,
  DEMO,
  lockCustomerOtp,
  lockCustomerPassword,
  registerCustomerToken,
  type ConsoleHarness,
  type FormClient,
} from '../../../test/support/branch/web/branch-console-testing.js';

const consoleBase = '/branch/demo/';
const bank = '/ib/demo/';
const customerPage = `${consoleBase}customers/${DEMO.contractId}`;
const written = { requestFormNo: 'R-2026-0001', reason: '書面受付' };

/** The 新規契約 form's idempotency key (a hidden field). */
function formKeyOf(page: string): string {
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(key, 'the form carries its idempotency key');
  return key;
}

async function pendingId(h: ConsoleHarness): Promise<string> {
  const [proposal] = await listProposals(h.database.db, { institution: 'demo', status: 'pending' });
  assert.ok(proposal, 'a pending proposal');
  return proposal.id;
}

async function approve(h: ConsoleHarness, supervisor: FormClient): Promise<string> {
  const id = await pendingId(h);
  await supervisor.get(`${consoleBase}approvals`);
  const r = await supervisor.post(`${consoleBase}approvals/${id}/approve`, {});
  assert.ok(r.statusCode === 303 || r.statusCode === 200, `approve: ${r.statusCode} ${r.body.slice(0, 500)}`);
  return r.statusCode === 200 ? r.body : '';
}

async function propose(teller: FormClient, kind: string, fields: Record<string, string> = {}) {
  await teller.get(customerPage);
  const r = await teller.post(`${customerPage}/actions/${kind}`, { ...written, ...fields });
  assert.equal(r.statusCode, 303, `${kind}: ${r.body.slice(0, 1500)}`);
  return r;
}

for (const dialect of DIALECTS) {
  describe(`branch console: written requests [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    let teller: FormClient;
    let supervisor: FormClient;
    beforeEach(async () => {
      h = await createConsoleHarness(dialect);
      teller = await h.signIn('demo', 'teller');
      supervisor = await h.signIn('demo', 'supervisor');
    });
    afterEach(async () => {
      await h.close();
    });

    it('ロック解除: a teller proposes, a supervisor approves, and the customer logs in again', async () => {
      const token = await registerCustomerToken(h, 'demo', DEMO.contractId);
      await lockCustomerOtp(h, 'demo', DEMO.contractId, token);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.otp_failures, 5);

      const view = await teller.get(customerPage);
      assert.match(view.body, /ロック中/);
      const proposed = await propose(teller, 'unlock_otp');
      assert.equal(proposed.headers.location, `${customerPage}?done=proposed`);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.otp_failures, 5, 'nothing changes before approval');

      await approve(h, supervisor);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.otp_failures, 0);
      await customerSignIn(h, 'demo', DEMO.contractId, token);

      const audit = await h.database.db.selectFrom('audit_log').selectAll().where('chain', '=', 'demo').where('subject', '=', DEMO.contractId).orderBy('seq').execute();
      const unlocked = audit.find((a) => a.action === 'otp_unlocked')!;
      assert.equal(unlocked.actor, 'operator:supervisor');
      assert.deepEqual(JSON.parse(unlocked.details), { failures: 5, proposalId: JSON.parse(unlocked.details).proposalId, proposedBy: 'teller', reason: '書面受付', requestFormNo: 'R-2026-0001' });
      assert.ok(audit.some((a) => a.action === 'branch_proposal_created' && a.actor === 'operator:teller'));
      assert.ok(audit.some((a) => a.action === 'branch_proposal_approved' && a.actor === 'operator:supervisor'));
    });

    it('パスワードのロック解除 works the same way', async () => {
      await lockCustomerPassword(h, 'demo', DEMO.contractId);
      await propose(teller, 'unlock_password');
      await approve(h, supervisor);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 0);
    });

    it('利用一時停止 ends the live session at once; the next click lands on the login page', async () => {
      const token = await registerCustomerToken(h, 'demo', DEMO.contractId);
      const customer = await customerSignIn(h, 'demo', DEMO.contractId, token);
      const cookie = customer.cookie('mamori_session')!;
      await teller.get(customerPage);
      const r = await teller.post(`${customerPage}/actions/suspend`, written);
      assert.equal(r.headers.location, `${customerPage}?done=suspended`);
      assert.match((await teller.follow(r)).body, /利用一時停止中/);

      const click = await customer.get(`${bank}main`);
      assert.equal(click.statusCode, 303);
      assert.equal(click.headers.location, `${bank}?ended=suspended`);
      assert.match((await customer.follow(click)).body, /インターネットバンキングのご利用を一時停止しました。/);
      assert.equal(await findSessionEndNote(h.database.db, CUSTOMER, { institution: 'demo', token: cookie, nowMs: h.clock.nowMs() }), 'suspended');
      assert.equal(await findSessionEndNote(h.database.db, CUSTOMER, { institution: 'sample', token: cookie, nowMs: h.clock.nowMs() }), undefined);
      const rows = await h.database.db.selectFrom('sessions').select('id_hash').where('id_hash', '=', hashSessionToken(CUSTOMER, cookie)).execute();
      assert.equal(rows.length, 0);

      // Suspended: the right password no longer signs in (and says no more than any failure).
      const again = h.client();
      await again.get(bank);
      assert.equal((await again.post(`${bank}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password })).statusCode, 401);

      // 利用再開 only by written request, with a second person.
      await propose(teller, 'resume');
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.status, 'suspended');
      await approve(h, supervisor);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.status, 'active');
      await customerSignIn(h, 'demo', DEMO.contractId, token);
    });

    it('トークン再発行 unbinds the token; a new token registers only after the wait', async () => {
      const oldToken = await registerCustomerToken(h, 'demo', DEMO.contractId);
      const binding = (await findCustomer(h.database.db, 'demo', DEMO.contractId))!.token_binding_id!;
      await propose(teller, 'reissue_token');
      await approve(h, supervisor);
      const after = (await findCustomer(h.database.db, 'demo', DEMO.contractId))!;
      assert.equal(after.token_binding_id, null);
      assert.equal(after.registration_blocked_until, h.clock.nowMs() + 30 * 60_000);
      const live = await h.database.db.selectFrom('bindings').select('deleted_at').where('id', '=', binding).executeTakeFirstOrThrow();
      assert.notEqual(live.deleted_at, null, 'unbound at the authority');
      // The console writes the reopening time in the one date format (DESIGN §3.5), in both languages.
      const reopens = japanDateTime(h.clock.nowMs() + 30 * 60_000);
      assert.match((await teller.get(customerPage)).body, new RegExp(`再登録可能になる日時</dt><dd>${reopens}</dd>`));

      // Registering a new token is refused until the wait is over.
      const c = h.client();
      await c.get(`${bank}register`);
      const early = await c.post(`${bank}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(early.statusCode, 409, early.body.slice(0, 500));
      assert.match(early.body, /しばらくの間は利用登録ができません/);
      h.clock.advance(29 * 60_000);
      await c.get(`${bank}register`);
      const stillEarly = await c.post(`${bank}register`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(stillEarly.statusCode, 409);
      h.clock.advance(60_000);
      await registerCustomerToken(h, 'demo', DEMO.contractId);
      assert.notEqual(oldToken.serial, (await findCustomer(h.database.db, 'demo', DEMO.contractId))!.token_serial);
    });

    it('ログインパスワードの再設定: shown once to the approver, the old password stops working', async () => {
      await lockCustomerPassword(h, 'demo', DEMO.contractId);
      await propose(teller, 'reset_password');
      const page = await approve(h, supervisor);
      const initial = /<code class="secret">([^<]+)<\/code>/.exec(page)?.[1];
      assert.ok(initial && /^[A-Za-z0-9]{10}$/.test(initial), 'the one-time password is on the page');
      const customer = (await findCustomer(h.database.db, 'demo', DEMO.contractId))!;
      assert.equal(customer.password_failures, 0);
      assert.ok(!customer.login_password_hash.includes(initial));
      assert.ok(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId: DEMO.contractId }));
      const c = h.client();
      await c.get(bank);
      assert.equal((await c.post(`${bank}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password })).statusCode, 401);
      assert.equal((await c.post(`${bank}login`, { contractId: DEMO.contractId, loginPassword: initial })).statusCode, 303);
      // The approvals page does not show it again.
      assert.doesNotMatch((await supervisor.get(`${consoleBase}approvals`)).body, new RegExp(initial));
    });

    it('限度額: lowering is immediate; raising above ¥500,000 needs a token and a second person', async () => {
      const lower = await teller.post(`${customerPage}/actions/change_limit`, { ...written, newLimitYen: '300,000' });
      assert.equal(lower.headers.location, `${customerPage}?done=done`);
      assert.equal(await getDailyLimit(h.database.db, { institution: 'demo', contractId: DEMO.contractId, defaultLimitYen: 500_000, nowMs: h.clock.nowMs() }), 300_000);

      const noToken = await teller.post(`${customerPage}/actions/change_limit`, { ...written, newLimitYen: '1000000' });
      assert.equal(noToken.statusCode, 409);
      assert.match(noToken.body, /50万円を超える限度額にはできません/);

      await registerCustomerToken(h, 'demo', DEMO.contractId);
      await propose(teller, 'change_limit', { newLimitYen: '１，０００，０００円' });
      assert.equal(await getDailyLimit(h.database.db, { institution: 'demo', contractId: DEMO.contractId, defaultLimitYen: 500_000, nowMs: h.clock.nowMs() }), 300_000);
      await approve(h, supervisor);
      assert.equal(await getDailyLimit(h.database.db, { institution: 'demo', contractId: DEMO.contractId, defaultLimitYen: 500_000, nowMs: h.clock.nowMs() }), 1_000_000);

      const bad = await teller.post(`${customerPage}/actions/change_limit`, { ...written, newLimitYen: '123456' });
      assert.equal(bad.statusCode, 400);
    });

    it('新規契約: the お客様カード is shown once and its passwords sign the customer in', async () => {
      await teller.get(`${consoleBase}contracts/new`);
      const r = await teller.post(`${consoleBase}contracts`, { name: '守 次郎', holderName: 'モリ ジロウ', branchCode: '001', ...written, idempotencyKey: formKeyOf(teller.lastHtml) });
      assert.equal(r.statusCode, 200, r.body.slice(0, 1500));
      assert.equal(r.headers['cache-control'], 'no-store');
      const contractId = /契約者ID<\/dt><dd class="customer-card__value">(\d{10})</.exec(r.body)?.[1];
      const password = /初回ログインパスワード<\/dt><dd class="customer-card__value">([A-Za-z0-9]{10})</.exec(r.body)?.[1];
      const confirmation = /確認用パスワード<\/dt><dd class="customer-card__value">(\d{6})</.exec(r.body)?.[1];
      assert.ok(contractId && password && confirmation, 'the card shows the contract ID and both passwords');
      assert.match(r.body, /ﾓﾘ ｼﾞﾛｳ/);
      const row = (await findCustomer(h.database.db, 'demo', contractId))!;
      assert.ok(!JSON.stringify(row).includes(password) && !row.confirmation_hash.includes(confirmation));
      const accounts = await h.database.db.selectFrom('accounts').selectAll().where('contract_id', '=', contractId).execute();
      assert.equal(accounts.length, 1);
      assert.equal(accounts[0]!.branch_code, '001');
      assert.ok(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId }));
      const c = h.client();
      await c.get(bank);
      // The initial password leads only to the change page; a new password, then the main page,
      // which says the change worked.
      assert.equal((await c.post(`${bank}login`, { contractId, loginPassword: password })).headers.location, `${bank}password/change`);
      await c.get(`${bank}password/change`);
      const changed = await c.post(`${bank}password/change`, { currentPassword: password, newPassword: 'Kawasemi-2027', newPasswordAgain: 'Kawasemi-2027' });
      assert.equal(changed.headers.location, `${bank}main?done=password`);
      assert.equal(await isPasswordChangeRequired(h.database.db, { institution: 'demo', contractId }), false);
      // No page shows the card again.
      assert.equal((await teller.get(`${consoleBase}contracts`)).statusCode, 404);
      assert.doesNotMatch((await teller.get(`${consoleBase}customers/${contractId}`)).body, new RegExp(password));

      await teller.get(`${consoleBase}contracts/new`);
      const invalid = await teller.post(`${consoleBase}contracts`, { name: '', holderName: '漢字', branchCode: '999', ...written, idempotencyKey: formKeyOf(teller.lastHtml) });
      assert.equal(invalid.statusCode, 400);
    });

    it('新規契約 sent again (reload, double submit): the first card without its passwords, nothing opened; an edited or keyless form opens nothing', async () => {
      const customers = async () => (await h.database.db.selectFrom('customers').select('contract_id').where('institution', '=', 'demo').execute()).length;
      const before = await customers();
      await teller.get(`${consoleBase}contracts/new`);
      const fields = { name: '再送 三郎', holderName: 'サイソウ サブロウ', branchCode: '001', ...written, idempotencyKey: formKeyOf(teller.lastHtml) };
      const first = await teller.post(`${consoleBase}contracts`, fields);
      assert.equal(first.statusCode, 200);
      const [contractId, password, confirmation] = [...first.body.matchAll(/<dd class="customer-card__value">([^<]*)/g)].map((m) => m[1]!);
      assert.ok(contractId && password && confirmation);
      // Five at once, then once more: the browser sending the same form again.
      const again = [...(await Promise.all(Array.from({ length: 5 }, () => teller.post(`${consoleBase}contracts`, fields)))), await teller.post(`${consoleBase}contracts`, fields)];
      for (const r of again) {
        assert.equal(r.statusCode, 200);
        assert.equal(r.headers['cache-control'], 'no-store');
        assert.match(r.body, /お客様カード\(発行済み\)/);
        assert.match(r.body, /パスワードは最初のお客様カードに一度だけ表示したもので、再表示できません/);
        assert.deepEqual([...r.body.matchAll(/<dd class="customer-card__value">([^<]*)/g)].map((m) => m[1]), [contractId], 'the contract ID only');
        assert.ok(!r.body.includes(password) && !r.body.includes(confirmation), 'no password of the first card');
        assert.doesNotMatch(r.body, /data-print/, 'nothing to print as if it were the card');
      }
      assert.equal(await customers(), before + 1);
      // The back button, then another customer typed into the same form: refused, nothing shown.
      const edited = await teller.post(`${consoleBase}contracts`, { ...fields, name: '別人 四郎' });
      assert.equal(edited.statusCode, 409);
      assert.match(edited.body, /この画面からはすでに別の内容で契約を受け付けています/);
      assert.ok(!edited.body.includes(contractId));
      // Another operator presenting the form's key (a shared browser) sees nothing of it either.
      await supervisor.get(`${consoleBase}contracts/new`);
      const foreign = await supervisor.post(`${consoleBase}contracts`, fields);
      assert.equal(foreign.statusCode, 409);
      assert.ok(!foreign.body.includes(contractId));
      // No key (an old page, a script): the form again, with a key of its own, and nothing opened.
      const { idempotencyKey: _key, ...keyless } = fields;
      const refused = await teller.post(`${consoleBase}contracts`, { ...keyless, name: '鍵無 五郎' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /古い画面から送信されたため、受け付けていません/);
      const fresh = formKeyOf(refused.body);
      assert.notEqual(fresh, fields.idempotencyKey);
      assert.equal(await customers(), before + 1);
      assert.equal((await teller.post(`${consoleBase}contracts`, { ...keyless, name: '鍵無 五郎', idempotencyKey: fresh })).statusCode, 200, 'the form sent back opens it');
      assert.equal(await customers(), before + 2);
    });

    it('refuses a precondition that does not hold, and a duplicate proposal', async () => {
      const notLocked = await teller.post(`${customerPage}/actions/unlock_otp`, written);
      assert.equal(notLocked.statusCode, 409);
      assert.match(notLocked.body, /ロックされていません/);
      const noToken = await teller.post(`${customerPage}/actions/reissue_token`, written);
      assert.equal(noToken.statusCode, 409);
      await propose(teller, 'reset_password');
      const duplicate = await teller.post(`${customerPage}/actions/reset_password`, written);
      assert.equal(duplicate.statusCode, 409);
      assert.match(duplicate.body, /すでに承認待ち/);
      const missing = await teller.post(`${customerPage}/actions/suspend`, { requestFormNo: '', reason: '' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /入力してください/);
    });

    it('a rejected proposal changes nothing and cannot be approved afterwards', async () => {
      await lockCustomerPassword(h, 'demo', DEMO.contractId);
      await propose(teller, 'unlock_password');
      const id = await pendingId(h);
      await supervisor.get(`${consoleBase}approvals`);
      const rejected = await supervisor.post(`${consoleBase}approvals/${id}/reject`, { note: '本人確認書類不足' });
      assert.equal(rejected.headers.location, `${consoleBase}approvals?done=rejected`);
      const approved = await supervisor.post(`${consoleBase}approvals/${id}/approve`, {});
      assert.equal(approved.statusCode, 409);
      assert.equal((await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures, 5);
    });

    it('the customer view shows status at a glance; search finds by contract ID or name', async () => {
      const token = await registerCustomerToken(h, 'demo', DEMO.contractId);
      await customerSignIn(h, 'demo', DEMO.contractId, token);
      const view = await teller.get(customerPage);
      const masked = `${token.serial.slice(0, 4)}-****-${token.serial.slice(-4)}`; // as the mails and the history write it
      assert.ok(view.body.includes(masked), 'masked serial');
      assert.ok(!view.body.includes(token.serial), 'never the whole serial');
      assert.match(view.body, /操作履歴[\s\S]*ログインしました（ワンタイムパスワード認証）/);
      assert.match(view.body, /status-line--active[^>]*><strong>状態:<\/strong> <span class="status status--active">利用中/);
      assert.match(view.body, /500,000円/);
      assert.match((await teller.get(`${consoleBase}customers?q=${encodeURIComponent('１００００００００２')}`)).body, /1000000002/);
      const byName = await teller.get(`${consoleBase}customers?q=${encodeURIComponent('花子')}`);
      assert.match(byName.body, /1000000002/);
      assert.doesNotMatch(byName.body, /customers\/1000000001/);
      assert.match((await teller.get(`${consoleBase}customers?q=%25`)).body, /該当するお客様はいません/);
      assert.equal((await teller.get(`${consoleBase}customers/1234567890`)).statusCode, 404);
      const en = await teller.get(`${customerPage}?lang=en`);
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, /Wrong one-time passwords/);
    });

    it('the status line is the one the bank site acts on: locked, then suspended with the lock still listed', async () => {
      const token = await registerCustomerToken(h, 'demo', DEMO.contractId);
      await lockCustomerOtp(h, 'demo', DEMO.contractId, token);
      const locked = (await teller.get(customerPage)).body;
      assert.match(locked, /status-line--locked[\s\S]*?ロック中<\/span><\/span> <span class="status__more">\(ワンタイムパスワード\)/);
      assert.doesNotMatch(locked, /利用中/, 'never 利用中 beside a lock');
      await propose(teller, 'suspend', { requestFormNo: 'S-1', reason: '盗難' });
      const suspended = (await teller.get(customerPage)).body;
      assert.match(suspended, /status-line--suspended[\s\S]*?利用一時停止中<\/span><\/span> <span class="status__more">\(ロック中: ワンタイムパスワード\)/);
      const en = (await teller.get(`${customerPage}?lang=en`)).body;
      assert.match(en, /status-line--suspended[\s\S]*?Suspended<\/span><\/span> <span class="status__more">\(Locked: one-time password\)/);
      // The search list says the same.
      assert.match((await teller.get(`${consoleBase}customers?q=${DEMO.contractId}`)).body, /status--suspended/);
    });

    it("the customer's history: sentences in the operator's language, filtered by group, a page at a time, bad values said", async () => {
      // Older sign-outs first (the page is newest first), then the token and its lock.
      for (let i = 0; i < 25; i++) await appendAudit(h.database.db, { chain: 'demo', at: Date.UTC(2026, 0, 1, 0, i), actor: `customer:${DEMO.contractId}`, action: 'signed_out', subject: DEMO.contractId });
      const token = await registerCustomerToken(h, 'demo', DEMO.contractId);
      await lockCustomerOtp(h, 'demo', DEMO.contractId, token);
      const all = await teller.get(`${customerPage}?group=signin`);
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /ワンタイムパスワードの誤りが5回に達し、ワンタイムパスワードがロックされました/);
      assert.doesNotMatch(all.body, /otp_failed|otp_locked|signed_out|&quot;failures&quot;|timeStep/, 'no raw codes or JSON');
      assert.equal((all.body.match(/<li class="event">/g) ?? []).length, 20, 'a page of 20');
      assert.match(all.body, /rel="next" href="\/branch\/demo\/customers\/1000000001\?group=signin&amp;page=2#history"/);
      const second = await teller.get(`${customerPage}?group=signin&page=2`);
      assert.equal(second.statusCode, 200);
      assert.match(second.body, /rel="prev"/);
      assert.ok((second.body.match(/<li class="event">/g) ?? []).length > 0);
      const tokens = await teller.get(`${customerPage}?group=token`);
      assert.match(tokens.body, /ソフトウェアトークン [A-Z]{4}-\*{4}-\d{4} を利用登録しました。/);
      assert.doesNotMatch(tokens.body, /ワンタイムパスワードの誤り/);
      assert.match((await teller.get(`${customerPage}?group=token&lang=en`)).body, /Registered the software token [A-Z]{4}-\*{4}-\d{4}\./);
      for (const [query, message] of [
        ['group=everything', '履歴の種類が正しくありません'],
        ['page=0', 'ページ番号が正しくありません'],
        ['page=abc', 'ページ番号が正しくありません'],
        ['page=99', '99ページ目はありません(全2ページ)'],
      ] as const) {
        const bad = await teller.get(`${customerPage}?${query}&lang=ja`);
        assert.equal(bad.statusCode, 400, query);
        assert.ok(bad.body.includes(message), `${query}: ${message}`);
        assert.match(bad.body, /<li class="event">/, `${query}: the first page is shown below the message`);
      }
    });
  });
}
