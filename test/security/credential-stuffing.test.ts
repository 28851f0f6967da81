// Attack: credential stuffing. The attacker holds a list of contract IDs and passwords leaked
// elsewhere (or simply common ones) and tries them against every contract of the institution
// from one client address — a few tries per contract, so that no contract's own lock (5 wrong
// passwords, DESIGN §4) is ever reached, and the login's one generic failure tells nothing but
// "not this one". The per-contract locks bound guesses per contract; what bounds them per
// address is the limit of src/web/sign-in-address-limit.ts: 20 failed attempts per client
// address per 15 minutes across every contract of the institution (institution policy
// `signInFailuresPerAddress`, `signInAddressWindowMinutes`), kept in the database so that every
// bank process shares it. The attacker also tries to dodge it: a new X-Forwarded-For on every
// request (believed only from MAMORI_TRUST_PROXY), a burst of parallel attempts (and, on
// PostgreSQL, spread over both bank processes) so that a racing count lets more through, and
// the other forms that ask for the password (利用開始, 利用中止, 利用登録/交換). What must hold:
// over the limit, 429 with `Retry-After`, the same answer whatever contract was named, no
// password checked and no counter of any contract moved; another address (a forwarded client
// behind the trusted proxy, too) still signs in. The console's operator sign-in has the same
// limit, counted apart. Everything goes over HTTP to real `mamori serve` processes; the bank's
// view of the database is used only to read back the counters and audit records.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_POLICY } from '../../src/banking/institution-policy.js';
import { skipReason } from '../support/db/testing.js';
import { csrfOf, RoutedOutsider, type Answer } from './outsider.js';
import { startTarget, type Customer, type Target } from './target.js';

const LIMIT = DEFAULT_POLICY.signInFailuresPerAddress; // 20
const WINDOW_MS = DEFAULT_POLICY.signInAddressWindowMinutes * 60_000; // 15 minutes
const LOGIN_FAILED = '契約者IDまたはログインパスワードが正しくないか、現在ご利用いただけない状態です。';
const PAUSED_TITLE = 'ログインを一時停止しています';
const PAUSED_BODY = 'お使いのネットワークからのログインの試行が多すぎるため、受け付けを一時停止しています。';
const UNKNOWN_IDS = ['2000009991', '2000009992', '2000009993', '2000009994'];
const WRONG = 'Mamori-2025';

/**
 * The windows are fixed, aligned to multiples of 15 minutes (every process computes the same
 * one). A test that must see one window from its first attempt to its last starts well inside
 * one: with less than 90 s left it waits for the next.
 */
async function wellInsideAWindow(): Promise<void> {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < 90_000) await new Promise((resolve) => setTimeout(resolve, left + 1000));
}

/** A browser whose every request leaves from `localAddress`, naming `forwardedFor` (or a new client each time). */
function from(target: Target, localAddress: string, forwardedFor?: string | (() => string), baseUrl = target.url): RoutedOutsider {
  return new RoutedOutsider(baseUrl, () => ({ localAddress, ...(forwardedFor === undefined ? {} : { forwardedFor: typeof forwardedFor === 'string' ? forwardedFor : forwardedFor() }) }));
}

let forwardedCounter = 0;
const newForwardedClient = () => `203.0.113.${1 + (forwardedCounter++ % 250)}`;

/** The password step of `entry` from a fresh browser at `localAddress`. */
async function attempt(browser: RoutedOutsider, contractId: string, password: string, entry: 'login' | 'register' | 'deregister' | 'exchange' = 'login', slug = 'demo'): Promise<Answer> {
  const page = await browser.request(entry === 'login' ? `/ib/${slug}/` : `/ib/${slug}/${entry}`);
  return browser.request(`/ib/${slug}/${entry}`, { form: { csrf: csrfOf(page.body), contractId, loginPassword: password } });
}

function consoleAttempt(browser: RoutedOutsider, login: string, password: string, slug = 'demo'): Promise<Answer> {
  return browser.submit(`/branch/${slug}/`, { login, password }, `/branch/${slug}/login`);
}

/** 429, Retry-After within the window, the paused page, and no session of any kind. */
function assertPaused(answer: Answer, note: string, pageText = PAUSED_BODY, title = PAUSED_TITLE): void {
  assert.equal(answer.status, 429, `${note}: ${answer.status} ${answer.location ?? ''} ${answer.body.slice(0, 300)}`);
  const retryAfter = Number(answer.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_MS / 1000, `${note}: Retry-After ${answer.headers.get('retry-after')}`);
  assert.ok(answer.body.includes(title) && answer.body.includes(pageText), `${note}: the paused page`);
  assert.ok(!answer.setCookies.some((c) => /^mamori_(session|branch)=[^;]+/.test(c)), `${note}: no session cookie`);
}

/** Everything a refused answer shows, minus what differs per request by nature. */
function visible(answer: Answer) {
  const headers = Object.fromEntries([...answer.headers].filter(([name]) => !['date', 'x-request-id', 'set-cookie', 'retry-after'].includes(name)));
  return { status: answer.status, location: answer.location, body: answer.body.replace(/name="csrf" value="[^"]*"/g, ''), headers, setCookies: answer.setCookies.map((c) => c.replace(/^([^=]+)=[^;]*/, '$1=<value>')) };
}

interface Counters {
  customers: Record<string, { password: number; otp: number }>;
  passwordFailedAudits: number;
}

/** Every contract's two counters at `slug`, and how many wrong passwords the audit chain holds. */
async function countersAt(target: Target, slug: string): Promise<Counters> {
  const db = target.bankDatabase().db;
  const rows = await db.selectFrom('customers').select(['contract_id', 'password_failures', 'otp_failures']).where('institution', '=', slug).execute();
  const audits = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('chain', '=', slug).where('action', '=', 'password_failed').executeTakeFirstOrThrow();
  return {
    customers: Object.fromEntries(rows.map((r) => [r.contract_id, { password: Number(r.password_failures), otp: Number(r.otp_failures) }])),
    passwordFailedAudits: Number(audits.n),
  };
}

async function operatorFailures(target: Target, slug: string, login: string): Promise<number> {
  const row = await target.bankDatabase().db.selectFrom('operators').select('password_failures').where('institution', '=', slug).where('login', '=', login).executeTakeFirstOrThrow();
  return Number(row.password_failures);
}

/**
 * `LIMIT` wrong passwords from `browser` spread over `contracts` (at most 2 each, so none nears
 * its lock) and the unknown IDs, on every form that asks for the password: each answered with
 * the one generic failure.
 */
async function useUpTheLimit(browser: () => RoutedOutsider, contracts: readonly Customer[]): Promise<void> {
  const entries = ['login', 'register', 'deregister', 'exchange'] as const;
  for (let i = 0; i < LIMIT; i++) {
    const contractId = i < UNKNOWN_IDS.length ? UNKNOWN_IDS[i]! : contracts[(i - UNKNOWN_IDS.length) % contracts.length]!.contractId;
    const answer = await attempt(browser(), contractId, `${WRONG}-${i}`, entries[i % entries.length]);
    assert.equal(answer.status, 401, `attempt ${i + 1}: ${answer.status} ${answer.body.slice(0, 200)}`);
    assert.ok(answer.body.includes(LOGIN_FAILED), `attempt ${i + 1}: the generic failure`);
  }
}

describe('credential stuffing from one address [sqlite, one server, MAMORI_TRUST_PROXY=127.0.0.1]', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ dialect: 'sqlite', customersPerInstitution: 48, env: { MAMORI_TRUST_PROXY: '127.0.0.1' } });
  });
  after(async () => {
    await target?.stop();
  });

  it('one address trying passwords for many contracts is refused with 429 and Retry-After after 20; nothing more is checked, no counter moves, and another address signs in', async () => {
    await wellInsideAWindow();
    const contracts = Array.from({ length: 8 }, () => target.customer('demo'));
    const [nearLock, victim] = [target.customer('demo'), target.customer('demo')];
    // A contract one wrong password from its lock (its own customer's typos, from elsewhere).
    for (let i = 0; i < 4; i++) assert.equal((await attempt(from(target, '127.0.0.9'), nearLock.contractId, `typo-${i}`)).status, 401);
    // The attacker at 127.0.0.2, which is not the trusted proxy: its X-Forwarded-For, new on
    // every request, is not believed, so every attempt counts to 127.0.0.2.
    const attacker = () => from(target, '127.0.0.2', newForwardedClient);
    await useUpTheLimit(attacker, contracts);
    const before = await countersAt(target, 'demo');
    assert.equal(
      [nearLock, ...contracts].reduce((sum, c) => sum + before.customers[c.contractId]!.password, 0),
      4 + LIMIT - UNKNOWN_IDS.length,
      'every attempt below the limit was checked and counted on its contract',
    );

    // Over the limit: unknown, wrong, right, and near-the-lock — on every form — all alike.
    const refused: { label: string; answer: Answer }[] = [];
    for (const entry of ['login', 'register', 'deregister', 'exchange'] as const) {
      refused.push({ label: `${entry}: unknown ID`, answer: await attempt(attacker(), UNKNOWN_IDS[0]!, WRONG, entry) });
      refused.push({ label: `${entry}: a contract, wrong password`, answer: await attempt(attacker(), contracts[0]!.contractId, WRONG, entry) });
      refused.push({ label: `${entry}: a contract, RIGHT password`, answer: await attempt(attacker(), victim.contractId, victim.loginPassword, entry) });
      refused.push({ label: `${entry}: one wrong password from its lock`, answer: await attempt(attacker(), nearLock.contractId, WRONG, entry) });
    }
    for (const { label, answer } of refused) assertPaused(answer, label);
    const byEntry = (entry: string) => refused.filter((r) => r.label.startsWith(`${entry}:`)).map((r) => visible(r.answer));
    for (const entry of ['login', 'register', 'deregister', 'exchange']) {
      const [first, ...rest] = byEntry(entry);
      for (const other of rest) assert.deepEqual(other, first, `${entry}: a refused attempt tells nothing of the contract it named`);
    }
    assert.ok(!refused[0]!.answer.body.includes(UNKNOWN_IDS[0]!), 'the refused page does not echo the ID');
    // Japanese first, English beside: in English, the same page.
    const inEnglish = from(target, '127.0.0.2');
    const englishForm = await inEnglish.request('/ib/demo/?lang=en');
    const english = await inEnglish.request('/ib/demo/login', { form: { csrf: csrfOf(englishForm.body), contractId: victim.contractId, loginPassword: WRONG } });
    assertPaused(english, 'in English', 'Too many sign-in attempts have come from your network', 'Sign-in is paused for a while');

    // Nothing of it was checked: no contract's counters, no audit record of a wrong password.
    assert.deepEqual(await countersAt(target, 'demo'), before, 'the refused attempts moved no counter of any contract');

    // Another address: the victim signs in, and the contract near its lock is still usable.
    assert.equal((await attempt(from(target, '127.0.0.3'), victim.contractId, victim.loginPassword)).location, '/ib/demo/main');
    assert.equal((await attempt(from(target, '127.0.0.3'), nearLock.contractId, nearLock.loginPassword)).location, '/ib/demo/main');
    // The console counts apart: the operators' sign-in from the same address still answers.
    const operatorStep = await consoleAttempt(from(target, '127.0.0.2'), 'teller', 'Mamori-Branch-2026');
    assert.equal(operatorStep.status, 303, `the console from the limited address: ${operatorStep.status}`);
    // The other institution counts apart too.
    const atSample = target.customer('sample');
    assert.equal((await attempt(from(target, '127.0.0.2'), atSample.contractId, atSample.loginPassword, 'login', 'sample')).location, '/ib/sample/main');
  });

  it('a right password does not count: customers behind one address sign in past the limit, and only failures use it up', async () => {
    await wellInsideAWindow();
    const shared = () => from(target, '127.0.0.4');
    const customers = Array.from({ length: 6 }, () => target.customer('demo'));
    // Twice the limit of successful sign-ins (a carrier NAT at the morning peak) …
    for (let i = 0; i < 2 * LIMIT; i++) {
      const customer = customers[i % customers.length]!;
      assert.equal((await attempt(shared(), customer.contractId, customer.loginPassword)).location, '/ib/demo/main', `sign-in ${i + 1} from the shared address`);
    }
    // … then the failures: LIMIT of them pass, the next is refused.
    await useUpTheLimit(shared, customers);
    assertPaused(await attempt(shared(), customers[0]!.contractId, customers[0]!.loginPassword), 'the right password after 20 failures');
  });

  it('a burst of 60 at once from one address: exactly 20 are checked', async () => {
    await wellInsideAWindow();
    const contracts = Array.from({ length: 20 }, () => target.customer('demo'));
    const before = await countersAt(target, 'demo');
    const answers = await Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => attempt(from(target, '127.0.0.5'), contracts[i % contracts.length]!.contractId, `${WRONG}-${i}`)));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 401).length, LIMIT, String(statuses));
    assert.equal(statuses.filter((s) => s === 429).length, 2 * LIMIT, String(statuses));
    const afterBurst = await countersAt(target, 'demo');
    const moved = contracts.reduce((sum, c) => sum + afterBurst.customers[c.contractId]!.password - before.customers[c.contractId]!.password, 0);
    assert.equal(moved, LIMIT, 'exactly as many wrong passwords counted as were checked');
    assert.equal(afterBurst.passwordFailedAudits - before.passwordFailedAudits, LIMIT);
  });

  it('behind the trusted proxy each forwarded client counts apart, and the proxy itself never', async () => {
    await wellInsideAWindow();
    const contracts = Array.from({ length: 8 }, () => target.customer('demo'));
    const customer = target.customer('demo');
    // 127.0.0.1 is MAMORI_TRUST_PROXY: the client is the one it names.
    await useUpTheLimit(() => from(target, '127.0.0.1', '198.51.100.7'), contracts);
    assertPaused(await attempt(from(target, '127.0.0.1', '198.51.100.7'), customer.contractId, customer.loginPassword), 'the forwarded client over its limit');
    assert.equal((await attempt(from(target, '127.0.0.1', '198.51.100.8'), customer.contractId, customer.loginPassword)).location, '/ib/demo/main', 'another client behind the same proxy');
    assert.equal((await attempt(from(target, '127.0.0.1'), customer.contractId, customer.loginPassword)).location, '/ib/demo/main', 'the proxy address itself (no X-Forwarded-For)');
  });

  it("the console's operator sign-in: refused with 429 after 20 from one address, no operator's counter moved, another address signs in", async () => {
    await wellInsideAWindow();
    const attacker = () => from(target, '127.0.0.6', newForwardedClient);
    // Three wrong passwords for the teller, the rest for operators that do not exist.
    for (let i = 0; i < LIMIT; i++) {
      const answer = await consoleAttempt(attacker(), i < 3 ? 'teller' : `nobody${i}`, `Wrong-Branch-${i}`);
      assert.equal(answer.status, 401, `console attempt ${i + 1}: ${answer.status}`);
    }
    assert.equal(await operatorFailures(target, 'demo', 'teller'), 3);
    const refused = [
      await consoleAttempt(attacker(), 'teller', 'Mamori-Branch-2026'),
      await consoleAttempt(attacker(), 'teller', 'Wrong-Branch-x'),
      await consoleAttempt(attacker(), 'supervisor', 'Wrong-Branch-x'),
      await consoleAttempt(attacker(), 'nobody', 'Wrong-Branch-x'),
    ];
    for (const answer of refused) assertPaused(answer, 'the console over the limit', 'この端末のネットワークからのログインの試行が多すぎるため');
    for (const answer of refused.slice(1)) assert.deepEqual(visible(answer), visible(refused[0]!), 'the refused sign-in tells nothing of the operator');
    assert.equal(await operatorFailures(target, 'demo', 'teller'), 3, 'the refused attempts moved no operator counter');
    assert.equal(await operatorFailures(target, 'demo', 'supervisor'), 0);
    const elsewhere = await consoleAttempt(from(target, '127.0.0.7'), 'teller', 'Mamori-Branch-2026');
    assert.equal(elsewhere.status, 303, `the teller from another address: ${elsewhere.status}`);
    assert.match(elsewhere.location ?? '', /^\/branch\/demo\/login\/(otp|enrol)$/);
    // The bank site counts apart: from the console-limited address a customer signs in.
    const customer = target.customer('demo');
    assert.equal((await attempt(from(target, '127.0.0.6'), customer.contractId, customer.loginPassword)).location, '/ib/demo/main');
  });

  it('leaves the books balanced and the audit chains intact', async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});

describe('credential stuffing over two bank processes (split deployment, PostgreSQL)', { skip: skipReason('postgres') }, () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ dialect: 'postgres', deployment: 'split', customersPerInstitution: 22 });
  });
  after(async () => {
    await target?.stop();
  });

  it('a burst of 60 from one address, alternating between the processes: exactly 20 are checked; another address signs in at either', async () => {
    await wellInsideAWindow();
    const contracts = Array.from({ length: 20 }, () => target.customer('demo'));
    const before = await countersAt(target, 'demo');
    const answers = await Promise.all(
      Array.from({ length: 3 * LIMIT }, (_, i) => attempt(from(target, '127.0.0.2', undefined, target.bankUrls[i % 2]!), contracts[i % contracts.length]!.contractId, `${WRONG}-${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 401).length, LIMIT, String(statuses));
    for (const answer of answers.filter((a) => a.status !== 401)) assertPaused(answer, 'over the limit at either process');
    const afterBurst = await countersAt(target, 'demo');
    const moved = contracts.reduce((sum, c) => sum + afterBurst.customers[c.contractId]!.password - before.customers[c.contractId]!.password, 0);
    assert.equal(moved, LIMIT, 'exactly as many wrong passwords counted as were checked, over both processes');
    // Over the limit at both processes; another address is served by both.
    const customers = [target.customer('demo'), target.customer('demo')];
    for (const [i, url] of target.bankUrls.entries()) {
      assertPaused(await attempt(from(target, '127.0.0.2', undefined, url), customers[i]!.contractId, customers[i]!.loginPassword), `the right password at process ${i + 1}`);
      assert.equal((await attempt(from(target, '127.0.0.3', undefined, url), customers[i]!.contractId, customers[i]!.loginPassword)).location, '/ib/demo/main', `another address at process ${i + 1}`);
    }
  });

  it('leaves the books balanced and the audit chains intact', async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});
