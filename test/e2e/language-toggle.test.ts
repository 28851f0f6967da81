// The English/Japanese toggle keeps the customer where they are, in a real browser (Chromium,
// JavaScript off) against a real `mamori serve all`. On the four pages that answer a POST — the
// bank search result on the 振込 form, the limit page after an error, the 取引認証 step after a
// wrong code, the 振込 form after an over-limit refusal — pressing 「English」 shows the same step
// in English with what was typed kept (codes come back empty), and 「日本語」 goes back; the
// toggle neither confirms the transfer nor checks a code nor changes the limit. GET pages link to
// themselves with their query. Screenshots of the limit page at 390 px and 1280 px, ja and en:
// test-results/screenshots/language-toggle-<step>-<lang>-<width>.png.
// (How it works: src/web/language-toggle.ts.)
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { customerWithToken, type CodeSource } from '../security/outsider.js';
import { startTarget, type Customer, type Target } from '../security/target.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;

describe('language toggle: the same step in the other language, what was typed kept', () => {
  let target: Target;
  let browser: Browser;
  let page: Page;
  let customer: Customer;
  let payee: Customer;
  let codes: CodeSource;

  const field = (name: string) => page.locator(`#page-form [name="${name}"]`).first();
  const lang = () => page.locator('html').getAttribute('lang');
  const path = () => new URL(page.url()).pathname;
  const text = async () => (await page.locator('main').innerText()).replace(/\s+/g, ' ');
  const otpFailures = async () => Number((await target.bankDatabase().db.selectFrom('customers').select('otp_failures').where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow()).otp_failures);
  const transfersOf = () => target.bankDatabase().db.selectFrom('transfers').select(['id', 'status']).where('contract_id', '=', customer.contractId).execute();

  /** Presses the toggle and checks the same step came back in `to`, with `kept` still in its fields. */
  async function toggleTo(to: 'en' | 'ja', kept: Record<string, string>, expectPath: string): Promise<void> {
    await page.getByRole('button', { name: to === 'en' ? 'English' : '日本語', exact: true }).click();
    assert.equal(await lang(), to, `the page is in ${to}`);
    assert.equal(path(), expectPath, 'the same step (not the login page)');
    await page.getByRole('button', { name: to === 'en' ? 'Log out' : 'ログアウト', exact: true }).waitFor();
    for (const [name, value] of Object.entries(kept)) assert.equal(await field(name).inputValue(), value, `${name} kept after the toggle to ${to}`);
  }

  /** The 振込 form to an account at another bank (みずほ 100), 次へ pressed. */
  async function transferTo(amount: string): Promise<void> {
    await page.goto(`${target.url}/ib/demo/transfers/new`);
    await field('bank').fill('0001');
    await field('branch').fill('100');
    await field('accountNumber').fill('0123456');
    await field('payeeName').fill('ミズホ ハナコ');
    await field('amount').fill(amount);
    await page.getByRole('button', { name: '次へ', exact: true }).click();
  }

  async function shoot(step: string, language: string): Promise<void> {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `language-toggle-${step}-${language}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 844 });
  }

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    target = await startTarget();
    customer = target.customer('demo');
    payee = target.customer('demo');
    codes = await customerWithToken(target, customer);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 844 }, locale: 'ja-JP', javaScriptEnabled: false });
    page = await context.newPage();
    await page.goto(`${target.url}/ib/demo/`);
    await page.getByLabel('契約者ID', { exact: true }).fill(customer.contractId);
    await page.getByLabel('ログインパスワード', { exact: true }).fill(customer.loginPassword);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(await codes.next());
    await page.getByRole('button', { name: '確認', exact: true }).click();
    await page.getByRole('button', { name: 'ログアウト', exact: true }).waitFor();
  });

  after(async () => {
    await browser?.close();
    const check = await target?.check();
    await target?.stop();
    assert.ok(check === undefined || check.ok, check?.report);
  });

  it('the bank search result on the 振込 form', async () => {
    await page.goto(`${target.url}/ib/demo/transfers/new`);
    await field('bank').fill('信用金庫');
    await field('accountNumber').fill(payee.accountNumber);
    await field('payeeName').fill('ﾏﾓﾘ ﾃｽﾄ');
    await field('amount').fill('1200');
    await page.getByRole('button', { name: '金融機関を検索', exact: true }).click();
    const choices = await page.locator('input[name="bankChoice"]').count();
    assert.ok(choices > 1, 'the search answered with banks to choose from');
    const kept = { bank: '信用金庫', accountNumber: payee.accountNumber, payeeName: 'ﾏﾓﾘ ﾃｽﾄ', amount: '1200' };
    await toggleTo('en', kept, '/ib/demo/transfers/new');
    assert.equal(await page.locator('input[name="bankChoice"]').count(), choices, 'the same banks to choose from');
    assert.ok((await text()).includes('Search banks'));
    await toggleTo('ja', kept, '/ib/demo/transfers/new');
    assert.ok((await text()).includes('金融機関を検索'));
  });

  it('the 振込 form after an over-limit refusal', async () => {
    const before = await transfersOf();
    await transferTo('900000');
    assert.equal(path(), '/ib/demo/transfers/new', 'refused: the form again');
    assert.ok(/限度額/.test(await text()), `the refusal names the limit: ${await text()}`);
    const kept = { bank: '0001', branch: '100', accountNumber: '0123456', payeeName: 'ミズホ ハナコ', amount: '900000' };
    await toggleTo('en', kept, '/ib/demo/transfers/new');
    await toggleTo('ja', kept, '/ib/demo/transfers/new');
    assert.deepEqual(await transfersOf(), before, 'no transfer prepared by the toggle');
  });

  it('the limit page after an error (screenshots)', async () => {
    const limitBefore = await target.bankDatabase().db.selectFrom('transfer_limits').selectAll().where('contract_id', '=', customer.contractId).execute();
    await page.goto(`${target.url}/ib/demo/transfers/limit`);
    await field('limitManYen').fill('12.5');
    await page.locator('#page-form button[type="submit"]').last().click();
    assert.equal(path(), '/ib/demo/transfers/limit');
    assert.ok((await page.locator('[role="alert"]').count()) > 0, 'the error is shown');
    await shoot('limit-error', 'ja');
    await toggleTo('en', { limitManYen: '12.5' }, '/ib/demo/transfers/limit');
    assert.ok((await text()).includes('Daily transfer limit'));
    await shoot('limit-error', 'en');
    await toggleTo('ja', { limitManYen: '12.5' }, '/ib/demo/transfers/limit');
    const limitAfter = await target.bankDatabase().db.selectFrom('transfer_limits').selectAll().where('contract_id', '=', customer.contractId).execute();
    assert.deepEqual(limitAfter, limitBefore, 'the limit is unchanged');
  });

  it('the 取引認証 step after a wrong code: the same step again, no code checked, nothing confirmed', async () => {
    await transferTo('1500');
    await page.getByRole('button', { name: '次へ', exact: true }).click();
    const authPath = path();
    assert.match(authPath, /^\/ib\/demo\/transfers\/tr_[0-9a-f]{32}\/auth$/);
    const right = await codes.next();
    await field('code').fill(right === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: '確認', exact: true }).click();
    assert.equal(path(), authPath, 'the wrong code: the same step');
    const failures = await otpFailures();
    assert.equal(failures, 1, 'one wrong code counted');
    // A right code typed but not sent: the toggle must neither confirm nor check it.
    await field('code').fill(right);
    await toggleTo('en', { code: '' }, authPath);
    assert.ok((await text()).includes('1,500'), 'the same transfer');
    await toggleTo('ja', { code: '' }, authPath);
    assert.equal(await otpFailures(), failures, 'no code checked by the toggle');
    assert.ok((await transfersOf()).every((t) => t.status !== 'done'), 'nothing confirmed by the toggle');
    // And the step still works: the right code confirms.
    await field('code').fill(right);
    await page.getByRole('button', { name: '確認', exact: true }).click();
    assert.ok((await text()).includes('振込を受け付けました'), 'confirmed with the right code afterwards');
  });

  it('a toggle post to a form without a redisplay (logout) is refused and does nothing', async () => {
    await page.goto(`${target.url}/ib/demo/main`);
    const csrf = await page.locator('form[action="/ib/demo/logout"] input[name="csrf"]').inputValue();
    const answer = await page.request.post(`${target.url}/ib/demo/logout`, { form: { csrf, mamori_lang: 'en' }, maxRedirects: 0 });
    assert.equal(answer.status(), 400, 'refused');
    await page.goto(`${target.url}/ib/demo/main`);
    assert.equal(path(), '/ib/demo/main', 'still signed in: the logout did not run');
    assert.equal(await lang(), 'ja', 'and no language remembered from it');
  });

  it('GET pages link to themselves, query kept', async () => {
    for (const url of ['/ib/demo/main', '/ib/demo/transfers/history', '/ib/demo/transfers/limit?done=changed']) {
      await page.goto(`${target.url}${url}`);
      const link = page.getByRole('link', { name: 'English', exact: true });
      const href = (await link.count()) > 0 ? await link.getAttribute('href') : null;
      if (href === null) {
        // A page with its own form: the toggle posts the form (the limit page).
        await page.getByRole('button', { name: 'English', exact: true }).click();
        assert.equal(path(), url.split('?')[0]);
      } else {
        const expected = new URL(`${target.url}${url}`);
        expected.searchParams.set('lang', 'en');
        assert.equal(href, `${expected.pathname}${expected.search}`, url);
        await page.getByRole('link', { name: 'English', exact: true }).click();
        assert.equal(path(), expected.pathname);
      }
      assert.equal(await lang(), 'en', url);
      await page.getByRole('button', { name: 'Log out', exact: true }).waitFor();
      // Back to Japanese for the next page.
      const back = page.getByRole('link', { name: '日本語', exact: true });
      if (await back.count()) await back.click();
      else await page.getByRole('button', { name: '日本語', exact: true }).click();
      assert.equal(await lang(), 'ja');
    }
  });
});
