// The branch console in a real browser (Playwright + Debian Chromium) beside the bank site, on
// one server with an injected clock, following what seed 002 sends customers to the branch for:
//
//  1. ロック解除: a customer locks themselves out with five wrong codes; a teller (first sign-in:
//     enrols a token) proposes the unlock from the written request; a supervisor approves it;
//     the customer logs in again.
//  2. 利用一時停止: a teller suspends a customer in the middle of the customer's live session;
//     the customer's next click lands on the login page, which says why (and in Japanese).
//  3. トークン再発行: after a teller's proposal and a supervisor's approval, the customer can
//     register a new token only once the wait (30 minutes) is over — the clock is moved.
//  4. 新規契約: the お客様カード, on screen and as printed; the audit log viewer; English; a phone.
//  5. 新規契約 sent again: the card page reloaded (the browser sends the form again) shows the
//     same contract without its passwords and opens no second one; a double click sends once.
//
// Screens go to test-results/screenshots/branch-<step>.png. Each actor has a browser context of
// its own (the customer's cookies never meet the operators').
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { wrongCode, type TestToken } from '../support/authority/authority-testing.js';
import { appendAudit } from '../../src/audit/audit-log.js';
import { findCustomer } from '../../src/banking/customers.js';
import { startBranchConsoleServer, type BranchConsoleServer } from './branch-console-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const PASSWORD = 'Mamori-2026';
const CONFIRMATION = '246810';
const OPERATOR_PASSWORD = 'Mamori-Branch-2026';
/** The customer page at 1280 px, with a page of history: it was about 3,200 px with every form open. */
const HEIGHT_LIMIT = 2_600;

let server: BranchConsoleServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const operatorTokens = new Map<string, TestToken>();

/** The whole page at PC width; at phone width what the phone shows first (the viewport). */
async function shot(page: Page, name: string, width = 1280, options: { fullPage?: boolean } = {}): Promise<void> {
  const phone = width <= 400;
  await page.setViewportSize({ width, height: phone ? 812 : 800 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `branch-${name}.png`), fullPage: options.fullPage ?? !phone });
}

/** A fresh browser context (its own cookies), failing the journey on console errors (CSP). */
async function newPage(errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) errors.push(message.text());
  });
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest() && response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  return page;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations at both widths, and sideways scroll at 200% zoom on a phone (the crawl of accessibility.test.ts reaches no customer page). */
async function assertAccessible(page: Page): Promise<void> {
  const found: string[] = [];
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.evaluate(AXE_SOURCE);
    const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }))) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    for (const v of result.violations) if (v.impact === 'serious' || v.impact === 'critical') found.push(`${width}px ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  await page.setViewportSize({ width: 188, height: 400 });
  await assertNoSidewaysScroll(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(found, [], page.url());
}

/** The page is no wider than the viewport (nothing to scroll sideways). */
async function assertNoSidewaysScroll(page: Page): Promise<void> {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll! <= client!, `${page.url()}: ${scroll} px wide in ${client} px`);
}

async function bodyText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

async function expectText(page: Page, text: string): Promise<void> {
  const body = await bodyText(page);
  assert.ok(body.includes(text), `expected 「${text}」 on ${page.url()}:\n${body.slice(0, 1000)}`);
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

// --- the customer (bank site) --------------------------------------------------------------

async function customerRegisters(page: Page, contractId: string, token: TestToken): Promise<void> {
  await page.goto(`${server.baseUrl}/ib/demo/`);
  await page.getByRole('link', { name: '利用開始', exact: true }).click();
  await field(page, '契約者ID').fill(contractId);
  await field(page, 'ログインパスワード').fill(PASSWORD);
  await button(page, '次へ').click();
  await field(page, 'シリアル番号').fill(token.serial);
  await field(page, 'ワンタイムパスワード').fill(server.nextCode(token));
  await field(page, '確認用パスワード').fill(CONFIRMATION);
  await button(page, '登録').click();
  await expectText(page, 'ワンタイムパスワードの利用開始が完了しました');
}

async function customerPasswordStep(page: Page, contractId: string): Promise<void> {
  await page.goto(`${server.baseUrl}/ib/demo/`);
  await field(page, '契約者ID').fill(contractId);
  await field(page, 'ログインパスワード').fill(PASSWORD);
  await button(page, 'ログイン').click();
}

async function customerLogsIn(page: Page, contractId: string, token: TestToken): Promise<void> {
  await customerPasswordStep(page, contractId);
  await field(page, 'ワンタイムパスワード').fill(server.nextCode(token));
  await button(page, '確認').click();
  await button(page, 'ログアウト').waitFor();
}

// --- operators (console) -------------------------------------------------------------------

/** Signs in at /branch/demo/: enrols a token at the first sign-in, else the one-time password. */
async function operatorSignsIn(page: Page, login: string, shots?: string): Promise<void> {
  await page.goto(`${server.baseUrl}/branch/demo/`);
  if (shots) await shot(page, `${shots}-login`);
  await field(page, 'オペレーターID').fill(login);
  await field(page, 'パスワード').fill(OPERATOR_PASSWORD);
  await button(page, 'ログイン').click();
  await page.waitForURL(/\/login\/(enrol|otp)$/);
  let token = operatorTokens.get(login);
  if (page.url().endsWith('/login/enrol')) {
    token = await server.token();
    operatorTokens.set(login, token);
    await expectText(page, 'トークンの登録(初回ログイン)');
    await field(page, 'シリアル番号').fill(token.serial);
    await field(page, 'ワンタイムパスワード').fill(server.nextCode(token));
    if (shots) await shot(page, `${shots}-enrol`);
    await button(page, '登録').click();
  } else {
    await field(page, 'ワンタイムパスワード').fill(server.nextCode(token!));
    await button(page, '確認').click();
  }
  await page.waitForURL(/\/branch\/demo\/home$/);
}

async function openCustomer(page: Page, contractId: string): Promise<void> {
  await page.goto(`${server.baseUrl}/branch/demo/home`);
  await field(page, '契約者ID または 氏名').fill(contractId);
  await button(page, '検索').click();
  await page.getByRole('link', { name: contractId, exact: true }).click();
  await page.waitForURL(new RegExp(`/customers/${contractId}$`));
}

async function submitAction(page: Page, kind: string, requestFormNo: string, reason: string, buttonName: string): Promise<void> {
  const form = page.locator(`#action-${kind}`);
  // Each written request's form opens on its summary (the page lists them closed, grouped).
  if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
  await form.getByLabel('書面番号', { exact: true }).fill(requestFormNo);
  await form.getByLabel('受付理由', { exact: true }).fill(reason);
  await form.getByRole('button', { name: buttonName, exact: true }).click();
}

async function approveFirst(page: Page, shotName?: string): Promise<void> {
  await page.goto(`${server.baseUrl}/branch/demo/approvals`);
  if (shotName) await shot(page, shotName);
  await button(page, '承認').first().click();
}

describe('the branch console in a real browser', () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startBranchConsoleServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it('ロック解除: locked out by wrong codes, a teller proposes, a supervisor approves, the customer logs in again', async () => {
    const errors: string[] = [];
    const customer = await newPage(errors);
    const teller = await newPage(errors);
    const supervisor = await newPage(errors);
    const token = await server.token();
    await customerRegisters(customer, '1000000001', token);

    await customerPasswordStep(customer, '1000000001');
    const wrong = wrongCode(token, server.clock.nowMs());
    for (let attempt = 1; attempt <= 5; attempt++) {
      await field(customer, 'ワンタイムパスワード').fill(wrong);
      await button(customer, '確認').click();
    }
    await expectText(customer, 'お取引店舗へ当金庫所定の書面(ワンタイムパスワードのロック解除)にて届出ください');
    await shot(customer, '01-customer-locked');

    await operatorSignsIn(teller, 'teller', '02-teller');
    await shot(teller, '03-teller-home');
    await openCustomer(teller, '1000000001');
    await expectText(teller, 'ロック中');
    // One status line that is true, and the history as sentences — no 利用中 beside 5 / 5, no codes or JSON.
    assert.equal((await teller.locator('.status-line').innerText()).split('\n')[0], '状態: ロック中 (ワンタイムパスワード)');
    assert.ok(!(await bodyText(teller)).includes('利用中'));
    await expectText(teller, 'ワンタイムパスワードの誤りが5回に達し、ワンタイムパスワードがロックされました（ログインで）（Chrome・Linux、接続元 127.0.0.*）。');
    assert.doesNotMatch(await bodyText(teller), /otp_failed|otp_locked|signed_in|timeStep|"failures"/);
    // The written requests are closed summaries: the page is about half the 3,200 px it was.
    const height = await teller.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < HEIGHT_LIMIT, `the customer page is ${height} px tall`);
    await shot(teller, '04-customer-locked-view');
    await shot(teller, '04-customer-locked-view-phone', 375);
    await teller.setViewportSize({ width: 1280, height: 800 });
    await submitAction(teller, 'unlock_otp', 'R-2026-0101', 'ロック解除届(本人来店)', '申請');
    await expectText(teller, '申請しました。役席者の承認後に実行されます。');
    await shot(teller, '05-unlock-proposed');
    assert.equal((await findCustomer(server.database.db, 'demo', '1000000001'))!.otp_failures, 5);

    // The teller cannot approve: the approvals page offers no button and says why.
    await teller.goto(`${server.baseUrl}/branch/demo/approvals`);
    await expectText(teller, 'ご自身の申請は承認・却下できません。');
    assert.equal(await button(teller, '承認').count(), 0);

    await operatorSignsIn(supervisor, 'supervisor', '06-supervisor');
    await approveFirst(supervisor, '07-approvals');
    await expectText(supervisor, '承認し、実行しました。');
    await shot(supervisor, '08-approved');

    await customerLogsIn(customer, '1000000001', token);
    await shot(customer, '09-customer-back-in');
    assert.deepEqual(errors, [], 'no console errors (CSP violations show up here)');
  });

  it("利用一時停止: suspended in the middle of the customer's session, the next click lands on the login page with the notice", async () => {
    const errors: string[] = [];
    const customer = await newPage(errors);
    const teller = await newPage(errors);
    const token = await server.token();
    await customerRegisters(customer, '1000000002', token);
    await customerLogsIn(customer, '1000000002', token);
    await shot(customer, '10-customer-main-before');

    await operatorSignsIn(teller, 'teller');
    await openCustomer(teller, '1000000002');
    await submitAction(teller, 'suspend', 'TEL-2026-0042', '端末盗難の電話連絡', '利用一時停止(盗難・紛失)');
    await expectText(teller, '利用を一時停止しました');
    await expectText(teller, '利用一時停止中');
    await shot(teller, '11-suspended');

    // The customer's next click: the page's own 「English」 link (a signed-in page, /main?lang=en).
    await customer.getByRole('link', { name: 'English', exact: true }).click();
    await customer.waitForLoadState();
    const landed = new URL(customer.url());
    assert.equal(landed.pathname, '/ib/demo/');
    assert.equal(landed.search, '?ended=suspended');
    await field(customer, 'Contract ID').waitFor();
    // The login page says why (the note the console left for this session's cookie), in English here.
    await expectText(customer, 'We have suspended your use of internet banking. To use it again, please apply in writing at your branch.');
    await shot(customer, '12-customer-next-click');
    // Back in Japanese (the toggle keeps the notice), also for the next journeys' pages.
    await customer.getByRole('link', { name: '日本語', exact: true }).click();
    await field(customer, '契約者ID').waitFor();
    await expectText(customer, 'インターネットバンキングのご利用を一時停止しました。再開には、お取引店舗へ書面でのお手続きが必要です。');
    await expectText(customer, 'お問い合わせ先');
    await shot(customer, '12-customer-next-click-ja');
    assert.deepEqual(errors, []);
  });

  it('トークン再発行: the customer registers a new token only after the wait', async () => {
    const errors: string[] = [];
    const customer = await newPage(errors);
    const teller = await newPage(errors);
    const supervisor = await newPage(errors);
    await operatorSignsIn(teller, 'teller');
    await openCustomer(teller, '1000000001');
    await submitAction(teller, 'reissue_token', 'R-2026-0202', 'トークン削除のため再発行', '申請');
    await expectText(teller, '申請しました');
    await operatorSignsIn(supervisor, 'supervisor');
    await approveFirst(supervisor);
    await expectText(supervisor, '承認し、実行しました。');
    await openCustomer(supervisor, '1000000001');
    await expectText(supervisor, '再登録可能になる日時');
    assert.match((await supervisor.locator('.status-line').innerText()).split('\n')[0]!, /^状態: トークン再発行待ち \(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} から再登録可能\)$/);
    await shot(supervisor, '13-reissued');

    const newToken = await server.token();
    await customer.goto(`${server.baseUrl}/ib/demo/`);
    await customer.getByRole('link', { name: '利用開始', exact: true }).click();
    await field(customer, '契約者ID').fill('1000000001');
    await field(customer, 'ログインパスワード').fill(PASSWORD);
    await button(customer, '次へ').click();
    await expectText(customer, 'トークン再発行のお手続き後、しばらくの間は利用登録ができません。');
    await shot(customer, '14-register-too-early');

    server.clock.advance(30 * 60_000);
    await customerRegisters(customer, '1000000001', newToken);
    await shot(customer, '15-registered-after-wait');
    await customerLogsIn(customer, '1000000001', newToken);
    assert.deepEqual(errors, []);
  });

  it('新規契約: the お客様カード on screen and on paper; the audit log; English', async () => {
    const errors: string[] = [];
    const supervisor = await newPage(errors);
    await operatorSignsIn(supervisor, 'supervisor');
    await supervisor.getByRole('link', { name: '新規契約', exact: true }).first().click();
    await field(supervisor, '氏名').fill('守 次郎');
    await field(supervisor, '口座名義(カナ)').fill('モリ ジロウ');
    await field(supervisor, '書面番号').fill('A-2026-0303');
    await field(supervisor, '受付理由').fill('新規申込書');
    await shot(supervisor, '16-open-contract');
    await button(supervisor, '契約する').click();
    await expectText(supervisor, 'お客様カード');
    await shot(supervisor, '17-customer-card');
    await supervisor.emulateMedia({ media: 'print' });
    await shot(supervisor, '18-customer-card-print', 560);
    await supervisor.emulateMedia({ media: 'screen' });
    await supervisor.setViewportSize({ width: 1280, height: 800 });

    await supervisor.goto(`${server.baseUrl}/branch/demo/audit`);
    await expectText(supervisor, '監査ログ');
    await shot(supervisor, '19-audit');
    await supervisor.getByRole('link', { name: 'English', exact: true }).click();
    await expectText(supervisor, 'Audit log');
    await shot(supervisor, '20-audit-en');
    await shot(supervisor, '21-audit-en-phone', 375);
    assert.deepEqual(errors, []);
  });

  it('新規契約 sent again: reloading the お客様カード page opens no second contract and shows no password; a double click sends the form once', async () => {
    const errors: string[] = [];
    const teller = await newPage(errors);
    await operatorSignsIn(teller, 'teller');
    const posts: string[] = [];
    teller.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/branch/demo/contracts') posts.push(request.url());
    });
    const contractsNamed = async (name: string) => (await server.database.db.selectFrom('customers').select('contract_id').where('name', '=', name).execute()).map((r) => r.contract_id);
    // Each value's first line (the login password's note is a line of its own).
    const cardValues = async () => (await teller.locator('dd.customer-card__value').allInnerTexts()).map((v) => v.trim().split('\n')[0]!.trim());
    const fillForm = async (name: string, kana: string) => {
      await teller.goto(`${server.baseUrl}/branch/demo/contracts/new`);
      await field(teller, '氏名').fill(name);
      await field(teller, '口座名義(カナ)').fill(kana);
      await field(teller, '書面番号').fill('A-2026-0707');
      await field(teller, '受付理由').fill('新規申込書');
    };

    await fillForm('再読 太郎', 'サイドク タロウ');
    await button(teller, '契約する').click();
    await expectText(teller, 'お客様カード');
    const [contractId, password, confirmation] = await cardValues();
    assert.ok(contractId && /^[A-Za-z0-9]{10}$/.test(password ?? '') && /^\d{6}$/.test(confirmation ?? ''), String(await cardValues()));
    // page.reload() re-sends the POST, as 「フォームの再送信の確認」 → 続行 does.
    const reloaded = await teller.reload();
    assert.equal(reloaded?.request().method(), 'POST', 'the reload sent the form again');
    assert.equal(posts.length, 2);
    await expectText(teller, 'お客様カード(発行済み)');
    await expectText(teller, 'パスワードは最初のお客様カードに一度だけ表示したもので、再表示できません。');
    assert.deepEqual(await cardValues(), [contractId], 'the same contract ID, no password');
    const body = await bodyText(teller);
    assert.ok(!body.includes(password!) && !body.includes(confirmation!), 'neither password is on the page');
    assert.equal(await button(teller, '印刷する').count(), 0);
    assert.deepEqual(await contractsNamed('再読 太郎'), [contractId], 'one contract in the database');
    await shot(teller, '22-customer-card-resubmitted');

    // Two clicks on 「契約する」 while the first answer is on its way (held back 300 ms here):
    // the form goes once (console.js), so the card on screen is the first, with its passwords.
    posts.length = 0;
    await fillForm('二度 次郎', 'ニド ジロウ');
    await teller.route('**/branch/demo/contracts', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue().catch(() => {}); // a navigation the browser dropped has nothing to continue
    });
    await button(teller, '契約する').scrollIntoViewIfNeeded(); // the mouse clicks where the viewport shows it
    const box = (await button(teller, '契約する').boundingBox())!;
    await teller.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await teller.mouse.click(box.x + box.width / 2, box.y + box.height / 2); // the mouse, unlike a locator, does not wait for the navigation
    await teller.waitForURL(/\/contracts$/);
    await teller.waitForLoadState('networkidle');
    await teller.unroute('**/branch/demo/contracts');
    await expectText(teller, 'お客様カード');
    assert.equal(posts.length, 1, 'one POST for a double click');
    assert.equal((await cardValues()).length, 3, 'the first answer, with both passwords');
    assert.equal((await contractsNamed('二度 次郎')).length, 1);
    assert.deepEqual(errors, []);
  });
  it("お客様情報: the history by group and by page, in both languages and widths; 承認 and 却下 on one line under 却下理由", async () => {
    const errors: string[] = [];
    const teller = await newPage(errors);
    const supervisor = await newPage(errors);
    // Older sign-outs, so that the history has a second page.
    for (let i = 0; i < 25; i++) await appendAudit(server.database.db, { chain: 'demo', at: Date.UTC(2025, 11, 1, 0, i), actor: 'customer:1000000002', action: 'signed_out', subject: '1000000002' });
    await operatorSignsIn(teller, 'teller');
    await openCustomer(teller, '1000000002');
    assert.equal((await teller.locator('.status-line').innerText()).split('\n')[0], '状態: 利用一時停止中');
    await teller.getByLabel('履歴の種類', { exact: true }).selectOption('settings');
    await button(teller, '表示').click();
    await teller.waitForURL(/group=settings/);
    await expectText(teller, '利用を一時停止しました（書面番号 TEL-2026-0042、受付理由: 端末盗難の電話連絡）。');
    await expectText(teller, 'オペレーター teller');
    assert.equal(await teller.getByText('ログアウトしました。').count(), 0, 'sign-outs are not settings');

    // The filter: 「営業店の操作」 keeps what operators did.
    await teller.getByLabel('履歴の種類', { exact: true }).selectOption('branch');
    await button(teller, '表示').click();
    await teller.waitForURL(/group=branch/);
    const branchOnly = await teller.locator('.event__actor').allInnerTexts();
    assert.ok(branchOnly.length > 0 && branchOnly.every((who) => who.startsWith('オペレーター')), branchOnly.join(', '));
    await shot(teller, '30-history-branch');

    // Pages: 20 events, then the rest behind 「次へ」.
    await teller.goto(`${server.baseUrl}/branch/demo/customers/1000000002`);
    assert.equal(await teller.locator('.event').count(), 20);
    await teller.getByRole('link', { name: '次へ', exact: true }).click();
    await teller.waitForURL(/page=2/);
    assert.ok((await teller.locator('.event').count()) > 0);
    await expectText(teller, 'ログアウトしました。');
    await teller.getByRole('link', { name: '前へ', exact: true }).waitFor();

    // Bad values: said, with the first page below.
    await teller.goto(`${server.baseUrl}/branch/demo/customers/1000000002?group=nope`);
    await expectText(teller, '履歴の種類が正しくありません。一覧から選んでください。');
    await teller.goto(`${server.baseUrl}/branch/demo/customers/1000000002?page=7`);
    await expectText(teller, '7ページ目はありません(全2ページ)。');
    assert.equal(await teller.locator('.event').count(), 20);
    await teller.locator('#action-reissue_token summary').click();
    await assertAccessible(teller);

    await teller.goto(`${server.baseUrl}/branch/demo/customers/1000000002?group=settings`);
    await shot(teller, '31-customer-ja');
    await shot(teller, '31-customer-ja-phone', 375, { fullPage: true });
    await assertNoSidewaysScroll(teller);
    await teller.setViewportSize({ width: 1280, height: 800 });
    await teller.getByRole('link', { name: 'English', exact: true }).click();
    await expectText(teller, 'Suspended internet banking (written request TEL-2026-0042, reason: 端末盗難の電話連絡).');
    assert.equal((await teller.locator('.status-line').innerText()).split('\n')[0], 'Status: Suspended');
    await shot(teller, '32-customer-en');
    await shot(teller, '32-customer-en-phone', 375, { fullPage: true });
    await assertNoSidewaysScroll(teller);
    await teller.setViewportSize({ width: 1280, height: 800 });
    await teller.getByRole('link', { name: '日本語', exact: true }).click();
    await expectText(teller, '操作履歴');

    // 利用再開 proposed; the supervisor's 承認 and 却下 sit on one line, the note above both.
    await submitAction(teller, 'resume', 'R-2026-0404', '盗難届の取下げ', '申請');
    await expectText(teller, '申請しました');
    await operatorSignsIn(supervisor, 'supervisor');
    await supervisor.goto(`${server.baseUrl}/branch/demo/approvals`);
    for (const [width, lang] of [[1280, 'ja'], [375, 'ja'], [1280, 'en'], [375, 'en']] as const) {
      if (lang === 'en' && (await supervisor.locator('html').getAttribute('lang')) !== 'en') await supervisor.getByRole('link', { name: 'English', exact: true }).click();
      await supervisor.setViewportSize({ width, height: 800 });
      const proposal = supervisor.locator('.proposal').filter({ hasText: '1000000002' });
      const approve = (await proposal.getByRole('button', { name: lang === 'ja' ? '承認' : 'Approve', exact: true }).boundingBox())!;
      const reject = (await proposal.getByRole('button', { name: lang === 'ja' ? '却下' : 'Reject', exact: true }).boundingBox())!;
      const note = (await proposal.getByLabel(lang === 'ja' ? '却下理由' : 'Why rejected', { exact: true }).boundingBox())!;
      assert.ok(Math.abs(approve.y + approve.height - (reject.y + reject.height)) < 1, `${width} ${lang}: one baseline (${approve.y}/${reject.y})`);
      assert.ok(note.y + note.height <= Math.min(approve.y, reject.y), `${width} ${lang}: the note is above both buttons`);
      await shot(supervisor, `33-approvals-${lang}${width <= 400 ? '-phone' : ''}`, width);
    }
    await supervisor.getByRole('link', { name: '日本語', exact: true }).click();
    await supervisor.setViewportSize({ width: 1280, height: 800 });
    await assertAccessible(supervisor);
    await supervisor.locator('.proposal').filter({ hasText: '1000000002' }).getByRole('button', { name: '承認', exact: true }).click();
    await expectText(supervisor, '承認し、実行しました。');
    await openCustomer(supervisor, '1000000002');
    assert.equal((await supervisor.locator('.status-line').innerText()).split('\n')[0], '状態: 利用中');
    await expectText(supervisor, '利用を再開しました（書面番号 R-2026-0404、受付理由: 盗難届の取下げ）。申請者 teller の申請を承認して実行。');
    assert.deepEqual(errors, []);
  });
});
