// メールアドレス in a real browser (Playwright + Debian Chromium) against the real product
// (`mamori serve all`, SQLite), its mail going through the real SMTP test server (issue 14 §1).
// Two customers of デモ信用金庫 walk side by side, one in Japanese (no token: the confirmation
// password), one in English (a registered token: the one-time password):
//   - the main page links 「メールアドレス」; the page shows the registered address;
//   - a bad address (no @, a Japanese domain without punycode) is refused with its message and
//     nothing is sent;
//   - a new address: the 6-digit code arrives at the NEW address only (no link), a wrong code is
//     refused with its message, an expired one too (its expiry moved in the database: ten real
//     minutes are too long for a test), a new code is asked for, typed, and the address is set;
//   - the OLD address is told of the change, the new one masked; no mail carries a link.
// Screens at 375 px and 1280 px: test-results/screenshots/email-<step>-<lang>-<width>.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openDatabase } from '../../src/db/database.js';
import { createSandbox, type Sandbox } from '../integration/cli-helpers.js';
import { provisionHttpToken, registerTokenThroughPages, startMamori, STEP_MS, waitForStepAfter, type HttpToken, type MamoriProcess } from '../integration/deployment-helpers.js';
import { headerOf, startSmtpTestServer, textBodyOf, type ReceivedMail, type SmtpTestServer } from '../support/notifications/smtp-test-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const PASSWORD = 'Mamori-2026';
const CONFIRMATION = '246810';

type Lang = 'ja' | 'en';

const WORDS = {
  ja: {
    contractId: '契約者ID', loginPassword: 'ログインパスワード', otp: 'ワンタイムパスワード', login: 'ログイン', confirm: '確認', confirmation: '確認用パスワード',
    email: 'メールアドレス', newEmail: '新しいメールアドレス', send: '確認コードを送信', code: '確認コード', resend: '確認コードを再送信',
    noAt: 'メールアドレスに「@」がありません。', punycode: 'punycode(xn--で始まる形式)で入力してください', sent: 'あてに6桁の確認コードをお送りしました',
    wrong: '確認コードが正しくありません。', expired: '確認コードの有効期限が切れました。', resent: '新しい確認コードをお送りしました。', done: 'メールアドレスを登録しました。',
  },
  en: {
    contractId: 'Contract ID', loginPassword: 'Login password', otp: 'One-time password', login: 'Log in', confirm: 'Confirm', confirmation: 'Confirmation password',
    email: 'E-mail address', newEmail: 'New e-mail address', send: 'Send the confirmation code', code: 'Confirmation code', resend: 'Send a new code',
    noAt: 'The e-mail address has no “@”.', punycode: 'must be written in punycode (xn--…)', sent: 'We sent a 6-digit confirmation code to',
    wrong: 'The confirmation code is not correct.', expired: 'The confirmation code has expired.', resent: 'We sent a new code.', done: 'The address is registered.',
  },
} as const;

let sandbox: Sandbox;
let smtp: SmtpTestServer;
let mamori: MamoriProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `email-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function bodyText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

function mailsTo(address: string): ReceivedMail[] {
  return smtp.received.filter((mail) => mail.to.includes(address));
}

/** The code of the latest code mail to `address`, once it has arrived. */
async function codeMailedTo(address: string, count: number): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const codes = mailsTo(address).filter((mail) => /確認コード/.test(headerOf(mail.raw, 'subject') ?? ''));
    if (codes.length >= count) {
      const body = textBodyOf(codes.at(-1)!.raw);
      assert.doesNotMatch(body, /https?:|www\.|\/ib\//, 'no link in the code mail');
      const code = /確認コード: (\d{6})/.exec(body)?.[1];
      assert.ok(code, body);
      return code;
    }
    if (Date.now() > deadline) throw new Error(`no code mail #${count} to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ends the code of the change under way now, as ten minutes would. */
async function expireCodeOf(contractId: string): Promise<void> {
  const database = openDatabase({ dialect: 'sqlite', file: join(sandbox.env.MAMORI_DATA_DIR!, 'mamori.sqlite') });
  try {
    const ended = await database.db.updateTable('notification_address_changes').set({ expires_at: Date.now() - 1 }).where('contract_id', '=', contractId).executeTakeFirst();
    assert.equal(Number(ended.numUpdatedRows), 1);
  } finally {
    await database.close();
  }
}

class Walk {
  readonly w;
  readonly oldAddress: string;
  readonly newAddress: string;
  constructor(
    readonly lang: Lang,
    readonly contractId: string,
    readonly token: HttpToken | undefined,
  ) {
    this.w = WORDS[lang];
    this.oldAddress = `${contractId}@demo.mamori.example`;
    this.newAddress = `walk.${lang}@example.co.jp`;
  }

  get base(): string {
    return `${mamori.url}/ib/demo/`;
  }

  async signIn(page: Page): Promise<void> {
    await page.goto(`${this.base}${this.lang === 'en' ? '?lang=en' : ''}`);
    await page.getByLabel(this.w.contractId, { exact: true }).fill(this.contractId);
    await page.getByLabel(this.w.loginPassword, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: this.w.login, exact: true }).click();
    if (this.token) {
      await page.waitForURL(/\/login\/otp$/);
      await page.getByLabel(this.w.otp, { exact: true }).fill(this.token.codeAt(Date.now()));
      await page.getByRole('button', { name: this.w.confirm, exact: true }).click();
    }
    await page.waitForURL(/\/main$/);
  }

  /** Step 1's confirmation: the token's next code, or the confirmation password. */
  async confirmStep1(page: Page): Promise<void> {
    if (this.token) {
      await waitForStepAfter(this.token.stepAt(Date.now()));
      await page.getByLabel(this.w.otp, { exact: true }).fill(this.token.codeAt(Date.now()));
    } else {
      await page.getByLabel(this.w.confirmation, { exact: true }).fill(CONFIRMATION);
    }
  }

  async run(): Promise<void> {
    const { w } = this;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: this.lang === 'ja' ? 'ja-JP' : 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    await this.signIn(page);

    // The link from the main page; the address registered now.
    await page.getByRole('link', { name: w.email, exact: true }).click();
    await page.waitForURL(/\/email$/);
    assert.equal(await page.locator('#current-email').innerText(), this.oldAddress);
    await shoot(page, `1-page-${this.lang}`);

    // Bad addresses: their message, nothing sent.
    for (const [typed, message, step] of [['walk.example.jp', w.noAt, 'no-at'], ['walk@例え.jp', w.punycode, 'idn']] as const) {
      await page.getByLabel(w.newEmail, { exact: true }).fill(typed);
      if (!this.token) await page.getByLabel(w.confirmation, { exact: true }).fill(CONFIRMATION);
      else await page.getByLabel(w.otp, { exact: true }).fill('123456');
      await page.getByRole('button', { name: w.send, exact: true }).click();
      await page.getByRole('alert').first().waitFor();
      assert.ok((await bodyText(page)).includes(message), `${this.lang} ${typed}: ${await bodyText(page)}`);
      assert.equal(await page.getByLabel(w.newEmail, { exact: true }).inputValue(), typed, 'what was typed is kept');
      await shoot(page, `2-refused-${step}-${this.lang}`);
    }
    assert.equal(mailsTo('walk.example.jp').length, 0);

    // The new address: the code goes there.
    await page.getByLabel(w.newEmail, { exact: true }).fill(this.newAddress);
    await this.confirmStep1(page);
    await page.getByRole('button', { name: w.send, exact: true }).click();
    await page.waitForURL(/\/email\/code$/);
    assert.ok((await bodyText(page)).includes(w.sent));
    assert.ok(!page.url().includes('example'), 'no address in the URL');
    await shoot(page, `3-code-${this.lang}`);
    const first = await codeMailedTo(this.newAddress, 1);
    assert.equal(mailsTo(this.oldAddress).filter((mail) => /確認コード/.test(headerOf(mail.raw, 'subject') ?? '')).length, 0, 'no code to the old address');

    // A wrong code, then an expired one.
    await page.getByLabel(w.code, { exact: true }).fill(first === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: w.confirm, exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    assert.ok((await bodyText(page)).includes(w.wrong));
    await shoot(page, `4-wrong-code-${this.lang}`);
    await expireCodeOf(this.contractId);
    await page.getByLabel(w.code, { exact: true }).fill(first);
    await page.getByRole('button', { name: w.confirm, exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    assert.ok((await bodyText(page)).includes(w.expired));
    await shoot(page, `5-expired-${this.lang}`);

    // A new code, typed: the address is set.
    await page.getByRole('button', { name: w.resend, exact: true }).click();
    assert.ok((await bodyText(page)).includes(w.resent));
    const second = await codeMailedTo(this.newAddress, 2);
    await page.getByLabel(w.code, { exact: true }).fill(second);
    await page.getByRole('button', { name: w.confirm, exact: true }).click();
    await page.waitForURL(/\/email\?done=changed_told$/);
    assert.ok((await bodyText(page)).includes(w.done));
    assert.equal(await page.locator('#current-email').innerText(), this.newAddress);
    await shoot(page, `6-done-${this.lang}`);
  }
}

describe('メールアドレス in Chromium, with real mail', { timeout: 600_000 }, () => {
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

  it('registers a new address with the code from the mail, refusing bad addresses and wrong and expired codes, and tells the old address (ja and en)', async () => {
    const token = await provisionHttpToken(mamori.url);
    const registered = await registerTokenThroughPages(mamori.url, { slug: 'demo', contractId: '1000000002', token, nowMs: Date.now() });
    assert.match(registered.body, /利用開始が完了しました/);
    await waitForStepAfter(Math.floor(Date.now() / STEP_MS));
    const walks = [new Walk('ja', '1000000001', undefined), new Walk('en', '1000000002', token)];
    await Promise.all(walks.map((walk) => walk.run()));

    // The old address is told, the new one masked; no mail of ours carries a link.
    const deadline = Date.now() + 20_000;
    for (const walk of walks) {
      let told: ReceivedMail[] = [];
      while ((told = mailsTo(walk.oldAddress).filter((mail) => /メールアドレスの変更/.test(headerOf(mail.raw, 'subject') ?? ''))).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(told.length, 1, `${walk.lang}: the old address is told once`);
      const body = textBodyOf(told[0]!.raw);
      assert.match(body, /新しいメールアドレス: w\*\*\*@example\.co\.jp（一部のみ表示）/);
      assert.ok(!body.includes(walk.newAddress), 'the new address masked');
      for (const mail of [...mailsTo(walk.oldAddress), ...mailsTo(walk.newAddress)]) assert.doesNotMatch(textBodyOf(mail.raw), /https?:\/\//);
    }
  });
});
