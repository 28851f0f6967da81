// メールアドレス through the routes, on both dialects and both demo institutions (the whole
// confirmation password at `demo`, digit positions at `sample`, the OTP once a token is
// registered): the link from the main page, registering a new address with the code mailed to
// it, the old address told, a wrong, expired or used-up code refused with its message, bad
// addresses refused with theirs — and nothing changed by any refusal.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { demoEmail } from '../../banking/demo-data.js';
import { ADDRESS_CODE_MAX_ATTEMPTS, ADDRESS_CODE_TTL_MS } from '../../banking/notification-address.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { confirmationFields, createBankHarness, DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { registerToken, signIn } from '../../../test/support/web/transfers/transfers-web-testing.js';

const NEW = 'hanako.new@example.co.jp';

for (const dialect of DIALECTS) {
  for (const slug of ['demo', 'sample'] as const) {
    describe(`メールアドレス at /ib/${slug}/ [${dialect}]`, { skip: skipReason(dialect) }, () => {
      const base = `/ib/${slug}/`;
      const OLD = demoEmail(DEMO.contractId);
      let h: BankHarness;
      beforeEach(async () => {
        h = await createBankHarness(dialect);
      });
      afterEach(async () => {
        assert.equal((await verifyAuditChain(h.database.db)).ok, true);
        await h.close();
      });

      const emailOf = async () =>
        (await h.database.db.selectFrom('customers').select('email').where('institution', '=', slug).where('contract_id', '=', DEMO.contractId).executeTakeFirstOrThrow()).email;
      // The mails of this page (a sign-in may send its own notice).
      const mails = () =>
        h.database.db.selectFrom('notification_outbox').select(['kind', 'recipient', 'body']).where('institution', '=', slug).where('kind', 'like', 'notification_address%').execute();
      const codeMailedTo = async (to: string) => {
        const sent = (await mails()).filter((m) => m.kind === 'notification_address_code' && m.recipient === to);
        const code = /確認コード: (\d{6})/.exec(sent.at(-1)?.body ?? '')?.[1];
        assert.ok(code, 'a code mail to the new address');
        return code;
      };
      const pendingRows = async () => (await h.database.db.selectFrom('notification_address_changes').selectAll().execute()).length;
      async function startChange(c: FormClient, address = NEW) {
        const page = await c.get(`${base}email`);
        assert.equal(page.statusCode, 200);
        return c.post(`${base}email`, { email: address, ...confirmationFields(page.body) });
      }

      it('links 「メールアドレス」 from the main page and registers a new address with the code mailed to it, telling the old one', async () => {
        const c = await signIn(h, base);
        assert.match(c.lastHtml, new RegExp(`<a href="${base}email">メールアドレス</a>`));
        const page = await c.get(`${base}email`);
        assert.equal(page.headers['cache-control'], 'no-store');
        assert.match(page.body, new RegExp(`<dd id="current-email">${OLD}</dd>`));
        assert.match(page.body, /確認コードを送信/);
        if (slug === 'sample') {
          // The positions are the server's, fixed for the session: a reload asks the same.
          const again = await c.get(`${base}email`);
          assert.deepEqual([...again.body.matchAll(/name="position(\d)"/g)].map((m) => m[1]), [...page.body.matchAll(/name="position(\d)"/g)].map((m) => m[1]));
        }
        const posted = await c.post(`${base}email`, { email: NEW, ...confirmationFields(page.body) });
        assert.equal(posted.statusCode, 303, posted.body.slice(0, 1500));
        assert.equal(posted.headers.location, `${base}email/code`);
        assert.ok(!String(posted.headers.location).includes('example'), 'no address in a URL');
        const codePage = await c.follow(posted);
        assert.match(codePage.body, new RegExp(`${NEW.replaceAll('.', '\\.')} あてに6桁の確認コードをお送りしました`));
        assert.match(codePage.body, /有効期限は\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}\(日本時間\)まで/);
        const code = await codeMailedTo(NEW);
        assert.equal(await emailOf(), OLD, 'nothing set before the code');

        const wrong = await c.post(`${base}email/code`, { code: code === '000000' ? '111111' : '000000' });
        assert.equal(wrong.statusCode, 401);
        assert.match(wrong.body, /確認コードが正しくありません。/);
        assert.match(wrong.body, new RegExp(`あと${ADDRESS_CODE_MAX_ATTEMPTS - 1}回誤ると、この確認コードは使えなくなります。`));
        assert.equal(await emailOf(), OLD);

        const done = await c.post(`${base}email/code`, { code: ` ${code.slice(0, 3)}-${code.slice(3)} ` });
        assert.equal(done.statusCode, 303);
        assert.equal(done.headers.location, `${base}email?done=changed_told`);
        const shown = await c.follow(done);
        assert.match(shown.body, /メールアドレスを登録しました。/);
        assert.match(shown.body, /変更前のメールアドレスにも変更のお知らせをお送りしました。/);
        assert.match(shown.body, new RegExp(`<dd id="current-email">${NEW.replaceAll('.', '\\.')}</dd>`));
        assert.equal(await emailOf(), NEW);
        const told = (await mails()).filter((m) => m.kind === 'notification_address_changed');
        assert.deepEqual(told.map((m) => m.recipient).sort(), [NEW, OLD].sort());
        for (const mail of told) assert.ok(!mail.body.includes(NEW) && /h\*\*\*@example\.co\.jp/.test(mail.body), 'masked');
        assert.equal((await c.post(`${base}email/code`, { code })).statusCode, 409, 'single use');
      });

      it('asks the OTP once a token is registered: a wrong one counts toward the OTP lock and changes nothing', async () => {
        const token = await registerToken(h, base);
        const c = await signIn(h, base, { token });
        const page = await c.get(`${base}email`);
        assert.match(page.body, /name="code"/);
        assert.doesNotMatch(page.body, /confirmationPassword|name="position/);
        const code = token.codeAt(h.clock.nowMs());
        const wrong = await c.post(`${base}email`, { email: NEW, code: code === '000000' ? '111111' : '000000' });
        assert.equal(wrong.statusCode, 401);
        assert.match(wrong.body, /ワンタイムパスワードが正しくありません/);
        assert.match(wrong.body, new RegExp(`value="${NEW.replaceAll('.', '\\.')}"`), 'the address typed is kept');
        const customer = await h.database.db.selectFrom('customers').select('otp_failures').where('institution', '=', slug).where('contract_id', '=', DEMO.contractId).executeTakeFirstOrThrow();
        assert.equal(Number(customer.otp_failures), 1, 'the one OTP lock counts it');
        assert.equal(await pendingRows(), 0);
        const ok = await c.post(`${base}email`, { email: NEW, code });
        assert.equal(ok.statusCode, 303);
        await c.follow(ok);
        assert.equal((await c.post(`${base}email/code`, { code: await codeMailedTo(NEW) })).statusCode, 303);
        assert.equal(await emailOf(), NEW);
      });

      it('refuses bad addresses with their message, checking nothing and changing nothing', async () => {
        const c = await signIn(h, base);
        const cases: [string | string[], RegExp][] = [
          ['', /メールアドレスを入力してください。/],
          ['hanako.example.jp', /メールアドレスに「@」がありません。/],
          ['hanako@@example.jp', /「@」が複数あります/],
          [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.jp`, /メールアドレスが長すぎます\(254文字まで\)。/],
          ['hanako@example.jp\r\nBcc: x@evil.example', /使用できない文字\(制御文字\)/],
          ['hanako @example.jp', /空白が含まれています/],
          ['hanako@例え.jp', /punycode\(xn--で始まる形式\)で入力してください/],
          ['ｈａｎａｋｏ＠example.jp', /半角文字で入力してください/],
          ['@example.jp', /「@」の前が空です/],
          ['hanako@', /「@」の後\(ドメイン\)が空です/],
          [[NEW, NEW], /複数送信されました/],
          [OLD, /登録中のメールアドレスと同じです。/],
        ];
        for (const [email, message] of cases) {
          const page = await c.get(`${base}email`);
          const refused = await c.post(`${base}email`, { email, ...confirmationFields(page.body) });
          assert.equal(refused.statusCode, 400, `${JSON.stringify(email)}: ${refused.statusCode}`);
          assert.match(refused.body, message, JSON.stringify(email));
          assert.match(refused.body, /role="alert"/);
        }
        const english = await c.get(`${base}email?lang=en`);
        const idn = await c.post(`${base}email`, { email: 'hanako@例え.jp', ...confirmationFields(english.body) });
        assert.match(idn.body, /must be written in punycode \(xn--…\)/);
        assert.equal(await emailOf(), OLD);
        assert.equal(await pendingRows(), 0);
        assert.equal((await mails()).length, 0, 'no mail sent');
        const customer = await h.database.db.selectFrom('customers').select(['password_failures', 'otp_failures']).where('institution', '=', slug).where('contract_id', '=', DEMO.contractId).executeTakeFirstOrThrow();
        assert.deepEqual([Number(customer.password_failures), Number(customer.otp_failures)], [0, 0], 'no confirmation checked');
      });

      it('refuses an expired code and a used-up one with their messages; a new code works', async () => {
        const c = await signIn(h, base);
        await c.follow(await startChange(c));
        const first = await codeMailedTo(NEW);
        // Signed in again (the idle timeout is shorter than the code's life): step 1's page leads back to step 2.
        const again = await signIn(h, base);
        const waiting = await again.get(`${base}email`);
        assert.match(waiting.body, /あてに確認コードをお送りしています\(有効期限: \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}\)/);
        assert.match(waiting.body, new RegExp(`<a class="button" href="${base}email/code">確認コードの入力</a>`));
        // Ten minutes on, the session kept alive (idle timeout 5 minutes) by a click every four.
        for (let passedMs = 0; passedMs < ADDRESS_CODE_TTL_MS; passedMs += 4 * 60_000) {
          h.clock.advance(Math.min(4 * 60_000, ADDRESS_CODE_TTL_MS - passedMs));
          assert.equal((await c.get(`${base}email/code`)).statusCode, 200);
        }
        const expired = await c.post(`${base}email/code`, { code: first });
        assert.equal(expired.statusCode, 400);
        assert.match(expired.body, /確認コードの有効期限が切れました。/);
        assert.equal(await emailOf(), OLD);
        assert.doesNotMatch((await c.get(`${base}email`)).body, /確認コードをお送りしています/, 'an expired code is no longer named');
        await c.get(`${base}email/code`);
        const resent = await c.post(`${base}email/code/resend`, {});
        assert.equal(resent.statusCode, 200);
        assert.match(resent.body, /新しい確認コードをお送りしました。/);
        const second = await codeMailedTo(NEW);
        const wrong = second === '000000' ? '111111' : '000000';
        for (let i = 0; i < ADDRESS_CODE_MAX_ATTEMPTS; i++) await c.post(`${base}email/code`, { code: wrong });
        const usedUp = await c.post(`${base}email/code`, { code: second });
        assert.equal(usedUp.statusCode, 429);
        assert.match(usedUp.body, /所定の回数誤って入力されたため/);
        assert.equal(await emailOf(), OLD);
        const malformed = await c.post(`${base}email/code`, { code: '12ab' });
        assert.equal(malformed.statusCode, 400);
        assert.match(malformed.body, /確認コードは6桁の数字で入力してください。/);
      });

      it('speaks English, keeps the typed address through the language toggle, and refuses a forged form', async () => {
        const c = await signIn(h, base);
        const english = await c.get(`${base}email?lang=en`);
        assert.match(english.body, /<h1 id="page-title">E-mail address<\/h1>/);
        assert.match(english.body, /Send the confirmation code/);
        const toggled = await c.post(`${base}email`, { email: NEW, mamori_lang: 'ja' });
        assert.equal(toggled.statusCode, 200);
        assert.match(toggled.body, /<h1 id="page-title">メールアドレス<\/h1>/);
        assert.match(toggled.body, new RegExp(`value="${NEW.replaceAll('.', '\\.')}"`));
        assert.equal(await pendingRows(), 0, 'the toggle did nothing');
        const forged = await c.post(`${base}email`, { email: NEW, ...confirmationFields(toggled.body) }, { csrf: 'forged' });
        assert.equal(forged.statusCode, 403);
        assert.equal(await pendingRows(), 0);
        const anonymous = await h.client().get(`${base}email`);
        assert.equal(anonymous.statusCode, 303);
        assert.equal(anonymous.headers.location, base);
        assert.equal((await h.client().get(`${base}email/code`)).statusCode, 303);
        // Step 2 without a change under way goes back to step 1.
        const noChange = await c.get(`${base}email/code`);
        assert.equal(noChange.statusCode, 303);
        assert.equal(noChange.headers.location, `${base}email`);
      });
    });
  }
}
