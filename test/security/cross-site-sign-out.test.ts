// Attack: signing a customer (or an operator) out from another site. A link or an auto-submitting
// form on any web page makes the victim's browser request a bank-site or console URL; under
// SameSite=Strict the browser sends none of the site's cookies with it. If the answer to such a
// cookie-less request carried `Set-Cookie: mamori_session=; Max-Age=0`, the browser would drop
// the victim's live session — in the middle of a transfer. Only a cookie that the request
// presented, and that named a dead session (unknown, timed out, logged out, ended by the branch),
// may be cleared. This file sends every route of `mamori routes all` under /ib/ and /branch/
// without cookies (GET and POST, with the headers a cross-site navigation has) and asserts that
// no answer sets or clears a session cookie; then that a dead cookie IS cleared and a live one
// at another stage is not. The same attack in a real browser, across two origins, is
// test/e2e/cross-site.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Outsider, passwordStep, signIn, customerWithToken, type Answer } from './outsider.js';
import { signInOperator } from './console.js';
import { concretePath, siteRoutes, type Route } from './route-table.js';
import { startTarget, type Target } from './target.js';

const SESSION_COOKIES = ['mamori_session', 'mamori_branch'] as const;
const CROSS_SITE = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', origin: 'http://127.0.0.2:9' };

function sessionCookieHeaders(answer: Answer): string[] {
  return answer.setCookies.filter((c) => SESSION_COOKIES.some((name) => c.startsWith(`${name}=`)));
}

const clears = (header: string) => /max-age=0|expires=thu, 01 jan 1970/i.test(header);

describe('cross-site sign-out: a request without the session cookie clears no session cookie', () => {
  let target: Target;
  let routes: Route[];

  before(async () => {
    target = await startTarget();
    routes = await siteRoutes();
  });

  after(async () => {
    const check = await target?.check();
    await target?.stop();
    assert.ok(check === undefined || check.ok, check?.report);
  });

  it('no route of the bank site or the console answers a cookie-less request (GET or a form POST) with a session Set-Cookie', async () => {
    const customer = target.customer('demo');
    // A victim signed in at both sites meanwhile: the attacker's requests cannot reach their cookies.
    const victim = await signIn(target, customer, undefined);
    const operator = await signInOperator(target, 'demo', 'teller');
    assert.ok(routes.length > 40, `the route table lists the site (${routes.length} routes)`);
    for (const route of routes) {
      const path = concretePath(route, customer.contractId);
      const attacker = new Outsider(target.url);
      const answer =
        route.method === 'GET'
          ? await attacker.request(path, { headers: CROSS_SITE })
          : await attacker.request(path, { form: { csrf: 'x'.repeat(43), limitManYen: '1', reason: 'cross-site', login: 'teller', password: 'x' }, headers: CROSS_SITE });
      assert.ok(answer.status < 500, `${route.method} ${path}: ${answer.status}`);
      assert.deepEqual(sessionCookieHeaders(answer), [], `${route.method} ${path}: no session cookie set or cleared (${answer.status} ${answer.location ?? ''})`);
    }
    // Both victims are still signed in.
    const main = await victim.request('/ib/demo/main');
    assert.equal(main.status, 200, 'the customer is still signed in');
    assert.ok(main.body.includes('ログアウト'));
    const home = await operator.outsider.request(`${operator.base}home`);
    assert.equal(home.status, 200, 'the operator is still signed in');
  });

  it('a cookie the request presented that names no session (made up, logged out) is cleared, and the login page shown', async () => {
    for (const [name, path, login] of [
      ['mamori_session', '/ib/demo/main', '/ib/demo/'],
      ['mamori_branch', '/branch/demo/home', '/branch/demo/'],
    ] as const) {
      const browser = new Outsider(target.url);
      browser.cookies.set(name, randomBytes(32).toString('base64url'));
      const answer = await browser.request(path);
      assert.equal(answer.status, 303, `${path} with an unknown ${name}`);
      assert.equal(answer.location, login);
      const cleared = answer.setCookies.filter((c) => c.startsWith(`${name}=`));
      assert.equal(cleared.length, 1, `${path}: the dead ${name} is cleared`);
      assert.ok(clears(cleared[0]!), cleared[0]);
    }
    // After logout, the old cookie replayed: cleared again.
    const customer = target.customer('demo');
    const victim = await signIn(target, customer, undefined);
    const cookie = victim.cookies.get('mamori_session')!;
    const main = await victim.request('/ib/demo/main');
    const csrf = /name="csrf" value="([^"]+)"/.exec(main.body)?.[1] ?? '';
    assert.equal((await victim.request('/ib/demo/logout', { form: { csrf } })).status, 303);
    const replay = new Outsider(target.url);
    replay.cookies.set('mamori_session', cookie);
    const answer = await replay.request('/ib/demo/transfers/limit', { form: { csrf, limitManYen: '1' } });
    assert.equal(answer.status, 303);
    assert.ok(answer.setCookies.some((c) => c.startsWith('mamori_session=') && clears(c)), 'the logged-out cookie is cleared');
  });

  it('a live session at another stage keeps its cookie when a page of another stage sends it to the login page', async () => {
    const customer = target.customer('demo');
    await customerWithToken(target, customer);
    const browser = new Outsider(target.url);
    const password = await passwordStep(browser, customer);
    assert.equal(password.location, '/ib/demo/login/otp', 'at the code step');
    const answer = await browser.request('/ib/demo/main');
    assert.equal(answer.status, 303);
    assert.deepEqual(sessionCookieHeaders(answer), [], 'the live session of the code step is not cleared');
    assert.equal((await browser.request('/ib/demo/login/otp')).status, 200, 'and the code step still answers');
  });
});
