// The seed pages' flows in a real browser (Playwright + Debian Chromium) against a real server,
// with tokens made and read by the CLI token (`mamori token new|show|code`), using real time.
//
// For each demo institution — デモ信用金庫 (seed 000: the whole 確認用パスワード) and サンプル信用金庫
// (seed 002: two 「N桁目」 of the 資金移動用パスワード) — a customer follows the seed page step by
// step, finding fields by label and buttons by their text: 利用開始 (registration) → login with
// the one-time password → 利用登録/交換 (exchange to a second token) → login with the new token →
// 利用中止 (deregistration) → login without a token → lock after five wrong codes. A second
// customer walks the same way in English. Every screen is saved at 375 px and 1280 px to
// test-results/screenshots/<institution>-<step>-<lang>-<width>.png.
//
// The four walks run side by side: each waits for fresh 30-second steps of its own tokens.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CliToken, startPersonalWebServer, type PersonalWebServer } from './personal-web-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const WIDTHS = [375, 1280] as const;

type Lang = 'ja' | 'en';
type Slug = 'demo' | 'sample';

const WORDS = {
  ja: {
    contractId: '契約者ID',
    loginPassword: 'ログインパスワード',
    otp: 'ワンタイムパスワード',
    serial: 'シリアル番号',
    next: '次へ',
    login: 'ログイン',
    confirm: '確認',
    register: '登録',
    stop: '停止',
    backToLogin: 'ログイン画面に戻る',
    logout: 'ログアウト',
    startUse: '利用開始',
    stopUse: '利用中止',
    exchange: '利用登録/交換',
    registerDone: 'ワンタイムパスワードの利用開始が完了しました',
    deregisterDone: 'ワンタイムパスワードの利用を中止しました',
    exchangeDone: 'ワンタイムパスワードの利用登録/交換が完了しました',
    noToken: 'ワンタイムパスワードが未登録です',
    alreadyRegistered: 'すでに利用登録されています',
    desktopClosed: 'パソコン用のソフトウェアトークンは平成30年3月以降、利用登録ができなくなりました',
    warning: 'あと1回誤るとロックされます',
    locked: 'お取引店舗へ当金庫所定の書面(ワンタイムパスワードのロック解除)にて届出ください',
    wrongCode: 'ワンタイムパスワードが正しくありません',
    loggedOut: 'ログアウトしました',
    position: (n: number) => `${n}桁目`,
    confirmation: { demo: '確認用パスワード', sample: '資金移動用パスワード' },
  },
  en: {
    contractId: 'Contract ID',
    loginPassword: 'Login password',
    otp: 'One-time password',
    serial: 'Serial number',
    next: 'Next',
    login: 'Log in',
    confirm: 'Confirm',
    register: 'Register',
    stop: 'Stop',
    backToLogin: 'Back to the login page',
    logout: 'Log out',
    startUse: 'Start using',
    stopUse: 'Stop using',
    exchange: 'Register / exchange',
    registerDone: 'You can now use one-time passwords.',
    deregisterDone: 'You have stopped using one-time passwords.',
    exchangeDone: 'Your new token is registered.',
    noToken: 'No token is registered',
    alreadyRegistered: 'A token is already registered.',
    desktopClosed: 'Software tokens for PCs can no longer be registered',
    warning: 'One more wrong code will lock internet banking.',
    locked: 'Please submit our written request form (one-time password unlock) at your branch.',
    wrongCode: 'The one-time password is not correct.',
    loggedOut: 'You have logged out.',
    position: (n: number) => `${n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`} digit`,
    confirmation: { demo: 'Confirmation password', sample: 'Funds-transfer password' },
  },
} as const;

const PASSWORD = 'Mamori-2026';
const CONFIRMATION = '246810';

let server: PersonalWebServer;
let browser: Browser;
let tokenDir: string;

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
}

class Walk {
  readonly w;
  constructor(
    readonly page: Page,
    readonly slug: Slug,
    readonly lang: Lang,
    readonly contractId: string,
  ) {
    this.w = WORDS[lang];
  }

  /** `step` starts with a fixed number, so the files sort in walking order in every language. */
  async shot(step: string): Promise<void> {
    await shoot(this.page, `${this.slug}-${step}-${this.lang}`);
  }

  field(label: string) {
    return this.page.getByLabel(label, { exact: true });
  }

  button(name: string) {
    return this.page.getByRole('button', { name, exact: true });
  }

  async expectText(text: string): Promise<void> {
    const body = (await this.page.locator('body').innerText()).replace(/\s+/g, ' ');
    assert.ok(body.includes(text), `${this.slug}/${this.lang}: expected 「${text}」 on ${this.page.url()}:\n${body.slice(0, 800)}`);
  }

  async openLogin(): Promise<void> {
    await this.page.goto(`${server.baseUrl}/ib/${this.slug}/`);
    if (this.lang === 'en' && !(await this.page.locator('html[lang="en"]').count())) {
      await this.page.getByRole('link', { name: 'English', exact: true }).click();
    }
    await this.page.locator(`html[lang="${this.lang}"]`).waitFor();
  }

  /** 利用者認証 (or the login form): 契約者ID + ログインパスワード, then the button. */
  async credentials(button: string, password = PASSWORD): Promise<void> {
    await this.field(this.w.contractId).fill(this.contractId);
    await this.field(this.w.loginPassword).fill(password);
    await this.button(button).click();
  }

  /** The confirmation password: whole, or the 「N桁目」 the page asks. */
  async confirmation(): Promise<void> {
    if (this.slug === 'demo') {
      await this.field(this.w.confirmation.demo).fill(CONFIRMATION);
      return;
    }
    const names = await this.page.locator('input[name^="position"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).name));
    assert.equal(names.length, 2, 'two digit positions are asked');
    for (const name of names) {
      const position = Number(name.slice('position'.length));
      await this.field(this.w.position(position)).fill(CONFIRMATION[position - 1]!);
    }
  }

  async loginWithCode(token: CliToken): Promise<void> {
    await this.openLogin();
    await this.credentials(this.w.login);
    await this.field(this.w.otp).fill(await token.freshCode());
    await this.button(this.w.confirm).click();
    await this.button(this.w.logout).waitFor();
  }

  async logout(): Promise<void> {
    await this.button(this.w.logout).click();
    await this.expectText(this.w.loggedOut);
  }
}

async function walkSeed(slug: Slug, lang: Lang, contractId: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    // Our refusals are pages with 4xx statuses, which Chromium logs; anything else (a CSP
    // violation, a missing asset) is a fault.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) errors.push(message.text());
  });
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest() && response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  const walk = new Walk(page, slug, lang, contractId);
  const w = walk.w;
  const name = `${slug}-${lang}`;
  try {
    const [first, second, third] = await Promise.all(
      ['first', 'second', 'third'].map((n) => CliToken.create({ authorityUrl: server.baseUrl, dir: tokenDir, name: `${name}-${n}` })),
    );

    // 利用開始: STEP2 「利用開始」 → STEP3 利用者認証 → STEP4 登録 → STEP5 処理結果の確認.
    await walk.openLogin();
    await walk.shot('01-login');
    await page.getByRole('link', { name: w.startUse, exact: true }).click();
    await walk.shot('02-register-auth');
    await walk.credentials(w.next);
    await walk.field(w.serial).waitFor();
    await walk.shot('03-register-token');
    if (slug === 'demo' && lang === 'ja') {
      // Seed 000: the PC token can no longer be registered at this institution.
      const desktop = await CliToken.create({ authorityUrl: server.baseUrl, dir: tokenDir, name: `${name}-desktop`, kind: 'desktop' });
      await walk.field(w.serial).fill(desktop.serial);
      await walk.field(w.otp).fill(await desktop.freshCode());
      await walk.confirmation();
      await walk.button(w.register).click();
      await walk.expectText(w.desktopClosed);
      await walk.shot('04-register-desktop-refused');
    }
    await walk.field(w.serial).fill(first!.serial);
    await walk.field(w.otp).fill(await first!.freshCode());
    await walk.confirmation();
    await walk.button(w.register).click();
    await walk.expectText(w.registerDone);
    await walk.shot('05-register-done');
    await walk.button(w.backToLogin).click();
    await walk.field(w.contractId).waitFor();

    // One token per contract: a second 利用開始 is refused clearly.
    await page.getByRole('link', { name: w.startUse, exact: true }).click();
    await walk.credentials(w.next);
    await walk.expectText(w.alreadyRegistered);
    await walk.shot('06-register-again-refused');

    // Login: 契約者ID + ログインパスワード → 「ログイン」 → ワンタイムパスワード → 「確認」 → main.
    await walk.openLogin();
    await walk.credentials(w.login);
    await walk.field(w.otp).waitFor();
    await walk.shot('07-login-otp');
    await walk.field(w.otp).fill(await first!.freshCode());
    await walk.button(w.confirm).click();
    await walk.button(w.logout).waitFor();
    await walk.shot('08-main');
    await walk.logout();
    await walk.shot('09-logged-out');

    // 利用登録/交換: current token's code → 次へ → new token's serial + code → 登録.
    await page.getByRole('link', { name: w.exchange, exact: true }).click();
    await walk.shot('10-exchange-auth');
    await walk.credentials(w.next);
    await walk.field(w.otp).waitFor();
    await walk.shot('11-exchange-current');
    await walk.field(w.otp).fill(await first!.freshCode());
    await walk.button(w.next).click();
    await walk.field(w.serial).waitFor();
    await walk.shot('12-exchange-new');
    await walk.field(w.serial).fill(second!.serial);
    await walk.field(w.otp).fill(await second!.freshCode());
    await walk.button(w.register).click();
    await walk.expectText(w.exchangeDone);
    await walk.shot('13-exchange-done');

    // The old token fails at once; the new one logs in.
    await walk.openLogin();
    await walk.credentials(w.login);
    await walk.field(w.otp).fill(await first!.freshCode());
    await walk.button(w.confirm).click();
    await walk.expectText(w.wrongCode);
    await walk.shot('14-login-old-token-refused');
    await walk.field(w.otp).fill(await second!.freshCode());
    await walk.button(w.confirm).click();
    await walk.button(w.logout).waitFor();
    await walk.logout();

    // 利用中止: 利用者認証 → ワンタイムパスワード + confirmation password → 「停止」.
    await page.getByRole('link', { name: w.stopUse, exact: true }).click();
    await walk.shot('15-deregister-auth');
    await walk.credentials(w.next);
    await walk.field(w.otp).waitFor();
    await walk.shot('16-deregister-token');
    await walk.field(w.otp).fill(await second!.freshCode());
    await walk.confirmation();
    await walk.button(w.stop).click();
    await walk.expectText(w.deregisterDone);
    await walk.shot('17-deregister-done');
    await walk.button(w.backToLogin).click();

    // Without a token: straight to the main page, which urges registration.
    await walk.credentials(w.login);
    await walk.expectText(w.noToken);
    await walk.shot('18-main-no-token');
    await walk.logout();

    // Lock: register a token again, then five wrong codes; the 4th warns.
    await page.getByRole('link', { name: w.startUse, exact: true }).click();
    await walk.credentials(w.next);
    await walk.field(w.serial).fill(third!.serial);
    await walk.field(w.otp).fill(await third!.freshCode());
    await walk.confirmation();
    await walk.button(w.register).click();
    await walk.expectText(w.registerDone);
    await walk.openLogin();
    await walk.credentials(w.login);
    const wrong = await third!.wrongCode();
    for (let attempt = 1; attempt <= 4; attempt++) {
      await walk.field(w.otp).fill(wrong);
      await walk.button(w.confirm).click();
      await walk.expectText(w.wrongCode);
    }
    await walk.expectText(w.warning);
    await walk.shot('19-login-otp-warning');
    await walk.field(w.otp).fill(wrong);
    await walk.button(w.confirm).click();
    await walk.expectText(w.locked);
    await walk.shot('20-locked');

    // Help: seed 002's Q&A answered for us.
    await page.goto(`${server.baseUrl}/ib/${slug}/help`);
    await walk.shot('21-help');

    assert.deepEqual(errors, [], 'no console errors (CSP violations show up here)');
  } finally {
    await context.close();
  }
}

describe('Personal Web in a real browser: the seed pages step by step', () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    tokenDir = mkdtempSync(join(tmpdir(), 'mamori-e2e-tokens-'));
    server = await startPersonalWebServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
  });

  it('デモ信用金庫 (seed 000) and サンプル信用金庫 (seed 002), in Japanese and in English', { timeout: 10 * 60_000 }, async () => {
    const results = await Promise.allSettled([
      walkSeed('demo', 'ja', '1000000001'),
      walkSeed('sample', 'ja', '1000000001'),
      walkSeed('demo', 'en', '1000000002'),
      walkSeed('sample', 'en', '1000000002'),
    ]);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.length > 0) throw failures[0];
  });
});
