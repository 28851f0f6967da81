// Attack: one-time passwords of every wrong shape, typed or forged into each page that asks for
// a code — the login's ワンタイムパスワード step, 利用開始, 利用中止, both steps of 利用登録/交換 and the
// transfer confirmation. An attacker hopes that a code one digit short or long, with a newline,
// a NUL, a CRLF and a header, SQL, markup, a lone surrogate, a duplicated field or 3,000
// characters will crash the handler (a 500 that may leave half a change behind), slip through
// a lax comparison, or — the subtle one — be counted as a wrong code, so that five pieces of
// garbage lock a customer out (DESIGN §4: 5 wrong codes lock) or burn a step of their token.
//
// The documented rule (src/web/form-input.ts readDigits, src/web/personal-web/form-readers.ts):
// what was typed is first normalised — full-width (IME) and Arabic-Indic digits become ASCII,
// spaces and hyphens go — and only then must exactly six digits remain. A code that passes is a
// code: it is checked, and a wrong one counts like any wrong code. A code that does not pass is
// a form error with the field's own message (400): it never reaches the authority, counts
// nothing and spends nothing, and the same session takes the right code afterwards. So
// `１２３４５６` and `١٢٣٤٥٦` (and ` 123456`, `12 3456`) are ACCEPTED when the digits are right,
// and COUNTED when they are wrong; `12345`, `1234567`, `123456\n` are refused and never counted.
// (Form fields are strings: JSON numbers, arrays, objects, null and booleans can only reach the
// JSON API, whose strict rules bad-input-authority.test.ts attacks; a JSON body to these pages
// is a 415, see bad-input-bank.test.ts.)
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { confirmationFields, csrfOf, customerWithToken, newToken, Outsider, passwordStep, signIn, type CodeSource } from './outsider.js';
import type { Customer, Target } from './target.js';
import {
  type AnswerLog,
  arabicIndic,
  assertUnchanged,
  attackedSite,
  balanceOf,
  customerRow,
  fieldError,
  fullWidth,
  snapshot,
} from './bad-input-support.js';

const OTP = 'ワンタイムパスワード';
const FORMAT = `${OTP}は6桁の数字で入力してください。`;
const CONTROL = `${OTP}に使用できない文字が含まれています。`;
const MISSING = `${OTP}を入力してください。`;
const REPEATED = `${OTP}が複数送信されました。もう一度入力してください。`;
const TOO_LONG = `${OTP}が長すぎます。`;
const WRONG = `${OTP}が正しくありません。`;
const SERIAL_FORMAT = 'シリアル番号は英字4文字と数字8桁で入力してください。';

/** Codes no one types: each is refused on the form with this message and never checked. */
const MALFORMED: { label: string; value: string | string[] | undefined; message: string }[] = [
  { label: 'five digits', value: '12345', message: FORMAT },
  { label: 'seven digits', value: '1234567', message: FORMAT },
  { label: 'eight full-width digits', value: fullWidth('12345678'), message: FORMAT },
  { label: 'trailing newline', value: '123456\n', message: CONTROL },
  { label: 'NUL byte', value: '123\u0000456', message: CONTROL },
  { label: 'tab', value: '123\t456', message: CONTROL },
  { label: 'CRLF and a header', value: '123456\r\nSet-Cookie: x=1', message: CONTROL },
  { label: 'letters', value: 'abcdef', message: FORMAT },
  { label: 'sign', value: '+123456', message: FORMAT },
  { label: 'decimal point', value: '12345.6', message: FORMAT },
  { label: 'exponent', value: '1e5', message: FORMAT },
  { label: 'SQL', value: "' OR 1=1 --", message: FORMAT },
  { label: 'digits then SQL', value: "123456' OR '1'='1", message: FORMAT },
  { label: 'markup', value: '<script>alert(1)</script>', message: FORMAT },
  { label: 'right-to-left override', value: '\u202e123456', message: FORMAT },
  { label: 'lone surrogate (sent as U+FFFD)', value: '12345\ud800', message: FORMAT },
  { label: 'mixed scripts, five digits', value: `12${fullWidth('3')}${arabicIndic('4')}5`, message: FORMAT },
  { label: 'only separators', value: ' - - ', message: MISSING },
  { label: 'empty', value: '', message: MISSING },
  { label: 'absent', value: undefined, message: MISSING },
  { label: 'duplicated, both right-shaped', value: ['123456', '123456'], message: REPEATED },
  { label: '65 digits', value: '1'.repeat(65), message: TOO_LONG },
  { label: '1,000 full-width digits', value: fullWidth('1').repeat(1000), message: TOO_LONG },
];

/** A shape a customer's keyboard produces: the right digits in it are the right code. */
interface Shape {
  label: string;
  shape(code: string): string;
}
const FULL_WIDTH: Shape = { label: 'full-width', shape: fullWidth };
const ARABIC_INDIC: Shape = { label: 'Arabic-Indic', shape: arabicIndic };
const LEADING_SPACE: Shape = { label: 'leading space', shape: (code) => ` ${code}` };
const SPACE_INSIDE: Shape = { label: 'space inside', shape: (code) => `${code.slice(0, 2)} ${code.slice(2)}` };

/** A code the token shows at no step near now: right-shaped, wrong digits. */
function wrongCodeNear(codes: CodeSource): string {
  const step = Math.floor(Date.now() / 30_000);
  const near = new Set([-2, -1, 0, 1, 2].map((d) => codes.codeOfStep(step + d)));
  for (let n = 0; ; n++) {
    const code = String((314_159 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

describe('wrong-shaped codes at every code step of the pages [sqlite]', () => {
  let target: Target;
  let log: AnswerLog;
  /** The token of the one customer who is sent a wrong code on purpose. */
  let countedSerial = '';

  // Started before the tests, stopped after them; after each group the bank's own checks pass
  // and no answer so far was a 5xx.
  const site = attackedSite({ customersPerInstitution: 12 });
  before(() => {
    ({ target, log } = site);
  });

  /**
   * A customer of the pool with a token of their own, registered through the pages. (Each its
   * own token: the authority learns a token's clock drift from the codes it accepts, so two
   * customers stepping through one token's codes independently would push its window apart.
   * Fifteen tokens in all, within the 20 per address the public endpoint provisions.)
   */
  async function registered(slug: 'demo' | 'sample' = 'demo'): Promise<{ customer: Customer; codes: CodeSource }> {
    const customer = target.customer(slug);
    return { customer, codes: await customerWithToken(target, customer) };
  }

  /**
   * Posts every MALFORMED code to `path` (with the other fields right) and asserts the field's
   * own message on a 400 form each time, the same session kept (its CSRF token answers on the
   * next post), and not one row of the database changed.
   */
  async function refuseEveryMalformedCode(outsider: Outsider, path: string, csrf: string, otherFields: Record<string, string>): Promise<void> {
    const before = await snapshot(target);
    for (const { label, value, message } of MALFORMED) {
      const form: Record<string, string | string[]> = { csrf, ...otherFields, ...(value === undefined ? {} : { code: value }) };
      const answer = await log.send(outsider, path, { form }, `${path} ${label}`);
      assert.equal(answer.status, 400, `${path} ${label}: ${answer.status} ${answer.body.slice(0, 200)}`);
      assert.equal(fieldError(answer.body, 'code'), message, `${path} ${label}`);
      assert.equal(csrfOf(answer.body), csrf, `${path} ${label}: the form comes back in the same session`);
    }
    // Nothing counted (otp_failures), nothing spent (the bindings' replay floors, the token's
    // throttle), no session moved, nothing audited: every table as it was.
    assertUnchanged(before, await snapshot(target), path);
  }

  it('login: malformed codes are form errors that count nothing; the right digits in any keyboard shape sign in; wrong digits count once', async () => {
    // Malformed, then the right code in full-width digits, in the same session.
    const first = await registered();
    const outsider = new Outsider(target.url);
    assert.equal((await passwordStep(outsider, first.customer)).location, '/ib/demo/login/otp');
    const page = await outsider.request('/ib/demo/login/otp');
    await refuseEveryMalformedCode(outsider, '/ib/demo/login/otp', csrfOf(page.body), {});
    assert.equal((await customerRow(target, 'demo', first.customer.contractId)).otp_failures, 0, 'no malformed code counted');
    const signedIn = await log.send(outsider, '/ib/demo/login/otp', { form: { csrf: csrfOf(page.body), code: FULL_WIDTH.shape(await first.codes.next()) } }, 'full-width code');
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.location, '/ib/demo/main');

    // The other accepted shapes, each a customer of its own (one right code each).
    for (const shape of [ARABIC_INDIC, LEADING_SPACE, SPACE_INSIDE]) {
      const { customer, codes } = await registered();
      const o = new Outsider(target.url);
      await passwordStep(o, customer);
      const otp = await o.request('/ib/demo/login/otp');
      const answer = await log.send(o, '/ib/demo/login/otp', { form: { csrf: csrfOf(otp.body), code: shape.shape(await codes.next()) } }, shape.label);
      assert.equal(answer.location, '/ib/demo/main', `${shape.label}: ${answer.status}`);
    }

    // A code in an accepted shape IS a code: wrong digits in full-width count as one wrong code
    // (the 4th would warn, the 5th lock), and the right one in Arabic-Indic clears the count.
    const counted = await registered();
    countedSerial = counted.codes.serial;
    const o = new Outsider(target.url);
    await passwordStep(o, counted.customer);
    const otp = await o.request('/ib/demo/login/otp');
    const wrong = await log.send(o, '/ib/demo/login/otp', { form: { csrf: csrfOf(otp.body), code: FULL_WIDTH.shape(wrongCodeNear(counted.codes)) } }, 'wrong digits, full-width');
    assert.equal(wrong.status, 401);
    assert.equal(fieldError(wrong.body, 'code'), WRONG);
    assert.equal((await customerRow(target, 'demo', counted.customer.contractId)).otp_failures, 1, 'a right-shaped wrong code counts');
    const right = await log.send(o, '/ib/demo/login/otp', { form: { csrf: csrfOf(otp.body), code: ARABIC_INDIC.shape(await counted.codes.next()) } }, 'right digits, Arabic-Indic');
    assert.equal(right.location, '/ib/demo/main');
    assert.equal((await customerRow(target, 'demo', counted.customer.contractId)).otp_failures, 0);
  });

  it('利用開始 (sample institution, digit positions): malformed codes bind nothing; full-width and Arabic-Indic codes register', async () => {
    for (const [index, shape] of [FULL_WIDTH, ARABIC_INDIC].entries()) {
      const customer = target.customer('sample');
      const codes = await newToken(target);
      const outsider = new Outsider(target.url);
      const verified = await outsider.submit('/ib/sample/register', { contractId: customer.contractId, loginPassword: customer.loginPassword });
      assert.equal(verified.location, '/ib/sample/register/token');
      const form = await outsider.request('/ib/sample/register/token');
      const fields = { serial: codes.serial, ...confirmationFields(form.body, customer.confirmationPassword) };
      if (index === 0) {
        await refuseEveryMalformedCode(outsider, '/ib/sample/register/token', csrfOf(form.body), fields);
        // The serial beside a right-shaped code: SQL, CRLF, markup and a wrong check digit are
        // the serial field's own messages, and nothing reaches the authority.
        const before = await snapshot(target);
        const wrongCheckDigit = `${codes.serial.slice(0, 11)}${(Number(codes.serial[11]) + 1) % 10}`;
        for (const [label, serial, message] of [
          ['SQL', "' OR 1=1 --", SERIAL_FORMAT],
          ['SQL after the serial', `${codes.serial}' OR '1'='1`, SERIAL_FORMAT],
          ['CRLF and a header', `${codes.serial}\r\nSet-Cookie: x=1`, 'シリアル番号に使用できない文字が含まれています。'],
          ['markup', '<script>alert(1)</script>', SERIAL_FORMAT],
          ['a right-to-left override', `\u202e${codes.serial}`, SERIAL_FORMAT],
          ['a wrong check digit', wrongCheckDigit, 'シリアル番号に誤りがあります。アプリに表示されたシリアル番号をご確認ください。'],
          ['duplicated', [codes.serial, codes.serial], 'シリアル番号が複数送信されました。もう一度入力してください。'],
        ] as const) {
          const answer = await log.send(outsider, '/ib/sample/register/token', { form: { csrf: csrfOf(form.body), ...fields, serial, code: '123456' } }, `serial ${label}`);
          assert.equal(answer.status, 400, `serial ${label}: ${answer.status}`);
          assert.equal(fieldError(answer.body, 'serial'), message, `serial ${label}`);
        }
        assertUnchanged(before, await snapshot(target), 'hostile serials');
        const row = await customerRow(target, 'sample', customer.contractId);
        assert.deepEqual([row.token_binding_id, row.otp_failures, row.password_failures], [null, 0, 0]);
      }
      const done = await log.send(outsider, '/ib/sample/register/token', { form: { csrf: csrfOf(form.body), ...fields, code: shape.shape(await codes.next()) } }, `register ${shape.label}`);
      assert.equal(done.status, 200, `${shape.label}: ${done.body.slice(0, 300)}`);
      assert.match(done.body, /ワンタイムパスワードの利用開始が完了しました/);
      assert.equal((await customerRow(target, 'sample', customer.contractId)).token_serial, codes.serial);
    }
  });

  it('利用中止: malformed codes stop nothing; full-width and Arabic-Indic codes deregister', async () => {
    for (const [index, shape] of [ARABIC_INDIC, FULL_WIDTH].entries()) {
      const { customer, codes } = await registered();
      const outsider = new Outsider(target.url);
      const verified = await outsider.submit('/ib/demo/deregister', { contractId: customer.contractId, loginPassword: customer.loginPassword });
      assert.equal(verified.location, '/ib/demo/deregister/token');
      const form = await outsider.request('/ib/demo/deregister/token');
      const fields = confirmationFields(form.body, customer.confirmationPassword);
      if (index === 0) {
        await refuseEveryMalformedCode(outsider, '/ib/demo/deregister/token', csrfOf(form.body), fields);
        assert.equal((await customerRow(target, 'demo', customer.contractId)).token_serial, codes.serial, 'still registered');
      }
      const done = await log.send(outsider, '/ib/demo/deregister/token', { form: { csrf: csrfOf(form.body), ...fields, code: shape.shape(await codes.next()) } }, `deregister ${shape.label}`);
      assert.equal(done.status, 200, `${shape.label}: ${done.body.slice(0, 300)}`);
      assert.match(done.body, /ワンタイムパスワードの利用を中止しました/);
      assert.equal((await customerRow(target, 'demo', customer.contractId)).token_binding_id, null);
    }
  });

  it('利用登録/交換: malformed codes at both steps change nothing; full-width and Arabic-Indic codes of both tokens exchange', async () => {
    for (const [index, [current, next]] of ([[FULL_WIDTH, ARABIC_INDIC], [ARABIC_INDIC, FULL_WIDTH]] as const).entries()) {
      const { customer, codes } = await registered();
      const newCodes = await newToken(target);
      const outsider = new Outsider(target.url);
      const verified = await outsider.submit('/ib/demo/exchange', { contractId: customer.contractId, loginPassword: customer.loginPassword });
      assert.equal(verified.location, '/ib/demo/exchange/current');
      const currentForm = await outsider.request('/ib/demo/exchange/current');
      if (index === 0) await refuseEveryMalformedCode(outsider, '/ib/demo/exchange/current', csrfOf(currentForm.body), {});
      const step = await log.send(outsider, '/ib/demo/exchange/current', { form: { csrf: csrfOf(currentForm.body), code: current.shape(await codes.next()) } }, `exchange current ${current.label}`);
      assert.equal(step.location, '/ib/demo/exchange/new', `${current.label}: ${step.status}`);
      const newForm = await outsider.request('/ib/demo/exchange/new');
      if (index === 0) {
        await refuseEveryMalformedCode(outsider, '/ib/demo/exchange/new', csrfOf(newForm.body), { serial: newCodes.serial });
        assert.equal((await customerRow(target, 'demo', customer.contractId)).token_serial, codes.serial, 'the old token is still the one');
      }
      const done = await log.send(outsider, '/ib/demo/exchange/new', { form: { csrf: csrfOf(newForm.body), serial: newCodes.serial, code: next.shape(await newCodes.next()) } }, `exchange new ${next.label}`);
      assert.equal(done.status, 200, `${next.label}: ${done.body.slice(0, 300)}`);
      assert.match(done.body, /ワンタイムパスワードの利用登録\/交換が完了しました/);
      assert.equal((await customerRow(target, 'demo', customer.contractId)).token_serial, newCodes.serial);
    }
  });

  it('the transfer confirmation: malformed codes move no money and take no lease; full-width and Arabic-Indic codes confirm once', async () => {
    const payee = target.customer('demo');
    // Two customers, each signed in and at the confirmation of ¥1,000 to the same payee. Their
    // third codes (after 利用開始 and the login) come from the next step of the clock, so both
    // are made ready first and wait for that step together.
    const ready = [];
    for (const shape of [ARABIC_INDIC, FULL_WIDTH]) {
      const { customer, codes } = await registered();
      const outsider = await signIn(target, customer, codes);
      const input = await outsider.request('/ib/demo/transfers/new');
      const prepared = await log.send(
        outsider,
        '/ib/demo/transfers/new',
        { form: { csrf: csrfOf(input.body), op: 'next', bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: payee.accountNumber, payeeName: 'ﾃﾞﾓ ｹｲﾔｸｼｬ', amount: '1000' } },
        'prepare',
      );
      assert.equal(prepared.status, 303, prepared.body.slice(0, 300));
      const transferId = /\/transfers\/(tr_[0-9a-f]{32})$/.exec(prepared.location ?? '')?.[1];
      assert.ok(transferId, prepared.location ?? '');
      const authPath = `/ib/demo/transfers/${transferId}/auth`;
      const auth = await outsider.request(authPath);
      assert.equal(auth.status, 200);
      const hidden = Object.fromEntries([...auth.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].filter((m) => m[1] !== 'csrf').map((m) => [m[1]!, m[2]!]));
      ready.push({ shape, customer, codes, outsider, transferId, authPath, csrf: csrfOf(auth.body), hidden });
    }
    // No money moved, no confirming lease left behind (transfers.confirming_until), no 受付番号 spent.
    const first = ready[0]!;
    await refuseEveryMalformedCode(first.outsider, first.authPath, first.csrf, first.hidden);
    const thirdCodes = await Promise.all(ready.map((r) => r.codes.next()));
    for (const [index, { shape, customer, outsider, transferId, authPath, csrf, hidden }] of ready.entries()) {
      const sourceBefore = await balanceOf(target, 'demo', customer.accountNumber);
      const payeeBefore = await balanceOf(target, 'demo', payee.accountNumber);
      const done = await log.send(outsider, authPath, { form: { csrf, ...hidden, code: shape.shape(thirdCodes[index]!) } }, `confirm ${shape.label}`);
      assert.equal(done.status, 303, `${shape.label}: ${done.body.slice(0, 300)}`);
      assert.equal(done.location, `/ib/demo/transfers/${transferId}/result`);
      const row = await target.bankDatabase().db.selectFrom('transfers').select(['status', 'fee_yen']).where('id', '=', transferId).executeTakeFirstOrThrow();
      assert.equal(row.status, 'done');
      // Exactly one transfer's worth moved, whatever was posted before it (read back from the accounts).
      assert.equal(await balanceOf(target, 'demo', payee.accountNumber), payeeBefore + 1000);
      assert.equal(await balanceOf(target, 'demo', customer.accountNumber), sourceBefore - 1000 - Number(row.fee_yen));
    }
  });

  it('afterwards: the only count at the authority is the one wrong code sent on purpose, and no customer has a failure on record', async () => {
    // The authority's per-token throttle (tokens.throttle_failures), read back through the
    // bank's view of the shared database: hundreds of malformed codes never reached it.
    const counts = await target.bankDatabase().db.selectFrom('tokens').select(['serial', 'throttle_failures']).where('throttle_failures', '>', 0).execute();
    assert.deepEqual(counts.map((t) => [t.serial, Number(t.throttle_failures)]), [[countedSerial, 1]]);
    const locked = await target.bankDatabase().db.selectFrom('customers').select('contract_id').where((eb) => eb.or([eb('otp_failures', '>', 0), eb('password_failures', '>', 0)])).execute();
    assert.deepEqual(locked, [], 'no customer has a failure on record');
  });
});
