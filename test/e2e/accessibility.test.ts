// Accessibility as a property of the suite (issue 19 §8): axe-core runs on every distinct page
// of the bank site (signed out, signed in — every page its links reach —, the steps of a
// transfer, an error), the branch console (its sign-in, and every page a signed-in supervisor's
// links reach), the browser token and the development mailbox; in Japanese and in English, at
// 375 px and at 1280 px. No violation of serious or critical impact may stand; lesser ones are
// listed per page in the output. Beyond what axe sees: no page scrolls sideways at 375 px, nor
// at 200% zoom on a 375 px phone (a 188 px wide layout viewport), and every error message is
// announced (role="alert" or a live region).
//
// Pages are found by following links, so a page the next issue adds is checked without a change
// here. Links are followed by their pattern (ids and dates replaced), once each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { signInOperator } from '../security/console.js';
import { customerWithToken, signIn, type CodeSource, type Outsider } from '../security/outsider.js';
import { startTarget, type Customer, type Target } from '../security/target.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LANGS = ['ja', 'en'] as const;
type Lang = (typeof LANGS)[number];
const WIDTHS = [375, 1280] as const;
/** Links never followed: they end the session, download a file, or leave the page's site. */
const NOT_FOLLOWED = /logout|\.csv|download|export/;
const MAX_PAGES_PER_SITE = 60;

interface AxeResult {
  violations: { id: string; impact: 'minor' | 'moderate' | 'serious' | 'critical' | null; help: string; nodes: { target: string[] }[] }[];
}

interface PageReport {
  page: string;
  serious: string[];
  lesser: string[];
  sideways: string[];
  unannounced: string[];
}

const reports: PageReport[] = [];

/** A path with what varies between visits (ids, dates, numbers) replaced: one check per pattern. */
function patternOf(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname
    .split('/')
    .map((segment) => (/^[0-9a-f-]{16,}$/i.test(segment) || /^[A-Za-z0-9_-]{20,}$/.test(segment) || /^\d+$/.test(segment) ? ':id' : segment))
    .join('/');
  const keys = [...parsed.searchParams.keys()].filter((key) => key !== 'lang').sort();
  return keys.length > 0 ? `${path}?${keys.join('&')}` : path;
}

/** axe and the checks beyond it, on the page as it stands, at both widths. */
async function check(page: Page, name: string): Promise<void> {
  const report: PageReport = { page: name, serious: [], lesser: [], sideways: [], unannounced: [] };
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    await page.evaluate(AXE_SOURCE);
    const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }))) as AxeResult;
    for (const violation of result.violations) {
      const line = `${width}px ${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`;
      (violation.impact === 'serious' || violation.impact === 'critical' ? report.serious : report.lesser).push(line);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) report.sideways.push(`${width}px: ${overflow}px wider than the screen`);
  }
  // 200% zoom on a 375 px phone: the layout viewport is half as wide.
  await page.setViewportSize({ width: 188, height: 400 });
  const zoomed = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (zoomed > 0) report.sideways.push(`200% at 375px: ${zoomed}px wider than the screen`);
  // Error messages are announced: an element styled as an error sits in an alert or live region.
  report.unannounced.push(
    ...(await page.evaluate(() =>
      [...document.querySelectorAll('.error, .errors, .field-error, .message--error, [class*="error"]')]
        .filter((element) => (element as HTMLElement).checkVisibility() && (element.textContent ?? '').trim() !== '' && !element.closest('[role="alert"], [aria-live], [role="status"]') && !element.closest('label'))
        .filter((element) => !element.closest('[aria-describedby]') && !document.querySelector(`[aria-describedby~="${element.id}"]`))
        .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}: ${(element.textContent ?? '').trim().slice(0, 40)}`),
    )),
  );
  await page.setViewportSize({ width: 1280, height: 800 });
  reports.push(report);
}

/** Every page of `site` its links reach from `start`, each pattern checked once. */
async function crawl(page: Page, start: string, site: string, lang: Lang, seen: Set<string>): Promise<void> {
  const queue = [start];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_PAGES_PER_SITE) {
    const url = queue.shift()!;
    const pattern = patternOf(url);
    if (seen.has(`${lang} ${pattern}`)) continue;
    seen.add(`${lang} ${pattern}`);
    const response = await page.goto(url);
    if (response === null || response.status() >= 400 || !new URL(page.url()).pathname.startsWith(site)) continue;
    visited++;
    await check(page, `${lang} ${pattern}`);
    const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href));
    for (const link of links) {
      const target = new URL(link);
      if (target.origin !== new URL(url).origin || !target.pathname.startsWith(site) || NOT_FOLLOWED.test(target.pathname + target.search)) continue;
      target.hash = '';
      target.searchParams.delete('lang');
      if (!seen.has(`${lang} ${patternOf(target.href)}`)) queue.push(target.href);
    }
  }
}

describe('accessibility of every page: axe-core, both languages, both widths', { timeout: 15 * 60_000 }, () => {
  let target: Target;
  let browser: Browser;
  let customer: Customer;
  let codes: CodeSource;

  /** A browser context in `lang` carrying the cookies of an HTTP session (a signed-in customer or operator). */
  async function contextFor(lang: Lang, session?: Outsider): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: lang === 'ja' ? 'ja-JP' : 'en-GB', bypassCSP: true });
    const cookies = [...(session?.cookies ?? [])].map(([name, value]) => ({ name, value, url: target.url }));
    await context.addCookies([{ name: 'mamori_lang', value: lang, url: target.url }, ...cookies]);
    return context;
  }

  before(async () => {
    target = await startTarget();
    customer = target.customer('demo');
    codes = await customerWithToken(target, customer);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await target?.stop();
    const lines = reports.filter((r) => r.lesser.length > 0).map((r) => `  ${r.page}\n    ${r.lesser.join('\n    ')}`);
    console.log(`accessibility: ${reports.length} page checks; lesser violations on ${lines.length}:\n${lines.join('\n') || '  none'}`);
  });

  for (const lang of LANGS) {
    it(`the bank site signed out, its login error, and the branch console's sign-in (${lang})`, async () => {
      const context = await contextFor(lang);
      const page = await context.newPage();
      const seen = new Set<string>();
      for (const slug of ['demo', 'sample']) await crawl(page, `${target.url}/ib/${slug}/`, `/ib/${slug}/`, lang, seen);
      await page.goto(`${target.url}/ib/demo/`);
      await page.locator('[name="contractId"]').fill(customer.contractId);
      await page.locator('[name="loginPassword"]').fill('not-the-password');
      await page.locator('form:has([name="loginPassword"]) button[type="submit"]').click();
      await page.locator('[role="alert"]').first().waitFor();
      await check(page, `${lang} login error`);
      await crawl(page, `${target.url}/branch/demo/`, '/branch/demo/', lang, seen);
      await context.close();
    });

    it(`every page a signed-in customer's links reach, and each step of a transfer (${lang})`, async () => {
      const context = await contextFor(lang, await signIn(target, customer, codes));
      const page = await context.newPage();
      await crawl(page, `${target.url}/ib/demo/main`, '/ib/demo/', lang, new Set());

      await page.goto(`${target.url}/ib/demo/transfers/new`);
      await page.locator('#page-form [name="bank"]').fill('0001');
      await page.locator('#page-form [name="branch"]').fill('100');
      await page.locator('#page-form [name="accountNumber"]').fill('0123456');
      await page.locator('#page-form [name="payeeName"]').fill('ミズホ ハナコ');
      await page.locator('#page-form [name="amount"]').fill('abc');
      await page.locator('#page-form button[name="op"][value="next"]').click();
      await check(page, `${lang} transfer form with an error`);
      await page.locator('#page-form [name="amount"]').fill('1000');
      await page.locator('#page-form button[name="op"][value="next"]').click();
      assert.match(new URL(page.url()).pathname, /\/transfers\/[^/]+\/check$|\/transfers\/[^/]+$/, `内容の確認: ${page.url()}`);
      await check(page, `${lang} transfer: 内容の確認`);
      await page.locator('main form[action$="/auth"] button[type="submit"]').click();
      await check(page, `${lang} transfer: 認証`);
      await page.locator('#page-form [name="code"]').fill(await codes.next());
      await page.locator('#page-form button[type="submit"]').last().click();
      await page.locator('main h1, main h2').first().waitFor();
      await check(page, `${lang} transfer: 受付完了`);
      await context.close();
    });

    it(`every page a signed-in supervisor's links reach, the browser token and the mailbox (${lang})`, async () => {
      const operator = await signInOperator(target, 'demo', 'supervisor');
      const context = await contextFor(lang, operator.outsider);
      const page = await context.newPage();
      await crawl(page, `${target.url}/branch/demo/home`, '/branch/demo/', lang, new Set());
      await page.goto(`${target.url}/token/`);
      await page.locator('main, body').first().waitFor();
      await check(page, `${lang} browser token`);
      const mailbox = await page.goto(`${target.url}/mailbox/`);
      if (mailbox !== null && mailbox.status() === 200) {
        // The list, a mail opened from it, the list filtered by a contract, the next page…: every page its links reach.
        const checkedBefore = reports.length;
        await crawl(page, `${target.url}/mailbox/`, '/mailbox/', lang, new Set());
        assert.ok(reports.slice(checkedBefore).some((report) => report.page.endsWith('/mailbox/?mail')), 'a mail of the mailbox was opened and checked');
        // A bad filter: its message.
        await page.goto(`${target.url}/mailbox/?contract=123`);
        await page.locator('[role="alert"]').first().waitFor();
        await check(page, `${lang} mailbox with a bad filter`);
      }
      await context.close();
    });
  }

  it('a customer signs in and sends a transfer with the keyboard alone (Tab, typing, Enter)', async () => {
    const walker = target.customer('demo');
    const walkerCodes = await customerWithToken(target, walker);
    const context = await contextFor('ja');
    const page = await context.newPage();
    /** Presses Tab until the focused element matches (at most 80 times): what a keyboard user does. */
    const tabTo = async (what: string, matches: (element: { tag: string; name: string; text: string; value: string }) => boolean) => {
      for (let presses = 0; presses < 80; presses++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const element = document.activeElement as HTMLInputElement | null;
          return { tag: element?.tagName.toLowerCase() ?? '', name: element?.getAttribute('name') ?? '', text: (element?.textContent ?? '').trim(), value: element?.value ?? '' };
        });
        if (matches(focused)) return;
      }
      assert.fail(`Tab never reached ${what} on ${page.url()}`);
    };
    const field = (name: string) => (e: { name: string }) => e.name === name;
    await page.goto(`${target.url}/ib/demo/`);
    await tabTo('契約者ID', field('contractId'));
    await page.keyboard.type(walker.contractId);
    await tabTo('ログインパスワード', field('loginPassword'));
    await page.keyboard.type(walker.loginPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/login\/otp$/);
    await tabTo('ワンタイムパスワード', field('code'));
    await page.keyboard.type(await walkerCodes.next());
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/main$/);

    await tabTo('振込', (e) => e.tag === 'a' && e.text === '振込');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/transfers$/);
    await tabTo('振込先を入力して振込', (e) => e.tag === 'a' && e.text.includes('振込先を入力して振込'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/transfers\/new$/);
    for (const [name, value] of [['bank', '0001'], ['branch', '100'], ['accountNumber', '0123456'], ['payeeName', 'ミズホ ハナコ'], ['amount', '1500']] as const) {
      await tabTo(name, field(name));
      await page.keyboard.type(value);
    }
    await tabTo('次へ', (e) => e.tag === 'button' && e.text === '次へ');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.endsWith('/transfers/new'));
    await page.locator('main form[action$="/auth"]').waitFor();
    await tabTo('次へ (内容の確認)', (e) => e.tag === 'button' && e.text === '次へ');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.endsWith('/auth'));
    await tabTo('ワンタイムパスワード', field('code'));
    await page.keyboard.type(await walkerCodes.next());
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.endsWith('/auth'), { timeout: 10_000 }).catch(async () => assert.fail(`still at 認証: ${(await page.locator('main').innerText()).slice(0, 400)}`));
    await page.getByText('振込を受け付けました').first().waitFor();
    await context.close();
  });

  it('found no serious or critical violation, no sideways scrolling and no unannounced error on any page', () => {
    assert.ok(reports.length >= 30, `${reports.length} page checks: the crawl reached too little`);
    const problems = reports.flatMap((r) => [...r.serious, ...r.sideways, ...r.unannounced.map((u) => `error not announced: ${u}`)].map((p) => `${r.page}: ${p}`));
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});
