// Attack: cross-site request forgery. The customer (or a branch operator) is signed in and has
// another tab open on a page of the attacker's, https://evil.example. That page holds a form
// aimed at the bank — a transfer to the attacker's account, a payee added or deleted, the daily
// limit, a token registered, deregistered or exchanged, the forced password change, a logout,
// or, at the console, a suspension, an approval, a new contract, an operator's token reset —
// and submits it, or sends the victim's browser there with the fields in a link (GET). The
// browser adds `Origin: https://evil.example` and `Sec-Fetch-Site: cross-site`, and under
// SameSite=Strict it sends no cookie of the bank at all. The attacker does not know the
// victim's csrf token; the best guesses are a token of the attacker's own session, a token of
// another institution's page, none, or the field sent twice.
//
// The defences (src/web/csrf.ts and the two sites' page contexts): cookies HttpOnly,
// SameSite=Strict, Secure behind TLS, Path confined to /ib/<slug>/ or /branch/<slug>/; a
// synchronizer token per session on every signed-in or stepped-up form, a double-submit token
// (cookie + hidden field) on the forms before any session; GET never changes anything. The
// server does NOT look at Origin or Sec-Fetch-Site: the tokens and SameSite are the defence,
// and the tests send those headers only because a browser would (a request that carries the
// victim's cookie and token is, by construction, the victim's own).
//
// Every forged request must be refused (the 403 page, or the login page when no session cookie
// came along) without a Set-Cookie, and what the victim can see afterwards — balances, the
// payee list, the limit, the token, the session, the customer at the console, the pending
// proposals — must be exactly what it was. After the forgeries the genuine request with the
// page's own token goes through, which shows that the forged ones were complete and would
// have acted had the token check not stopped them. A last test checks that every form POST of
// the bank site and the console that the app serves (`mamori routes`) was forged here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runMamori } from '../integration/cli-helpers.js';
import {
  customerActionForm,
  decideProposal,
  OPERATOR_PASSWORD,
  openContractAtBranch,
  operatorCsrf,
  pendingProposals,
  proposeCustomerAction,
  signInOperator,
  startCustomerAction,
  type CustomerActionKind,
  type SignedInOperator,
} from './console.js';
import { confirmationFields, csrfOf, customerWithToken, newToken, Outsider, passwordStep, signIn, withoutSessionEnd, type Answer } from './outsider.js';
import { routeTable } from './route-table.js';
import { startTarget, type Customer, type Target } from './target.js';

/** What a browser adds to a request that a page on another site starts. */
const CROSS_SITE: Record<string, string> = {
  origin: 'https://evil.example',
  referer: 'https://evil.example/',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
};

const BANK_CSRF_TEXT = '正しくない操作が行われました';
const CONSOLE_CSRF_TEXT = 'もう一度画面を開き直してから操作してください';
const POOL_NAME = 'ﾃﾞﾓ ｹｲﾔｸｼｬ'; // the holder name of every pool customer's account

/** The same browser's cookies in a second jar, so that a probe never changes the victim's. */
function copyOf(browser: Outsider): Outsider {
  const copy = new Outsider(browser.baseUrl);
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  return copy;
}

/** The hidden fields of a page's form (the transfer auth form echoes the transfer in them). */
function hiddenFields(body: string): Record<string, string> {
  const unescape = (value: string) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return Object.fromEntries([...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}

interface Forgery {
  /** The route of the app's catalogue (`mamori routes`) this request stands for. */
  route: string;
  path: string;
  /** The victim's browser, at the step the form belongs to. */
  victim: Outsider;
  /** The token on the victim's page (what the attacker does not have). */
  victimToken: string;
  /** The rest of the form, filled in as the attacker wants it. */
  form: Record<string, string>;
  site: 'bank' | 'console';
  /** Tokens the attacker does have: of their own session at this site, and of another institution's page. */
  foreign: { ownSession: string; otherInstitution: string };
  /** The answer to the victim's token sent without any cookie: the 403 page, or the login page. */
  withoutCookie: 'refused' | { login: string };
  /** The same fields (and the right token) in a GET's query string: 404, or the page and nothing done. */
  asGet: 404 | 200 | 303;
}

/**
 * A page of another site cannot frame ours (and have the victim click a real button under its
 * own decoy), nor learn our URLs from the Referer of a link the victim follows away from us.
 */
function assertNotFramable(page: Answer): void {
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.ok(csp.includes("frame-ancestors 'none'"), `CSP: ${csp}`);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
}

const forgedRoutes = new Set<string>();

/**
 * How many records the audit log holds (every chain). Read back through the bank's own view of
 * the database: every change of money or authentication writes one in its transaction, so an
 * unchanged count says that none of the forgeries changed anything the pages may not show.
 */
let auditLength: () => Promise<number>;

/** Sends every forgery of `f`; each must be refused without touching the victim's cookies. */
async function expectForgeriesRefused(f: Forgery): Promise<void> {
  forgedRoutes.add(f.route);
  const auditBefore = await auditLength();
  const csrfText = f.site === 'bank' ? BANK_CSRF_TEXT : CONSOLE_CSRF_TEXT;
  const variants: { name: string; csrf?: string | string[]; cookies: boolean }[] = [
    { name: 'without the csrf field', cookies: true },
    { name: 'with an empty csrf field', csrf: '', cookies: true },
    { name: "with the attacker's own session's token", csrf: f.foreign.ownSession, cookies: true },
    { name: "with a token of another institution's page", csrf: f.foreign.otherInstitution, cookies: true },
    { name: "with the csrf field twice (the attacker's and the victim's)", csrf: [f.foreign.ownSession, f.victimToken], cookies: true },
    { name: "with the victim's own token but no cookie (SameSite=Strict withholds it)", csrf: f.victimToken, cookies: false },
  ];
  for (const variant of variants) {
    const browser = variant.cookies ? copyOf(f.victim) : new Outsider(f.victim.baseUrl);
    const form = { ...f.form, ...(variant.csrf === undefined ? {} : { csrf: variant.csrf }) };
    const answer = await browser.request(f.path, { form, headers: CROSS_SITE });
    const what = `POST ${f.path} ${variant.name}`;
    if (variant.cookies || f.withoutCookie === 'refused') {
      assert.equal(answer.status, 403, `${what}: ${answer.status} ${answer.location ?? ''}`);
      assert.ok(answer.body.includes(csrfText), `${what}: the refusal page`);
      assert.deepEqual(answer.setCookies, [], `${what}: no cookie set or cleared`);
    } else {
      assert.equal(answer.status, 303, what);
      assert.equal(answer.location, f.withoutCookie.login, what);
    }
  }
  const query = new URLSearchParams({ ...f.form, csrf: f.victimToken }).toString();
  const asGet = await copyOf(f.victim).request(`${f.path}?${query}`, { headers: CROSS_SITE });
  assert.equal(asGet.status, f.asGet, `GET ${f.path} with the fields in the query string: ${asGet.status} ${asGet.location ?? ''}`);
  assert.equal(await auditLength(), auditBefore, `${f.route}: no audit record written by the forgeries`);
}

describe('CSRF: forged requests from another site change nothing', () => {
  let target: Target;
  /** The attacker's own tokens at each site (a customer of demo, and the demo login pages). */
  let bankForeign: { ownSession: string; otherInstitution: string };
  let preForeign: { ownSession: string; otherInstitution: string };
  let consolePreForeign: { ownSession: string; otherInstitution: string };
  let attacker: Customer;
  let teller: SignedInOperator;
  let supervisor: SignedInOperator;

  const tokenOfPage = async (browser: Outsider, path: string) => {
    const page = await browser.request(path);
    const token = csrfOf(page.body);
    assert.notEqual(token, '', `a csrf token on ${path} (${page.status} ${page.location ?? ''})`);
    return token;
  };
  const pageToken = (browser: Outsider, path: string) => tokenOfPage(copyOf(browser), path);

  /** What the customer sees of their money and settings: balances, recent transfers, payees, limit. */
  const bankState = async (customer: Outsider, slug = 'demo') => {
    const pages = await Promise.all(['transfers', 'transfers/payees', 'transfers/limit'].map((p) => copyOf(customer).request(`/ib/${slug}/${p}`)));
    for (const page of pages) assert.equal(page.status, 200);
    return pages.map((p) => withoutSessionEnd(p.body)).join('\n');
  };

  const tokenSerialOf = async (customer: Customer) =>
    // Read back (the bank's view) what an attack left: the pages show the serial masked only.
    (await target.bankDatabase().db.selectFrom('customers').select('token_serial').where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow())
      .token_serial;

  before(async () => {
    // Served as behind TLS: the cookies must then carry Secure too.
    target = await startTarget({ customersPerInstitution: 16, env: { MAMORI_SECURE_COOKIES: 'true' } });
    auditLength = async () => Number((await target.bankDatabase().db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
    attacker = target.customer('demo');
    const attackerBrowser = await signIn(target, attacker, undefined);
    bankForeign = { ownSession: await tokenOfPage(attackerBrowser, '/ib/demo/main'), otherInstitution: await tokenOfPage(new Outsider(target.url), '/ib/sample/') };
    preForeign = { ownSession: await tokenOfPage(new Outsider(target.url), '/ib/demo/'), otherInstitution: bankForeign.otherInstitution };
    consolePreForeign = { ownSession: await tokenOfPage(new Outsider(target.url), '/branch/demo/'), otherInstitution: await tokenOfPage(new Outsider(target.url), '/branch/sample/') };
    teller = await signInOperator(target, 'demo', 'teller');
    supervisor = await signInOperator(target, 'demo', 'supervisor');
  });

  after(async () => {
    await target?.stop();
  });

  describe('the bank site', () => {
    it('cookies are HttpOnly, SameSite=Strict, Secure and confined to the institution (pre-login, session, language); no other site may frame the pages', async () => {
      const customer = target.customer('demo');
      const browser = new Outsider(target.url);
      const login = await browser.request('/ib/demo/?lang=en');
      const signedIn = await passwordStep(browser, customer);
      assert.equal(signedIn.location, '/ib/demo/main');
      const cookies = [...login.setCookies, ...signedIn.setCookies];
      // mamori_device: the device cookie of ログイン通知 (issue 14 §2), set by the completed sign-in.
      assert.deepEqual(cookies.map((c) => c.split('=')[0]).sort(), ['mamori_device', 'mamori_lang', 'mamori_pre', 'mamori_session']);
      for (const cookie of cookies) {
        const attributes = cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
        for (const wanted of ['path=/ib/demo/', 'httponly', 'secure', 'samesite=strict']) assert.ok(attributes.includes(wanted), `${wanted} in ${cookie.split('=')[0]}: ${attributes.join('; ')}`);
        assert.ok(!attributes.some((a) => a.startsWith('domain=')), 'no Domain: the cookie stays with this host');
      }
      assertNotFramable(login);
    });

    for (const slug of ['demo', 'sample'] as const) {
      it(`[${slug}] the forms before any session (ログイン, 利用開始, 利用中止, 利用登録/交換) refuse a forged double-submit token`, async () => {
        const customer = target.customer(slug);
        const otherInstitution = slug === 'demo' ? preForeign.otherInstitution : preForeign.ownSession;
        const ownSession = slug === 'demo' ? preForeign.ownSession : await tokenOfPage(new Outsider(target.url), '/ib/sample/');
        const credentials = { contractId: customer.contractId, loginPassword: customer.loginPassword };
        // The victim has the bank's login page open (its double-submit cookie is in the jar).
        const victim = new Outsider(target.url);
        const victimToken = await tokenOfPage(victim, `/ib/${slug}/`);
        for (const flow of ['login', 'register', 'deregister', 'exchange']) {
          await expectForgeriesRefused({
            route: `/ib/:slug/${flow}`,
            path: `/ib/${slug}/${flow}`,
            victim,
            victimToken,
            form: credentials,
            site: 'bank',
            foreign: { ownSession, otherInstitution },
            withoutCookie: 'refused',
            // login has no GET page (the catch-all 404); the three flows show their first step.
            asGet: flow === 'login' ? 404 : 200,
          });
        }
        assert.equal(victim.cookies.has('mamori_session'), false, 'no session came of the forgeries');
        // The genuine forms with the page's token: each passes the token check and the password.
        assert.equal((await victim.submit(`/ib/${slug}/`, credentials, `/ib/${slug}/login`)).location, `/ib/${slug}/main`);
        assert.equal((await new Outsider(target.url).submit(`/ib/${slug}/register`, credentials)).location, `/ib/${slug}/register/token`);
        for (const flow of ['deregister', 'exchange']) {
          const genuine = await new Outsider(target.url).submit(`/ib/${slug}/${flow}`, credentials);
          assert.equal(genuine.status, 409, `${flow}: past the token and the password, the customer has no token to stop or exchange`);
        }
      });
    }

    it('利用開始 step 2 (serial, code, confirmation password): forged, the token is not registered and the code is not spent', async () => {
      const customer = target.customer('demo');
      const codes = await newToken(target);
      const victim = new Outsider(target.url);
      assert.equal((await victim.submit('/ib/demo/register', { contractId: customer.contractId, loginPassword: customer.loginPassword })).location, '/ib/demo/register/token');
      const page = await victim.request('/ib/demo/register/token');
      const form = { serial: codes.serial, code: await codes.next(), ...confirmationFields(page.body, customer.confirmationPassword) };
      await expectForgeriesRefused({
        route: '/ib/:slug/register/token',
        path: '/ib/demo/register/token',
        victim,
        victimToken: csrfOf(page.body),
        form,
        site: 'bank',
        foreign: preForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.equal(await tokenSerialOf(customer), null, 'no token registered');
      const genuine = await victim.request('/ib/demo/register/token', { form: { ...form, csrf: csrfOf(page.body) } });
      assert.equal(genuine.status, 200);
      assert.ok(genuine.body.includes('ワンタイムパスワードの利用開始が完了しました'), 'the same code still registers: the forgeries spent nothing');
      assert.equal(await tokenSerialOf(customer), codes.serial);
    });

    it('ログイン: the one-time password step forged with a valid code signs nobody in and spends no code', async () => {
      const customer = target.customer('demo');
      const codes = await customerWithToken(target, customer);
      const victim = new Outsider(target.url);
      assert.equal((await passwordStep(victim, customer)).location, '/ib/demo/login/otp');
      const code = await codes.next();
      await expectForgeriesRefused({
        route: '/ib/:slug/login/otp',
        path: '/ib/demo/login/otp',
        victim,
        victimToken: await pageToken(victim, '/ib/demo/login/otp'),
        form: { code },
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      const main = await copyOf(victim).request('/ib/demo/main');
      assert.equal(main.status, 303, 'still not signed in');
      const genuine = await victim.submit('/ib/demo/login/otp', { code });
      assert.equal(genuine.location, '/ib/demo/main', 'the same code still signs in');
    });

    it('利用中止 and 利用登録/交換: forged steps leave the registered token in place and its code unspent', async () => {
      const customer = target.customer('demo');
      const codes = await customerWithToken(target, customer);
      const credentials = { contractId: customer.contractId, loginPassword: customer.loginPassword };
      const code = await codes.next();

      const stopping = new Outsider(target.url);
      assert.equal((await stopping.submit('/ib/demo/deregister', credentials)).location, '/ib/demo/deregister/token');
      const stopPage = await copyOf(stopping).request('/ib/demo/deregister/token');
      await expectForgeriesRefused({
        route: '/ib/:slug/deregister/token',
        path: '/ib/demo/deregister/token',
        victim: stopping,
        victimToken: csrfOf(stopPage.body),
        form: { code, ...confirmationFields(stopPage.body, customer.confirmationPassword) },
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.equal(await tokenSerialOf(customer), codes.serial, 'still registered');

      const exchanging = new Outsider(target.url);
      assert.equal((await exchanging.submit('/ib/demo/exchange', credentials)).location, '/ib/demo/exchange/current');
      await expectForgeriesRefused({
        route: '/ib/:slug/exchange/current',
        path: '/ib/demo/exchange/current',
        victim: exchanging,
        victimToken: await pageToken(exchanging, '/ib/demo/exchange/current'),
        form: { code },
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      // The code the forgeries carried (to both steps) is still good for the genuine step.
      assert.equal((await exchanging.submit('/ib/demo/exchange/current', { code })).location, '/ib/demo/exchange/new');
      const replacement = await newToken(target);
      const newForm = { serial: replacement.serial, code: await replacement.next() };
      await expectForgeriesRefused({
        route: '/ib/:slug/exchange/new',
        path: '/ib/demo/exchange/new',
        victim: exchanging,
        victimToken: await pageToken(exchanging, '/ib/demo/exchange/new'),
        form: newForm,
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.equal(await tokenSerialOf(customer), codes.serial, 'not exchanged');
      const genuine = await exchanging.submit('/ib/demo/exchange/new', newForm);
      assert.equal(genuine.status, 200);
      assert.equal(await tokenSerialOf(customer), replacement.serial, 'the genuine step exchanges with the same code');
    });

    it('振込: a forged transfer is neither prepared nor confirmed; the balance stays', async () => {
      const customer = target.customer('demo');
      const victim = await signIn(target, customer, undefined);
      const victimToken = await pageToken(victim, '/ib/demo/transfers/new');
      const toAttacker = { op: 'next', bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: attacker.accountNumber, payeeName: POOL_NAME, amount: '250000' };
      const countTransfers = async () =>
        // Read back: a prepared (pending) transfer shows on no page but its own.
        (await target.bankDatabase().db.selectFrom('transfers').select('id').where('institution', '=', 'demo').where('contract_id', '=', customer.contractId).execute()).length;
      const state = await bankState(victim);
      await expectForgeriesRefused({
        route: '/ib/:slug/transfers/new',
        path: '/ib/demo/transfers/new',
        victim,
        victimToken,
        form: toAttacker,
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.equal(await countTransfers(), 0, 'nothing prepared');

      // The customer prepares a transfer themselves and leaves it at 認証 (under the new-payee cap of ¥100,000, issue 14); the attacker forges 「確認」.
      const prepared = await victim.submit('/ib/demo/transfers/new', { ...toAttacker, amount: '90000' });
      assert.match(prepared.location ?? '', /^\/ib\/demo\/transfers\/tr_[0-9a-f]{32}$/);
      const transferPath = prepared.location!;
      const auth = await victim.request(`${transferPath}/auth`);
      const confirm = { ...hiddenFields(auth.body), ...confirmationFields(auth.body, customer.confirmationPassword) };
      delete confirm.csrf;
      await expectForgeriesRefused({
        route: '/ib/:slug/transfers/:id/auth',
        path: `${transferPath}/auth`,
        victim,
        victimToken: csrfOf(auth.body),
        form: confirm,
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.equal(await bankState(victim), state, 'balance, recent transfers and limit unchanged');
      assert.equal((await copyOf(victim).request(transferPath)).status, 200, 'the transfer still waits for its confirmation');
      const genuine = await victim.request(`${transferPath}/auth`, { form: { ...confirm, csrf: csrfOf(auth.body) } });
      assert.equal(genuine.location, `${transferPath}/result`, 'the same answer confirms it with the page token');
      assert.notEqual(await bankState(victim), state);
    });

    it('振込先: forged add, change, delete and 「登録」 from a result page leave the payee list as it was', async () => {
      const customer = target.customer('demo');
      const victim = await signIn(target, customer, undefined);
      const payee = { op: 'next', bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: attacker.accountNumber, payeeName: POOL_NAME, nickname: '攻撃者' };
      const common = { victim, site: 'bank' as const, foreign: bankForeign, withoutCookie: { login: '/ib/demo/' } };
      let state = await bankState(victim);
      await expectForgeriesRefused({ ...common, route: '/ib/:slug/transfers/payees/new', path: '/ib/demo/transfers/payees/new', victimToken: await pageToken(victim, '/ib/demo/transfers/payees/new'), form: payee, asGet: 200 });
      assert.equal(await bankState(victim), state, 'no payee added');

      // The customer's own payee, which the attacker would change or delete.
      const own = target.customer('demo');
      assert.equal((await victim.submit('/ib/demo/transfers/payees/new', { ...payee, accountNumber: own.accountNumber, nickname: '家族' })).location, '/ib/demo/transfers/payees?done=added');
      const list = await victim.request('/ib/demo/transfers/payees');
      const payeeId = /transfers\/payees\/(py_[0-9a-f]{32})\/delete/.exec(list.body)?.[1];
      assert.ok(payeeId, 'the payee is listed');
      state = await bankState(victim);
      await expectForgeriesRefused({ ...common, route: '/ib/:slug/transfers/payees/:id', path: `/ib/demo/transfers/payees/${payeeId}`, victimToken: csrfOf(list.body), form: payee, asGet: 200 });
      await expectForgeriesRefused({ ...common, route: '/ib/:slug/transfers/payees/:id/delete', path: `/ib/demo/transfers/payees/${payeeId}/delete`, victimToken: csrfOf(list.body), form: {}, asGet: 404 });
      assert.equal(await bankState(victim), state, 'the payee is neither changed nor deleted');

      // 「この振込先を登録」 on a transfer's result page (a transfer to an account not registered).
      const prepared = await victim.submit('/ib/demo/transfers/new', { ...payee, amount: '1000' });
      const auth = await victim.request(`${prepared.location!}/auth`);
      const done = await victim.request(`${prepared.location!}/auth`, { form: { ...hiddenFields(auth.body), ...confirmationFields(auth.body, customer.confirmationPassword) } });
      assert.equal(done.location, `${prepared.location!}/result`);
      const transferId = prepared.location!.split('/').pop()!;
      state = await bankState(victim);
      await expectForgeriesRefused({ ...common, route: '/ib/:slug/transfers/payees/from/:transferId', path: `/ib/demo/transfers/payees/from/${transferId}`, victimToken: csrfOf(auth.body), form: {}, asGet: 404 });
      assert.equal(await bankState(victim), state, 'the payee of the transfer is not registered');

      // The genuine forms: change, delete, register from the result.
      assert.equal((await victim.submit(`/ib/demo/transfers/payees/${payeeId}`, { ...payee, accountNumber: own.accountNumber, nickname: '家族2' })).location, '/ib/demo/transfers/payees?done=updated');
      assert.equal((await victim.submit('/ib/demo/transfers/payees', {}, `/ib/demo/transfers/payees/${payeeId}/delete`)).location, '/ib/demo/transfers/payees?done=deleted');
      assert.equal((await victim.submit(`${prepared.location!}/result`, {}, `/ib/demo/transfers/payees/from/${transferId}`)).location, '/ib/demo/transfers/payees?done=added');
    });

    it('振込限度額 and ログアウト: a forged limit change and a forged logout change nothing', async () => {
      const customer = target.customer('demo');
      const victim = await signIn(target, customer, undefined);
      const state = await bankState(victim);
      await expectForgeriesRefused({
        route: '/ib/:slug/transfers/limit',
        path: '/ib/demo/transfers/limit',
        victim,
        victimToken: await pageToken(victim, '/ib/demo/transfers/limit'),
        form: { limitManYen: '1' },
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.equal(await bankState(victim), state, 'the limit is unchanged');
      // Limits shaped in time (issue 14): cancelling a pending raise, forged, changes nothing.
      await expectForgeriesRefused({
        route: '/ib/:slug/transfers/limit/cancel-raise',
        path: '/ib/demo/transfers/limit/cancel-raise',
        victim,
        victimToken: await pageToken(victim, '/ib/demo/transfers/limit'),
        form: {},
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 404,
      });
      assert.equal(await bankState(victim), state, 'the limit is unchanged');
      // メールアドレス (issue 14): a forged new address, code or resend sends nothing and changes nothing.
      const outbox = async () => Number((await target.bankDatabase().db.selectFrom('notification_outbox').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
      const mailsBefore = await outbox();
      const emailToken = await pageToken(victim, '/ib/demo/email');
      for (const [route, form, asGet] of [
        ['email', { email: 'attacker@example.jp', confirmationPassword: customer.confirmationPassword }, 200],
        ['email/code', { code: '123456' }, 303], // no code under way: step 2 sends back to step 1
        ['email/code/resend', {}, 404],
      ] as const) {
        await expectForgeriesRefused({
          route: `/ib/:slug/${route}`,
          path: `/ib/demo/${route}`,
          victim,
          victimToken: emailToken,
          form,
          site: 'bank',
          foreign: bankForeign,
          withoutCookie: { login: '/ib/demo/' },
          asGet,
        });
      }
      assert.equal(await outbox(), mailsBefore, 'no code mail sent');
      const address = await target.bankDatabase().db.selectFrom('customers').select('email').where('institution', '=', 'demo').where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow();
      assert.notEqual(address.email, 'attacker@example.jp', 'the address is unchanged');
      await expectForgeriesRefused({
        route: '/ib/:slug/logout',
        path: '/ib/demo/logout',
        victim,
        victimToken: await pageToken(victim, '/ib/demo/main'),
        form: {},
        site: 'bank',
        foreign: bankForeign,
        // A logout without any cookie is refused too: it cannot be told from a forged one.
        withoutCookie: 'refused',
        asGet: 404,
      });
      assert.equal((await copyOf(victim).request('/ib/demo/main')).status, 200, 'still signed in');
      assert.equal((await victim.submit('/ib/demo/transfers/limit', { limitManYen: '1' })).location, '/ib/demo/transfers/limit?done=changed');
      assert.equal((await victim.submit('/ib/demo/main', {}, '/ib/demo/logout')).location, '/ib/demo/?logout=1');
      assert.equal((await victim.request('/ib/demo/main')).status, 303, 'the genuine logout ends the session');
    });

    it('ログイン履歴: a forged 「心当たりがない」 (its confirmation page or its 停止) suspends nothing', async () => {
      const customer = target.customer('demo');
      const victim = await signIn(target, customer, undefined);
      const entry = /value="(\d+)" checked/.exec((await victim.request('/ib/demo/login-history')).body)?.[1];
      assert.ok(entry);
      for (const path of ['/ib/demo/login-history/not-me', '/ib/demo/login-history/not-me/confirm']) {
        await expectForgeriesRefused({
          route: path.replace('/ib/demo/', '/ib/:slug/'),
          path,
          victim,
          victimToken: await pageToken(victim, '/ib/demo/login-history'),
          form: { entry },
          site: 'bank',
          foreign: bankForeign,
          withoutCookie: { login: '/ib/demo/' },
          asGet: 404,
        });
      }
      const row = await target.bankDatabase().db.selectFrom('customers').select('status').where('institution', '=', 'demo').where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow();
      assert.equal(row.status, 'active', 'not suspended');
      assert.equal((await copyOf(victim).request('/ib/demo/main')).status, 200, 'still signed in');
    });

    it('パスワード変更: forged changes of the login password and the confirmation password keep both, and every session', async () => {
      const customer = target.customer('demo');
      const victim = await signIn(target, customer, undefined);
      const hashes = () =>
        target.bankDatabase().db.selectFrom('customers').select(['login_password_hash', 'confirmation_hash', 'password_failures']).where('institution', '=', 'demo').where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow();
      const before = await hashes();
      const chosen = 'Kougeki-2026x';
      await expectForgeriesRefused({
        route: '/ib/:slug/password/login',
        path: '/ib/demo/password/login',
        victim,
        victimToken: await pageToken(victim, '/ib/demo/password/login'),
        form: { currentPassword: customer.loginPassword, newPassword: chosen, newPasswordAgain: chosen, confirmationPassword: customer.confirmationPassword },
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      await expectForgeriesRefused({
        route: '/ib/:slug/password/confirmation',
        path: '/ib/demo/password/confirmation',
        victim,
        victimToken: await pageToken(victim, '/ib/demo/password/confirmation'),
        form: { currentConfirmation: customer.confirmationPassword, newConfirmation: '135792', newConfirmationAgain: '135792', loginPassword: customer.loginPassword },
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.deepEqual(await hashes(), before, 'both passwords as they were, nothing counted');
      assert.equal((await copyOf(victim).request('/ib/demo/main')).status, 200, 'still signed in');
      const attackersPassword = await new Outsider(target.url).submit('/ib/demo/', { contractId: customer.contractId, loginPassword: chosen }, '/ib/demo/login');
      assert.equal(attackersPassword.status, 401, "the attacker's password was not set");
    });

    it('ログインパスワードの変更 (forced after a new contract): a forged change keeps the password the branch set', async () => {
      const card = await openContractAtBranch(teller, { name: '偽造 対象', holderName: 'ｷﾞｿﾞｳ ﾀｲｼｮｳ' });
      const victim = new Outsider(target.url);
      const step = await victim.submit('/ib/demo/', { contractId: card.contractId, loginPassword: card.loginPassword }, '/ib/demo/login');
      assert.equal(step.location, '/ib/demo/password/change');
      const chosen = 'Kougeki-2026x';
      await expectForgeriesRefused({
        route: '/ib/:slug/password/change',
        path: '/ib/demo/password/change',
        victim,
        victimToken: await pageToken(victim, '/ib/demo/password/change'),
        form: { currentPassword: card.loginPassword, newPassword: chosen, newPasswordAgain: chosen },
        site: 'bank',
        foreign: bankForeign,
        withoutCookie: { login: '/ib/demo/' },
        asGet: 200,
      });
      assert.equal((await copyOf(victim).request('/ib/demo/main')).location, '/ib/demo/password/change', 'the change is still required');
      const attackersPassword = await new Outsider(target.url).submit('/ib/demo/', { contractId: card.contractId, loginPassword: chosen }, '/ib/demo/login');
      assert.equal(attackersPassword.status, 401, "the attacker's password was not set");
      const genuine = await victim.submit('/ib/demo/password/change', { currentPassword: card.loginPassword, newPassword: chosen, newPasswordAgain: chosen });
      assert.equal(genuine.location, '/ib/demo/main?done=password');
    });
  });

  describe('the branch console', () => {
    const consoleState = async (operator: SignedInOperator, contractId: string) => {
      const [customer, approvals] = await Promise.all([copyOf(operator.outsider).request(`/branch/demo/customers/${contractId}`), copyOf(operator.outsider).request('/branch/demo/approvals')]);
      assert.equal(customer.status, 200);
      assert.equal(approvals.status, 200);
      return `${customer.body}\n${approvals.body}`;
    };
    const sessionForeign = async (other: SignedInOperator) => ({ ownSession: await operatorCsrf(other), otherInstitution: consolePreForeign.otherInstitution });

    it('cookies are HttpOnly, SameSite=Strict, Secure and confined to the console of the institution; no other site may frame it', async () => {
      const browser = new Outsider(target.url);
      const page = await browser.request('/branch/demo/');
      const password = await browser.submit('/branch/demo/', { login: 'teller', password: OPERATOR_PASSWORD }, '/branch/demo/login');
      assert.equal(password.location, '/branch/demo/login/otp');
      const cookies = [...page.setCookies, ...password.setCookies];
      assert.deepEqual(cookies.map((c) => c.split('=')[0]).sort(), ['mamori_branch', 'mamori_branch_pre']);
      for (const cookie of cookies) {
        const attributes = cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
        for (const wanted of ['path=/branch/demo/', 'httponly', 'secure', 'samesite=strict']) assert.ok(attributes.includes(wanted), `${wanted} in ${cookie.split('=')[0]}: ${attributes.join('; ')}`);
        assert.ok(!attributes.some((a) => a.startsWith('domain=')), 'no Domain: the cookie stays with this host');
      }
      assertNotFramable(page);
    });

    it('sign-in: forged password, one-time password and enrolment steps sign nobody in and spend no code', async () => {
      const victim = new Outsider(target.url);
      const victimToken = await tokenOfPage(victim, '/branch/demo/');
      await expectForgeriesRefused({
        route: '/branch/:slug/login',
        path: '/branch/demo/login',
        victim,
        victimToken,
        form: { login: 'teller', password: OPERATOR_PASSWORD },
        site: 'console',
        foreign: consolePreForeign,
        withoutCookie: 'refused',
        asGet: 404,
      });
      assert.equal(victim.cookies.has('mamori_branch'), false);

      assert.equal((await victim.submit('/branch/demo/', { login: 'teller', password: OPERATOR_PASSWORD }, '/branch/demo/login')).location, '/branch/demo/login/otp');
      const code = await teller.codes.next();
      await expectForgeriesRefused({
        route: '/branch/:slug/login/otp',
        path: '/branch/demo/login/otp',
        victim,
        victimToken: await pageToken(victim, '/branch/demo/login/otp'),
        form: { code },
        site: 'console',
        foreign: await sessionForeign(supervisor),
        withoutCookie: { login: '/branch/demo/' },
        asGet: 200,
      });
      assert.equal((await victim.submit('/branch/demo/login/otp', { code })).location, '/branch/demo/home', 'the same code still signs in');

      // An operator's first sign-in: the enrolment of their token.
      const added = await runMamori(['operator', 'add', 'demo', 'clerk', '--role', 'teller', '--password-stdin'], target.env, 'Clerk-Branch-2026');
      assert.equal(added.code, 0, added.stderr);
      const newcomer = new Outsider(target.url);
      assert.equal((await newcomer.submit('/branch/demo/', { login: 'clerk', password: 'Clerk-Branch-2026' }, '/branch/demo/login')).location, '/branch/demo/login/enrol');
      const token = await newToken(target);
      const enrol = { serial: token.serial, code: await token.next() };
      await expectForgeriesRefused({
        route: '/branch/:slug/login/enrol',
        path: '/branch/demo/login/enrol',
        victim: newcomer,
        victimToken: await pageToken(newcomer, '/branch/demo/login/enrol'),
        form: enrol,
        site: 'console',
        foreign: await sessionForeign(supervisor),
        withoutCookie: { login: '/branch/demo/' },
        asGet: 200,
      });
      assert.equal((await newcomer.submit('/branch/demo/login/enrol', enrol)).location, '/branch/demo/home', 'the same serial and code still enrol');
    });

    it("customer actions: every kind, forged, leaves the customer and the approvals as they were", async () => {
      const customer = target.customer('demo');
      const state = await consoleState(teller, customer.contractId);
      const victimToken = await operatorCsrf(teller);
      const foreign = await sessionForeign(supervisor);
      const kinds: CustomerActionKind[] = ['suspend', 'change_limit', 'reset_password', 'reissue_token', 'unlock_otp', 'unlock_password', 'resume'];
      for (const kind of kinds) {
        await expectForgeriesRefused({
          route: '/branch/:slug/customers/:contractId/actions/:kind',
          path: `/branch/demo/customers/${customer.contractId}/actions/${kind}`,
          victim: teller.outsider,
          victimToken,
          form: customerActionForm(kind, { newLimitYen: 100_000 }),
          site: 'console',
          foreign,
          withoutCookie: { login: '/branch/demo/' },
          asGet: 404,
        });
      }
      assert.equal(await consoleState(teller, customer.contractId), state);
      const signedIn = await signIn(target, customer, undefined);
      assert.equal((await signedIn.request('/ib/demo/main')).status, 200, 'the customer is not suspended');
      const genuine = await startCustomerAction(teller, customer.contractId, 'suspend');
      assert.equal(genuine.location, `/branch/demo/customers/${customer.contractId}?done=suspended`);
      assert.equal((await signedIn.request('/ib/demo/main')).location, '/ib/demo/?ended=suspended');
    });

    it('入出金明細 (CSV) on a written request: a forged export sends no file and records nothing', async () => {
      const customer = target.customer('demo');
      const path = `/branch/demo/customers/${customer.contractId}/statement`;
      const form = await copyOf(teller.outsider).request(path);
      assert.equal(form.status, 200);
      const account = /<option value="(acc_[0-9a-f]+)"/.exec(form.body)?.[1];
      assert.ok(account, 'the customer has an account');
      const day = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
      await expectForgeriesRefused({
        route: '/branch/:slug/customers/:contractId/statement',
        path,
        victim: teller.outsider,
        victimToken: csrfOf(form.body),
        form: { account, from: day, to: day, encoding: 'utf8', requestFormNo: 'R-2026-0777', reason: '偽造' },
        site: 'console',
        foreign: await sessionForeign(supervisor),
        withoutCookie: { login: '/branch/demo/' },
        asGet: 200,
      });
    });

    it('approvals: a forged 「承認」 or 「却下」 leaves the proposal pending', async () => {
      const customer = target.customer('demo');
      const proposalId = await proposeCustomerAction(teller, customer.contractId, 'reset_password');
      const state = await consoleState(supervisor, customer.contractId);
      for (const decision of ['approve', 'reject']) {
        await expectForgeriesRefused({
          route: `/branch/:slug/approvals/:id/${decision}`,
          path: `/branch/demo/approvals/${proposalId}/${decision}`,
          victim: supervisor.outsider,
          victimToken: await operatorCsrf(supervisor),
          form: decision === 'reject' ? { note: '偽造' } : {},
          site: 'console',
          foreign: await sessionForeign(teller),
          withoutCookie: { login: '/branch/demo/' },
          asGet: 404,
        });
      }
      assert.equal(await consoleState(supervisor, customer.contractId), state);
      assert.deepEqual((await pendingProposals(supervisor)).filter((p) => p.id === proposalId).length, 1, 'still pending');
      // The password the branch would have reset still works, and no change is forced.
      assert.equal((await passwordStep(new Outsider(target.url), customer)).location, '/ib/demo/main');
      const genuine = await decideProposal(supervisor, proposalId, 'reject');
      assert.equal(genuine.location, '/branch/demo/approvals?done=rejected');
    });

    it('新規契約: a forged contract is not opened', async () => {
      const form = { name: '偽造 契約者', holderName: 'ｷﾞｿﾞｳ ｹｲﾔｸｼｬ', branchCode: '001', requestFormNo: 'R-9999', reason: '偽造' };
      const search = async () => (await copyOf(teller.outsider).request(`/branch/demo/customers?q=${encodeURIComponent('偽造 契約者')}`)).body.includes('該当するお客様はいません');
      assert.equal(await search(), true);
      await expectForgeriesRefused({
        route: '/branch/:slug/contracts',
        path: '/branch/demo/contracts',
        victim: teller.outsider,
        victimToken: await operatorCsrf(teller),
        form,
        site: 'console',
        foreign: await sessionForeign(supervisor),
        withoutCookie: { login: '/branch/demo/' },
        asGet: 404,
      });
      assert.equal(await search(), true, 'no such customer');
      await openContractAtBranch(teller, form);
      assert.equal(await search(), false, 'the genuine form opens it');
    });

    it("operators (administrator): forged unlock and token reset leave the operators as they were; a forged logout keeps the session", async () => {
      const added = await runMamori(['operator', 'add', 'demo', 'admin', '--role', 'administrator', '--password-stdin'], target.env, 'Kanri-Branch-2026');
      assert.equal(added.code, 0, added.stderr);
      const admin = await signInOperator(target, 'demo', 'admin', { password: 'Kanri-Branch-2026' });
      const operators = async () => {
        const page = await copyOf(admin.outsider).request('/branch/demo/operators');
        assert.equal(page.status, 200);
        return page.body;
      };
      const state = await operators();
      assert.ok(state.includes('/branch/demo/operators/teller/reset-token'), 'the teller has a token to reset');
      for (const action of ['unlock', 'reset-token']) {
        await expectForgeriesRefused({
          route: `/branch/:slug/operators/:login/${action}`,
          path: `/branch/demo/operators/teller/${action}`,
          victim: admin.outsider,
          victimToken: await operatorCsrf(admin),
          form: { reason: '偽造' },
          site: 'console',
          foreign: await sessionForeign(teller),
          withoutCookie: { login: '/branch/demo/' },
          asGet: 404,
        });
      }
      assert.equal(await operators(), state);
      assert.equal((await operatorCsrf(teller)).length, 43, 'the teller is still signed in with the same token');

      await expectForgeriesRefused({
        route: '/branch/:slug/logout',
        path: '/branch/demo/logout',
        victim: admin.outsider,
        victimToken: await operatorCsrf(admin),
        form: {},
        site: 'console',
        foreign: await sessionForeign(teller),
        withoutCookie: { login: '/branch/demo/' },
        asGet: 404,
      });
      assert.equal((await copyOf(admin.outsider).request('/branch/demo/home')).status, 200, 'still signed in');
      const genuine = await admin.outsider.submit('/branch/demo/operators', { reason: 'lost phone' }, '/branch/demo/operators/clerk/reset-token');
      assert.equal(genuine.location, '/branch/demo/operators?done=token_reset');
      assert.equal((await admin.outsider.submit('/branch/demo/home', {}, '/branch/demo/logout')).location, '/branch/demo/?logout=1');
    });
  });

  it('every form POST of the bank site and the console was forged above', async () => {
    const routes = (await routeTable('all')).filter((r) => r.method === 'POST' && /^\/(ib|branch)\//.test(r.url)).map((r) => r.url);
    assert.ok(routes.length > 20, 'the catalogue lists the forms');
    assert.deepEqual(routes.filter((r) => !forgedRoutes.has(r)), [], 'routes no test above forged');
  });

  it("the bank's own checks pass afterwards (ledger, audit chain)", async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});

