// Attack: malformed and hostile input at the branch console (/branch/<slug>/…), before sign-in
// by anyone and after it by an operator's browser that an attacker drives (a malicious page in
// another tab, a tampered request, a curious teller): SQL and LIKE wildcards in the customer
// search (`' OR 1=1 --`, `%`, `_`) hoping to list every customer, SQL and CRLF in operator IDs,
// passwords, contract IDs in paths and the written-request fields (届出番号, reason), markup
// hoping to be echoed into a page an approving supervisor opens, malformed one-time passwords
// at the operator's enrolment hoping to count toward the operator's lock, bodies that are not
// forms, broken %-escapes, over-long paths and `__proto__` keys.
//
// DESIGN §5: a clear 4xx (the field's own message, the console's error page, or the app's coded
// JSON for what never reaches a page), never a 500, and nothing changed: no customer suspended
// or unlocked, no proposal, no operator counter moved, no audit record — read back through the
// bank's own view of the database. A search is a read: it answers 200 with what matches the
// text literally (the LIKE wildcards are escaped in src/branch/customer-status.ts), or a 400
// with the search hint for what is no search text.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { skipReason } from '../support/db/testing.js';
import { alertText, assertUnchanged, attackedSite, fieldError, jsonError, SCRIPT_PAYLOADS, snapshot, type AnswerLog, type AttackedSite } from './bad-input-support.js';
import { csrfOf, newToken, Outsider } from './outsider.js';
import type { Target } from './target.js';

const BASE = '/branch/demo/';
const OPERATOR_PASSWORD = 'Mamori-Branch-2026';
const LOGIN_FAILED = 'オペレーターIDまたはパスワードが正しくありません。';
const MISSING = '入力してください。';
const MALFORMED = '形式が正しくありません。';
const TOO_LONG = '長すぎます。';
const CONTROL = '使用できない文字が含まれています。';
const SEARCH_HINT = '契約者ID(10桁)は完全一致、氏名は部分一致で検索します。';
const NO_HITS = '該当するお客様はいません。';
/** The console's page for a request no form of ours sends (415, 403, …). */
const NOT_OUR_FORM = 'お手数ですが、もう一度画面を開き直してから操作してください。';

/** The customers a search page lists (links to their pages). */
const hitsOf = (body: string): string[] => [...body.matchAll(/href="\/branch\/demo\/customers\/(\d{10})"/g)].map((m) => m[1]!);

type Console = AttackedSite;

/** The teller signs in for the first time: password, then enrolment of a token of their own. */
async function signInTeller({ target, log }: Console): Promise<Outsider> {
  const teller = new Outsider(target.url);
  const step = await log.send(teller, `${BASE}login`, { form: { csrf: csrfOf((await teller.request(BASE)).body), login: 'teller', password: OPERATOR_PASSWORD } }, 'teller sign-in');
  assert.equal(step.location, `${BASE}login/enrol`);
  const csrf = csrfOf((await teller.request(`${BASE}login/enrol`)).body);
  const codes = await newToken(target);
  const done = await log.send(teller, `${BASE}login/enrol`, { form: { csrf, serial: codes.serial, code: await codes.next() } }, 'enrol');
  assert.equal(done.location, `${BASE}home`, `${done.status} ${done.body.slice(0, 200)}`);
  return teller;
}

/** The sign-in form, before any session: hostile operator IDs and passwords. */
async function hostileSignIn({ target, log }: Console): Promise<void> {
  const outsider = new Outsider(target.url);
  const csrf = csrfOf((await outsider.request(BASE)).body);
  const before = await snapshot(target);
  const logins: [string, string | readonly string[], number, string | undefined][] = [
    ["' OR 1=1 --", "' OR 1=1 --", 401, undefined],
    ["teller' --", "teller' --", 401, undefined],
    ["admin'/*", "admin'/*", 401, undefined],
    ['%0d%0aLocation: https://evil.example', '%0d%0aLocation: https://evil.example', 401, undefined],
    ['markup', SCRIPT_PAYLOADS[0], 401, undefined],
    ['a right-to-left override', '\u202eteller', 401, undefined],
    ['CRLF and a Set-Cookie', 'teller\r\nSet-Cookie: x=1', 400, CONTROL],
    ['a NUL byte', 'teller\u0000', 400, CONTROL],
    ['1,000 characters', 'あ'.repeat(1000), 400, TOO_LONG],
    ['duplicated', ['teller', 'supervisor'], 400, MALFORMED],
    ['empty', '', 400, MISSING],
  ];
  for (const [label, login, status, message] of logins) {
    const answer = await log.send(outsider, `${BASE}login`, { form: { csrf, login, password: "' OR '1'='1" } }, `login ${label}`);
    assert.equal(answer.status, status, `login ${label}: ${answer.status}`);
    if (message === undefined) assert.ok(alertText(answer.body).includes(LOGIN_FAILED), label);
    else assert.equal(fieldError(answer.body, 'login'), message, label);
  }
  // Passwords that are no password, for the real teller: refused by shape, never counted.
  for (const [label, password, message] of [
    ['CRLF', 'x\r\nSet-Cookie: x=1', CONTROL],
    ['NUL', `${OPERATOR_PASSWORD}\u0000`, CONTROL],
    ['129 characters', 'x'.repeat(129), TOO_LONG],
    ['duplicated', [OPERATOR_PASSWORD, OPERATOR_PASSWORD], MALFORMED],
  ] as const) {
    const answer = await log.send(outsider, `${BASE}login`, { form: { csrf, login: 'teller', password } }, `password ${label}`);
    assert.equal(answer.status, 400, `password ${label}: ${answer.status}`);
    assert.equal(fieldError(answer.body, 'password'), message, label);
  }
  assertUnchanged(before, await snapshot(target), 'operator sign-in');
}

/** The customer search of a signed-in teller. */
async function hostileSearches({ target, log }: Console, teller: Outsider): Promise<void> {
  const before = await snapshot(target);
  const search = (q: string) => `${BASE}customers?q=${encodeURIComponent(q)}`;
  // The search works: part of the pool's names finds them.
  const real = await log.send(teller, search('攻撃'), {}, 'a real search');
  assert.equal(real.status, 200);
  assert.ok(hitsOf(real.body).length >= 2, 'the pool customers are found by part of their name');
  for (const q of ["' OR 1=1 --", "1000000001' OR '1'='1", "%' OR name LIKE '%", '%', '_', '%%', '\\', "'; drop table customers; --", SCRIPT_PAYLOADS[0], '\u202e攻撃', '攻撃%']) {
    const answer = await log.send(teller, search(q), {}, `search ${q}`);
    assert.equal(answer.status, 200, `search ${q}: ${answer.status}`);
    assert.deepEqual(hitsOf(answer.body), [], `search ${q} lists nobody`);
    assert.ok(answer.body.includes(NO_HITS), `search ${q}`);
  }
  const echoed = await log.send(teller, search(SCRIPT_PAYLOADS[0]), {}, 'echo');
  assert.ok(echoed.body.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'), 'the search text is echoed escaped');
  for (const [label, query] of [
    ['CRLF', `q=${encodeURIComponent('攻撃\r\nSet-Cookie: x=1')}`],
    ['NUL', 'q=%00'],
    ['41 characters', `q=${'a'.repeat(41)}`],
    ['duplicated', 'q=a&q=b'],
  ] as const) {
    const answer = await log.send(teller, `${BASE}customers?${query}`, {}, `search ${label}`);
    assert.equal(answer.status, 400, `search ${label}: ${answer.status}`);
    assert.ok(alertText(answer.body).includes(SEARCH_HINT), `search ${label}: ${alertText(answer.body)}`);
  }
  // Brackets mean nothing to the query parser: `q[]` and `q[__proto__]` are other keys, and no search is made.
  for (const query of ['q[]=%25', 'q[__proto__]=%25', '__proto__[q]=%25']) {
    const answer = await log.send(teller, `${BASE}customers?${query}`, {}, `search ${query}`);
    assert.equal(answer.status, 200, `search ${query}: ${answer.status}`);
    assert.deepEqual(hitsOf(answer.body), [], `search ${query} lists nobody`);
  }
  assertUnchanged(before, await snapshot(target), 'customer search');
}

describe('bad input at the branch console [sqlite]', () => {
  let target: Target;
  let log: AnswerLog;
  /** The teller's browser, signed in (enrolled at the first sign-in). */
  let teller: Outsider;

  // Started before the tests, stopped after them; after each group the bank's own checks pass
  // and no answer so far was a 5xx.
  const site = attackedSite({ customersPerInstitution: 2 });
  before(() => {
    ({ target, log } = site);
  });

  it('the operator sign-in: SQL, CRLF, NUL, markup and long Unicode in the ID and the password', async () => {
    await hostileSignIn({ target, log });
  });

  it("the operator's enrolment: malformed codes are form errors, never counted; then the teller enrols", async () => {
    teller = new Outsider(target.url);
    const step = await log.send(teller, `${BASE}login`, { form: { csrf: csrfOf((await teller.request(BASE)).body), login: 'teller', password: OPERATOR_PASSWORD } }, 'teller sign-in');
    assert.equal(step.location, `${BASE}login/enrol`);
    const csrf = csrfOf((await teller.request(`${BASE}login/enrol`)).body);
    const tellerCodes = await newToken(target);
    const before = await snapshot(target);
    for (const [label, code, message] of [
      ['five digits', '12345', MALFORMED],
      ['trailing newline', '123456\n', CONTROL],
      ['SQL', "' OR 1=1 --", MALFORMED],
      ['markup', SCRIPT_PAYLOADS[0], MALFORMED],
      ['a JSON-looking number', '1.23456e5', MALFORMED],
      ['duplicated', ['123456', '123456'], MALFORMED],
      ['65 characters', '1'.repeat(65), TOO_LONG],
    ] as const) {
      const answer = await log.send(teller, `${BASE}login/enrol`, { form: { csrf, serial: tellerCodes.serial, code } }, `enrol ${label}`);
      assert.equal(answer.status, 400, `enrol ${label}: ${answer.status}`);
      assert.equal(fieldError(answer.body, 'code'), message, label);
    }
    for (const [label, serial] of [['SQL', "' OR 1=1 --"], ['CRLF', `${tellerCodes.serial}\r\n`], ['markup', SCRIPT_PAYLOADS[1]]] as const) {
      const answer = await log.send(teller, `${BASE}login/enrol`, { form: { csrf, serial, code: '123456' } }, `enrol serial ${label}`);
      assert.equal(answer.status, 400, `enrol serial ${label}: ${answer.status}`);
      assert.ok(fieldError(answer.body, 'serial'), label);
    }
    // Nothing bound, no operator counter moved (operators.otp_failures), nothing audited.
    assertUnchanged(before, await snapshot(target), 'enrolment');
    const done = await log.send(teller, `${BASE}login/enrol`, { form: { csrf, serial: tellerCodes.serial, code: await tellerCodes.next() } }, 'enrol');
    assert.equal(done.location, `${BASE}home`, `${done.status} ${done.body.slice(0, 200)}`);
  });

  it('the customer search: SQL and LIKE wildcards match nothing, markup is echoed escaped, what is no search text gets the hint', async () => {
    await hostileSearches({ target, log }, teller);
  });

  it('contract IDs in paths and the written request of an action: SQL, CRLF, markup and long text suspend no one', async () => {
    const customer = target.customer('demo');
    const page = await log.send(teller, `${BASE}customers/${customer.contractId}`, {}, 'customer page');
    assert.equal(page.status, 200);
    const csrf = csrfOf(page.body);
    const before = await snapshot(target);
    for (const id of [`${customer.contractId}' OR '1'='1`, "' OR 1=1 --", `${customer.contractId}%00`, `${customer.contractId}/../1000000001`]) {
      const answer = await log.send(teller, `${BASE}customers/${encodeURIComponent(id)}`, {}, `customer ${id}`);
      assert.equal(answer.status, 404, `customer ${id}: ${answer.status}`);
      assert.ok(answer.body.includes(NO_HITS), `customer ${id}`);
      const action = await log.send(teller, `${BASE}customers/${encodeURIComponent(id)}/actions/suspend`, { form: { csrf, requestFormNo: 'R-1', reason: 'attack' } }, `suspend ${id}`);
      assert.equal(action.status, 404, `suspend ${id}: ${action.status}`);
    }
    const unknownAction = await log.send(teller, `${BASE}customers/${customer.contractId}/actions/${encodeURIComponent("suspend' OR 1=1 --")}`, { form: { csrf, requestFormNo: 'R-1', reason: 'attack' } }, 'an unknown action');
    assert.equal(unknownAction.status, 404);
    const action = `${BASE}customers/${customer.contractId}/actions/suspend`;
    const cases: [string, Record<string, string | readonly string[]>, string, string][] = [
      ['SQL as the form number', { requestFormNo: "' OR 1=1 --", reason: 'attack' }, 'requestFormNo', '英数字とハイフンで24文字までで入力してください。'],
      ['CRLF in the form number', { requestFormNo: 'R-1\r\nSet-Cookie: x=1', reason: 'attack' }, 'requestFormNo', '英数字とハイフンで24文字までで入力してください。'],
      ['markup as the form number', { requestFormNo: SCRIPT_PAYLOADS[0], reason: 'attack' }, 'requestFormNo', '英数字とハイフンで24文字までで入力してください。'],
      ['a 100-character form number', { requestFormNo: 'R'.repeat(100), reason: 'attack' }, 'requestFormNo', '英数字とハイフンで24文字までで入力してください。'],
      ['duplicated form numbers', { requestFormNo: ['R-1', 'R-2'], reason: 'attack' }, 'requestFormNo', MISSING],
      ['CRLF in the reason', { requestFormNo: 'R-1', reason: 'x\r\nSet-Cookie: x=1' }, 'reason', CONTROL],
      ['NUL in the reason', { requestFormNo: 'R-1', reason: "x'\u0000; drop table customers; --" }, 'reason', CONTROL],
      ['201 characters of reason', { requestFormNo: 'R-1', reason: 'あ'.repeat(201) }, 'reason', '200文字以内で入力してください。'],
      ['no reason', { requestFormNo: 'R-1' }, 'reason', MISSING],
      ['duplicated reasons', { requestFormNo: 'R-1', reason: ['a', 'b'] }, 'reason', MISSING],
    ];
    for (const [label, fields, field, message] of cases) {
      const answer = await log.send(teller, action, { form: { csrf, ...fields } }, label);
      assert.equal(answer.status, 400, `${label}: ${answer.status}`);
      assert.equal(fieldError(answer.body, `${field}-suspend`), message, label);
    }
    // Markup typed into the form comes back escaped, for this teller and for nobody else.
    const echoed = await log.send(teller, action, { form: { csrf, requestFormNo: SCRIPT_PAYLOADS[0], reason: SCRIPT_PAYLOADS[1] } }, 'echo');
    assert.ok(echoed.body.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'));
    // Not suspended, no proposal, no audit record: every table as it was.
    assertUnchanged(before, await snapshot(target), 'customer actions');
  });

  it('bodies that are not forms, wrong methods, broken %-escapes, over-long paths and __proto__ keys', async () => {
    const outsider = new Outsider(target.url);
    const csrf = csrfOf((await outsider.request(BASE)).body);
    const before = await snapshot(target);
    for (const [label, body, contentType] of [
      ['JSON with the token and the right password', JSON.stringify({ csrf, login: 'supervisor', password: OPERATOR_PASSWORD }), 'application/json'],
      ['multipart', `--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--x--\r\n`, 'multipart/form-data; boundary=x'],
      ['text/plain', `csrf=${csrf}&login=supervisor&password=${OPERATOR_PASSWORD}`, 'text/plain'],
    ] as const) {
      const answer = await log.send(outsider, `${BASE}login`, { body, contentType }, label);
      assert.equal(answer.status, 415, `${label}: ${answer.status}`);
      assert.ok(alertText(answer.body).includes(NOT_OUR_FORM), `${label}: ${alertText(answer.body)}`);
    }
    for (const method of ['DELETE', 'PUT', 'PATCH']) {
      const answer = await log.send(outsider, `${BASE}login`, { method, form: { csrf } }, `${method} login`);
      assert.equal(answer.status, 404, method);
      assert.equal(jsonError(answer).error, 'not_found');
    }
    for (const path of ['/branch/%E0%A4%A/', `${BASE}customers/%zz`, `${BASE}%`]) {
      const answer = await log.send(outsider, path, {}, path);
      assert.equal(answer.status, 400, path);
      assert.deepEqual(jsonError(answer), { error: 'bad_request', message: 'The request is not valid.' });
    }
    // A path parameter past the router's 100 characters matches no route but the console's own 404 page.
    const long = await log.send(teller, `${BASE}customers/${'1'.repeat(500)}`, {}, 'a 500-digit contract ID');
    assert.equal(long.status, 404);
    assert.ok(!long.body.includes('1'.repeat(101)), 'the path is not echoed');
    const head = await log.send(outsider, `${BASE}${'b'.repeat(70_000)}`, {}, 'a 70,000-character path');
    assert.equal(head.status, 431);
    // Prototype pollution through the query and the form, then proof it did not take: a fresh
    // visitor sees no timeout notice and is not signed in.
    await log.send(outsider, `${BASE}?__proto__[timeout]=1&constructor[prototype][timeout]=1&__proto__.logout=1`, {}, 'polluting query');
    const form = await log.send(outsider, `${BASE}login?__proto__[stage]=signed_in`, { body: `csrf=${csrf}&login=nobody&password=x&__proto__[stage]=signed_in&constructor[prototype][login]=teller`, contentType: 'application/x-www-form-urlencoded' }, 'polluting form');
    assert.equal(form.status, 401);
    const fresh = new Outsider(target.url);
    const login = await log.send(fresh, BASE, {}, 'a fresh visitor');
    assert.doesNotMatch(login.body, /一定時間操作がなかったため|ログアウトしました。/);
    const home = await log.send(fresh, `${BASE}home`, {}, 'home without a session');
    assert.equal(home.status, 303);
    assert.equal(home.location, BASE);
    assertUnchanged(before, await snapshot(target), 'requests that are not the console’s');
  });

  it('afterwards: no operator or customer counter moved, no one suspended', async () => {
    // Read back through the bank's view: fail counters of operators and customers.
    const { db } = target.bankDatabase();
    const operators = await db.selectFrom('operators').select('login').where((eb) => eb.or([eb('otp_failures', '>', 0), eb('password_failures', '>', 0)])).execute();
    const customers = await db.selectFrom('customers').select('contract_id').where((eb) => eb.or([eb('otp_failures', '>', 0), eb('password_failures', '>', 0), eb('status', '!=', 'active')])).execute();
    assert.deepEqual([operators, customers], [[], []]);
  });
});

describe('bad input at the branch console [postgres]: SQL-laden sign-in and searches', { skip: skipReason('postgres') }, () => {
  const site: Console = attackedSite({ dialect: 'postgres', customersPerInstitution: 2 });

  it('the operator sign-in: SQL and control characters change nothing on PostgreSQL', async () => {
    await hostileSignIn(site);
  });

  it('the customer search: SQL and LIKE wildcards (escaped for PostgreSQL too) match nothing', async () => {
    await hostileSearches(site, await signInTeller(site));
  });
});
