// The browser token in a real browser (Playwright + Debian Chromium), against a real server
// started in-process: the token authority's HTTP API and the token app, on one origin.
//
// Journey: seed 000's first run (利用規定 → 利用開始 → 操作説明 → 利用開始 → notice → OK), then the
// serial and code read off the page are checked where it matters — the authority binds the
// token with that code — and against codes computed in Node from the token's secret, which the
// test (and only the test, holding the master key) unseals from the authority's database. The
// same secret shows that the page never stored it: IndexedDB, Web Storage and the Cache
// Storage are searched for it in every encoding. Offline: with the network cut after the first
// load, the service worker still serves the app and the codes are still right.
//
// Screenshots of every screen at phone (375 px) and PC (1280 px) width go to
// test-results/screenshots/token-app-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createAuthority, createKeyring, type Authority, type Keyring } from '../../src/authority/authority.js';
import { DEMO_CONFIRMATION_PASSWORD, DEMO_LOGIN_PASSWORD, seedDemoData } from '../../src/banking/demo-data.js';
import { createPasswordHasher, TEST_ARGON2 } from '../../src/banking/password-hasher.js';
import { authorityHttpPart } from '../../src/authority/http/authority-http.js';
import { findToken } from '../../src/authority/token-store.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createHmacKey, encodeBase32, generateTotp, generateTransactionCode } from '../../src/otp/index.js';
import { systemClock, systemRandomBytes } from '../../src/shared/clock.js';
import { tokenAppPart } from '../../src/token-app/serve.js';
import { buildApp } from '../../src/web/app.js';
import { createPersonalWebPart } from '../../src/web/personal-web/part.js';

const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const PHONE = { width: 375, height: 812 };
const PC = { width: 1280, height: 800 };
const RELYING_PARTY = 'e2e-bank';

interface Server {
  readonly baseUrl: string;
  readonly authority: Authority;
  readonly keyring: Keyring;
  readonly database: Database;
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-e2e-token-'));
  const database = openDatabase({ dialect: 'sqlite', file: join(dir, 'e2e.sqlite') });
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) throw new Error(`migration failed: ${String(migrated.error)}`);
  const keyring = createKeyring({ keys: new Map([['k1', systemRandomBytes(32)]]), activeKeyId: 'k1', randomBytes: systemRandomBytes });
  const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
  await authority.ensureRelyingParty({ id: RELYING_PARTY, name: 'E2E Bank' });
  // The bank site with the demo institutions and customers (DESIGN §3.4), as `npm start` has.
  const hasher = createPasswordHasher(TEST_ARGON2);
  const confirmationPepper = systemRandomBytes(32);
  await seedDemoData({ database, authority, clock: systemClock, hasher, confirmationPepper });
  const personalWeb = createPersonalWebPart({
    database,
    clock: systemClock,
    randomBytes: systemRandomBytes,
    authorityFor: (slug) => authority.clientFor(slug),
    confirmationPepper,
    hasher,
  });
  const app: FastifyInstance = await buildApp({ database, clock: systemClock, randomBytes: systemRandomBytes }, [
    authorityHttpPart({ authority }),
    personalWeb,
    tokenAppPart(),
  ]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    authority,
    keyring,
    database,
    async close() {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The token's secret, unsealed from the authority's database with the master key (test only). */
async function unsealSecret(server: Server, serial: string): Promise<Uint8Array> {
  const row = await findToken(server.database.db, serial);
  assert.ok(row, `the authority knows ${serial}`);
  return server.keyring.open({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, serial);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `token-app-${name}.png`), fullPage: true });
}

/** The code on the page, with the time window in which it was read. */
async function readCode(page: Page, selector: string): Promise<{ code: string; spoken: string; fromMs: number; toMs: number }> {
  const fromMs = Date.now();
  const element = page.locator(selector);
  const code = (await element.textContent())?.replace(/\D/g, '') ?? '';
  const spoken = (await element.getAttribute('aria-label')) ?? '';
  return { code, spoken, fromMs, toMs: Date.now() };
}

/** The login code the token shows at `nowMs`, computed in Node from the secret. */
function expectedLoginCode(secret: Uint8Array, nowMs: number): string {
  return generateTotp({ key: createHmacKey('SHA1', secret), nowMs, periodSeconds: 30, digits: 6 });
}

function assertShownCode(read: { code: string; fromMs: number; toMs: number }, expectedAt: (nowMs: number) => string): void {
  // The page may have been read across a step boundary: the code is right if it is the code
  // of the moment before or after reading.
  const candidates = new Set([expectedAt(read.fromMs - 1500), expectedAt(read.toMs)]);
  assert.ok(candidates.has(read.code), `page shows ${read.code}, expected one of ${[...candidates].join(', ')}`);
}

/** Everything the page can store, serialised, CryptoKeys described but not opened. */
async function dumpPageStorage(page: Page): Promise<{ indexedDb: string; webStorage: string; caches: string }> {
  return page.evaluate(async () => {
    const describe = (value: unknown): unknown => {
      if (value instanceof CryptoKey) {
        return { CryptoKey: { type: value.type, extractable: value.extractable, algorithm: value.algorithm, usages: value.usages } };
      }
      if (value instanceof ArrayBuffer) return { bytes: Array.from(new Uint8Array(value)) };
      if (ArrayBuffer.isView(value)) return { bytes: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
      if (Array.isArray(value)) return value.map(describe);
      if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
      }
      return value;
    };
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const databases: Record<string, unknown> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      const stores: Record<string, unknown> = {};
      for (const storeName of Array.from(db.objectStoreNames)) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        stores[storeName] = { keys: describe(await request(store.getAllKeys())), values: describe(await request(store.getAll())) };
      }
      databases[info.name] = stores;
      db.close();
    }
    const webStorage = JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie });
    const cacheContents: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      const entries: string[] = [];
      for (const cachedRequest of await cache.keys()) {
        const response = await cache.match(cachedRequest);
        entries.push(`${cachedRequest.url}\n${response ? await response.text() : ''}`);
      }
      cacheContents[name] = entries;
    }
    return { indexedDb: JSON.stringify(databases), webStorage, caches: JSON.stringify(cacheContents) };
  });
}

function secretSpellings(secret: Uint8Array): string[] {
  const buffer = Buffer.from(secret);
  return [
    buffer.toString('hex'),
    buffer.toString('hex').toUpperCase(),
    encodeBase32(secret),
    encodeBase32(secret).toLowerCase(),
    buffer.toString('base64'),
    buffer.toString('base64url'),
    Array.from(secret).join(','), // JSON of a byte array
    buffer.subarray(0, 8).toString('hex'), // even a part of it
  ];
}

let server: Server;
let browser: Browser;

before(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // The fake media flags give getUserMedia a synthetic camera (for the QR-scanning test).
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A phone-sized Japanese browser context, collecting the page's errors (CSP reports included). */
async function newPhoneContext(options: { initScript?: string } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write', 'camera'], { origin: server.baseUrl });
  // tsx compiles this file with esbuild's keepNames, which wraps the functions passed to
  // page.evaluate in calls to its `__name` helper; the page has no such helper.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  if (options.initScript !== undefined) await context.addInitScript({ content: options.initScript });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A request refused while offline is expected here; anything else (a CSP violation, an
    // uncaught error) is a bug.
    if (message.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|status of 429/.test(message.text())) errors.push(message.text());
  });
  return { context, page, errors };
}

/** Seed 000 steps 4–6: 利用規定「利用開始」, 操作説明「利用開始」, the notice「OK」. */
async function passFirstRun(page: Page): Promise<void> {
  await page.getByRole('heading', { name: '利用規定' }).waitFor();
  await page.getByRole('button', { name: '利用開始' }).click();
  await page.getByRole('heading', { name: '操作説明' }).waitFor();
  await page.getByRole('button', { name: '利用開始' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
}

describe('browser token (/token/)', { timeout: 240_000 }, () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let serial = '';
  let secret: Uint8Array = new Uint8Array(0);
  let bindingId = '';

  before(async () => {
    ({ context, page, errors } = await newPhoneContext());
  });

  after(async () => {
    await context?.close();
  });

  it("goes through seed 000's first run and shows the serial and the code", async () => {
    await page.goto(`${server.baseUrl}/token/`);
    // 4. 利用規定を一読いただき、「利用開始」をクリックします
    await page.getByRole('heading', { name: '利用規定' }).waitFor();
    await screenshot(page, 'phone-1-terms');
    await page.getByRole('button', { name: '利用開始' }).click();
    // 5. 操作説明の画面が表示されますので、内容を確認いただき、「利用開始」をクリックします
    await page.getByRole('heading', { name: '操作説明' }).waitFor();
    await screenshot(page, 'phone-2-howto');
    await page.getByRole('button', { name: '利用開始' }).click();
    // 6. 「本アプリを利用するには、…利用開始(登録)の操作が必要となります。」と表示されたら「OK」
    const notice = page.getByRole('dialog');
    await notice.getByText('本アプリを利用するには、インターネットバンキングで、利用開始(登録)の操作が必要となります。', { exact: true }).waitFor();
    await screenshot(page, 'phone-3-notice');
    await notice.getByRole('button', { name: 'OK' }).click();
    // 7. 「シリアル番号」と「ワンタイムパスワード」が表示されます
    await page.getByRole('heading', { name: 'シリアル番号' }).waitFor();
    await page.locator('#otp-code .group').first().waitFor();
    await screenshot(page, 'phone-4-token');

    const serialText = (await page.locator('#serial').textContent()) ?? '';
    serial = serialText.replace(/\s/g, '');
    assert.match(serial, /^MMOB\d{8}$/);
    assert.match(await page.locator('#serial').innerText(), /^MMOB\s?\d{4}\s?\d{4}$/);
    const shown = await readCode(page, '#otp-code');
    assert.match(shown.code, /^\d{6}$/);
    // Read out digit by digit, in two groups: "1 2 3, 4 5 6".
    assert.equal(shown.spoken, `${shown.code.slice(0, 3).split('').join(' ')}, ${shown.code.slice(3).split('').join(' ')}`);
    assert.deepEqual(await page.locator('#otp-code .group').allTextContents(), [shown.code.slice(0, 3), shown.code.slice(3)]);

    // The code is the bank's proof of possession: the authority binds the token with it.
    const bound = await server.authority.clientFor(RELYING_PARTY).bind({ serial, subject: '1000000001', code: shown.code });
    assert.ok(bound.ok, `bind failed: ${JSON.stringify(bound)}`);
    bindingId = bound.bindingId;

    secret = await unsealSecret(server, serial);
    assertShownCode(shown, (nowMs) => expectedLoginCode(secret, nowMs));
  });

  it('registers at /ib/demo/ by the seed\'s steps (利用開始), then logs in with the next code', async () => {
    const bank = await context.newPage();
    try {
      await bank.goto(`${server.baseUrl}/ib/demo/`);
      await screenshot(bank, 'journey-1-login');
      // STEP2: パーソナルWeb画面を表示し、画面下の「利用開始」をクリックします
      await bank.getByRole('link', { name: '利用開始', exact: true }).click();
      // STEP3: 契約者ID, ログインパスワード, 「次へ」
      await bank.getByLabel('契約者ID', { exact: true }).fill('1000000001');
      await bank.getByLabel('ログインパスワード', { exact: true }).fill(DEMO_LOGIN_PASSWORD);
      await bank.getByRole('button', { name: '次へ' }).click();
      // STEP4: the app's シリアル番号 and ワンタイムパスワード, then 確認用パスワード, 「登録」.
      // The serial is typed as the app shows it, grouped with spaces.
      await bank.getByLabel('シリアル番号', { exact: true }).fill(await page.locator('#serial').innerText());
      const used = await readCode(page, '#otp-code');
      await bank.getByLabel('ワンタイムパスワード', { exact: true }).fill(used.code);
      await bank.getByLabel('確認用パスワード', { exact: true }).fill(DEMO_CONFIRMATION_PASSWORD);
      await screenshot(bank, 'journey-2-register');
      await bank.getByRole('button', { name: '登録' }).click();
      // STEP5: 「ワンタイムパスワードの利用開始が完了しました」
      await bank.getByText('ワンタイムパスワードの利用開始が完了しました').waitFor();
      await screenshot(bank, 'journey-3-registered');
      await bank.getByRole('button', { name: 'ログイン画面に戻る' }).click();

      // Log in: 契約者ID, ログインパスワード, 「ログイン」; then the app's next code, 「確認」.
      await bank.getByLabel('契約者ID', { exact: true }).fill('1000000001');
      await bank.getByLabel('ログインパスワード', { exact: true }).fill(DEMO_LOGIN_PASSWORD);
      await bank.getByRole('button', { name: 'ログイン', exact: true }).click();
      await bank.getByLabel('ワンタイムパスワード', { exact: true }).waitFor();
      // The registration used this step's code; a step is accepted once, so wait for the next.
      await page.waitForFunction(
        (usedCode) => document.querySelector('#otp-code')?.textContent?.replace(/\D/g, '') !== usedCode,
        used.code,
        { timeout: 35_000 },
      );
      const next = await readCode(page, '#otp-code');
      assertShownCode(next, (nowMs) => expectedLoginCode(secret, nowMs));
      await bank.getByLabel('ワンタイムパスワード', { exact: true }).fill(next.code);
      await screenshot(bank, 'journey-4-login-otp');
      await bank.getByRole('button', { name: '確認' }).click();
      await bank.getByRole('button', { name: 'ログアウト' }).waitFor();
      await screenshot(bank, 'journey-5-main');
    } finally {
      await bank.close();
    }
  });

  it('shows the countdown and copies the code to the clipboard', async () => {
    const ring = page.locator('#otp-ring');
    const label = (await ring.getAttribute('aria-label')) ?? '';
    const seconds = Number(/残り(\d+)秒/.exec(label)?.[1]);
    assert.ok(seconds >= 1 && seconds <= 30, label);
    await page.getByRole('button', { name: 'コピー' }).click();
    await page.getByText('コピーしました').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const shown = await readCode(page, '#otp-code');
    assert.ok(copied === shown.code || copied === expectedLoginCode(secret, shown.fromMs - 30_000), `copied ${copied}`);
  });

  it('gives the transaction code the bank verifies (取引認証), typed or from the QR text', async () => {
    await page.getByRole('tab', { name: '取引認証' }).click();
    await screenshot(page, 'phone-5-transaction');
    await page.getByLabel('振込先口座番号').fill('１２３-４５６７'); // full-width and a hyphen, as an IME types it
    await page.getByLabel('金額').fill('10,000');
    await page.getByRole('button', { name: '取引認証番号を表示' }).click();
    await page.locator('#tx-code .group').first().waitFor();
    await screenshot(page, 'phone-6-transaction-code');
    assert.equal(await page.locator('#tx-for').textContent(), '口座番号 1234567・金額 10,000円');
    const typed = await readCode(page, '#tx-code');
    const verified = await server.authority.clientFor(RELYING_PARTY).verify({
      bindingId,
      code: typed.code,
      transaction: { payeeAccount: '1234567', amountYen: 10_000 },
    });
    assert.deepEqual({ valid: verified.valid }, { valid: true }, JSON.stringify(verified));
    const key = createHmacKey('SHA1', secret);
    assertShownCode(typed, (nowMs) => generateTransactionCode({ key, nowMs, payeeAccount: '1234567', amountYen: 10_000 }));

    // The QR code on the confirm page carries the same transaction as text.
    await page.getByLabel('QRコードの内容を貼り付け').fill('mamori-tx:v1?account=0012345');
    await page.getByRole('button', { name: '読み込む' }).click();
    await page.getByText('口座番号 0012345', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('振込先口座番号').inputValue(), '0012345');
    const pasted = await readCode(page, '#tx-code');
    assertShownCode(pasted, (nowMs) => generateTransactionCode({ key, nowMs, payeeAccount: '0012345' }));

    await page.getByLabel('QRコードの内容を貼り付け').fill('https://evil.example/?account=1');
    await page.getByRole('button', { name: '読み込む' }).click();
    await page.getByText('Mamori の取引認証用のQRコードではありません。').waitFor();
    await page.getByLabel('振込先口座番号').fill('12345');
    await page.getByRole('button', { name: '取引認証番号を表示' }).click();
    await page.getByText('振込先口座番号は7桁の数字で入力してください。').waitFor();
    // No code for other inputs stays on screen.
    assert.equal(await page.locator('#tx-result').isHidden(), true);
    await screenshot(page, 'phone-7-transaction-errors');
  });

  it('keeps the secret out of reach: the stored key is not extractable and the secret is nowhere in storage', async () => {
    const key = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('mamori-token');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const record = await new Promise<{ key: CryptoKey; serial: string }>((resolve, reject) => {
        const request = db.transaction('tokens').objectStore('tokens').get('current');
        request.onsuccess = () => resolve(request.result as { key: CryptoKey; serial: string });
        request.onerror = () => reject(request.error);
      });
      db.close();
      const outcome = async (attempt: () => Promise<unknown>) => {
        try {
          await attempt();
          return 'resolved';
        } catch (error) {
          return (error as DOMException).name;
        }
      };
      const wrappingKey = await crypto.subtle.generateKey({ name: 'AES-KW', length: 256 }, false, ['wrapKey']);
      return {
        isCryptoKey: record.key instanceof CryptoKey,
        serial: record.serial,
        extractable: record.key.extractable,
        usages: record.key.usages,
        algorithm: record.key.algorithm as unknown,
        exportRaw: await outcome(() => crypto.subtle.exportKey('raw', record.key)),
        exportJwk: await outcome(() => crypto.subtle.exportKey('jwk', record.key)),
        wrap: await outcome(() => crypto.subtle.wrapKey('raw', record.key, wrappingKey, 'AES-KW')),
      };
    });
    assert.equal(key.isCryptoKey, true);
    assert.equal(key.serial, serial);
    assert.equal(key.extractable, false);
    assert.deepEqual(key.usages, ['sign']);
    assert.deepEqual(key.algorithm, { name: 'HMAC', length: 160, hash: { name: 'SHA-1' } });
    assert.equal(key.exportRaw, 'InvalidAccessError');
    assert.equal(key.exportJwk, 'InvalidAccessError');
    assert.equal(key.wrap, 'InvalidAccessError');

    const storage = await dumpPageStorage(page);
    assert.ok(storage.indexedDb.includes(serial), 'the dump does reach the token record');
    assert.ok(storage.indexedDb.includes('"extractable":false'));
    assert.doesNotMatch(storage.indexedDb, /"bytes":/, 'no byte arrays stored at all');
    for (const spelling of secretSpellings(secret)) {
      for (const [where, text] of Object.entries(storage)) {
        assert.ok(!text.includes(spelling), `the secret (${spelling.slice(0, 6)}…) appears in ${where}`);
      }
    }
    // The bank's session cookies are scoped to /ib/<slug>/; the token app has none.
    assert.deepEqual(await context.cookies(`${server.baseUrl}/token/`), []);
  });

  it('works offline after the first load, with correct codes', async () => {
    await page.getByRole('tab', { name: 'ワンタイムパスワード' }).click();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
    await context.setOffline(true);
    try {
      const fetchOutcome = await page.evaluate(() => fetch('/healthz', { cache: 'no-store' }).then(() => 'online', () => 'offline'));
      assert.equal(fetchOutcome, 'offline');
      await page.reload();
      await page.locator('#otp-code .group').first().waitFor();
      await screenshot(page, 'phone-8-offline');
      assert.equal((await page.locator('#serial').textContent())?.replace(/\s/g, ''), serial);
      assertShownCode(await readCode(page, '#otp-code'), (nowMs) => expectedLoginCode(secret, nowMs));

      // Across a step boundary the page moves on by itself, still offline.
      const before = await readCode(page, '#otp-code');
      const msToNextStep = 30_000 - (Date.now() % 30_000) + 1_500;
      await page.waitForTimeout(msToNextStep);
      const later = await readCode(page, '#otp-code');
      assert.notEqual(later.code, before.code);
      assertShownCode(later, (nowMs) => expectedLoginCode(secret, nowMs));
    } finally {
      await context.setOffline(false);
    }
  });

  it('switches to English and back', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Serial number' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await screenshot(page, 'phone-9-token-en');
    await page.setViewportSize(PC);
    await screenshot(page, 'pc-1-token-en');
    await page.getByRole('button', { name: '日本語で表示' }).click();
    await page.getByRole('heading', { name: 'シリアル番号' }).waitFor();
    await screenshot(page, 'pc-2-token');
    await page.getByRole('tab', { name: '取引認証' }).click();
    await screenshot(page, 'pc-3-transaction');
    await page.setViewportSize(PHONE);
  });

  it('deletes the token only after a warning; a new token has a new serial', async () => {
    await page.getByRole('tab', { name: '設定' }).click();
    await screenshot(page, 'phone-10-settings');
    await page.getByRole('button', { name: 'トークンを削除' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('再インストールしても同じトークンには戻らず、新しいシリアル番号になります。', { exact: false }).waitFor();
    await dialog.getByText('削除する前に、インターネットバンキングで「利用中止」の操作をしてください。', { exact: false }).waitFor();
    assert.equal(await dialog.getByRole('link', { name: '利用中止の方法(ヘルプ)' }).getAttribute('href'), '/ib/demo/help');
    const help = await page.request.get(`${server.baseUrl}/ib/demo/help`);
    assert.equal(help.status(), 200);
    await screenshot(page, 'phone-11-delete-dialog');
    await page.setViewportSize(PC);
    await screenshot(page, 'pc-4-delete-dialog');
    await page.setViewportSize(PHONE);

    // Cancel keeps it.
    await dialog.getByRole('button', { name: 'キャンセル' }).click();
    assert.equal((await page.locator('#settings-serial').textContent())?.replace(/\s/g, ''), serial);

    await page.getByRole('button', { name: 'トークンを削除' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
    await page.getByRole('heading', { name: '利用規定' }).waitFor();
    await page.getByText('トークンを削除しました。').waitFor();
    await screenshot(page, 'phone-12-deleted');
    const storage = await dumpPageStorage(page);
    assert.ok(!storage.indexedDb.includes(serial));

    await passFirstRun(page);
    await page.locator('#otp-code .group').first().waitFor();
    const newSerial = (await page.locator('#serial').textContent())?.replace(/\s/g, '');
    assert.match(newSerial ?? '', /^MMOB\d{8}$/);
    assert.notEqual(newSerial, serial);
  });

  it('says so when it cannot reach the authority, and retries', async () => {
    await page.getByRole('tab', { name: '設定' }).click();
    await page.getByRole('button', { name: 'トークンを削除' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
    await page.getByRole('heading', { name: '利用規定' }).waitFor();
    await context.setOffline(true);
    try {
      await passFirstRun(page);
      await page.getByText('通信できませんでした。インターネットに接続して、もう一度お試しください。').waitFor();
      await screenshot(page, 'phone-13-provision-offline');
    } finally {
      await context.setOffline(false);
    }
    await page.getByRole('button', { name: 'もう一度試す' }).click();
    await page.locator('#otp-code .group').first().waitFor();
  });

  it('logged no error on the way (no CSP violation, no uncaught exception)', () => {
    assert.deepEqual(errors, []);
  });
});

describe('browser token: camera and refusals', { timeout: 120_000 }, () => {
  it('reads the transaction from a QR code with the camera where BarcodeDetector exists', async () => {
    // Debian's Chromium has no BarcodeDetector; a stand-in "sees" whatever the test puts in
    // window.__qrText, while the camera itself is Chromium's fake device.
    const stub = `globalThis.BarcodeDetector = class {
      static async getSupportedFormats() { return ['qr_code']; }
      async detect() { return globalThis.__qrText ? [{ rawValue: globalThis.__qrText }] : []; }
    };`;
    const { context, page, errors } = await newPhoneContext({ initScript: stub });
    try {
      await page.goto(`${server.baseUrl}/token/`);
      await passFirstRun(page);
      await page.locator('#otp-code .group').first().waitFor();
      const serial = (await page.locator('#serial').textContent())?.replace(/\s/g, '') ?? '';
      const key = createHmacKey('SHA1', await unsealSecret(server, serial));

      await page.getByRole('tab', { name: '取引認証' }).click();
      await page.getByRole('button', { name: 'QRコードを読み取る' }).click();
      await page.getByText('カメラをQRコードに向けてください。').waitFor();
      await page.waitForFunction(() => (document.querySelector('#tx-video') as HTMLVideoElement | null)?.readyState === 4);
      await screenshot(page, 'phone-14-scanning');
      // Another QR code in view is passed over without complaint.
      await page.evaluate(() => Object.assign(globalThis, { __qrText: 'https://example.com/' }));
      await page.waitForTimeout(600);
      assert.equal(await page.locator('#tx-result').isHidden(), true);
      assert.equal(await page.locator('#tx-paste-error').isHidden(), true);
      await page.evaluate(() => Object.assign(globalThis, { __qrText: 'mamori-tx:v1?account=7654321&amount=25000' }));
      await page.getByText('口座番号 7654321・金額 25,000円', { exact: true }).waitFor();
      const shown = await readCode(page, '#tx-code');
      assertShownCode(shown, (nowMs) => generateTransactionCode({ key, nowMs, payeeAccount: '7654321', amountYen: 25_000 }));
      // The camera is released once the code is read.
      assert.equal(await page.locator('#tx-video').isHidden(), true);
      assert.equal(await page.evaluate(() => (document.querySelector('#tx-video') as HTMLVideoElement).srcObject), null);
      await page.getByRole('button', { name: 'QRコードを読み取る' }).waitFor();
      await screenshot(page, 'phone-15-scanned');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('says when the authority is busy (429)', async () => {
    const { context, page } = await newPhoneContext();
    try {
      await page.route('**/authority/v1/tokens', (route) =>
        route.fulfill({ status: 429, contentType: 'application/json', body: '{"error":"rate_limited"}' }),
      );
      await page.goto(`${server.baseUrl}/token/`);
      await passFirstRun(page);
      await page.getByText('ただいま混み合っています。しばらくしてから、もう一度お試しください。').waitFor();
      await page.getByRole('button', { name: 'もう一度試す' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('refuses to run where the key cannot be kept safely', async () => {
    const { context, page } = await newPhoneContext({ initScript: "Object.defineProperty(globalThis, 'indexedDB', { value: undefined });" });
    try {
      await page.goto(`${server.baseUrl}/token/`);
      await page.getByText('このブラウザではワンタイムパスワードを安全に保存できません。', { exact: false }).waitFor();
      await screenshot(page, 'phone-16-unsupported');
    } finally {
      await context.close();
    }
  });
});
