// The customer's own passwords and the statement as a file, in a real browser (Playwright +
// Debian Chromium, no JavaScript) against a real server, in real time (issue 14 §6–7):
//  1. デモ信用金庫, in Japanese, 守 太郎 with a CLI token: signed in in two browsers, changes the
//     login password in one with the current password and a one-time password — the other's
//     next click lands on the login page, this one stays signed in; the old password no longer
//     signs in, the new one does; then the 確認用パスワード with another code.
//  2. サンプル信用金庫, in English, 守 花子 without a token: changes the 資金移動用パスワード with the
//     login password, then the login password with two digits of the NEW 資金移動用パスワード (the
//     old one's digits are refused); the old login password no longer signs in, the new one does.
//  3. 入出金明細 as a file, in Japanese and English: the period and encoding chosen on the
//     statement page, downloaded as UTF-8 with BOM and as Shift_JIS, decoded, rows and the
//     formula guard checked; a period too long is a message on the page, no download.
// Screens at 375 px and 1280 px in test-results/screenshots/own-<step>-<width>.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { listAccountsOfContract } from '../../src/banking/ledger/accounts.js';
import { deposit } from '../../src/banking/ledger/deposit.js';
import { systemRandomBytes } from '../../src/shared/clock.js';
import { CliToken } from './personal-web-server.js';
import { startTransfersServer, type TransfersServer } from './transfers-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const PASSWORD = 'Mamori-2026';
const CONFIRMATION = '246810';

let server: TransfersServer;
let browser: Browser;
let tokenDir: string;

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `own-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

function newContext(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', javaScriptEnabled: false, acceptDownloads: true });
}

async function bodyText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

async function expectText(page: Page, text: string): Promise<void> {
  const body = await bodyText(page);
  assert.ok(body.includes(text), `expected ${text} on ${page.url()}:\n${body.slice(0, 1500)}`);
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function login(page: Page, input: { slug: string; contractId: string; password: string; token?: CliToken; english?: boolean }): Promise<void> {
  await page.goto(`${server.baseUrl}/ib/${input.slug}/${input.english ? '?lang=en' : ''}`);
  await field(page, input.english ? 'Contract ID' : '契約者ID').fill(input.contractId);
  await field(page, input.english ? 'Login password' : 'ログインパスワード').fill(input.password);
  await button(page, input.english ? 'Log in' : 'ログイン').click();
  if (input.token) {
    await field(page, input.english ? 'One-time password' : 'ワンタイムパスワード').fill(await input.token.freshCode());
    await button(page, input.english ? 'Confirm' : '確認').click();
  }
  await button(page, input.english ? 'Log out' : 'ログアウト').waitFor();
}

/** The login page's one failure answer, in either language. */
async function loginRefused(page: Page, input: { slug: string; contractId: string; password: string; english?: boolean }): Promise<void> {
  await page.goto(`${server.baseUrl}/ib/${input.slug}/${input.english ? '?lang=en' : ''}`);
  await field(page, input.english ? 'Contract ID' : '契約者ID').fill(input.contractId);
  await field(page, input.english ? 'Login password' : 'ログインパスワード').fill(input.password);
  await button(page, input.english ? 'Log in' : 'ログイン').click();
  await expectText(page, input.english ? 'The contract ID or the login password is not correct' : '契約者IDまたはログインパスワードが正しくない');
}

/** Fills the asked digit positions of `value` (the form names them 「N桁目」 / "Nth digit"). */
async function fillPositions(page: Page, value: string, english: boolean): Promise<void> {
  const names = await page.locator('input[name^="position"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).name));
  assert.equal(names.length, 2, 'two digit positions are asked');
  for (const name of names) {
    const position = Number(name.slice('position'.length));
    const ordinal = position === 1 ? '1st' : position === 2 ? '2nd' : position === 3 ? '3rd' : `${position}th`;
    await field(page, english ? `${ordinal} digit` : `${position}桁目`).fill(value[position - 1]!);
  }
}

describe('the customer’s own passwords and the statement file in the browser', () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    tokenDir = mkdtempSync(join(tmpdir(), 'mamori-e2e-own-'));
    server = await startTransfersServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(tokenDir, { recursive: true, force: true });
  });

  it('デモ信用金庫 (Japanese, with a token): the login password changes, the other browser is signed out, the old password stops working', { timeout: 240_000 }, async () => {
    const token = await CliToken.create({ authorityUrl: server.baseUrl, dir: tokenDir, name: 'own-demo' });
    const first = await newContext();
    const second = await newContext();
    try {
      const page = await first.newPage();
      // 利用開始 first (the seed's steps), so that the changes ask a one-time password.
      await page.goto(`${server.baseUrl}/ib/demo/`);
      await page.getByRole('link', { name: '利用開始', exact: true }).click();
      await field(page, '契約者ID').fill('1000000001');
      await field(page, 'ログインパスワード').fill(PASSWORD);
      await button(page, '次へ').click();
      await field(page, 'シリアル番号').fill(token.serial);
      await field(page, 'ワンタイムパスワード').fill(await token.freshCode());
      await field(page, '確認用パスワード').fill(CONFIRMATION);
      await button(page, '登録').click();
      await expectText(page, 'ワンタイムパスワードの利用開始が完了しました');

      const other = await second.newPage();
      await login(other, { slug: 'demo', contractId: '1000000001', password: PASSWORD, token });
      await login(page, { slug: 'demo', contractId: '1000000001', password: PASSWORD, token });
      await page.getByRole('link', { name: 'パスワード変更', exact: true }).click();
      await expectText(page, 'ログインパスワード変更');
      await expectText(page, '確認用パスワード変更');
      await shoot(page, 'password-menu-ja');
      await page.getByRole('link', { name: 'ログインパスワード変更', exact: true }).click();

      // A mismatch first: a message, nothing changed.
      await field(page, '現在のログインパスワード').fill(PASSWORD);
      await field(page, '新しいログインパスワード').fill('Kawasemi-2027');
      await field(page, '新しいログインパスワード(確認用)').fill('Kawasemi-2028');
      await field(page, 'ワンタイムパスワード').fill('123456');
      await button(page, '変更').click();
      await expectText(page, '確認用に入力された新しいログインパスワードが一致しません。');
      await shoot(page, 'login-password-error-ja');

      await field(page, '現在のログインパスワード').fill(PASSWORD);
      await field(page, '新しいログインパスワード').fill('Kawasemi-2027');
      await field(page, '新しいログインパスワード(確認用)').fill('Kawasemi-2027');
      await field(page, 'ワンタイムパスワード').fill(await token.freshCode());
      await shoot(page, 'login-password-form-ja');
      await button(page, '変更').click();
      await expectText(page, 'ログインパスワードを変更しました。');
      await shoot(page, 'login-password-done-ja');

      // The other browser's next click: the login page. This one: still signed in.
      await other.goto(`${server.baseUrl}/ib/demo/main`);
      assert.equal(new URL(other.url()).pathname, '/ib/demo/', 'the other session ended');
      await page.getByRole('link', { name: 'メインへ戻る' }).click();
      assert.equal(new URL(page.url()).pathname, '/ib/demo/main');

      // 確認用パスワード変更 with another code.
      await page.getByRole('link', { name: 'パスワード変更', exact: true }).click();
      await page.getByRole('link', { name: '確認用パスワード変更', exact: true }).click();
      await field(page, '現在の確認用パスワード').fill(CONFIRMATION);
      await field(page, '新しい確認用パスワード').fill('135792');
      await field(page, '新しい確認用パスワード(確認用)').fill('135792');
      await field(page, 'ワンタイムパスワード').fill(await token.freshCode());
      await shoot(page, 'confirmation-form-ja');
      await button(page, '変更').click();
      await expectText(page, '確認用パスワードを変更しました。');
      await button(page, 'ログアウト').click();

      await loginRefused(other, { slug: 'demo', contractId: '1000000001', password: PASSWORD });
      await login(other, { slug: 'demo', contractId: '1000000001', password: 'Kawasemi-2027', token });
      const mails = await server.database.db.selectFrom('notification_outbox').select(['kind', 'body']).where('institution', '=', 'demo').where('contract_id', '=', '1000000001').execute();
      assert.ok(mails.some((m) => m.kind === 'login_password_changed'));
      assert.ok(mails.some((m) => m.kind === 'confirmation_password_changed'));
      assert.ok(mails.every((m) => !m.body.includes('Kawasemi-2027') && !m.body.includes('135792') && !/https?:\/\//.test(m.body)));
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('サンプル信用金庫 (English, no token): the 資金移動用パスワード, then the login password with digits of the new one', { timeout: 120_000 }, async () => {
    const first = await newContext();
    const second = await newContext();
    try {
      const page = await first.newPage();
      const other = await second.newPage();
      await login(other, { slug: 'sample', contractId: '1000000002', password: PASSWORD, english: true });
      await login(page, { slug: 'sample', contractId: '1000000002', password: PASSWORD, english: true });
      await page.getByRole('link', { name: 'Change passwords', exact: true }).click();
      await shoot(page, 'password-menu-en');
      await page.getByRole('link', { name: 'Change the funds-transfer password', exact: true }).click();
      await field(page, 'Current funds-transfer password').fill(CONFIRMATION);
      await field(page, 'New funds-transfer password').fill('123456');
      await field(page, 'New funds-transfer password (again)').fill('123456');
      await field(page, 'Login password').fill(PASSWORD);
      await button(page, 'Change').click();
      await expectText(page, 'One digit repeated, or a run such as 123456 or 987654, cannot be used.');
      await shoot(page, 'confirmation-error-en');
      await field(page, 'Current funds-transfer password').fill(CONFIRMATION);
      await field(page, 'New funds-transfer password').fill('135792');
      await field(page, 'New funds-transfer password (again)').fill('135792');
      await field(page, 'Login password').fill(PASSWORD);
      await button(page, 'Change').click();
      await expectText(page, 'Your funds-transfer password has been changed.');

      await page.getByRole('link', { name: 'Change the login password', exact: true }).click();
      const fill = async (digits: string) => {
        await field(page, 'Current login password').fill(PASSWORD);
        await field(page, 'New login password').fill('Kawasemi-2027');
        await field(page, 'New login password (again)').fill('Kawasemi-2027');
        await fillPositions(page, digits, true);
      };
      await fill(CONFIRMATION);
      await button(page, 'Change').click();
      await expectText(page, 'The funds-transfer password is not correct.');
      await fill('135792');
      await shoot(page, 'login-password-form-en');
      await button(page, 'Change').click();
      await expectText(page, 'Your login password has been changed');
      await shoot(page, 'login-password-done-en');

      await other.goto(`${server.baseUrl}/ib/sample/main?lang=en`);
      assert.equal(new URL(other.url()).pathname, '/ib/sample/', 'the other session ended');
      await button(page, 'Log out').click();
      await loginRefused(other, { slug: 'sample', contractId: '1000000002', password: PASSWORD, english: true });
      await login(other, { slug: 'sample', contractId: '1000000002', password: 'Kawasemi-2027', english: true });
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('入出金明細 as a file: UTF-8 with BOM and Shift_JIS, rows and the formula guard; a period too long is a message', { timeout: 120_000 }, async () => {
    const [account] = await listAccountsOfContract(server.database.db, { institution: 'sample', contractId: '1000000001' });
    assert.ok(account);
    const posted = await deposit(server.database.db, { nowMs: Date.now(), randomBytes: systemRandomBytes }, { accountId: account.id, amountYen: 5000, actor: 'system', description: '=HYPERLINK("http://evil.example") 𠮷' });
    assert.ok(posted.ok);
    const context = await newContext();
    try {
      const page = await context.newPage();
      await login(page, { slug: 'sample', contractId: '1000000001', password: PASSWORD });
      await page.getByRole('link', { name: '振込', exact: true }).click();
      await page.getByRole('link', { name: '入出金明細', exact: true }).first().click();
      await expectText(page, '入出金明細のダウンロード (CSV)');
      await shoot(page, 'statement-form-ja');
      const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

      const download = async (encoding: string, label: 'ダウンロード' | 'Download' = 'ダウンロード') => {
        await field(page, encoding).check();
        const [file] = await Promise.all([page.waitForEvent('download'), button(page, label).click()]);
        assert.match(file.suggestedFilename(), /^nyushukkin-meisai_\d{8}-\d{8}\.csv$/);
        assert.doesNotMatch(file.suggestedFilename(), new RegExp(account.account_number ?? 'none'));
        return readFileSync((await file.path())!);
      };
      await field(page, '開始日').fill(`${today.slice(0, 8)}01`);
      await field(page, '終了日').fill(today);
      const utf8 = await download('UTF-8 (BOM付き)');
      assert.deepEqual([...utf8.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const text = utf8.subarray(3).toString('utf8');
      const rows = text.split('\r\n');
      assert.equal(rows[0], '"取引日時","摘要","お支払金額","お預り金額","差引残高"');
      assert.ok(rows.some((r) => r.endsWith(`"'=HYPERLINK(""http://evil.example"") 𠮷","","5000","3005000"`)), `the guarded row:\n${text}`);
      const sjis = await download('Shift_JIS (Excel向け)');
      const decoded = iconv.decode(sjis, 'Shift_JIS');
      assert.ok(decoded.includes('"取引日時","摘要"'));
      assert.ok(decoded.includes(`"'=HYPERLINK(""http://evil.example"") ?","","5000","3005000"`), 'what Shift_JIS cannot hold is a ?');

      // English: the header in English; a period too long is a message, nothing downloaded.
      await page.goto(`${server.baseUrl}/ib/sample/transfers/history?lang=en`);
      await field(page, 'From').fill('2024-01-01');
      await field(page, 'To').fill(today);
      await button(page, 'Download').click();
      await expectText(page, 'The period can be at most 366 days.');
      await shoot(page, 'statement-error-en');
      await field(page, 'From').fill(today);
      await field(page, 'To').fill(today);
      const english = await download('UTF-8 (with BOM)', 'Download');
      assert.match(english.subarray(3).toString('utf8'), /^"Date and time \(JST\)","Description","Paid out \(JPY\)","Paid in \(JPY\)","Balance \(JPY\)"\r\n/);
    } finally {
      await context.close();
    }
  });
});
