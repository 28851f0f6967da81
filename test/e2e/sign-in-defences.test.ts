// The customer's own defences in a real browser (Playwright + Debian Chromium) against the real
// product (`mamori serve all`, SQLite), its mail going through the real SMTP test server
// (issue 14 §2–4). Two customers of デモ信用金庫 walk side by side, one in Japanese, one in
// English:
//   - a sign-in from a new browser, after three wrong one-time passwords, sends exactly one
//     notice (subject 「ログイン」, masked address, no link, no code); a second sign-in from the
//     same browser sends none;
//   - the main page shows 前回ログイン日時 (JST); ログイン履歴 lists three wrong codes, then a
//     success, then the second sign-in, in order (newest first);
//   - a second browser signs in (its own notice); the first presses 「心当たりがない」, confirms
//     with 「停止」, and the second browser's next click lands on the suspension notice;
//   - the branch console's customer list shows both cases first.
// Screens at 375 px and 1280 px: test-results/screenshots/defences-<step>-<lang>-<width>.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSandbox, type Sandbox } from '../integration/cli-helpers.js';
import { provisionHttpToken, registerTokenThroughPages, startMamori, STEP_MS, waitForStepAfter, wrongCodeOf, type HttpToken, type MamoriProcess } from '../integration/deployment-helpers.js';
import { headerOf, startSmtpTestServer, textBodyOf, type ReceivedMail, type SmtpTestServer } from '../support/notifications/smtp-test-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const PASSWORD = 'Mamori-2026';

type Lang = 'ja' | 'en';

const WORDS = {
  ja: {
    contractId: '契約者ID', loginPassword: 'ログインパスワード', otp: 'ワンタイムパスワード', login: 'ログイン', confirm: '確認', logout: 'ログアウト',
    previous: '前回ログイン日時', first: '今回が初めてのログインです', history: 'ログイン履歴', success: 'ログイン', wrongCode: 'ワンタイムパスワード誤り',
    notMe: '心当たりがない', stop: '停止', done: 'ご利用を停止しました', suspendedNotice: 'ご利用を一時停止しました',
  },
  en: {
    contractId: 'Contract ID', loginPassword: 'Login password', otp: 'One-time password', login: 'Log in', confirm: 'Confirm', logout: 'Log out',
    previous: 'Previous sign-in', first: 'This is your first sign-in', history: 'Sign-in history', success: 'Signed in', wrongCode: 'Wrong one-time password',
    notMe: 'It wasn’t me', stop: 'Stop', done: 'Internet banking suspended', suspendedNotice: 'Internet banking has been suspended',
  },
} as const;

let sandbox: Sandbox;
let smtp: SmtpTestServer;
let mamori: MamoriProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(lang: Lang): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: lang === 'ja' ? 'ja-JP' : 'en-GB' });
  contexts.push(context);
  return context.newPage();
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `defences-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function bodyText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

function mailsTo(contractId: string): ReceivedMail[] {
  return smtp.received.filter((mail) => mail.to.some((to) => to.startsWith(`${contractId}@`)));
}

function signInNotices(contractId: string): ReceivedMail[] {
  return mailsTo(contractId).filter((mail) => /ログイン/.test(headerOf(mail.raw, 'subject') ?? ''));
}

/** Waits until the outbox has had time to send what a sign-in queued (its worker runs every 200 ms). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
}

class Walk {
  readonly w;
  private lastStep = 0;
  constructor(
    readonly lang: Lang,
    readonly contractId: string,
    readonly token: HttpToken,
  ) {
    this.w = WORDS[lang];
  }

  get base(): string {
    return `${mamori.url}/ib/demo/`;
  }

  /** The password step, then `wrong` wrong codes, then the right code of a step not used before. */
  async signIn(page: Page, wrong = 0): Promise<void> {
    await page.goto(`${this.base}${this.lang === 'en' ? '?lang=en' : ''}`);
    await page.getByLabel(this.w.contractId, { exact: true }).fill(this.contractId);
    await page.getByLabel(this.w.loginPassword, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: this.w.login, exact: true }).click();
    await page.waitForURL(/\/login\/otp$/);
    for (let i = 0; i < wrong; i++) {
      await page.getByLabel(this.w.otp, { exact: true }).fill(wrongCodeOf(this.token, Date.now()));
      await page.getByRole('button', { name: this.w.confirm, exact: true }).click();
      await page.getByRole('alert').first().waitFor();
    }
    await waitForStepAfter(this.lastStep);
    const now = Date.now();
    this.lastStep = this.token.stepAt(now);
    await page.getByLabel(this.w.otp, { exact: true }).fill(this.token.codeAt(now));
    await page.getByRole('button', { name: this.w.confirm, exact: true }).click();
    await page.waitForURL(/\/main$/);
  }

  async run(): Promise<void> {
    const { w } = this;
    // 1. A new browser: three wrong codes, then the right one — exactly one notice.
    const first = await newPage(this.lang);
    await this.signIn(first, 3);
    assert.ok((await bodyText(first)).includes(w.previous));
    assert.ok((await bodyText(first)).includes(w.first), 'no sign-in before this one');
    await shoot(first, `1-main-first-${this.lang}`);
    await settle();
    const notices = signInNotices(this.contractId);
    assert.equal(notices.length, 1, `${this.lang}: one notice for the new browser`);
    const body = textBodyOf(notices[0]!.raw);
    assert.match(body, /接続元IPアドレス: 127\.0\.0\.\*（一部のみ表示）/);
    assert.match(body, /IP address: 127\.0\.0\.\* \(partly shown\)/);
    assert.match(body, /ブラウザ: Chrome/);
    assert.match(body, /「ログイン履歴」の「心当たりがない」/);
    assert.doesNotMatch(body, /https?:|www\.|\/ib\/|127\.0\.0\.1/, 'no link, no whole address');
    assert.doesNotMatch(body.replace(/受付日時: [\d/ :]+/g, '').replace(/Date and time: [\d/ :]+/g, ''), /\b\d{6}\b/, 'no code');

    // 2. The same browser again: no notice; the main page shows the previous sign-in.
    await first.getByRole('button', { name: w.logout, exact: true }).click();
    await this.signIn(first);
    const main = await bodyText(first);
    assert.match(main, new RegExp(`${w.previous} \\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}`), main.slice(0, 600));
    await shoot(first, `2-main-previous-${this.lang}`);
    await settle();
    assert.equal(signInNotices(this.contractId).length, 1, `${this.lang}: no notice for the same browser`);

    // 3. ログイン履歴, newest first: this sign-in, then the first one — its success after its three
    // wrong codes (read back in time: wrong, wrong, wrong, success, success).
    await first.getByRole('link', { name: w.history, exact: true }).click();
    await first.waitForURL(/\/login-history$/);
    const results = await first.locator('.history-entry__result').allInnerTexts();
    assert.deepEqual(results, [w.success, w.success, w.wrongCode, w.wrongCode, w.wrongCode]);
    await shoot(first, `3-history-${this.lang}`);

    // 4. A second browser signs in (a new environment: its own notice) and stays signed in.
    const second = await newPage(this.lang);
    await this.signIn(second);
    await settle();
    assert.equal(signInNotices(this.contractId).length, 2, `${this.lang}: the second browser's notice`);

    // 5. 「心当たりがない」 in the first browser: a confirmation page, then 停止.
    await first.reload();
    await first.getByRole('button', { name: w.notMe, exact: true }).click();
    await first.getByRole('button', { name: w.stop, exact: true }).waitFor();
    await shoot(first, `4-not-me-confirm-${this.lang}`);
    await first.getByRole('button', { name: w.stop, exact: true }).click();
    assert.ok((await bodyText(first)).includes(w.done));
    await shoot(first, `5-not-me-done-${this.lang}`);

    // 6. The second browser's next click lands on the suspension notice.
    await second.getByRole('link', { name: w.history, exact: true }).click();
    await second.waitForURL(/\?ended=suspended/);
    assert.ok((await bodyText(second)).includes(w.suspendedNotice));
    await shoot(second, `6-second-session-ended-${this.lang}`);
  }
}

describe('sign-in notices, ログイン履歴 and 「心当たりがない」 in Chromium, with real mail', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    sandbox = createSandbox();
    smtp = await startSmtpTestServer();
    mamori = await startMamori('all', { ...sandbox.env, MAMORI_SMTP_URL: smtp.url, MAMORI_MAIL_FROM: 'no-reply@bank.example', MAMORI_OUTBOX_INTERVAL_MS: '200' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await mamori?.stop();
    await smtp?.stop();
    sandbox?.remove();
  });

  it('notices once per new browser, the history in order, 心当たりがない ends the other session and shows in the console (ja and en)', async () => {
    const walks: Walk[] = [];
    for (const [lang, contractId] of [['ja', '1000000001'], ['en', '1000000002']] as const) {
      const token = await provisionHttpToken(mamori.url);
      const registered = await registerTokenThroughPages(mamori.url, { slug: 'demo', contractId, token, nowMs: Date.now() });
      assert.match(registered.body, /利用開始が完了しました/);
      walks.push(new Walk(lang, contractId, token));
    }
    // Registration used the current step: the walks' first codes come from the next one.
    await waitForStepAfter(Math.floor(Date.now() / STEP_MS));
    await Promise.all(walks.map((walk) => walk.run()));

    // The console: both cases first on the customer list, marked, with the sign-in reported.
    const operator = await newPage('ja');
    await operator.goto(`${mamori.url}/branch/demo/`);
    await operator.getByLabel('オペレーターID', { exact: true }).fill('teller');
    await operator.getByLabel('パスワード', { exact: true }).fill('Mamori-Branch-2026');
    await operator.getByRole('button', { name: 'ログイン', exact: true }).click();
    await operator.waitForURL(/\/login\/enrol$/);
    const operatorToken = await provisionHttpToken(mamori.url);
    await operator.getByLabel('シリアル番号', { exact: true }).fill(operatorToken.serial);
    await operator.getByLabel('ワンタイムパスワード', { exact: true }).fill(operatorToken.codeAt(Date.now()));
    await operator.getByRole('button', { name: '登録', exact: true }).click();
    await operator.waitForURL(/\/home$/);
    await operator.goto(`${mamori.url}/branch/demo/customers`);
    const reports = operator.locator('#reports-title').locator('xpath=..');
    const text = (await reports.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /心当たりがない/);
    for (const walk of walks) assert.ok(text.includes(walk.contractId), `${walk.contractId} listed: ${text}`);
    assert.match(text, /Chrome（Linux）・接続元 127\.0\.0\.\*/);
    await shoot(operator, '7-console-reports-ja');

    // Mail: two notices each (two new browsers), and the suspension each; nothing else of ours carried a link.
    for (const walk of walks) {
      assert.equal(signInNotices(walk.contractId).length, 2);
      assert.ok(mailsTo(walk.contractId).some((mail) => /利用一時停止/.test(headerOf(mail.raw, 'subject') ?? '')), 'the suspension is mailed');
      for (const mail of mailsTo(walk.contractId)) assert.doesNotMatch(textBodyOf(mail.raw), /https?:\/\//);
    }
  });
});
