// Attack: malformed input meant to crash a handler (a 500 leaks that something broke and may
// leave a half-done change), to smuggle SQL, or to slip past validation with repeated fields,
// control characters, huge values or digits of other scripts. Every form must answer with a
// clear message on the form (4xx) and change nothing; full-width and Arabic-Indic digits in ID,
// code and serial fields are understood as the digits they are.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { STEP_MS } from '../../../test/support/authority/authority-testing.js';
import { findCustomer } from '../../banking/customers.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { confirmationFields, createBankHarness, DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';

const FULL_WIDTH = (text: string) => text.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const ARABIC_INDIC = (text: string) => text.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));

const NASTY: (string | string[])[] = [
  '',
  ' ',
  'x'.repeat(5000),
  "1' OR '1'='1",
  "'; DROP TABLE customers; --",
  '1000000001\u0000',
  '\u0007\u001b[31m',
  '１０００００００００１',
  '١٠٠٠٠٠٠٠٠١',
  ['1000000001', '1000000002'],
  '<script>alert(1)</script>',
  '\ud800',
];

for (const dialect of DIALECTS) {
  describe(`bad input on every form [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createBankHarness(dialect); });
    afterEach(() => h.close());

    async function atStage(path: 'login/otp' | 'register/token' | 'deregister/token' | 'exchange/current', slug = 'demo'): Promise<FormClient> {
      const base = `/ib/${slug}/`;
      const c = h.client();
      const entry = path === 'login/otp' ? 'login' : path.split('/')[0]!;
      await c.get(entry === 'login' ? base : `${base}${entry}`);
      const r = await c.post(`${base}${entry}`, { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(r.headers.location, `${base}${path}`);
      await c.follow(r);
      return c;
    }

    async function registerFor(slug = 'demo') {
      const token = await h.token();
      const c = await atStage('register/token', slug);
      const done = await c.post(`/ib/${slug}/register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(c.lastHtml) });
      assert.match(done.body, /利用開始が完了しました/);
      h.clock.advance(STEP_MS);
      return token;
    }

    it('login and the first step of each flow: never a 500, always a message on the form', async () => {
      for (const path of ['login', 'register', 'deregister', 'exchange']) {
        for (const contractId of NASTY) {
          for (const loginPassword of [NASTY[0]!, NASTY[2]!, NASTY[5]!, ['a', 'b']]) {
            const c = h.client();
            await c.get(path === 'login' ? '/ib/demo/' : `/ib/demo/${path}`);
            const r = await c.post(`/ib/demo/${path}`, { contractId, loginPassword });
            assert.ok(r.statusCode === 400 || r.statusCode === 401, `${path} ${JSON.stringify(contractId).slice(0, 30)}: ${r.statusCode}`);
            assert.match(r.body, /role="alert"/);
            assert.doesNotMatch(r.body, /<script>alert/);
          }
        }
      }
      assert.equal((await h.database.db.selectFrom('sessions').selectAll().execute()).length, 0);
      const customers = await h.database.db.selectFrom('customers').select('contract_id').execute();
      assert.equal(customers.length, 4);
    });

    it('names the problem of each field', async () => {
      const c = h.client();
      await c.get('/ib/demo/');
      const missing = await c.post('/ib/demo/login', {});
      assert.match(missing.body, /契約者IDを入力してください/);
      assert.match(missing.body, /ログインパスワードを入力してください/);
      const repeated = await c.post('/ib/demo/login', { contractId: ['1000000001', '1000000002'], loginPassword: 'x' });
      assert.match(repeated.body, /契約者IDが複数送信されました/);
      const short = await c.post('/ib/demo/login', { contractId: '12345', loginPassword: 'x' });
      assert.match(short.body, /契約者IDは10桁の数字で入力してください/);
      const control = await c.post('/ib/demo/login', { contractId: DEMO.contractId, loginPassword: 'a\u0001b' });
      assert.match(control.body, /ログインパスワードに使用できない文字が含まれています/);
      const long = await c.post('/ib/demo/login', { contractId: DEMO.contractId, loginPassword: 'x'.repeat(200) });
      assert.match(long.body, /ログインパスワードが長すぎます/);
    });

    it('understands full-width and Arabic-Indic digits in the contract ID; passwords are exact', async () => {
      for (const contractId of [FULL_WIDTH(DEMO.contractId), ARABIC_INDIC(DEMO.contractId), '1000-000 001']) {
        const c = h.client();
        await c.get('/ib/demo/');
        const r = await c.post('/ib/demo/login', { contractId, loginPassword: DEMO.password });
        assert.equal(r.headers.location, '/ib/demo/main', contractId);
      }
      for (const loginPassword of [DEMO.password.toLowerCase(), ` ${DEMO.password}`, FULL_WIDTH(DEMO.password)]) {
        const c = h.client();
        await c.get('/ib/demo/');
        assert.equal((await c.post('/ib/demo/login', { contractId: DEMO.contractId, loginPassword })).statusCode, 401, loginPassword);
      }
    });

    it('understands full-width codes and serials typed with spaces, hyphens and lower case', async () => {
      const token = await h.token();
      const c = await atStage('register/token', 'sample');
      const serial = FULL_WIDTH(`${token.serial.slice(0, 4).toLowerCase()}-${token.serial.slice(4, 8)} ${token.serial.slice(8)}`);
      const positions = confirmationFields(c.lastHtml);
      const fullWidthPositions = Object.fromEntries(Object.entries(positions).map(([k, v]) => [k, FULL_WIDTH(v)]));
      const done = await c.post('/ib/sample/register/token', { serial, code: ARABIC_INDIC(token.codeAt(h.clock.nowMs())), ...fullWidthPositions });
      assert.match(done.body, /ワンタイムパスワードの利用開始が完了しました/);
      h.clock.advance(STEP_MS);
      const l = await atStage('login/otp', 'sample');
      const ok = await l.post('/ib/sample/login/otp', { code: FULL_WIDTH(token.codeAt(h.clock.nowMs())) });
      assert.equal(ok.headers.location, '/ib/sample/main');
    });

    it('the token forms: never a 500, a message on the form, and no counter moves for malformed codes', async () => {
      await registerFor('demo');
      const forms: { path: 'login/otp' | 'deregister/token' | 'exchange/current'; fields: (v: string | string[]) => Record<string, string | string[]> }[] = [
        { path: 'login/otp', fields: (v) => ({ code: v }) },
        { path: 'deregister/token', fields: (v) => ({ code: v, confirmationPassword: v }) },
        { path: 'exchange/current', fields: (v) => ({ code: v }) },
      ];
      for (const form of forms) {
        const c = await atStage(form.path);
        for (const value of NASTY) {
          const r = await c.post(`/ib/demo/${form.path}`, form.fields(value));
          assert.equal(r.statusCode, 400, `${form.path} ${JSON.stringify(value).slice(0, 30)}: ${r.statusCode}`);
          assert.match(r.body, /role="alert"/);
        }
      }
      const c = await atStage('register/token', 'sample');
      const csrf = c.csrf()!; // kept: a 413 page has no form to read it from
      const form = c.lastHtml;
      for (const value of NASTY) {
        const r = await c.post('/ib/sample/register/token', { serial: value, code: value, position1: value, position2: value }, { csrf });
        assert.ok(r.statusCode === 400 || r.statusCode === 413, String(r.statusCode)); // 4 × 5,000 characters pass the body limit
      }
      const badCheck = await c.post('/ib/sample/register/token', { serial: 'MMOB12345670', code: '123456', ...confirmationFields(form) }, { csrf });
      assert.match(badCheck.body, /シリアル番号に誤りがあります|シリアル番号またはワンタイムパスワードが正しくありません/);
      const customer = await findCustomer(h.database.db, 'demo', DEMO.contractId);
      assert.equal(customer!.otp_failures, 0);
      assert.equal(customer!.password_failures, 0);
    });

    it('random field values never produce a 500 (property)', async () => {
      const c = h.client();
      await c.get('/ib/demo/');
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 40, unit: 'binary' }), async (contractId, loginPassword) => {
          const r = await c.post('/ib/demo/login', { contractId, loginPassword });
          return r.statusCode < 500;
        }),
        { numRuns: 60 },
      );
    });

    it('reads only forms: a JSON or text body is a 415 page even with a valid CSRF token and the right credentials', async () => {
      // Found by the attack suite (test/security/bad-input-bank.test.ts): the app's JSON parser
      // reached the pages, so a JSON body carrying the CSRF token was read as if it were a form.
      const c = h.client();
      await c.get('/ib/demo/');
      const cookie = `mamori_pre=${c.cookie('mamori_pre')}`;
      const fields = { csrf: c.csrf(), contractId: DEMO.contractId, loginPassword: DEMO.password };
      const json = await h.app.inject({ method: 'POST', url: '/ib/demo/login', payload: JSON.stringify(fields), headers: { 'content-type': 'application/json', cookie } });
      assert.equal(json.statusCode, 415);
      assert.match(json.body, /role="alert"/);
      assert.equal(json.headers.location, undefined);
      const text = await h.app.inject({ method: 'POST', url: '/ib/demo/login', payload: new URLSearchParams(fields as Record<string, string>).toString(), headers: { 'content-type': 'text/plain', cookie } });
      assert.equal(text.statusCode, 415);
      assert.equal((await h.database.db.selectFrom('sessions').selectAll().execute()).length, 0);
      const form = await c.post('/ib/demo/login', { contractId: DEMO.contractId, loginPassword: DEMO.password });
      assert.equal(form.headers.location, '/ib/demo/main', 'the same fields as a form still sign in');
    });

    it('an oversized body, JSON or an unknown content type get a page, not a 500', async () => {
      const c = h.client();
      await c.get('/ib/demo/');
      const huge = await c.post('/ib/demo/login', { contractId: DEMO.contractId, loginPassword: 'x'.repeat(40_000) });
      assert.equal(huge.statusCode, 413);
      assert.match(huge.body, /入力内容が長すぎます/);
      for (const contentType of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
        const r = await h.app.inject({ method: 'POST', url: '/ib/demo/login', payload: '{"contractId":1}', headers: { 'content-type': contentType } });
        assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${contentType}: ${r.statusCode}`);
      }
      const badPercent = await h.app.inject({ method: 'POST', url: '/ib/demo/login', payload: 'contractId=%E0%A4%A&csrf=%', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.ok(badPercent.statusCode >= 400 && badPercent.statusCode < 500, String(badPercent.statusCode));
    });
  });
}
