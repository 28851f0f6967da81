// Limits shaped in time (issue 14 §5) in a real browser (Playwright + Debian Chromium) against a
// real server whose bank clock the test moves (the token authority keeps real time, so the CLI
// token's codes verify). At デモ信用金庫, 守 太郎 with a CLI token:
//  1. at 23:50 JST raises the daily limit from ¥500,000 to ¥1,000,000: the limit page shows the
//     raise pending from 0:00 (Japanese and English); at 23:55 a transfer of ¥600,000 is refused
//     by the old limit; at 00:01 the same transfer goes through;
//  2. registers a payee that day: ¥150,000 to it is refused by the new-payee cap, naming the rule
//     and when it ends (Japanese and English); the next day the same transfer goes through.
// The institution's policy is set by the test so that each part meets the rule it is about:
// the cap after a token registration is off (the test registers a token first; its own cap is
// tested by the unit and page suites), the new-payee cap off in part 1, and sessions last an
// hour idle (the clock moves minutes at a time). Screens at 375 px and 1280 px in
// test-results/screenshots/limit-shaping-<step>-<lang>-<width>.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { setInstitutionPolicy } from '../../src/banking/institutions.js';
import { checkLedgerInvariants } from '../../src/banking/ledger/ledger-invariants.js';
import { checkTransferInvariants } from '../../src/banking/transfers/transfer-invariants.js';
import { manualClock } from '../../src/shared/clock.js';
import { CliToken } from './personal-web-server.js';
import { startTransfersServer, type TransfersServer } from './transfers-server.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const WIDTHS = [375, 1280] as const;
const PASSWORD = 'Mamori-2026';
const CONFIRMATION = '246810';
const MINUTE_MS = 60_000;
/** 2026/12/07 23:50 in Japan. */
const AT_2350 = Date.parse('2026-12-07T23:50:00+09:00');
const clock = manualClock(AT_2350 - 10 * MINUTE_MS);

let server: TransfersServer;
let browser: Browser;
let tokenDir: string;

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `limit-shaping-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function policy(key: string, value: unknown): Promise<void> {
  const set = await setInstitutionPolicy(server.database.db, 'demo', key, value, { nowMs: clock.nowMs(), actor: 'test' });
  assert.ok(set.ok, `${key}: ${JSON.stringify(set)}`);
}

describe('limits shaped in time in the browser (moved clock)', () => {
  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    tokenDir = mkdtempSync(join(tmpdir(), 'mamori-e2e-limit-tokens-'));
    server = await startTransfersServer({ clock });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
  });

  it('a raise at 23:50 waits for 0:00; a payee added today is capped, tomorrow it is not', { timeout: 600_000 }, async () => {
    await policy('newContractOrTokenCapDays', 0);
    await policy('newPayeeCapYen', null);
    await policy('sessionIdleMinutes', 60);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', javaScriptEnabled: false });
    const page = await context.newPage();
    const field = (label: string) => page.getByLabel(label, { exact: true });
    const button = (name: string) => page.getByRole('button', { name, exact: true });
    const text = async () => (await page.locator('body').innerText()).replace(/\s+/g, ' ');
    const expectText = async (expected: string | RegExp) => {
      const body = await text();
      assert.ok(typeof expected === 'string' ? body.includes(expected) : expected.test(body), `expected ${String(expected)} on ${page.url()}:\n${body.slice(0, 1500)}`);
    };
    const base = `${server.baseUrl}/ib/demo/`;
    try {
      // 利用開始 with a CLI token, then sign in with it.
      const token = await CliToken.create({ authorityUrl: server.baseUrl, dir: tokenDir, name: 'limit-shaping' });
      await page.goto(base);
      await page.getByRole('link', { name: '利用開始', exact: true }).click();
      await field('契約者ID').fill('1000000001');
      await field('ログインパスワード').fill(PASSWORD);
      await button('次へ').click();
      await field('シリアル番号').fill(token.serial);
      await field('ワンタイムパスワード').fill(await token.freshCode());
      await field('確認用パスワード').fill(CONFIRMATION);
      await button('登録').click();
      await expectText('ワンタイムパスワードの利用開始が完了しました');
      const login = async () => {
        await page.goto(`${base}?lang=ja`);
        await field('契約者ID').fill('1000000001');
        await field('ログインパスワード').fill(PASSWORD);
        await button('ログイン').click();
        await field('ワンタイムパスワード').fill(await token.freshCode());
        await button('確認').click();
        await button('ログアウト').waitFor();
      };
      const transfer = async (input: { accountNumber: string; payeeName: string; amount: string }) => {
        await page.goto(`${base}transfers/new`);
        await field('金融機関').fill('9901');
        await field('支店').fill('001');
        await field('口座番号').fill(input.accountNumber);
        await field('受取人名').fill(input.payeeName);
        await field('金額').fill(input.amount);
        await button('次へ').click();
      };
      const confirm = async () => {
        await expectText('内容の確認');
        await button('次へ').click();
        await field('ワンタイムパスワード').fill(await token.freshCode());
        await button('確認').click();
        await expectText('振込を受け付けました');
      };

      // 1. 23:50: the raise is pending until 0:00 of 2026/12/08.
      clock.set(AT_2350);
      await login();
      await page.goto(`${base}transfers/limit`);
      await field('新しい限度額(万円)').fill('100');
      await field('ワンタイムパスワード').fill(await token.freshCode());
      await button('変更').click();
      await expectText('引き上げの予約');
      await expectText('¥1,000,000への引き上げを受け付けました。2026/12/08 00:00 から適用されます');
      await expectText('現在の限度額 ¥500,000');
      await shoot(page, '01-raise-pending-ja');
      await page.goto(`${base}transfers/limit?lang=en`);
      await expectText('Your raise to ¥1,000,000 takes effect from 2026/12/08 00:00');
      await expectText('Cancel the raise');
      await shoot(page, '01-raise-pending-en');
      await page.goto(`${base}transfers/limit?lang=ja`);

      clock.set(AT_2350 + 5 * MINUTE_MS); // 23:55: the old limit holds
      await transfer({ accountNumber: '1000002', payeeName: 'ﾏﾓﾘ ﾊﾅｺ', amount: '600000' });
      await expectText('本日の振込限度額を超えています。本日あと¥500,000まで振込できます。');
      await shoot(page, '02-refused-2355-ja');

      clock.set(Date.parse('2026-12-08T00:01:00+09:00')); // 00:01: the raise is in force
      await transfer({ accountNumber: '1000002', payeeName: 'ﾏﾓﾘ ﾊﾅｺ', amount: '600000' });
      await confirm();
      await shoot(page, '03-done-0001-ja');
      await page.goto(`${base}transfers/limit`);
      await expectText('現在の限度額 ¥1,000,000');
      assert.ok(!(await text()).includes('引き上げの予約'));

      // 2. The new-payee cap: a payee registered today may receive ¥100,000 today.
      await policy('newPayeeCapYen', 100_000);
      clock.set(Date.parse('2026-12-08T10:00:00+09:00'));
      await login(); // ten hours on: the session has ended
      await page.goto(`${base}transfers/payees/new`);
      await field('金融機関').fill('9902');
      await field('支店').fill('001');
      await field('口座番号').fill('1000001');
      await field('受取人名').fill('ﾏﾓﾘ ﾀﾛｳ');
      await button('登録').click();
      await expectText('振込先を登録しました');
      const toNewPayee = async () => {
        await page.goto(`${base}transfers/new`);
        await field('金融機関').fill('9902');
        await field('支店').fill('001');
        await field('口座番号').fill('1000001');
        await field('受取人名').fill('ﾏﾓﾘ ﾀﾛｳ');
        await field('金額').fill('150000');
        await button('次へ').click();
      };
      await toNewPayee();
      await expectText('本日ご登録の振込先や初めてのお振込先へは、あわせて本日10万円までです（2026/12/09 00:00 から通常の限度額）');
      await shoot(page, '04-new-payee-refused-ja');
      await button('English').click(); // the same form again, in English, nothing done
      await button('Next').click();
      await expectText('Payees registered today and accounts you have never paid before can receive ¥100,000 today, all together (the usual limit from 2026/12/09 00:00)');
      await shoot(page, '04-new-payee-refused-en');
      assert.equal((await server.database.db.selectFrom('transfers').select('id').where('status', '=', 'done').execute()).length, 1, 'only the 00:01 transfer is done');

      clock.set(Date.parse('2026-12-09T09:00:00+09:00')); // the next day: the ordinary limit
      await login();
      await toNewPayee();
      await confirm();
      await shoot(page, '05-next-day-done-ja');
      assert.equal((await checkLedgerInvariants(server.database.db)).ok, true);
      assert.equal((await checkTransferInvariants(server.database.db)).ok, true);
    } catch (error) {
      // Where it stopped, for the log (the page has no secret: codes are typed, never shown).
      console.error(`stopped at ${page.url()}: ${(await text()).slice(0, 800)}`);
      throw error;
    } finally {
      await context.close();
    }
  });
});
