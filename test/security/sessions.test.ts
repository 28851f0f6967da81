// Attack: riding a session the attacker holds, planted or never finished. The attacker knows a
// customer's contract ID and login password (phished, or guessed) but not the one-time
// password, and tries every page of the bank site and the branch console with the cookie the
// password step gave them, GET and POST, with the csrf token of the page they reached and
// without; or opens the second step of 利用開始, 利用中止 or 利用登録/交換 without its first.
// They plant a session cookie in the victim's browser before the victim logs in (a made-up
// value, or their own pre-login session) hoping the victim's login promotes it; they replay a
// cookie after it should have died — after a step up, after logout, after five idle minutes or
// twelve hours, after the branch suspended the contract — or they sign in at the very moment
// the branch suspends it, hoping the new session slips past. Every one of these must land on the
// login page (or a precise refusal) and show nothing of the signed-in area: no balance, no
// account number, no transfer form, no 「ログアウト」 of the signed-in layout. DESIGN §4
// (sessions) and §5; the in-process versions are src/web/personal-web/session.security.test.ts
// and src/branch/web/operator-sign-in.security.test.ts.
//
// Time: the suite does not wait five minutes or twelve hours. It ages the session row through
// `target.bankDatabase()` (moves `last_seen_at` / `started_at` back), which is exactly what
// waiting would have done to it; the attacks themselves go over HTTP only.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CUSTOMER, OPERATOR } from '../../src/identity/principals.js';
import { hashSessionToken } from '../../src/identity/sessions.js';
import { skipReason } from '../support/db/testing.js';
import {
  codeStep,
  confirmationFields,
  csrfOf,
  customerWithToken,
  Outsider,
  passwordStep,
  signIn,
  type Answer,
} from './outsider.js';
import { OPERATOR_PASSWORD, signInOperator, startCustomerAction, type SignedInOperator } from './console.js';
import { routeTable, type Route } from './route-table.js';
import { startTarget, type Customer, type Slug, type Target } from './target.js';

const CUSTOMER_COOKIE = 'mamori_session';
const OPERATOR_COOKIE = 'mamori_branch';
const IDLE_MS = 5 * 60_000;
const ABSOLUTE_MS = 12 * 3600_000;

// --- which routes may answer without a signed-in session, and why -----------------------------

interface PublicRoute {
  method: string;
  url: string;
  reason: string;
  /** Not sent by the sweep (with why); it is still public. */
  notSent?: string;
  /** Sent, but its content is not checked for customers' data (with why). */
  anyonesData?: string;
}

/**
 * Every route of `mamori routes all` that answers without a signed-in session, with the reason
 * (read from the route's code). Whatever is not here must refuse a pre-login session: a route
 * added later without a guard fails the sweep until it is guarded or listed here, with a reason.
 */
const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', url: '/', reason: 'the front door: links to each institution, nothing of anyone' },
  { method: 'GET', url: '/assets/branch-console.css', reason: 'static stylesheet' },
  { method: 'GET', url: '/assets/branch-console.js', reason: 'static script' },
  { method: 'GET', url: '/assets/favicon.svg', reason: 'static icon' },
  { method: 'GET', url: '/assets/mamori.css', reason: 'static stylesheet' },
  { method: 'GET', url: '/assets/session-timer.js', reason: "static script (the bank site's idle-timeout warning)" },
  { method: 'GET', url: '/authority/v1/openapi.json', reason: "the authority's published API description" },
  {
    method: 'POST',
    url: '/authority/v1/tokens',
    reason: 'token provisioning needs no credentials (DESIGN §3.2), rate limited per address',
    notSent: "it would spend the address's provisioning allowance the tests' own tokens need; a token is nobody's signed-in content",
  },
  { method: 'GET', url: '/healthz', reason: 'liveness probe' },
  { method: 'GET', url: '/readyz', reason: 'readiness probe (behind the proxy: monitoring network only)' },
  { method: 'GET', url: '/metrics', reason: 'Prometheus metrics (behind the proxy: monitoring network only); counters, no customer data' },
  { method: 'GET', url: '/mailbox', reason: 'development mode only (server.ts mounts it only when MAMORI_MODE=development, as the target runs)' },
  {
    method: 'GET',
    url: '/mailbox/',
    reason: 'development mode only, as above',
    anyonesData: "it IS every customer's notifications, by design, for the developer; production has no mailbox (server.ts)",
  },
  { method: 'GET', url: '/mailbox/mailbox.css', reason: 'development mode only, static stylesheet' },
  ...['/token', '/token/', '/token/app.js', '/token/icon-192.png', '/token/icon-512.png', '/token/icon-maskable-512.png', '/token/index.html', '/token/manifest.webmanifest', '/token/styles.css', '/token/sw.js'].map(
    (url) => ({ method: 'GET', url, reason: 'the browser token app (static files; its secrets never leave the browser)' }),
  ),
  // The bank site: the login and the first step of each flow, and what every visitor may see.
  { method: 'GET', url: '/ib/:slug', reason: 'redirect to the login page' },
  { method: 'GET', url: '/ib/:slug/', reason: 'the login page' },
  { method: 'POST', url: '/ib/:slug/login', reason: 'the password step itself' },
  { method: 'GET', url: '/ib/:slug/help', reason: 'the Q&A page, the same for everyone' },
  { method: 'GET', url: '/ib/:slug/brand.css', reason: "the institution's colours" },
  { method: 'GET', url: '/ib/:slug/*', reason: 'unknown paths: a 404 page' },
  ...(['register', 'deregister', 'exchange'] as const).flatMap((flow) => [
    { method: 'GET', url: `/ib/:slug/${flow}`, reason: `first step of the ${flow} flow: 契約者ID + ログインパスワード` },
    { method: 'POST', url: `/ib/:slug/${flow}`, reason: `first step of the ${flow} flow` },
  ]),
  { method: 'POST', url: '/ib/:slug/logout', reason: 'ends whatever session the cookie names (at any stage, with its csrf token); shows the login page' },
  // The console: its login page and password step.
  { method: 'GET', url: '/branch/:slug', reason: 'redirect to the console login page' },
  { method: 'GET', url: '/branch/:slug/', reason: 'the console login page (a signed-in operator is sent on to home)' },
  { method: 'POST', url: '/branch/:slug/login', reason: "the operator's password step itself" },
  { method: 'GET', url: '/branch/:slug/brand.css', reason: "the institution's colours" },
  { method: 'GET', url: '/branch/:slug/*', reason: 'unknown paths: a 404 page' },
  { method: 'POST', url: '/branch/:slug/logout', reason: 'ends whatever console session the cookie names; shows the login page' },
];

/** Routes that need a Bearer API key of an institution, not a session (DESIGN §3.2): 401 without. */
const API_KEY_ROUTES: readonly string[] = [
  'POST /authority/v1/bindings',
  'DELETE /authority/v1/bindings/:id',
  'POST /authority/v1/bindings/:id/verify',
  'POST /authority/v1/tokens/:serial/sync',
];

/**
 * Routes the bank site's script calls (/assets/session-timer.js), not pages: without a signed-in
 * session they answer 401 with nothing in it (no redirect for a fetch to follow) and set no cookie.
 */
const SCRIPT_ROUTES: readonly string[] = ['GET /ib/:slug/session/keep-alive'];

/** The one page a session at each stage may reach: the next step of the flow it is in. */
const NEXT_STEP = {
  none: [],
  password_verified: ['/ib/:slug/login/otp'],
  register_verified: ['/ib/:slug/register/token'],
  deregister_verified: ['/ib/:slug/deregister/token'],
  exchange_verified: ['/ib/:slug/exchange/current'],
  operator_password_verified: ['/branch/:slug/login/otp'],
  operator_enrolment: ['/branch/:slug/login/enrol'],
} as const satisfies Record<string, readonly string[]>;

type Stage = keyof typeof NEXT_STEP;

const isPublic = (route: Route) => PUBLIC_ROUTES.some((p) => p.method === route.method && p.url === route.url);

// --- what signed-in content looks like ------------------------------------------------------

/** What only a signed-in page shows: the logout form of the signed-in layout, and the customer's data. */
function signedInMarkers(slug: Slug, customer?: Customer): string[] {
  return [
    `action="/ib/${slug}/logout"`,
    `action="/branch/${slug}/logout"`,
    '残高',
    'name="payeeName"',
    ...(customer ? [customer.accountNumber, `試験${customer.contractId.slice(-3)}`] : []),
  ];
}

function assertNothingSignedIn(answer: Answer, markers: readonly string[], label: string): void {
  for (const marker of markers) assert.ok(!answer.body.includes(marker), `${label}: the answer shows signed-in content (${marker})`);
  assert.ok(answer.status < 500, `${label}: ${answer.status}`);
}

// --- the sweep --------------------------------------------------------------------------------

interface SweepInput {
  slug: Slug;
  stage: Stage;
  /** The cookies the attacker holds (resent as they are with every request). */
  cookies: ReadonlyMap<string, string>;
  /** csrf tokens the attacker can read: of the page their session reached, of the login page. */
  csrfTokens: readonly string[];
  customer?: Customer;
  /** Whose account the attack forms name as the payee. */
  payee?: Customer;
  /** Values for the path parameters. */
  params: Record<string, string>;
  /** The bank process the requests go to (default: the target's first). */
  baseUrl?: string;
}

/** The parameter a path's `:name` stands for: `:id` is a transfer's, a payee's, a proposal's or a binding's. */
function parameterOf(url: string, name: string): string {
  if (name !== 'id') return name;
  if (url.startsWith('/ib/:slug/transfers/payees/')) return 'payeeId';
  if (url.startsWith('/ib/:slug/transfers/')) return 'transferId';
  if (url.startsWith('/branch/:slug/approvals/')) return 'proposalId';
  if (url.startsWith('/authority/v1/bindings/')) return 'bindingId';
  return name;
}

function fillPath(url: string, slug: string, params: Record<string, string>): string {
  return url
    .replace(':slug', slug)
    .replace(/\*$/, 'no-such-page')
    .replace(/:(\w+)/g, (_, name: string) => {
      const value = params[parameterOf(url, name)];
      if (value === undefined) throw new Error(`no value for :${name} of ${url}`);
      return value;
    });
}

/** A form that a guarded page would act on, were its guard missing. */
function attackForm(customer: Customer | undefined, payee: Customer | undefined): Record<string, string> {
  return {
    op: 'next',
    bank: '9901',
    branch: '001',
    accountType: 'ordinary',
    accountNumber: payee?.accountNumber ?? '1234567',
    payeeName: 'ﾃﾞﾓ ｹｲﾔｸｼｬ',
    amount: '1000',
    limitManYen: '1',
    nickname: 'attack',
    code: '123456',
    confirmationPassword: customer?.confirmationPassword ?? '246810',
    currentPassword: customer?.loginPassword ?? 'Mamori-2026',
    newPassword: 'Attacker-2026x',
    newPasswordAgain: 'Attacker-2026x',
    requestFormNo: 'ATTACK-1',
    reason: 'attack',
    note: 'attack',
    newLimitYen: '100000',
  };
}

/**
 * Sends every route of the table with the attacker's cookies: public routes must show nothing
 * signed in; the next step of the session's flow must show its form (and refuse a POST without
 * a csrf token); every other route must refuse precisely — the bank site and the console with
 * a 303 to their login page, the authority's relying-party API with 401.
 */
async function sweep(target: Target, routes: readonly Route[], input: SweepInput): Promise<{ sent: number }> {
  const markers = signedInMarkers(input.slug, input.customer);
  const nextSteps: readonly string[] = NEXT_STEP[input.stage];
  let sent = 0;
  const send = async (route: Route, options: { form?: Record<string, string>; json?: unknown; anyonesData?: boolean } = {}) => {
    // Routes of the authority go where the authority answers (another process in a split deployment).
    const outsider = new Outsider(route.url.startsWith('/authority/') ? target.authorityUrl : (input.baseUrl ?? target.url));
    for (const [name, value] of input.cookies) outsider.cookies.set(name, value);
    sent += 1;
    const answer = await outsider.request(fillPath(route.url, input.slug, input.params), {
      method: route.method,
      ...(options.json !== undefined ? { json: options.json } : options.form ? { form: options.form } : route.method === 'POST' ? { form: {} } : {}),
    });
    // Whatever the route, nothing of the signed-in area.
    assertNothingSignedIn(answer, options.anyonesData ? [] : markers, `${input.stage}: ${route.method} ${route.url}`);
    return answer;
  };
  const forms = (): Record<string, string>[] => [
    attackForm(input.customer, input.payee),
    ...input.csrfTokens.map((csrf) => ({ csrf, ...attackForm(input.customer, input.payee) })),
  ];

  for (const route of routes) {
    const label = `${input.stage}: ${route.method} ${route.url}`;
    const publicRoute = PUBLIC_ROUTES.find((p) => p.method === route.method && p.url === route.url);
    if (publicRoute) {
      if (publicRoute.notSent) continue;
      if (route.method === 'GET') await send(route, { anyonesData: publicRoute.anyonesData !== undefined });
      // A public POST gets no fields the attacker knows a use for: only that it shows nothing.
      // Logout without its csrf token: refused, so that the attacker's session lives on for
      // the rest of the sweep (a logout WITH the token is the next test's business).
      else await send(route, { form: {} });
      continue;
    }
    if (nextSteps.includes(route.url)) {
      if (route.method === 'GET') {
        const answer = await send(route);
        assert.equal(answer.status, 200, `${label}: the next step of the flow shows its form`);
      } else {
        // Without a csrf token: refused before anything is read (no code is counted).
        const answer = await send(route, { form: { code: '123456' } });
        assert.equal(answer.status, 403, label);
      }
      continue;
    }
    if (API_KEY_ROUTES.includes(`${route.method} ${route.url}`)) {
      // The API speaks JSON; the session cookie (sent along) is no API key.
      const answer = await send(route, route.method === 'POST' ? { json: { serial: input.params.serial, subject: input.customer?.contractId ?? 'x', code: '123456', code1: '123456', code2: '654321' } } : {});
      assert.equal(answer.status, 401, label);
      assert.match(answer.body, /"error":"unauthorized"/, label);
      continue;
    }
    if (SCRIPT_ROUTES.includes(`${route.method} ${route.url}`)) {
      const answer = await send(route);
      assert.equal(answer.status, 401, label);
      assert.equal(answer.body, '', label);
      assert.deepEqual(answer.setCookies, [], `${label}: no cookie set or cleared`);
      continue;
    }
    const login = route.url.startsWith('/ib/:slug/') ? `/ib/${input.slug}/` : route.url.startsWith('/branch/:slug/') ? `/branch/${input.slug}/` : undefined;
    assert.ok(login, `${label}: a route neither public (PUBLIC_ROUTES, with a reason) nor behind a known guard`);
    for (const form of route.method === 'GET' ? [undefined] : forms()) {
      const answer = await send(route, form ? { form } : {});
      assert.equal(answer.status, 303, `${label}${form?.csrf ? ' (with a csrf token)' : ''}: refused`);
      assert.equal(answer.location, login, `${label}: to the login page`);
    }
  }
  return { sent };
}

// --- customer and operator steps -----------------------------------------------------------

function cookieJar(outsider: Outsider, ...names: string[]): Map<string, string> {
  return new Map(names.flatMap((name) => (outsider.cookies.has(name) ? [[name, outsider.cookies.get(name)!] as [string, string]] : [])));
}

/** A fresh browser holding only `cookies` (at `baseUrl`: another process of the same bank). */
function browserWith(target: Target, cookies: Record<string, string>, baseUrl = target.url): Outsider {
  const outsider = new Outsider(baseUrl);
  for (const [name, value] of Object.entries(cookies)) outsider.cookies.set(name, value);
  return outsider;
}

/** The first step of 利用開始, 利用中止 or 利用登録/交換: 303 to its second step. */
function flowStep(outsider: Outsider, customer: Customer, flow: 'register' | 'deregister' | 'exchange'): Promise<Answer> {
  return outsider.submit(`/ib/${customer.slug}/${flow}`, { contractId: customer.contractId, loginPassword: customer.loginPassword });
}

/** A transfer to `payee` through the pages of a signed-in session (no token: the confirmation password); returns its id. */
async function transferThroughPages(outsider: Outsider, customer: Customer, payee: Customer): Promise<string> {
  const base = `/ib/${customer.slug}/`;
  const prepared = await outsider.submit(`${base}transfers/new`, {
    op: 'next',
    bank: '9901',
    branch: '001',
    accountType: 'ordinary',
    accountNumber: payee.accountNumber,
    payeeName: 'ﾃﾞﾓ ｹｲﾔｸｼｬ',
    amount: '1000',
  });
  assert.equal(prepared.status, 303, prepared.body.slice(0, 500));
  const id = /transfers\/(tr_[0-9a-f]{32})$/.exec(prepared.location ?? '')?.[1];
  assert.ok(id, `prepared: ${prepared.location}`);
  const auth = await outsider.request(`${base}transfers/${id}/auth`);
  const hidden = Object.fromEntries([...auth.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  const confirmed = await outsider.request(`${base}transfers/${id}/auth`, { form: { ...hidden, ...confirmationFields(auth.body, customer.confirmationPassword) } });
  assert.equal(confirmed.location, `${base}transfers/${id}/result`, confirmed.body.slice(0, 500));
  return id;
}

/** The session row behind a customer's cookie (the bank's view: to age it, or to read it back). */
function sessionRow(target: Target, token: string) {
  return target.bankDatabase().db.selectFrom('sessions').selectAll().where('id_hash', '=', hashSessionToken(CUSTOMER, token)).executeTakeFirst();
}

function operatorSessionRow(target: Target, token: string) {
  return target.bankDatabase().db.selectFrom('operator_sessions').selectAll().where('id_hash', '=', hashSessionToken(OPERATOR, token)).executeTakeFirst();
}

/** Lets time pass for one session: its last activity (and, if given, its start) moves back. */
async function ageSession(target: Target, token: string, input: { idleMs?: number; startedMsAgo?: number }): Promise<void> {
  const now = Date.now();
  await target
    .bankDatabase()
    .db.updateTable('sessions')
    .set({ ...(input.idleMs !== undefined ? { last_seen_at: now - input.idleMs } : {}), ...(input.startedMsAgo !== undefined ? { started_at: now - input.startedMsAgo } : {}) })
    .where('id_hash', '=', hashSessionToken(CUSTOMER, token))
    .execute();
}

async function ageOperatorSession(target: Target, token: string, input: { idleMs?: number; startedMsAgo?: number }): Promise<void> {
  const now = Date.now();
  await target
    .bankDatabase()
    .db.updateTable('operator_sessions')
    .set({ ...(input.idleMs !== undefined ? { last_seen_at: now - input.idleMs } : {}), ...(input.startedMsAgo !== undefined ? { started_at: now - input.startedMsAgo } : {}) })
    .where('id_hash', '=', hashSessionToken(OPERATOR, token))
    .execute();
}

/** The operator's password step at the console: 303 to login/otp (token enrolled) or login/enrol. */
function operatorPasswordStep(outsider: Outsider, slug: Slug, login: string, password = OPERATOR_PASSWORD): Promise<Answer> {
  return outsider.submit(`/branch/${slug}/`, { login, password }, `/branch/${slug}/login`);
}

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Path parameters: the customer's own ids where given, else plausible ones (the shapes the
 * routes accept, so that a missing guard would get as far as the lookup).
 */
function realParams(customer: Customer, ids: { transferId?: string; payeeId?: string } = {}): Record<string, string> {
  return {
    transferId: ids.transferId ?? `tr_${randomHex(16)}`,
    payeeId: ids.payeeId ?? `py_${randomHex(16)}`,
    proposalId: `prp_${randomHex(16)}`,
    bindingId: randomHex(16),
    serial: 'MOBL00000000',
    contractId: customer.contractId,
    kind: 'suspend',
    login: 'teller',
  };
}

/**
 * A customer's password step and the branch's suspension of the same contract, sent at nearly
 * the same moment (the suspension `delayMs` after the login, inside its argon2 work). Whichever
 * the server takes first, no session may outlive the suspension: the login is refused like a
 * wrong password, or its session is ended with the others (the next click says why).
 */
async function raceSignInWithSuspension(target: Target, input: { customer: Customer; operator: SignedInOperator; delayMs: number; loginUrl?: string }): Promise<void> {
  const { customer } = input;
  const operator = input.operator.outsider;
  const base = `/ib/${customer.slug}/`;
  const operatorPage = await operator.request(`/branch/${customer.slug}/customers/${customer.contractId}`);
  const browser = new Outsider(input.loginUrl ?? target.url);
  const loginPage = await browser.request(base);
  const signingIn = browser.request(`${base}login`, { form: { csrf: csrfOf(loginPage.body), contractId: customer.contractId, loginPassword: customer.loginPassword } });
  await new Promise((resolve) => setTimeout(resolve, input.delayMs));
  const suspending = operator.request(`/branch/${customer.slug}/customers/${customer.contractId}/actions/suspend`, {
    form: { csrf: csrfOf(operatorPage.body), requestFormNo: 'R-2026-0050', reason: '不正利用の疑い' },
  });
  const [signedIn, suspended] = await Promise.all([signingIn, suspending]);
  const label = `${customer.contractId} (suspension ${input.delayMs} ms after the login)`;
  assert.equal(suspended.location, `/branch/${customer.slug}/customers/${customer.contractId}?done=suspended`, label);
  if (signedIn.status === 303) {
    // The login came first: the suspension ended its session like any other.
    assert.equal(signedIn.location, `${base}main`, label);
    const click = await browser.request(`${base}main`);
    assert.equal(click.status, 303, `${label}: a session outlived the suspension`);
    assert.equal(click.location, `${base}?ended=suspended`, label);
  } else {
    assert.equal(signedIn.status, 401, label);
    assert.ok(signedIn.body.includes('契約者IDまたはログインパスワードが正しくないか、現在ご利用いただけない状態です。'), label);
  }
  // Read back: the contract has no session left.
  const left = await target.bankDatabase().db.selectFrom('sessions').select('stage').where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).execute();
  assert.deepEqual(left, [], label);
}

// --- the attacks -------------------------------------------------------------------------------

describe('sessions under attack (one server, SQLite)', () => {
  let target: Target;
  let routes: Route[];

  before(async () => {
    target = await startTarget({ customersPerInstitution: 12 });
    routes = await routeTable('all');
  });

  after(async () => {
    await target?.stop();
  });

  it('lists every route of the catalogue as public (with a reason), a next step, or guarded', () => {
    // The public list must name routes that exist: a route renamed would otherwise leave a stale
    // exemption behind while the new name is (correctly) swept as guarded.
    for (const p of PUBLIC_ROUTES) assert.ok(routes.some((r) => r.method === p.method && r.url === p.url), `PUBLIC_ROUTES names ${p.method} ${p.url}, which no longer exists`);
    const guarded = routes.filter((r) => !isPublic(r));
    // The signed-in areas are guarded, and there are many of them: the sweep is not empty.
    assert.ok(guarded.filter((r) => r.url.startsWith('/ib/:slug/')).length >= 30, `bank-site guarded routes: ${guarded.length}`);
    assert.ok(guarded.filter((r) => r.url.startsWith('/branch/:slug/')).length >= 15);
    // ログイン履歴 and 「心当たりがない」 (issue 14 §3–4): signed-in pages too, swept below.
    for (const [method, url] of [['GET', '/ib/:slug/login-history'], ['POST', '/ib/:slug/login-history/not-me'], ['POST', '/ib/:slug/login-history/not-me/confirm']]) {
      assert.ok(guarded.some((r) => r.method === method && r.url === url), `${method} ${url} is a guarded route of the catalogue`);
    }
    // 引き上げを取り消す (issue 14 §5): the limit page's second form, a signed-in route too.
    assert.ok(guarded.some((r) => r.method === 'POST' && r.url === '/ib/:slug/transfers/limit/cancel-raise'), 'POST /ib/:slug/transfers/limit/cancel-raise is a guarded route of the catalogue');
    // メールアドレス (issue 14 §1): its pages are signed-in pages, swept below like every other.
    for (const [method, url] of [['GET', '/ib/:slug/email'], ['POST', '/ib/:slug/email'], ['GET', '/ib/:slug/email/code'], ['POST', '/ib/:slug/email/code'], ['POST', '/ib/:slug/email/code/resend']]) {
      assert.ok(guarded.some((r) => r.method === method && r.url === url), `${method} ${url} is a guarded route of the catalogue`);
    }
  });

  it('after the password step alone, every other URL of the bank site and console refuses, GET and POST, with and without a csrf token', async () => {
    const customer = target.customer('demo');
    const payee = target.customer('demo');
    // Another session of the same customer, really signed in, made a transfer and saved its
    // payee: real ids for :id / :transferId, and signed-in content the sweep must not reach.
    // (Before the customer registered a token: one code fewer to wait for.)
    const real = await signIn(target, customer, undefined);
    const transferId = await transferThroughPages(real, customer, payee);
    const saved = await real.submit(`/ib/demo/transfers/${transferId}/result`, {}, `/ib/demo/transfers/payees/from/${transferId}`);
    assert.equal(saved.location, '/ib/demo/transfers/payees?done=added');
    const payeeId = /transfers\/payees\/(py_[0-9a-f]{32})"/.exec((await real.request('/ib/demo/transfers/payees')).body)?.[1];
    assert.ok(payeeId);
    await customerWithToken(target, customer); // now the login stops at the one-time password
    const transfersBefore = await target.bankDatabase().db.selectFrom('transfers').select('id').where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).execute();

    const attacker = new Outsider(target.url);
    const password = await passwordStep(attacker, customer);
    assert.equal(password.location, '/ib/demo/login/otp');
    const otpPage = await attacker.request('/ib/demo/login/otp');
    assert.equal(otpPage.status, 200);
    const loginPage = await attacker.request('/ib/demo/');
    const cookies = cookieJar(attacker, CUSTOMER_COOKIE, 'mamori_pre');
    assert.ok(cookies.has(CUSTOMER_COOKIE));
    const { sent } = await sweep(target, routes, {
      slug: 'demo',
      stage: 'password_verified',
      cookies,
      csrfTokens: [csrfOf(otpPage.body), csrfOf(loginPage.body)],
      customer,
      payee,
      params: realParams(customer, { transferId, payeeId }),
    });
    assert.ok(sent > 100, `requests sent: ${sent}`);

    // The attacker's session was alive all along (the refusals are the guards', not a dead
    // cookie's), and is still only at the password step: nothing promoted it.
    const still = await browserWith(target, Object.fromEntries(cookies)).request('/ib/demo/login/otp');
    assert.equal(still.status, 200);
    // Read back (the bank's view): the only signed-in session of the customer is the real one,
    // and the sweep moved no money.
    const rows = await target.bankDatabase().db.selectFrom('sessions').select(['stage', 'id_hash']).where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).execute();
    assert.deepEqual(rows.map((r) => r.stage).sort(), ['password_verified', 'signed_in']);
    assert.equal(rows.find((r) => r.stage === 'password_verified')!.id_hash, hashSessionToken(CUSTOMER, cookies.get(CUSTOMER_COOKIE)!));
    const transfersAfter = await target.bankDatabase().db.selectFrom('transfers').select('id').where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).execute();
    assert.equal(transfersAfter.length, transfersBefore.length);
    // The real session still works (the sweep did not disturb the customer either).
    assert.equal((await real.request('/ib/demo/main')).status, 200);
  });

  it('without any cookie, and in the middle of 利用開始, 利用中止 or 利用登録/交換, every URL but the flow\'s own next step refuses', async () => {
    const withToken = target.customer('sample');
    const withoutToken = target.customer('sample');
    await customerWithToken(target, withToken);
    const none = await sweep(target, routes, { slug: 'sample', stage: 'none', cookies: new Map(), csrfTokens: [], customer: withToken, params: realParams(withToken) });
    assert.ok(none.sent >= routes.length - 1, `requests sent: ${none.sent}`);

    const flows = [
      { flow: 'register', customer: withoutToken, stage: 'register_verified', next: 'register/token' },
      { flow: 'deregister', customer: withToken, stage: 'deregister_verified', next: 'deregister/token' },
      { flow: 'exchange', customer: withToken, stage: 'exchange_verified', next: 'exchange/current' },
    ] as const;
    for (const { flow, customer, stage, next } of flows) {
      const attacker = new Outsider(target.url);
      const first = await flowStep(attacker, customer, flow);
      assert.equal(first.location, `/ib/sample/${next}`, `${flow}: ${first.status}`);
      const form = await attacker.request(`/ib/sample/${next}`);
      assert.equal(form.status, 200);
      const cookies = cookieJar(attacker, CUSTOMER_COOKIE, 'mamori_pre');
      // Among the refusals: the other flows' second steps, the login's OTP step, and for
      // 利用登録/交換 its third step (the new token) without the second (the current token's code).
      await sweep(target, routes, { slug: 'sample', stage, cookies, csrfTokens: [csrfOf(form.body)], customer, params: realParams(customer) });
      const row = await sessionRow(target, cookies.get(CUSTOMER_COOKIE)!);
      assert.equal(row?.stage, stage, `${flow}: the session is still where its first step left it`);
      assert.equal((await browserWith(target, Object.fromEntries(cookies)).request(`/ib/sample/${next}`)).status, 200);
    }
    // Nothing was registered, deregistered or exchanged (the bank's view, read back).
    const tokens = await target.bankDatabase().db.selectFrom('customers').select(['contract_id', 'token_serial']).where('institution', '=', 'sample').where('contract_id', 'in', [withToken.contractId, withoutToken.contractId]).execute();
    assert.equal(tokens.find((t) => t.contract_id === withoutToken.contractId)?.token_serial, null);
    assert.notEqual(tokens.find((t) => t.contract_id === withToken.contractId)?.token_serial, null);
  });

  it("after the operator's password step alone (at the first sign-in: enrolment; later: the one-time password), every console page refuses", async () => {
    const customer = target.customer('demo');
    // The supervisor has never signed in: the password step leads to the enrolment of a token.
    const enrolling = new Outsider(target.url);
    const password = await operatorPasswordStep(enrolling, 'demo', 'supervisor');
    assert.equal(password.location, '/branch/demo/login/enrol');
    const enrolForm = await enrolling.request('/branch/demo/login/enrol');
    assert.equal(enrolForm.status, 200);
    const enrolCookies = cookieJar(enrolling, OPERATOR_COOKIE, 'mamori_branch_pre');
    await sweep(target, routes, { slug: 'demo', stage: 'operator_enrolment', cookies: enrolCookies, csrfTokens: [csrfOf(enrolForm.body)], customer, params: realParams(customer) });

    // The teller signs in fully once (enrolling a token); then a password step alone.
    await signInOperator(target, 'demo', 'teller');
    const attacker = new Outsider(target.url);
    const step = await operatorPasswordStep(attacker, 'demo', 'teller');
    assert.equal(step.location, '/branch/demo/login/otp');
    const otpForm = await attacker.request('/branch/demo/login/otp');
    const cookies = cookieJar(attacker, OPERATOR_COOKIE, 'mamori_branch_pre');
    await sweep(target, routes, { slug: 'demo', stage: 'operator_password_verified', cookies, csrfTokens: [csrfOf(otpForm.body)], customer, params: realParams(customer) });
    // Both sessions are still alive at their first stage; the customer was not touched.
    assert.equal((await operatorSessionRow(target, enrolCookies.get(OPERATOR_COOKIE)!))?.stage, 'enrolment');
    assert.equal((await operatorSessionRow(target, cookies.get(OPERATOR_COOKIE)!))?.stage, 'password_verified');
    const row = await target.bankDatabase().db.selectFrom('customers').select('status').where('institution', '=', 'demo').where('contract_id', '=', customer.contractId).executeTakeFirst();
    assert.equal(row?.status, 'active');
  });

  it('issues a new session id at each step up, and every id before it stops working', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    const victim = new Outsider(target.url);
    // Before the login: a session of its own (the first step of 利用登録/交換, then left).
    assert.equal((await flowStep(victim, customer, 'exchange')).location, '/ib/demo/exchange/current');
    const before = victim.cookies.get(CUSTOMER_COOKIE)!;
    const preSession = victim.cookies.get('mamori_pre');

    assert.equal((await passwordStep(victim, customer)).location, '/ib/demo/login/otp');
    const afterPassword = victim.cookies.get(CUSTOMER_COOKIE)!;
    assert.notEqual(afterPassword, before);
    assert.equal((await codeStep(victim, customer, await codes.next())).location, '/ib/demo/main');
    const signedIn = victim.cookies.get(CUSTOMER_COOKIE)!;
    assert.notEqual(signedIn, afterPassword);
    assert.notEqual(signedIn, before);
    // The csrf double-submit cookie of the login form is not a session: it may stay.
    assert.equal(victim.cookies.get('mamori_pre'), preSession);

    // The old ids, replayed by whoever copied them, reach nothing: not their own stage's page,
    // not the signed-in area.
    for (const [label, old, page] of [
      ['before the password step', before, 'exchange/current'],
      ['after the password step', afterPassword, 'login/otp'],
    ] as const) {
      for (const path of [page, 'main', 'transfers']) {
        const replay = await browserWith(target, { [CUSTOMER_COOKIE]: old }).request(`/ib/demo/${path}`);
        assert.equal(replay.status, 303, `${label}: ${path}`);
        assert.equal(replay.location, '/ib/demo/', `${label}: ${path}`);
      }
    }
    assert.equal((await victim.request('/ib/demo/main')).status, 200);
    // Read back: one session of the customer, the newest, stored under its hash only.
    const rows = await target.bankDatabase().db.selectFrom('sessions').select(['id_hash', 'stage']).where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).execute();
    assert.deepEqual(rows, [{ id_hash: hashSessionToken(CUSTOMER, signedIn), stage: 'signed_in' }]);
  });

  it("never promotes a planted cookie to the victim's signed-in session: a made-up value, or the attacker's own pre-login session", async () => {
    // A made-up value of the right shape, planted before the victim logs in.
    const victim = target.customer('demo');
    const madeUp = randomBytes(32).toString('base64url');
    const browser = browserWith(target, { [CUSTOMER_COOKIE]: madeUp });
    assert.equal((await passwordStep(browser, victim)).location, '/ib/demo/main');
    const issued = browser.cookies.get(CUSTOMER_COOKIE)!;
    assert.notEqual(issued, madeUp);
    const planted = await browserWith(target, { [CUSTOMER_COOKIE]: madeUp }).request('/ib/demo/main');
    assert.equal(planted.status, 303);
    assert.equal(planted.location, '/ib/demo/');
    assert.equal(await sessionRow(target, madeUp), undefined);

    // The attacker's own real session (their password step, their contract with a token),
    // given to the victim's browser before the victim logs in.
    const attacker = target.customer('demo');
    await customerWithToken(target, attacker);
    const attackerBrowser = new Outsider(target.url);
    assert.equal((await passwordStep(attackerBrowser, attacker)).location, '/ib/demo/login/otp');
    const attackersCookie = attackerBrowser.cookies.get(CUSTOMER_COOKIE)!;
    const second = target.customer('demo');
    const fixated = browserWith(target, { [CUSTOMER_COOKIE]: attackersCookie });
    assert.equal((await passwordStep(fixated, second)).location, '/ib/demo/main');
    const victimsCookie = fixated.cookies.get(CUSTOMER_COOKIE)!;
    assert.notEqual(victimsCookie, attackersCookie);
    // The attacker's cookie now reaches nothing: not the victim's main page, not even their own OTP step.
    for (const path of ['main', 'transfers', 'login/otp']) {
      const replay = await browserWith(target, { [CUSTOMER_COOKIE]: attackersCookie }).request(`/ib/demo/${path}`);
      assert.equal(replay.status, 303, path);
      assert.equal(replay.location, '/ib/demo/', path);
    }
    const main = await fixated.request('/ib/demo/main');
    assert.equal(main.status, 200);
    assert.ok(main.body.includes(second.contractId));
    // Read back: the victim holds the only session, under the new id.
    const rows = await target.bankDatabase().db.selectFrom('sessions').select(['id_hash', 'contract_id']).where('institution', '=', 'demo').where('contract_id', 'in', [attacker.contractId, second.contractId]).execute();
    assert.deepEqual(rows, [{ id_hash: hashSessionToken(CUSTOMER, victimsCookie), contract_id: second.contractId }]);
  });

  it("the console's sign-in also issues a new id at each step and never promotes a planted one", async () => {
    // The supervisor's token (enrolled at a first sign-in, if this target has not seen one yet).
    const { codes } = await signInOperator(target, 'demo', 'supervisor');
    const planted = randomBytes(32).toString('base64url');
    const supervisor = browserWith(target, { [OPERATOR_COOKIE]: planted });
    assert.equal((await operatorPasswordStep(supervisor, 'demo', 'supervisor')).location, '/branch/demo/login/otp');
    const afterPassword = supervisor.cookies.get(OPERATOR_COOKIE)!;
    assert.equal((await supervisor.submit('/branch/demo/login/otp', { code: await codes.next() })).location, '/branch/demo/home');
    const signedIn = supervisor.cookies.get(OPERATOR_COOKIE)!;
    assert.equal(new Set([planted, afterPassword, signedIn]).size, 3, 'three different ids');
    assert.equal((await supervisor.request('/branch/demo/home')).status, 200);
    for (const old of [planted, afterPassword]) {
      for (const path of ['home', 'login/otp', 'login/enrol']) {
        const replay = await browserWith(target, { [OPERATOR_COOKIE]: old }).request(`/branch/demo/${path}`);
        assert.equal(replay.status, 303, path);
        assert.equal(replay.location, '/branch/demo/', path);
      }
      assert.equal(await operatorSessionRow(target, old), undefined);
    }
  });

  // How the suite waits: ageSession moves the row's timestamps back (see the file comment).
  it('ends a session idle for more than 5 minutes, saying so; activity renews the idle time', async () => {
    const customer = target.customer('demo');
    const browser = new Outsider(target.url);
    assert.equal((await passwordStep(browser, customer)).location, '/ib/demo/main');
    const cookie = browser.cookies.get(CUSTOMER_COOKIE)!;
    for (let i = 0; i < 3; i++) {
      // Four idle minutes, then a click: still signed in, and the idle clock starts again.
      await ageSession(target, cookie, { idleMs: 4 * 60_000 });
      const clickedAt = Date.now();
      assert.equal((await browser.request('/ib/demo/transfers')).status, 200, `after ${4 * (i + 1)} minutes`);
      assert.ok(Number((await sessionRow(target, cookie))!.last_seen_at) >= clickedAt - 1000);
    }
    await ageSession(target, cookie, { idleMs: IDLE_MS + 1000 });
    const idle = await browser.request('/ib/demo/transfers');
    assert.equal(idle.status, 303);
    assert.equal(idle.location, '/ib/demo/?timeout=1');
    const notice = await browser.request(idle.location);
    assert.equal(notice.status, 200);
    assert.ok(notice.body.includes('一定時間操作がなかったため、ログアウトしました。再度ログインしてください。'));
    assert.equal(await sessionRow(target, cookie), undefined, 'the expired session is deleted');
    const replay = await browserWith(target, { [CUSTOMER_COOKIE]: cookie }).request('/ib/demo/main');
    assert.equal(replay.location, '/ib/demo/');
  });

  it('ends a session 12 hours after the login began, however active; neither clicks nor the step up renew it', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    const browser = new Outsider(target.url);
    assert.equal((await passwordStep(browser, customer)).location, '/ib/demo/login/otp');
    // The password step was 11 h 58 min ago (and the customer has been busy since).
    await ageSession(target, browser.cookies.get(CUSTOMER_COOKIE)!, { startedMsAgo: ABSOLUTE_MS - 2 * 60_000, idleMs: 0 });
    const startedAt = Number((await sessionRow(target, browser.cookies.get(CUSTOMER_COOKIE)!))!.started_at);
    assert.equal((await codeStep(browser, customer, await codes.next())).location, '/ib/demo/main');
    const cookie = browser.cookies.get(CUSTOMER_COOKIE)!;
    assert.equal(Number((await sessionRow(target, cookie))!.started_at), startedAt, 'the new id keeps the start of the login');
    assert.equal((await browser.request('/ib/demo/main')).status, 200);
    assert.equal(Number((await sessionRow(target, cookie))!.started_at), startedAt, 'a click does not renew the absolute lifetime');

    await ageSession(target, cookie, { startedMsAgo: ABSOLUTE_MS + 1000, idleMs: 0 });
    const expired = await browser.request('/ib/demo/main');
    assert.equal(expired.status, 303);
    assert.equal(expired.location, '/ib/demo/?timeout=1');
    assert.ok((await browser.request(expired.location)).body.includes('一定時間操作がなかったため、ログアウトしました。再度ログインしてください。'));
    assert.equal(await sessionRow(target, cookie), undefined);
  });

  it("ends an operator's console session after 5 idle minutes or 12 hours, the same policy", async () => {
    // The operators of `sample` here: one-time passwords are one per step, so the suite spreads
    // its operator sign-ins over four tokens rather than waiting for the clock.
    const teller = (await signInOperator(target, 'sample', 'teller')).outsider;
    const cookie = teller.cookies.get(OPERATOR_COOKIE)!;
    for (let i = 0; i < 2; i++) {
      await ageOperatorSession(target, cookie, { idleMs: 4 * 60_000 });
      assert.equal((await teller.request('/branch/sample/home')).status, 200);
    }
    await ageOperatorSession(target, cookie, { idleMs: IDLE_MS + 1000 });
    const idle = await teller.request('/branch/sample/customers');
    assert.equal(idle.status, 303);
    assert.equal(idle.location, '/branch/sample/?timeout=1');
    assert.ok((await teller.request(idle.location)).body.includes('一定時間操作がなかったため、ログアウトしました。'));
    assert.equal(await operatorSessionRow(target, cookie), undefined);

    const supervisor = (await signInOperator(target, 'sample', 'supervisor')).outsider;
    const supervisorCookie = supervisor.cookies.get(OPERATOR_COOKIE)!;
    await ageOperatorSession(target, supervisorCookie, { startedMsAgo: ABSOLUTE_MS - 60_000, idleMs: 0 });
    assert.equal((await supervisor.request('/branch/sample/approvals')).status, 200);
    await ageOperatorSession(target, supervisorCookie, { startedMsAgo: ABSOLUTE_MS + 1000, idleMs: 0 });
    const expired = await supervisor.request('/branch/sample/approvals');
    assert.equal(expired.location, '/branch/sample/?timeout=1');
    assert.equal(await operatorSessionRow(target, supervisorCookie), undefined);
  });

  it('logout ends the session on the server: the cookie copied before it is refused after; a GET to logout does nothing', async () => {
    const customer = target.customer('demo');
    const browser = new Outsider(target.url);
    assert.equal((await passwordStep(browser, customer)).location, '/ib/demo/main');
    const cookie = browser.cookies.get(CUSTOMER_COOKIE)!;
    const main = await browser.request('/ib/demo/main');

    // A link or an image pointing at logout (GET) ends nothing.
    const viaGet = await browser.request('/ib/demo/logout');
    assert.equal(viaGet.status, 404);
    assert.equal((await browser.request('/ib/demo/main')).status, 200);
    assert.ok(await sessionRow(target, cookie));

    const out = await browser.request('/ib/demo/logout', { form: { csrf: csrfOf(main.body) } });
    assert.equal(out.status, 303);
    assert.equal(out.location, '/ib/demo/?logout=1');
    assert.equal(browser.cookies.get(CUSTOMER_COOKIE), undefined, 'the browser is told to drop the cookie');
    // Whoever kept a copy of the cookie: the server no longer knows it.
    assert.equal(await sessionRow(target, cookie), undefined);
    for (const path of ['main', 'transfers', 'transfers/history']) {
      const replay = await browserWith(target, { [CUSTOMER_COOKIE]: cookie }).request(`/ib/demo/${path}`);
      assert.equal(replay.status, 303, path);
      assert.equal(replay.location, '/ib/demo/', path);
      const landing = await new Outsider(target.url).request(replay.location!);
      assert.equal(landing.status, 200);
      assert.ok(landing.body.includes('name="loginPassword"'), 'the login page');
      assertNothingSignedIn(landing, signedInMarkers('demo', customer), path);
    }

    // The console, alike.
    const supervisor = (await signInOperator(target, 'sample', 'supervisor')).outsider;
    const operatorCookie = supervisor.cookies.get(OPERATOR_COOKIE)!;
    const home = await supervisor.request('/branch/sample/home');
    assert.equal((await supervisor.request('/branch/sample/logout')).status, 404);
    assert.equal((await supervisor.request('/branch/sample/home')).status, 200);
    const consoleOut = await supervisor.request('/branch/sample/logout', { form: { csrf: csrfOf(home.body) } });
    assert.equal(consoleOut.location, '/branch/sample/?logout=1');
    assert.equal(await operatorSessionRow(target, operatorCookie), undefined);
    const replay = await browserWith(target, { [OPERATOR_COOKIE]: operatorCookie }).request('/branch/sample/home');
    assert.equal(replay.status, 303);
    assert.equal(replay.location, '/branch/sample/');
  });

  it('a suspension at the branch ends every live session at once: the next click says why, and signing in again is refused like a wrong password', async () => {
    const customer = target.customer('demo');
    const other = target.customer('demo');
    // Two devices, both signed in.
    const phone = new Outsider(target.url);
    const desktop = new Outsider(target.url);
    for (const device of [phone, desktop]) {
      assert.equal((await passwordStep(device, customer)).location, '/ib/demo/main');
      assert.equal((await device.request('/ib/demo/transfers')).status, 200);
    }
    const cookies = [phone, desktop].map((device) => device.cookies.get(CUSTOMER_COOKIE)!);

    // 利用一時停止 at the console: immediate, one operator (no second person: seed 002).
    const teller = await signInOperator(target, 'demo', 'teller');
    const suspended = await startCustomerAction(teller, customer.contractId, 'suspend', { requestFormNo: 'R-2026-0042', reason: 'スマートフォン紛失の届出' });
    assert.equal(suspended.status, 303);
    assert.equal(suspended.location, `/branch/demo/customers/${customer.contractId}?done=suspended`);

    // Read back: the sessions are gone at once, not at the next click.
    const left = await target.bankDatabase().db.selectFrom('sessions').select('id_hash').where('institution', '=', 'demo').where('contract_id', '=', customer.contractId).execute();
    assert.deepEqual(left, []);
    for (const [i, device] of [phone, desktop].entries()) {
      const click = await device.request(i === 0 ? '/ib/demo/transfers/new' : '/ib/demo/main');
      assert.equal(click.status, 303);
      assert.equal(click.location, '/ib/demo/?ended=suspended');
      const notice = await device.request(click.location);
      assert.equal(notice.status, 200);
      assert.ok(notice.body.includes('インターネットバンキングのご利用を一時停止しました。'), 'the login page says why');
      assertNothingSignedIn(notice, signedInMarkers('demo', customer), 'after the suspension');
      // A copy of the cookie is just as dead (the form POST too).
      const copy = await browserWith(target, { [CUSTOMER_COOKIE]: cookies[i]! }).request('/ib/demo/transfers/limit', { form: { limitManYen: '1' } });
      assert.equal(copy.status, 303);
    }

    // Signing in again: refused exactly as a wrong password is (enumeration file: in depth).
    const normalised = (answer: Answer, contractId: string) => `${answer.status} ${answer.location}\n${answer.body.replace(/name="csrf" value="[^"]*"/g, '').replaceAll(contractId, '<id>')}`;
    const again = await passwordStep(new Outsider(target.url), customer);
    const wrongOfSuspended = await passwordStep(new Outsider(target.url), customer, 'Mamori-2025');
    const wrongOfActive = await passwordStep(new Outsider(target.url), other, 'Mamori-2025');
    assert.equal(again.status, 401);
    assert.deepEqual(again.setCookies, []);
    assert.equal(normalised(again, customer.contractId), normalised(wrongOfSuspended, customer.contractId));
    assert.equal(normalised(again, customer.contractId), normalised(wrongOfActive, other.contractId));
    assert.doesNotMatch(again.body, /停止/);
  });

  it('a sign-in in flight while the branch suspends the contract does not outlive the suspension', async () => {
    // Found by this suite: the session used to be issued after the suspension had ended every
    // session, and lived on (its main page showed). Fixed: holdWhileSignInAllowed (src/identity/step-up.ts).
    const teller = await signInOperator(target, 'sample', 'teller');
    for (const delayMs of [0, 5, 15, 30]) await raceSignInWithSuspension(target, { customer: target.customer('sample'), operator: teller, delayMs });
  });

  it('leaves the books balanced and the audit chains intact', async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});

// The session lives in the database, not in a process: whatever ends it in one process ends it
// in every other, and a pre-login session is no more use at the next process than at the first.
describe('sessions under attack across two bank processes (split deployment, PostgreSQL)', { skip: skipReason('postgres') }, () => {
  let target: Target;
  let routes: Route[];
  let first: string;
  let second: string;

  before(async () => {
    target = await startTarget({ dialect: 'postgres', deployment: 'split', customersPerInstitution: 5 });
    routes = await routeTable('all');
    [first, second] = target.bankUrls as [string, string];
  });

  after(async () => {
    await target?.stop();
  });

  it("the password step's cookie from one process reaches nothing signed in at the other", async () => {
    const customer = target.customer('demo');
    await customerWithToken(target, customer);
    const attacker = new Outsider(first);
    assert.equal((await passwordStep(attacker, customer)).location, '/ib/demo/login/otp');
    const cookies = cookieJar(attacker, CUSTOMER_COOKIE, 'mamori_pre');
    const otpPage = await browserWith(target, Object.fromEntries(cookies), second).request('/ib/demo/login/otp');
    assert.equal(otpPage.status, 200, 'the session is known to the other process');
    await sweep(target, routes, { slug: 'demo', stage: 'password_verified', cookies, csrfTokens: [csrfOf(otpPage.body)], customer, params: realParams(customer), baseUrl: second });
  });

  it('logout at one process, an idle timeout and a suspension end the session at the other', async () => {
    const [leaving, idling, suspendedOne] = [target.customer('demo'), target.customer('demo'), target.customer('demo')];

    const a = new Outsider(first);
    assert.equal((await passwordStep(a, leaving)).location, '/ib/demo/main');
    const aCookie = a.cookies.get(CUSTOMER_COOKIE)!;
    const atSecond = browserWith(target, { [CUSTOMER_COOKIE]: aCookie }, second);
    const main = await atSecond.request('/ib/demo/main');
    assert.equal(main.status, 200);
    assert.equal((await atSecond.request('/ib/demo/logout', { form: { csrf: csrfOf(main.body) } })).location, '/ib/demo/?logout=1');
    const replay = await browserWith(target, { [CUSTOMER_COOKIE]: aCookie }, first).request('/ib/demo/main');
    assert.equal(replay.status, 303);
    assert.equal(replay.location, '/ib/demo/');

    // How the suite waits: the row is aged (see the file comment).
    const b = new Outsider(first);
    assert.equal((await passwordStep(b, idling)).location, '/ib/demo/main');
    await ageSession(target, b.cookies.get(CUSTOMER_COOKIE)!, { idleMs: IDLE_MS + 1000 });
    const idle = await browserWith(target, { [CUSTOMER_COOKIE]: b.cookies.get(CUSTOMER_COOKIE)! }, second).request('/ib/demo/main');
    assert.equal(idle.location, '/ib/demo/?timeout=1');

    const c = new Outsider(second);
    assert.equal((await passwordStep(c, suspendedOne)).location, '/ib/demo/main');
    const teller = await signInOperator(target, 'demo', 'teller');
    const suspended = await startCustomerAction(teller, suspendedOne.contractId, 'suspend', { requestFormNo: 'R-2026-0043', reason: '不正利用の疑い' });
    assert.equal(suspended.location, `/branch/demo/customers/${suspendedOne.contractId}?done=suspended`);
    const click = await c.request('/ib/demo/transfers');
    assert.equal(click.location, '/ib/demo/?ended=suspended');
    assert.ok((await c.request(click.location)).body.includes('インターネットバンキングのご利用を一時停止しました。'));
  });

  it('a sign-in in flight at one process while the console of the other suspends the contract does not outlive it', async () => {
    const teller = await signInOperator(target, 'sample', 'teller');
    for (const delayMs of [0, 10]) await raceSignInWithSuspension(target, { customer: target.customer('sample'), operator: teller, delayMs, loginUrl: second });
  });

  it('leaves the books balanced and the audit chains intact', async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});
