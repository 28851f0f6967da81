// The warning before the idle timeout (issue 19 §9) in a real browser (Playwright + Debian
// Chromium) against a real server whose bank clock the test moves together with the browser's
// (Playwright's page.clock): 守 太郎 of デモ信用金庫 signs in (no token) and starts typing a
// transfer. The page says when the session ends (JST); at 4:01 without a request the warning
// appears in the live region with 「ログインを延長する」; pressed, it keeps the session (GET
// session/keep-alive), shows the new end and leaves the typed amount alone; a minute before the
// new end it warns again, and at the end it says the session has ended, linking to the login
// page, which says so too. In English the same words are English; without JavaScript the page
// still says when it ends. Screens at 375 px and 1280 px in
// test-results/screenshots/idle-warning-<step>-<lang>-<width>.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { manualClock } from '../../src/shared/clock.js';
import { japanDateTime } from '../../src/shared/japan-time.js';
import { startTransfersServer, type TransfersServer } from './transfers-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const WIDTHS = [375, 1280] as const;
const PASSWORD = 'Mamori-2026';
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
/** 2026/12/07 10:00 in Japan: the bank's clock and the browser's start here and move together. */
const START = Date.parse('2026-12-07T10:00:00+09:00');
const clock = manualClock(START);

let server: TransfersServer;
let browser: Browser;

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `idle-warning-${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Moves the bank's clock and the browser's by the same time (the browser's timers run). */
async function pass(page: Page, ms: number): Promise<void> {
  clock.advance(ms);
  await page.clock.runFor(ms);
}

/**
 * A page of the 振込 form after signing in. With `fakeClock` the browser's clock stands at the
 * bank's and moves only with pass().
 */
async function signedInPage(context: BrowserContext, lang: 'ja' | 'en', options: { fakeClock: boolean }): Promise<Page> {
  const page = await context.newPage();
  if (options.fakeClock) {
    await page.clock.install({ time: clock.nowMs() - SECOND_MS });
    await page.clock.pauseAt(clock.nowMs());
  }
  const base = `${server.baseUrl}/ib/demo/`;
  await page.goto(`${base}?lang=${lang}`);
  await page.getByLabel(lang === 'ja' ? '契約者ID' : 'Contract ID', { exact: true }).fill('1000000001');
  await page.getByLabel(lang === 'ja' ? 'ログインパスワード' : 'Login password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: lang === 'ja' ? 'ログイン' : 'Log in', exact: true }).click();
  await page.getByRole('button', { name: lang === 'ja' ? 'ログアウト' : 'Log out', exact: true }).waitFor();
  await page.goto(`${base}transfers/new`);
  return page;
}

describe('the warning before the idle timeout, in the browser (moved clocks)', () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startTransfersServer({ clock });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('warns a minute before, keeps the session on 「ログインを延長する」, and says when it ended (Japanese)', { timeout: 300_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    try {
      const page = await signedInPage(context, 'ja', { fakeClock: true });
      const warning = page.locator('#session-warning');
      const shownEnd = page.locator('.session-end__time');
      const amount = page.getByLabel('金額', { exact: true });
      const loadedAt = clock.nowMs();
      assert.equal(await shownEnd.innerText(), japanDateTime(loadedAt + 5 * MINUTE_MS));
      assert.match(await page.locator('.session-end').innerText(), /^操作がないまま \d{4}\/\d{2}\/\d{2} \d{2}:\d{2} を過ぎると、自動的にログアウトします。$/);
      // A live region, not role=alert: a page's own messages stay the only alerts, and the tests
      // that look for them (role="alert") still see only those.
      assert.equal(await warning.getAttribute('aria-live'), 'assertive');
      await amount.fill('45000');

      await pass(page, 3 * MINUTE_MS + 59 * SECOND_MS);
      assert.equal((await warning.innerText()).trim(), '', 'no warning before the last minute');
      await pass(page, 2 * SECOND_MS);
      await warning.getByText('まもなく(1分後に)自動的にログアウトします。', { exact: false }).waitFor();
      const extend = warning.getByRole('button', { name: 'ログインを延長する', exact: true });
      assert.ok(await extend.isVisible(), 'the button is seen');
      assert.ok(await warning.isVisible());
      await shoot(page, '01-warning-ja');

      const touchedAt = clock.nowMs();
      await extend.click();
      await warning.getByText('ログインを延長しました。', { exact: true }).waitFor();
      assert.equal(await shownEnd.innerText(), japanDateTime(touchedAt + 5 * MINUTE_MS), 'the new end is shown');
      assert.equal(await amount.inputValue(), '45000', 'what was typed stays');
      const sessions = await server.database.db.selectFrom('sessions').select(['last_seen_at', 'stage']).execute();
      assert.deepEqual(sessions.map((s) => [Number(s.last_seen_at), s.stage]), [[touchedAt, 'signed_in']], 'the session was touched by the keep-alive');
      await shoot(page, '02-extended-ja');
      await pass(page, 6 * SECOND_MS);
      assert.equal((await warning.innerText()).trim(), '', 'the note goes after a few seconds');

      // Past the first end (kept alive) without a warning, until a minute before the new one.
      await pass(page, 3 * MINUTE_MS + 50 * SECOND_MS);
      assert.equal((await warning.innerText()).trim(), '');
      await pass(page, 10 * SECOND_MS);
      await warning.getByRole('button', { name: 'ログインを延長する', exact: true }).waitFor();

      await pass(page, MINUTE_MS + SECOND_MS);
      await warning.getByText('一定時間操作がなかったため、ログアウトしました。再度ログインしてください。', { exact: true }).waitFor();
      assert.equal(await warning.getByRole('button').count(), 0, 'nothing left to extend');
      await shoot(page, '03-ended-ja');
      await warning.getByRole('link', { name: 'ログイン画面へ', exact: true }).click();
      await page.getByText('一定時間操作がなかったため、ログアウトしました。再度ログインしてください。', { exact: true }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/ib/demo/');
      assert.equal(await page.locator('.session-end').count(), 0, 'the login page has no session to end');
    } finally {
      await context.close();
    }
  });

  it('in English, and a keep-alive that comes too late says the session ended', { timeout: 300_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    try {
      const page = await signedInPage(context, 'en', { fakeClock: true });
      const warning = page.locator('#session-warning');
      assert.match(await page.locator('.session-end').innerText(), /^If nothing is done, you will be logged out automatically at \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}\.$/);
      await pass(page, 4 * MINUTE_MS + SECOND_MS);
      await warning.getByText('You will be logged out automatically in one minute.', { exact: false }).waitFor();
      await shoot(page, '01-warning-en');
      // The bank's clock alone runs past the end (a laptop asleep, say): the button finds the session gone.
      clock.advance(2 * MINUTE_MS);
      await warning.getByRole('button', { name: 'Stay logged in', exact: true }).click();
      await warning.getByText('You were logged out because nothing happened for a while. Please log in again.', { exact: true }).waitFor();
      assert.ok(await warning.getByRole('link', { name: 'To the login page', exact: true }).isVisible());
      await shoot(page, '02-ended-en');
    } finally {
      await context.close();
    }
  });

  it('without JavaScript the page says when the session ends', { timeout: 300_000 }, async () => {
    const noScript = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', javaScriptEnabled: false });
    try {
      const page = await signedInPage(noScript, 'ja', { fakeClock: false });
      assert.equal(await page.locator('.session-end__time').innerText(), japanDateTime(clock.nowMs() + 5 * MINUTE_MS));
      assert.equal((await page.locator('#session-warning').innerText()).trim(), '');
      await shoot(page, '01-no-script-ja');
    } finally {
      await noScript.close();
    }
  });
});
