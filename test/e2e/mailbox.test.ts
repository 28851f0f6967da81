// The development mailbox in a real browser (Playwright + Debian Chromium), issue 19 §6: a list
// — time, to, subject — newest first instead of one long page with every mail expanded; a mail
// opened from it, one at a time; the list filtered by contract with the form, a bad contract ID
// refused with its message; the other language one link away, staying where one is. Japanese
// with JavaScript off (the page has none, and needs none), English with it on. Nothing the
// browser asks for carries an address or a code.
// Screens at 375 px and 1280 px: test-results/screenshots/mailbox-<step>-<lang>-<width>.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { systemClock, systemRandomBytes } from '../../src/shared/clock.js';
import { buildApp } from '../../src/web/app.js';
import { mailboxPart } from '../../src/notifications/web/mailbox-part.js';
import { createTestDatabase, type TestDatabase } from '../support/db/testing.js';
import { mailboxRows, openMail, readOpenedMail } from '../support/notifications/mailbox-pages.js';
import { addOutboxMails, type OutboxMail } from '../support/notifications/outbox-fixtures.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const CODE = '482913';
const T0 = Date.UTC(2026, 11, 7, 0, 30, 0); // 09:30 in Japan

const WORDS = {
  ja: { contract: '契約者ID', institution: '金融機関', filter: '絞り込む', all: 'すべてのメール', back: '← 一覧に戻る', older: '古いメール →', other: 'English', title: 'メールボックス (開発用)', bad: '契約者IDは10桁の数字で入力してください。', count: '契約者ID 1000000002: 13件中 1–13件' },
  en: { contract: 'Contract ID', institution: 'Institution', filter: 'Filter', all: 'All mails', back: '← Back to the list', older: 'Older →', other: '日本語', title: 'Mailbox (development)', bad: 'The contract ID is 10 digits.', count: 'Contract ID 1000000002: 1–13 of 13' },
} as const;

type Lang = keyof typeof WORDS;

let database: TestDatabase;
let app: FastifyInstance;
let baseUrl: string;
let browser: Browser;
let codeMailId: string;

/** Screens at 375 and 1280 px; and no sideways scrolling there, nor at 200% zoom on a 375 px phone (188 px). */
async function shoot(page: Page, name: string, lang: Lang): Promise<void> {
  for (const width of [375, 1280, 188]) {
    await page.setViewportSize({ width, height: width === 1280 ? 800 : 812 });
    if (width !== 188) await page.screenshot({ path: join(SCREENSHOT_DIR, `mailbox-${name}-${lang}-${width}.png`), fullPage: true });
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(sideways, 0, `${name} (${lang}) at ${width}px: ${sideways}px wider than the screen`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** The page's height at a width: what a developer scrolls through. */
async function heightAt(page: Page, width: number): Promise<number> {
  await page.setViewportSize({ width, height: 800 });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: 800 });
  return height;
}

describe('the development mailbox in Chromium', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    database = await createTestDatabase('sqlite');
    // 60 mails a few minutes apart, the way a demo makes them: 1000000001 of デモ信用金庫 the most,
    // 1000000002 every fifth (12, and the newest, a code mail), one of サンプル信用金庫.
    const mails: OutboxMail[] = Array.from({ length: 59 }, (_, i) => ({
      contractId: i % 5 === 0 ? '1000000002' : '1000000001',
      atMs: T0 + i * 3 * 60_000,
      event:
        i % 3 === 0
          ? { kind: 'signed_in', environment: { browser: 'Chrome', os: 'Windows', address: '203.0.113.*' } }
          : i % 3 === 1
            ? { kind: 'transfer_done', referenceNo: `20261207-${String(i).padStart(6, '0')}`, amountYen: 12_000 + i, feeYen: 330, payee: { bankCode: '9901', bankName: 'デモ信用金庫', branchCode: '001', accountNumber: '7654321', name: 'ﾏﾓﾘ ﾊﾅｺ' } }
            : { kind: 'limit_changed', fromYen: 500_000, toYen: 300_000, by: 'customer' },
    }));
    mails.push({ institution: 'sample', contractId: '1000000001', atMs: T0 - 60_000, event: { kind: 'resumed' } });
    mails.push({ contractId: '1000000002', atMs: T0 + 59 * 3 * 60_000, event: { kind: 'address_code', code: CODE }, to: 'hanako.new@example.co.jp', status: 'pending' });
    codeMailId = (await addOutboxMails(database.db, mails)).at(-1)!;
    app = await buildApp({ database, clock: systemClock, randomBytes: systemRandomBytes }, [mailboxPart({ database, mailFrom: 'no-reply@bank.example' })]);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  for (const [lang, javaScript] of [['ja', false], ['en', true]] as const) {
    it(`lists, opens one mail, filters by contract and refuses a bad contract ID (${lang}, JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const w = WORDS[lang];
      const context = await browser.newContext({ javaScriptEnabled: javaScript, locale: lang === 'ja' ? 'ja-JP' : 'en-GB' });
      await context.addCookies([{ name: 'mamori_lang', value: lang, url: baseUrl }]);
      const page = await context.newPage();
      const asked: string[] = [];
      page.on('request', (request) => asked.push(request.url()));

      // The list: time, to, subject, newest first; 50 of the 61, the rest one link away.
      await page.goto(`${baseUrl}/mailbox/`);
      assert.equal(await page.locator('h1').innerText(), w.title);
      await shoot(page, 'list', lang);
      const listed = await page.locator('li.mailbox-list__mail').count();
      assert.equal(listed, 50);
      const first = page.locator('li.mailbox-list__mail').first();
      assert.deepEqual((await first.innerText()).split('\n').map((line) => line.trim()).filter(Boolean), [
        '2026/12/07 12:27',
        `hanako.new@example.co.jp (${lang === 'ja' ? '送信待ち' : 'waiting to be sent'})`,
        '【デモ信用金庫】メールアドレス確認コードのお知らせ / E-mail address confirmation code (Demo Shinkin Bank)',
      ]);
      assert.equal(await page.getByText(CODE).count(), 0, 'the list shows no body, and so no code');
      // A list, where the page had every mail expanded (15,000 px and more): one screen of lines per 10 or so mails.
      for (const width of [375, 1280]) {
        const height = await heightAt(page, width);
        console.log(`# ${lang} ${width}px: ${height}px for 50 mails`);
        assert.ok(height < (width === 375 ? 9_000 : 3_500), `${width}px: ${height}px for 50 mails`);
      }
      const all = await mailboxRows(page, baseUrl);
      assert.equal(all.length, 61, 'every mail, the older ones on the next page');
      assert.deepEqual(all.map((row) => row.time), [...all.map((row) => row.time)].sort().reverse(), 'newest first');
      await page.goto(`${baseUrl}/mailbox/`);
      await page.getByRole('link', { name: w.older }).click();
      assert.equal(await page.locator('li.mailbox-list__mail').count(), 11);
      await shoot(page, 'older', lang);

      // Filter by contract with the form (a GET: the contract ID, never the address).
      await page.goto(`${baseUrl}/mailbox/`);
      await page.getByLabel(w.contract, { exact: true }).fill('1000000002');
      await page.getByLabel(w.institution, { exact: true }).selectOption('demo');
      await page.getByRole('button', { name: w.filter, exact: true }).click();
      await page.waitForURL(/contract=1000000002/);
      assert.match(await page.locator('.mailbox-count').innerText(), new RegExp(w.count.replace(/[()]/g, '\\$&')));
      const rows = await page.locator('li.mailbox-list__mail .mailbox-list__to').allInnerTexts();
      assert.equal(rows.length, 13);
      assert.ok(rows.every((to) => /^(1000000002@demo\.mamori\.example|hanako\.new@example\.co\.jp)/.test(to)), rows.join(' | '));
      await shoot(page, 'filtered', lang);

      // One mail, opened from the list; the way back keeps the filter.
      const mail = await openMail(page, { id: codeMailId });
      assert.equal(mail.to, 'hanako.new@example.co.jp');
      assert.equal(mail.contract, 'demo 1000000002');
      assert.equal(mail.kind, 'notification_address_code');
      assert.match(mail.body, new RegExp(`確認コード: ${CODE}`), 'the development mailbox shows the code, in the page');
      assert.match(mail.body, /\(English\)\n\nDear customer,\n/);
      assert.equal(await page.locator('article.mail').count(), 1, 'one mail at a time');
      await shoot(page, 'mail', lang);
      // The other language, on the same mail.
      await page.getByRole('link', { name: w.other, exact: true }).click();
      assert.equal((await readOpenedMail(page)).id, codeMailId);
      assert.equal(await page.locator('html').getAttribute('lang'), lang === 'ja' ? 'en' : 'ja');
      await page.getByRole('link', { name: WORDS[lang === 'ja' ? 'en' : 'ja'].other, exact: true }).click();
      await page.getByRole('link', { name: w.back, exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('contract') === '1000000002' && !url.searchParams.has('mail'));
      assert.equal(await page.locator('li.mailbox-list__mail').count(), 13);

      // A bad contract ID: its message, announced, the field marked; nothing listed.
      await page.getByLabel(w.contract, { exact: true }).fill('12345');
      await page.getByRole('button', { name: w.filter, exact: true }).click();
      await page.locator('[role="alert"]').waitFor();
      assert.equal(await page.locator('[role="alert"]').innerText(), w.bad);
      assert.equal(await page.getByLabel(w.contract, { exact: true }).getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('li.mailbox-list__mail').count(), 0);
      await shoot(page, 'bad-filter', lang);
      await page.getByRole('link', { name: w.all, exact: true }).click();
      assert.equal(await page.locator('li.mailbox-list__mail').count(), 50);

      for (const url of asked) {
        assert.ok(!url.includes('@') && !/%40/i.test(url) && !url.includes(CODE) && !url.includes('hanako'), `asked for ${url}`);
      }
      await context.close();
    });
  }
});
