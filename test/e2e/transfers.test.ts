// Transfers (振込) in a real browser (Playwright + Debian Chromium) against a real server, with
// tokens made and read by the CLI token, in real time. On each demo institution — デモ信用金庫
// (whole 確認用パスワード) and サンプル信用金庫 (two 「N桁目」 of the 資金移動用パスワード):
//  1. 守 花子 (no token) transfers to 守 太郎 with the confirmation password, finding the bank
//     and the branch by name with the search buttons (no JavaScript involved);
//  2. 守 太郎 registers a CLI token (利用開始), logs in with it and transfers with the OTP;
//  3. the institution turns on 取引認証 (payee account + amount) and 守 太郎 transfers to
//     another bank with a code from `mamori token sign --account N --amount Y`;
//  then the statement (入出金明細) shows the movements. Every screen is saved at 375 px and
//  1280 px to test-results/screenshots/transfers-<institution>-<step>-<width>.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { setInstitutionPolicy } from '../../src/banking/institutions.js';
import { checkLedgerInvariants } from '../../src/banking/ledger/ledger-invariants.js';
import { CliToken } from './personal-web-server.js';
import { signTransaction, startTransfersServer, type TransfersServer } from './transfers-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const WIDTHS = [375, 1280] as const;
const PASSWORD = 'Mamori-2026';
const CONFIRMATION = '246810';
type Slug = 'demo' | 'sample';
const BANK: Record<Slug, { name: string; search: string; confirmation: string }> = {
  demo: { name: 'デモ信用金庫', search: 'デモ', confirmation: '確認用パスワード' },
  sample: { name: 'サンプル信用金庫', search: 'サンプル信金', confirmation: '資金移動用パスワード' },
};

let server: TransfersServer;
let browser: Browser;
let tokenDir: string;

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
}

class Walk {
  constructor(
    readonly page: Page,
    readonly slug: Slug,
  ) {}

  shot(step: string) {
    return shoot(this.page, `transfers-${this.slug}-${step}`);
  }

  field(label: string) {
    return this.page.getByLabel(label, { exact: true });
  }

  button(name: string) {
    return this.page.getByRole('button', { name, exact: true });
  }

  async text(): Promise<string> {
    return (await this.page.locator('body').innerText()).replace(/\s+/g, ' ');
  }

  async expectText(text: string | RegExp): Promise<void> {
    const body = await this.text();
    assert.ok(typeof text === 'string' ? body.includes(text) : text.test(body), `${this.slug}: expected ${String(text)} on ${this.page.url()}:\n${body.slice(0, 1200)}`);
  }

  async login(contractId: string, token?: CliToken): Promise<void> {
    await this.page.goto(`${server.baseUrl}/ib/${this.slug}/`);
    await this.field('契約者ID').fill(contractId);
    await this.field('ログインパスワード').fill(PASSWORD);
    await this.button('ログイン').click();
    if (token) {
      await this.field('ワンタイムパスワード').fill(await token.freshCode());
      await this.button('確認').click();
    }
    await this.button('ログアウト').waitFor();
  }

  async confirmationPassword(): Promise<void> {
    if (this.slug === 'demo') {
      await this.field(BANK.demo.confirmation).fill(CONFIRMATION);
      return;
    }
    const names = await this.page.locator('input[name^="position"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).name));
    assert.equal(names.length, 2, 'two digit positions are asked');
    for (const name of names) {
      const position = Number(name.slice('position'.length));
      await this.field(`${position}桁目`).fill(CONFIRMATION[position - 1]!);
    }
  }

  /** 振込 → input → 次へ → 内容の確認 → 次へ: leaves the page at the authentication step. */
  async fillTransfer(input: { bankSearch: string; bankChoice?: string; branchSearch: string; accountNumber: string; payeeName: string; amount: string; shots?: boolean }) {
    // From the main page's menu, or from a result page's 「振込メニューへ戻る」.
    const fromMain = this.page.getByRole('link', { name: '振込', exact: true });
    if (await fromMain.count()) await fromMain.click();
    else await this.page.getByRole('link', { name: '振込メニューへ戻る' }).click();
    if (input.shots) await this.shot('02-menu');
    await this.page.getByRole('link', { name: '振込先を入力して振込' }).click();
    await this.field('金融機関').fill(input.bankSearch);
    await this.field('口座番号').fill(input.accountNumber);
    await this.field('受取人名').fill(input.payeeName);
    await this.field('金額').fill(input.amount);
    await this.button('金融機関を検索').click();
    if (input.bankChoice) await this.page.getByLabel(input.bankChoice, { exact: true }).check();
    if (input.shots) await this.shot('03-bank-search');
    await this.field('支店').fill(input.branchSearch);
    await this.button('支店を検索').click();
    if (input.shots) await this.shot('04-branch-search');
    await this.button('次へ').click();
    await this.expectText('内容の確認');
    if (input.shots) await this.shot('05-confirm');
    await this.button('次へ').click();
  }

  async finish(step: string): Promise<string> {
    await this.button('確認').click();
    await this.expectText('振込を受け付けました');
    await this.shot(step);
    const referenceNo = (await this.page.locator('.reference-no').innerText()).trim();
    assert.match(referenceNo, /^\d{8}-\d{6}$/);
    return referenceNo;
  }
}

async function walkInstitution(slug: Slug): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', javaScriptEnabled: false });
  const page = await context.newPage();
  const walk = new Walk(page, slug);
  try {
    // 1. 守 花子, no token: the confirmation password.
    await walk.login('1000000002');
    await walk.shot('01-main');
    await walk.fillTransfer({ bankSearch: BANK[slug].search, branchSearch: 'ほんてん', accountNumber: '1000001', payeeName: 'まもり たろう', amount: '12000', shots: true });
    await walk.expectText(BANK[slug].confirmation);
    await walk.confirmationPassword();
    await walk.shot('06-password');
    const first = await walk.finish('07-result-password');
    await walk.expectText('¥2,988,000');
    await walk.button('ログアウト').click();

    // 2. 守 太郎 registers a CLI token (利用開始), logs in with it, transfers with the OTP.
    const token = await CliToken.create({ authorityUrl: server.baseUrl, dir: tokenDir, name: `transfers-${slug}` });
    await page.goto(`${server.baseUrl}/ib/${slug}/`);
    await page.getByRole('link', { name: '利用開始', exact: true }).click();
    await walk.field('契約者ID').fill('1000000001');
    await walk.field('ログインパスワード').fill(PASSWORD);
    await walk.button('次へ').click();
    await walk.field('シリアル番号').fill(token.serial);
    await walk.field('ワンタイムパスワード').fill(await token.freshCode());
    await walk.confirmationPassword();
    await walk.button('登録').click();
    await walk.expectText('ワンタイムパスワードの利用開始が完了しました');
    await walk.login('1000000001', token);
    await walk.fillTransfer({ bankSearch: BANK[slug].search, branchSearch: '001', accountNumber: '1000002', payeeName: 'ﾏﾓﾘ ﾊﾅｺ', amount: '3000' });
    await walk.field('ワンタイムパスワード').fill(await token.freshCode());
    await walk.shot('08-otp');
    const second = await walk.finish('09-result-otp');
    assert.notEqual(second, first);

    // 3. 取引認証 (account + amount): a transfer to another bank with `mamori token sign`.
    const set = await setInstitutionPolicy(server.database.db, slug, 'transactionAuth', 'account_amount', { nowMs: Date.now(), actor: 'test' });
    assert.ok(set.ok);
    await walk.fillTransfer({ bankSearch: 'みずほ', bankChoice: '0001 みずほ銀行', branchSearch: '100', accountNumber: '0123456', payeeName: 'ミズホ ハナコ', amount: '45000' });
    await walk.expectText('振込先の口座番号「0123456」と金額「45000」を入力し');
    // The customer sees the app's words and the QR code, never a command line or the raw payload.
    const shown = await walk.text();
    assert.ok(!shown.includes('mamori token') && !shown.includes('mamori-tx:'), `${slug}: developer text on the 取引認証 page`);
    assert.equal(await page.locator('figure.transaction-qr svg').count(), 1);
    const code = await signTransaction(join(tokenDir, `transfers-${slug}.json`), { account: '0123456', amountYen: 45000 });
    await walk.field('取引認証コード').fill(code);
    await walk.shot('10-transaction-code');
    await walk.finish('11-result-transaction-code');
    await walk.expectText('振込手数料');

    // The statement: 12,000 in, 3,000 out, 45,000 + fee out.
    await page.getByRole('link', { name: '振込メニューへ戻る' }).click();
    await page.getByRole('link', { name: '入出金明細', exact: true }).first().click();
    await walk.expectText('振込 ﾏﾓﾘ ﾊﾅｺ');
    await walk.expectText('振込 ﾐｽﾞﾎ ﾊﾅｺ');
    await walk.shot('12-statement');
  } finally {
    await context.close();
  }
}

describe('transfers in the browser', () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    tokenDir = mkdtempSync(join(tmpdir(), 'mamori-e2e-transfer-tokens-'));
    server = await startTransfersServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(tokenDir, { recursive: true, force: true });
  });

  it('walks a transfer with the password, the OTP and 取引認証 on each demo institution', { timeout: 240_000 }, async () => {
    await Promise.all((['demo', 'sample'] as const).map((slug) => walkInstitution(slug)));
    const check = await checkLedgerInvariants(server.database.db);
    assert.equal(check.ok, true, JSON.stringify(check));
  });
});
