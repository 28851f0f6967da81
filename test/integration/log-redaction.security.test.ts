// Logs are copied to log servers, kept for years and read by people who must never see a
// customer's credentials. A log line that carried a password, a one-time password, a session
// cookie, a token secret or an API key would hand them to everyone with log access (DESIGN §5).
// So a full journey — in production mode, the demo data made beforehand by `mamori demo` (in
// development the banner prints the demo credentials on purpose) — a wrong password, 利用開始, login with a wrong and then a right one-time
// password, a transfer confirmed with a one-time password, a limit change, logout — runs
// against a split deployment (authority + bank, on PostgreSQL, DEBUG level, each logging to a
// file), and every secret that crossed the wire is searched for in both files: none may be
// there. The logs must still be useful: JSON lines with a request id, naming the paths.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { skipReason } from '../support/db/testing.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/notifications/smtp-test-server.js';
import { createSandbox, runMamori, type Sandbox } from './cli-helpers.js';
import {
  createScratchDatabase,
  csrfOf,
  DEMO_CONFIRMATION,
  DEMO_PASSWORD,
  HttpBrowser,
  provisionHttpToken,
  relyingPartyKey,
  startMamori,
  waitForStepAfter,
  wrongCodeOf,
  type Answer,
  type MamoriProcess,
} from './deployment-helpers.js';

const MASTER_KEY = Buffer.alloc(32, 21).toString('base64');
const PEPPER = Buffer.alloc(32, 22).toString('base64');
const SMTP_PASSWORD = 'Smtp-Secret-Pass-77';
const WRONG_PASSWORD = 'Wrong-Password-4711';

/** Remembers every cookie value it was ever given (session ids, CSRF cookies). */
class RecordingBrowser extends HttpBrowser {
  readonly seen = new Set<string>();
  override async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Answer> {
    const answer = await super.request(url, init);
    for (const value of this.cookies.values()) this.seen.add(value);
    const csrf = csrfOf(answer.body);
    if (csrf) this.seen.add(csrf);
    return answer;
  }
}

describe('logs of a full journey in a split deployment', { skip: skipReason('postgres'), timeout: 600_000 }, () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let sandbox: Sandbox;
  let smtp: SmtpTestServer;
  let authority: MamoriProcess;
  let bank: MamoriProcess;
  let logFiles: { authority: string; bank: string };
  const secrets = new Map<string, string>(); // what → value

  before(async () => {
    scratch = await createScratchDatabase();
    sandbox = createSandbox();
    smtp = await startSmtpTestServer();
    logFiles = { authority: join(sandbox.dir, 'authority.log'), bank: join(sandbox.dir, 'bank.log') };
    const common = { ...sandbox.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'debug' };
    const demo = await runMamori(['demo'], { ...common, MAMORI_MASTER_KEY: MASTER_KEY, MAMORI_CONFIRMATION_PEPPER: PEPPER });
    assert.equal(demo.code, 0, demo.stderr);
    const authorityEnv = { ...common, MAMORI_MODE: 'production', MAMORI_MASTER_KEY: MASTER_KEY };
    const demoKey = await relyingPartyKey('demo', authorityEnv);
    secrets.set('API key', demoKey);
    secrets.set('master key', MASTER_KEY);
    secrets.set('pepper', PEPPER);
    secrets.set('SMTP password', SMTP_PASSWORD);
    authority = await startMamori('authority', authorityEnv, { logFile: logFiles.authority });
    bank = await startMamori('bank', {
      ...common,
      MAMORI_MODE: 'production',
      MAMORI_MAIL_FROM: 'no-reply@bank.example',
      MAMORI_AUTHORITY_URL: authority.url,
      MAMORI_RP_KEYS: `demo:${demoKey}`,
      MAMORI_CONFIRMATION_PEPPER: PEPPER,
      // The relay refuses the login (the test server has no users): delivery errors are logged too.
      MAMORI_SMTP_URL: `smtp://mamori:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`,
      MAMORI_OUTBOX_INTERVAL_MS: '200',
    }, { logFile: logFiles.bank });
  });

  after(async () => {
    await Promise.all([bank?.stop('SIGKILL'), authority?.stop('SIGKILL')]);
    await smtp?.stop();
    await scratch?.drop();
    sandbox?.remove();
  });

  it('carries no password, code, session id, token secret or key', async () => {
    const base = `${bank.url}/ib/demo`;
    const browser = new RecordingBrowser();
    const token = await provisionHttpToken(authority.url);
    secrets.set('token secret', token.secretBase32);
    secrets.set('login password', DEMO_PASSWORD);
    secrets.set('wrong password', WRONG_PASSWORD);
    const codes: string[] = [];
    const code = (nowMs: number) => {
      const value = token.codeAt(nowMs);
      codes.push(value);
      return value;
    };

    // A wrong password first.
    let page = await browser.request(`${base}/`);
    assert.equal((await browser.request(`${base}/login`, { form: { csrf: csrfOf(page.body), contractId: '1000000001', loginPassword: WRONG_PASSWORD } })).status, 401);

    // 利用開始.
    page = await browser.request(`${base}/register`);
    const verified = await browser.request(`${base}/register`, { form: { csrf: csrfOf(page.body), contractId: '1000000001', loginPassword: DEMO_PASSWORD } });
    page = await browser.request(`${bank.url}${verified.location}`);
    const registeredAt = Date.now();
    const registered = await browser.request(`${base}/register/token`, { form: { csrf: csrfOf(page.body), serial: token.serial, code: code(registeredAt), confirmationPassword: DEMO_CONFIRMATION } });
    assert.match(registered.body, /ワンタイムパスワードの利用開始が完了しました/);

    // Login: a wrong code, then the right one of a fresh step.
    await waitForStepAfter(token.stepAt(registeredAt));
    page = await browser.request(`${base}/`);
    assert.equal((await browser.request(`${base}/login`, { form: { csrf: csrfOf(page.body), contractId: '1000000001', loginPassword: DEMO_PASSWORD } })).location, '/ib/demo/login/otp');
    page = await browser.request(`${base}/login/otp`);
    const wrong = wrongCodeOf(token, Date.now());
    codes.push(wrong);
    assert.equal((await browser.request(`${base}/login/otp`, { form: { csrf: csrfOf(page.body), code: wrong } })).status, 401);
    const loginAt = Date.now();
    const signedIn = await browser.request(`${base}/login/otp`, { form: { csrf: csrfOf(page.body), code: code(loginAt) } });
    assert.equal(signedIn.location, '/ib/demo/main');

    // A transfer confirmed with the one-time password of the next step.
    const main = await browser.request(`${base}/main`);
    const csrf = csrfOf(main.body);
    const prepared = await browser.request(`${base}/transfers/new`, {
      form: { csrf, op: 'next', bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: '1000002', payeeName: 'ﾏﾓﾘ ﾊﾅｺ', amount: '12000' },
    });
    assert.equal(prepared.status, 303, prepared.body.slice(0, 300));
    const auth = await browser.request(`${bank.url}${prepared.location}/auth`);
    const hidden = Object.fromEntries([...auth.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"')]));
    await waitForStepAfter(token.stepAt(loginAt));
    const confirmed = await browser.request(`${bank.url}${prepared.location}/auth`, { form: { ...hidden, csrf, code: code(Date.now()) } });
    assert.equal(confirmed.status, 303, confirmed.body.slice(0, 600));

    // A limit change, and logout.
    const limit = await browser.request(`${base}/transfers/limit`);
    const lowered = await browser.request(`${base}/transfers/limit`, { form: { csrf: csrfOf(limit.body) || csrf, limitManYen: '40' } });
    assert.ok(lowered.status < 400, `limit change: ${lowered.status}`);
    // メールアドレス: a new address with the OTP of a fresh step, a wrong code, then the code the
    // outbox holds for it (the relay refuses every mail here) — neither address nor code may be logged.
    const newAddress = 'log.redaction.new@example.co.jp';
    secrets.set('new e-mail address', newAddress);
    secrets.set('old e-mail address', '1000000001@demo.mamori.example');
    await waitForStepAfter(token.stepAt(Date.now()));
    const emailPage = await browser.request(`${base}/email`);
    const started = await browser.request(`${base}/email`, { form: { csrf: csrfOf(emailPage.body), email: newAddress, code: code(Date.now()) } });
    assert.equal(started.location, '/ib/demo/email/code', started.body.slice(0, 600));
    const outbox = new pg.Client({ connectionString: scratch.url });
    await outbox.connect();
    const mailed = await outbox.query<{ body: string }>(`select body from notification_outbox where kind = 'notification_address_code'`).finally(() => outbox.end());
    const addressCode = /確認コード: (\d{6})/.exec(mailed.rows[0]?.body ?? '')?.[1];
    assert.ok(addressCode, 'the code is in the outbox until the relay takes it');
    secrets.set('e-mail confirmation code', addressCode);
    const wrongAddressCode = addressCode === '000000' ? '111111' : '000000';
    codes.push(wrongAddressCode);
    assert.equal((await browser.request(`${base}/email/code`, { form: { csrf, code: wrongAddressCode } })).status, 401);
    assert.equal((await browser.request(`${base}/email/code`, { form: { csrf, code: addressCode } })).location, '/ib/demo/email?done=changed_told');
    // ログイン履歴 and the 「心当たりがない」 confirmation page (not its 停止): the device cookie
    // the sign-in set is among the cookies searched for below.
    assert.ok(browser.cookies.has('mamori_device'), 'the sign-in set the device cookie');
    const history = await browser.request(`${base}/login-history`);
    const entry = /name="entry" id="entry-\d+" value="(\d+)" checked/.exec(history.body)?.[1];
    assert.ok(entry, history.body.slice(0, 300));
    assert.equal((await browser.request(`${base}/login-history/not-me`, { form: { csrf, entry } })).status, 200);
    await browser.request(`${base}/logout`, { form: { csrf } });

    // Give the notification worker time to try the relay (and fail to log in).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await Promise.all([bank.stop(), authority.stop()]);

    const logs = { authority: readFileSync(logFiles.authority, 'utf8'), bank: readFileSync(logFiles.bank, 'utf8') };
    for (const value of codes) secrets.set(`code ${value}`, value);
    secrets.set('confirmation password', DEMO_CONFIRMATION);
    browser.seen.forEach((value) => secrets.set(`cookie or CSRF token ${value.slice(0, 6)}…`, value));
    for (const [name, text] of Object.entries(logs)) {
      for (const [what, value] of secrets) {
        // Short digit strings are searched as whole numbers: a code inside a timestamp is no leak.
        const pattern = /^\d+$/.test(value) ? new RegExp(`(?<![\\d.])${value}(?![\\d])`) : new RegExp(value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
        assert.doesNotMatch(text, pattern, `the ${name} log shows the ${what}`);
      }
    }

    // …and they are still logs worth having: JSON lines, each request under its id, in one line.
    for (const [name, text] of Object.entries(logs)) {
      const lines = text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { reqId?: string; msg?: string });
      const requests = lines.filter((line) => line.msg === 'request completed').map((line) => line.reqId);
      assert.ok(requests.length >= 5, `${name}: ${requests.length} requests logged`);
      assert.equal(new Set(requests).size, requests.length, `${name}: one line per request`);
      assert.ok(!lines.some((line) => line.msg === 'incoming request'), `${name}: no second line per request`);
    }
    const bankLines = logs.bank.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { reqId?: string; req?: { url?: string } });
    assert.ok(bankLines.some((l) => l.req?.url === '/ib/demo/login/otp' && typeof l.reqId === 'string'));
    assert.match(logs.bank, /notifications not all delivered/);
    assert.match(logs.authority, /\/authority\/v1\/bindings\/[^"]+\/verify/);
  });
});
