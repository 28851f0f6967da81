// The transfer pages through the routes, on both dialects and both demo institutions: a
// transfer with the confirmation password (no token), with the OTP, and with 取引認証; the
// bank and branch search without JavaScript; clear messages for bad input; the statement;
// payees; the limit page.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { STEP_MS } from '../../../test/support/authority/authority-testing.js';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { setInstitutionPolicy } from '../../banking/institutions.js';
import { checkLedgerInvariants } from '../../banking/ledger/ledger-invariants.js';
import { checkTransferInvariants } from '../../banking/transfers/transfer-invariants.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { confirmationFields, DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { createTransferHarness, registerToken, signIn } from '../../../test/support/web/transfers/transfers-web-testing.js';

/** The hidden inputs of the last page's form (what a browser would send back). */
function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (m[1] !== 'csrf') fields[m[1]!] = m[2]!.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return fields;
}

const BOB_ACCOUNT = '1000002';
const ALICE_ACCOUNT = '1000001';

async function fillTransfer(c: FormClient, base: string, fields: Record<string, string>) {
  await c.get(`${base}transfers/new`);
  return c.post(`${base}transfers/new`, { op: 'next', bank: '', branch: '001', accountType: 'ordinary', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '10000', ...fields });
}

async function reachAuthPage(c: FormClient, posted: Awaited<ReturnType<FormClient['post']>>) {
  assert.equal(posted.statusCode, 303, posted.body.slice(0, 2000));
  const confirmPage = await c.follow(posted);
  assert.equal(confirmPage.statusCode, 200);
  assert.match(confirmPage.body, /内容の確認/);
  const authUrl = /<form method="get" action="([^"]+\/auth)">/.exec(confirmPage.body)?.[1];
  assert.ok(authUrl);
  const auth = await c.get(authUrl);
  assert.equal(auth.statusCode, 200);
  return { authUrl, auth };
}

for (const dialect of DIALECTS) {
  for (const slug of ['demo', 'sample'] as const) {
    describe(`transfer pages at /ib/${slug}/ [${dialect}]`, { skip: skipReason(dialect) }, () => {
      const base = `/ib/${slug}/`;
      const bankCode = slug === 'demo' ? '9901' : '9902';
      let h: BankHarness;
      beforeEach(async () => {
        h = await createTransferHarness(dialect, { limitShaping: false });
      });
      afterEach(async () => {
        assert.equal((await checkLedgerInvariants(h.database.db)).ok, true);
        assert.equal((await checkTransferInvariants(h.database.db)).ok, true);
        assert.equal((await verifyAuditChain(h.database.db)).ok, true);
        await h.close();
      });

      it('links 「振込」 from the main page and shows balances and the statement', async () => {
        const c = await signIn(h, base);
        assert.match(c.lastHtml, new RegExp(`<a href="${base}transfers">振込</a>`));
        const menu = await c.get(`${base}transfers`);
        assert.equal(menu.statusCode, 200);
        assert.match(menu.body, /本店 普通 1000001/);
        assert.match(menu.body, /¥3,000,000/);
        assert.equal(menu.headers['cache-control'], 'no-store');
        const english = await c.get(`${base}transfers/new?lang=en`);
        assert.match(english.body, /<label for="f-bank">Bank<\/label>/);
        assert.match(english.body, /Search branches/);
        await c.get(`${base}transfers?lang=ja`);
        const history = await c.get(`${base}transfers/history`);
        assert.match(history.body, /入出金明細/);
        assert.match(history.body, /開設入金/);
        const anonymous = await h.client().get(`${base}transfers`);
        assert.equal(anonymous.statusCode, 303);
        assert.equal(anonymous.headers.location, base);
      });

      it('transfers with the confirmation password (no token): search, confirm, 受付番号, same result twice', async () => {
        const c = await signIn(h, base);
        // The bank by name and the branch by name, without JavaScript: the form comes back with choices.
        await c.get(`${base}transfers/new`);
        const searched = await c.post(`${base}transfers/new`, { op: 'searchBank', bank: slug === 'demo' ? 'デモ' : 'サンプル', branch: '', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '12000' });
        assert.equal(searched.statusCode, 200);
        assert.match(searched.body, new RegExp(`選択中: ${bankCode}`));
        assert.match(searched.body, /value="12000"/, 'what was typed is kept');
        const branch = await c.post(`${base}transfers/new`, { op: 'searchBranch', bank: bankCode, branch: 'ほんてん', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '12000' });
        assert.match(branch.body, /選択中: 001 本店/);
        const posted = await c.post(`${base}transfers/new`, { op: 'next', bank: bankCode, branch: '001', accountType: 'ordinary', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '12000' });
        const { authUrl, auth } = await reachAuthPage(c, posted);
        const asked = confirmationFields(auth.body);
        if (slug === 'sample') assert.equal(Object.keys(asked).length, 2, 'two digit positions');
        const form = { ...hiddenFields(auth.body), ...asked };
        const done = await c.post(authUrl, form);
        assert.equal(done.statusCode, 303, done.body.slice(0, 1500));
        const result = await c.follow(done);
        assert.match(result.body, /振込を受け付けました/);
        const referenceNo = /<strong class="reference-no">([^<]+)<\/strong>/.exec(result.body)?.[1];
        assert.match(referenceNo ?? '', /^\d{8}-000001$/);
        assert.match(result.body, /受付番号/);
        assert.match(result.body, /¥2,988,000/);
        // Double submit / retry: the same result, one posting.
        const again = await c.post(authUrl, form);
        assert.equal(again.statusCode, 303);
        assert.equal(again.headers.location, done.headers.location);
        const bob = await signIn(h, base, { contractId: DEMO.other });
        const bobMenu = await bob.get(`${base}transfers`);
        assert.match(bobMenu.body, /¥3,012,000/);
        const bobHistory = await bob.get(`${base}transfers/history`);
        assert.match(bobHistory.body, /振込 ﾏﾓﾘ ﾀﾛｳ/);
      });

      it('transfers with the one-time password when a token is registered', async () => {
        const token = await registerToken(h, base);
        const c = await signIn(h, base, { token });
        const { authUrl, auth } = await reachAuthPage(c, await fillTransfer(c, base, { bank: bankCode, amount: '5000' }));
        assert.match(auth.body, /<label for="f-code">ワンタイムパスワード<\/label>/);
        const wrong = await c.post(authUrl, { ...hiddenFields(auth.body), code: '000000' === token.codeAt(h.clock.nowMs()) ? '111111' : '000000' });
        assert.equal(wrong.statusCode, 401);
        assert.match(wrong.body, /ワンタイムパスワードが正しくありません/);
        const done = await c.post(authUrl, { ...hiddenFields(auth.body), code: token.codeAt(h.clock.nowMs()) });
        assert.equal(done.statusCode, 303, done.body.slice(0, 1500));
        assert.match((await c.follow(done)).body, /受付番号/);
      });

      it('transfers with 取引認証 over the payee account and amount; a code for another amount fails', async () => {
        const set = await setInstitutionPolicy(h.database.db, slug, 'transactionAuth', 'account_amount', { nowMs: h.clock.nowMs() });
        assert.ok(set.ok);
        const token = await registerToken(h, base);
        const c = await signIn(h, base, { token });
        const { authUrl, auth } = await reachAuthPage(c, await fillTransfer(c, base, { bank: bankCode, amount: '7000' }));
        assert.match(auth.body, /<label for="f-code">取引認証コード<\/label>/);
        // The app's words and its QR code, never a command line or the raw payload (issue 19).
        assert.match(auth.body, /トークンアプリの「取引認証」で、振込先の口座番号「1000002」と金額「7000」を入力し/);
        assert.match(auth.body, /<figure class="transaction-qr">\s*<svg class="qr-code"/);
        assert.doesNotMatch(auth.body, /mamori token|mamori-tx:/);
        const forOther = token.transactionCodeAt({ nowMs: h.clock.nowMs(), payeeAccount: BOB_ACCOUNT, amountYen: 70000 });
        const refused = await c.post(authUrl, { ...hiddenFields(auth.body), code: forOther });
        assert.equal(refused.statusCode, 401);
        assert.match(refused.body, /取引認証コードが正しくありません/);
        // The hint names what this step asked for: the transaction code, not the one-time password.
        assert.match(refused.body, /最新の取引認証コードを入力してください/);
        assert.doesNotMatch(refused.body, /最新のワンタイムパスワード/);
        let fourth = refused;
        for (let i = 0; i < 3; i++) fourth = await c.post(authUrl, { ...hiddenFields(auth.body), code: forOther });
        assert.equal(fourth.statusCode, 401);
        assert.match(fourth.body, /取引認証コードをあと1回誤るとロックされます/);
        h.clock.advance(60_000);
        const code = token.transactionCodeAt({ nowMs: h.clock.nowMs(), payeeAccount: BOB_ACCOUNT, amountYen: 7000 });
        const done = await c.post(authUrl, { ...hiddenFields(auth.body), code });
        assert.equal(done.statusCode, 303, done.body.slice(0, 1500));
      });

      it('shows a clear message for each bad amount or payee and stores nothing', async () => {
        const c = await signIn(h, base);
        const cases: [Record<string, string>, RegExp][] = [
          [{ amount: '1,000' }, /カンマを付けずに/],
          [{ amount: '１０００' }, /半角数字で入力/],
          [{ amount: '0' }, /1円以上/],
          [{ amount: '-5' }, /1円以上/],
          [{ amount: '10.5' }, /整数/],
          [{ amount: '3000001' }, /残高が不足/],
          [{ amount: '500001' }, /本日の振込限度額を超えています。本日あと¥500,000まで/],
          [{ accountNumber: '7777777' }, /振込先の口座が見つかりません/],
          [{ accountNumber: ALICE_ACCOUNT, payeeName: 'ﾏﾓﾘ ﾀﾛｳ' }, /支払口座と同じ口座には振込できません/],
          [{ payeeName: 'ヤマダ' }, /受取人名が口座名義と一致しません/],
          [{ payeeName: '山田' }, /漢字は使えません/],
          [{ bank: 'ぜったいにないぎんこう' }, /金融機関を検索して選んでください/],
        ];
        for (const [fields, message] of cases) {
          const page = await fillTransfer(c, base, { bank: bankCode, ...fields });
          assert.equal(page.statusCode, 400, JSON.stringify(fields));
          assert.match(page.body, message, JSON.stringify(fields));
          assert.match(page.body, /aria-invalid="true"/);
        }
        assert.equal((await h.database.db.selectFrom('transfers').select('id').execute()).length, 0);
      });

      it('refuses a confirm without the CSRF token, with a changed body, or of another customer', async () => {
        const c = await signIn(h, base);
        const { authUrl, auth } = await reachAuthPage(c, await fillTransfer(c, base, { bank: bankCode }));
        const form = { ...hiddenFields(auth.body), ...confirmationFields(auth.body) };
        const csrf = c.csrf();
        assert.equal((await c.post(authUrl, form, { csrf: null })).statusCode, 403);
        const tampered = await c.post(authUrl, { ...form, amountYen: '900000' }, { csrf });
        assert.equal(tampered.statusCode, 409);
        assert.match(tampered.body, /振込内容が確認画面と異なる/);
        const bob = await signIn(h, base, { contractId: DEMO.other });
        await bob.get(`${base}transfers`);
        const hijack = await bob.post(authUrl, form);
        assert.equal(hijack.statusCode, 404);
        assert.equal((await bob.get(authUrl)).statusCode, 404);
        assert.equal((await h.database.db.selectFrom('transfers').select('status').executeTakeFirstOrThrow()).status, 'pending');
      });

      it('reads only forms: a JSON confirm with the right token and answer is a 415 page and transfers nothing', async () => {
        // Found by the attack suite (test/security/bad-input-bank.test.ts): JSON bodies reached the pages.
        const c = await signIn(h, base);
        const { authUrl, auth } = await reachAuthPage(c, await fillTransfer(c, base, { bank: bankCode }));
        const answer = { ...hiddenFields(auth.body), ...confirmationFields(auth.body) };
        const json = await h.app.inject({
          method: 'POST',
          url: authUrl,
          payload: JSON.stringify({ csrf: c.csrf(), ...answer }),
          headers: { 'content-type': 'application/json', cookie: `mamori_session=${c.cookie('mamori_session')}` },
        });
        assert.equal(json.statusCode, 415);
        assert.equal((await h.database.db.selectFrom('transfers').select('status').executeTakeFirstOrThrow()).status, 'pending');
        assert.equal((await c.post(authUrl, answer)).statusCode, 303, 'the same answer as a form confirms');
      });

      it('names banks and branches in full, and in English on the English pages where the data has it', async () => {
        const c = await signIn(h, base);
        const ownName = slug === 'demo' ? { ja: 'デモ信用金庫', en: 'Demo Shinkin Bank' } : { ja: 'サンプル信用金庫', en: 'Sample Shinkin Bank' };
        await c.get(`${base}transfers/new`);
        const searched = await c.post(`${base}transfers/new`, { op: 'searchBank', bank: 'みずほ', branch: '', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '1000' });
        assert.match(searched.body, /0001 みずほ銀行</, 'the full name, not the directory\'s みずほ');
        const confirmJa = await c.follow(await fillTransfer(c, base, { bank: bankCode }));
        assert.ok(confirmJa.body.includes(`${ownName.ja} (${bankCode})`), 'the institution by its name');
        assert.ok(confirmJa.body.includes('本店 (001)'));

        const english = await c.get(`${base}transfers/new?lang=en`);
        assert.match(english.body, /From account<\/span> <span>Head Office Ordinary 1000001/);
        const searchedEn = await c.post(`${base}transfers/new`, { op: 'searchBank', bank: 'みずほ', branch: '', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '1000' });
        assert.match(searchedEn.body, /0001 Mizuho Bank</);
        assert.doesNotMatch(searchedEn.body, /みずほ</);
        const branchEn = await c.post(`${base}transfers/new`, { op: 'searchBranch', bank: '0001', branch: '107', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '1000' });
        assert.match(branchEn.body, /Selected: 107 Ueno Branch/);
        const posted = await c.post(`${base}transfers/new`, { op: 'next', bank: bankCode, branch: '001', accountType: 'ordinary', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '1000' });
        const confirmEn = await c.follow(posted);
        assert.ok(confirmEn.body.includes(`${ownName.en} (${bankCode})`), confirmEn.body.slice(0, 3000));
        assert.ok(confirmEn.body.includes('Head Office (001)'));
        assert.ok(!confirmEn.body.includes(`${ownName.ja} (`) && !confirmEn.body.includes('本店'), 'no Japanese name left on the English page');

        // A branch of ours without a romanised name on record: the Japanese one, saying so.
        await h.database.db.insertInto('branches').values({ institution: slug, code: '002', name: '駅前', kana: 'エキマエ', last_account_number: 0, created_at: h.clock.nowMs() }).execute();
        const ekimae = await c.post(`${base}transfers/new`, { op: 'searchBranch', bank: bankCode, branch: '002', accountNumber: BOB_ACCOUNT, payeeName: 'マモリ ハナコ', amount: '1000' });
        assert.match(ekimae.body, /Selected: 002 駅前支店 \(no English name on record\)/);
      });

      it('registers, uses and deletes a payee', async () => {
        const c = await signIn(h, base);
        await c.get(`${base}transfers/payees/new`);
        const searched = await c.post(`${base}transfers/payees/new`, { op: 'searchBank', bank: 'みずほ', branch: '', accountNumber: '0123456', payeeName: 'ミズホ タロウ' });
        assert.match(searched.body, /0001 みずほ/);
        const saved = await c.post(`${base}transfers/payees/new`, { op: 'next', bankChoice: '0001', bank: 'みずほ', branch: '100', accountType: 'ordinary', accountNumber: '0123456', payeeName: 'ミズホ タロウ', nickname: '家賃' });
        assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
        const list = await c.follow(saved);
        assert.match(list.body, /振込先を登録しました/);
        assert.match(list.body, /家賃/);
        const use = /href="([^"]+transfers\/new\?payee=[^"]+)"/.exec(list.body)?.[1];
        assert.ok(use);
        const prefilled = await c.get(use.replaceAll('&amp;', '&'));
        assert.match(prefilled.body, /value="0123456"/);
        assert.match(prefilled.body, /選択中: 0001 みずほ銀行/);
        assert.match(list.body, /みずほ銀行 \(0001\) 本店 \(100\)/, 'the payee list by the full names');
        assert.match((await c.get(`${base}transfers/payees?lang=en`)).body, /Mizuho Bank \(0001\) Head Office \(100\)/);
        await c.get(`${base}transfers/payees?lang=ja`);
        const deleteAction = /action="([^"]+\/delete)"/.exec(list.body)?.[1];
        assert.ok(deleteAction);
        const deleted = await c.post(deleteAction, {});
        assert.match((await c.follow(deleted)).body, /振込先を削除しました/);
      });

      it('lowers the limit freely and raises it only with the one-time password', async () => {
        const withoutToken = await signIn(h, base, { contractId: DEMO.other });
        await withoutToken.get(`${base}transfers/limit`);
        const lowered = await withoutToken.post(`${base}transfers/limit`, { limitManYen: '10' });
        assert.equal(lowered.statusCode, 303);
        assert.match((await withoutToken.follow(lowered)).body, /¥100,000/);
        const refused = await withoutToken.post(`${base}transfers/limit`, { limitManYen: '60' });
        assert.equal(refused.statusCode, 400);
        assert.match(refused.body, /引き上げにはワンタイムパスワードの利用登録が必要です/);

        const token = await registerToken(h, base);
        const c = await signIn(h, base, { token });
        await c.get(`${base}transfers/limit`);
        const noCode = await c.post(`${base}transfers/limit`, { limitManYen: '100' });
        assert.equal(noCode.statusCode, 400);
        const raised = await c.post(`${base}transfers/limit`, { limitManYen: '100', code: token.codeAt(h.clock.nowMs()) });
        assert.equal(raised.statusCode, 303, raised.body.slice(0, 1000));
        const page = await c.follow(raised);
        assert.match(page.body, /1日あたり振込限度額を変更しました/);
        assert.match(page.body, /¥1,000,000/);
        h.clock.advance(STEP_MS);
      });
    });
  }
}
