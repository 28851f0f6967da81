// Cross-site sign-out, in a real browser (Playwright + Debian Chromium) against a real
// `mamori serve all`: a customer signed in at http://127.0.0.1:PORT/ib/demo/ and an operator at
// /branch/demo/, then a page of another origin (http://127.0.0.2:PORT2/, loopback too) makes the
// same browser navigate to every bank-site and console URL of `mamori routes` and auto-submit a
// form to every POST route — what a link or an auto-submitting form on any web page does. The
// browser sends no cookie of the bank with them (SameSite=Strict); the answers must not clear
// the session either: afterwards the customer's main page and the operator's home still load,
// the daily limit the forged form aimed at is unchanged and no audit record was written.
// The HTTP-level version is test/security/cross-site-sign-out.test.ts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { signInOperator } from '../security/console.js';
import { concretePath, siteRoutes, type Route } from '../security/route-table.js';
import { startTarget, type Customer, type Target } from '../security/target.js';

const ATTACKER_HOST = '127.0.0.2';

/** The fields a forged form sends: the ones the real forms have, with made-up values. */
const FORGED_FIELDS: Record<string, string> = {
  csrf: 'x'.repeat(43),
  limitManYen: '1',
  amount: '1000',
  bank: '0001',
  branch: '001',
  accountNumber: '1234567',
  payeeName: 'ｶﾀﾞｲ',
  code: '123456',
  reason: 'cross-site',
  login: 'teller',
  password: 'x',
};

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The attacker's site: /go?method=…&url=… navigates (GET) or auto-submits a form (POST) to url. */
function startAttackerSite(): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${ATTACKER_HOST}`);
    const target = url.searchParams.get('url') ?? '';
    const method = url.searchParams.get('method') ?? 'GET';
    const body =
      method === 'GET'
        ? `<script>location.href = ${JSON.stringify(target)};</script>`
        : `<form method="post" action="${escapeHtml(target)}">${Object.entries(FORGED_FIELDS)
            .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
            .join('')}</form><script>document.forms[0].submit();</script>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><body><p>Cute cats</p>${body}</body></html>`);
  });
  return new Promise((resolve) => server.listen(0, ATTACKER_HOST, () => resolve(server)));
}

describe('cross-site sign-out in a real browser: another site cannot end a session', () => {
  let target: Target;
  let attackerSite: Server;
  let attackerUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let routes: Route[];
  let customer: Customer;

  const auditLength = async () => Number((await target.bankDatabase().db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
  const limitRows = () => target.bankDatabase().db.selectFrom('transfer_limits').selectAll().where('contract_id', '=', customer.contractId).execute();

  before(async () => {
    target = await startTarget();
    attackerSite = await startAttackerSite();
    attackerUrl = `http://${ATTACKER_HOST}:${(attackerSite.address() as AddressInfo).port}`;
    routes = await siteRoutes();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext();
    page = await context.newPage();
    customer = target.customer('demo');
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => attackerSite?.close(resolve));
    const check = await target?.check();
    await target?.stop();
    assert.ok(check === undefined || check.ok, check?.report);
  });

  async function signedInPages(): Promise<void> {
    await page.goto(`${target.url}/ib/demo/main`);
    assert.equal(new URL(page.url()).pathname, '/ib/demo/main', 'the customer is still signed in');
    await page.getByRole('button', { name: 'ログアウト', exact: true }).waitFor();
    await page.goto(`${target.url}/branch/demo/home`);
    assert.equal(new URL(page.url()).pathname, '/branch/demo/home', 'the operator is still signed in');
    assert.ok((await page.locator('body').innerText()).includes('teller'));
  }

  it('signed in on 127.0.0.1; a page on 127.0.0.2 navigates and posts to every URL; both sessions survive and nothing changed', async () => {
    // The customer signs in through the pages; the operator's console session (password + OTP
    // enrolment through the HTTP helper) is put in the same browser as the cookie it was issued.
    await page.goto(`${target.url}/ib/demo/`);
    await page.getByLabel('契約者ID', { exact: true }).fill(customer.contractId);
    await page.getByLabel('ログインパスワード', { exact: true }).fill(customer.loginPassword);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.getByRole('button', { name: 'ログアウト', exact: true }).waitFor();
    const operator = await signInOperator(target, 'demo', 'teller');
    await context.addCookies([
      { name: 'mamori_branch', value: operator.outsider.cookies.get('mamori_branch')!, domain: '127.0.0.1', path: '/branch/demo/', httpOnly: true, sameSite: 'Strict' },
    ]);
    await signedInPages();
    const cookiesBefore = (await context.cookies([`${target.url}/ib/demo/`, `${target.url}/branch/demo/`])).filter((c) => c.name === 'mamori_session' || c.name === 'mamori_branch');
    assert.equal(cookiesBefore.length, 2);
    const [auditBefore, limitBefore] = [await auditLength(), await limitRows()];

    const visited: string[] = [];
    for (const route of routes) {
      const url = `${target.url}${concretePath(route, customer.contractId)}`;
      await page.goto(`${attackerUrl}/go?${new URLSearchParams({ method: route.method, url }).toString()}`);
      // The attacker's page leaves for the bank: wait until the bank's answer has loaded. The idle
      // warning's keep-alive answers a request without the session cookie 401 with no body, which
      // Chromium shows as its own error page (chrome-error://), not as a page of the bank's origin.
      const bodiless = route.method === 'GET' && route.url === '/ib/:slug/session/keep-alive';
      await page.waitForURL((u) => u.origin === target.url || (bodiless && u.protocol === 'chrome-error:'), { waitUntil: 'load' });
      visited.push(`${route.method} ${route.url}`);
      const cookies = (await context.cookies([`${target.url}/ib/demo/`, `${target.url}/branch/demo/`])).filter((c) => c.name === 'mamori_session' || c.name === 'mamori_branch');
      assert.deepEqual(
        cookies.map((c) => [c.name, c.value]),
        cookiesBefore.map((c) => [c.name, c.value]),
        `after ${route.method} ${url} from ${attackerUrl}: the session cookies are still there`,
      );
    }
    assert.ok(visited.some((v) => v === 'POST /ib/:slug/transfers/limit') && visited.some((v) => v === 'GET /ib/:slug/main'), 'the sweep covered the issue\'s examples');
    assert.ok(visited.some((v) => v.includes('/branch/')), 'and the console');

    await signedInPages();
    assert.equal(await auditLength(), auditBefore, 'no audit record written: nothing changed');
    assert.deepEqual(await limitRows(), limitBefore, 'the daily limit is unchanged');
  });
});
