// Attack: taking over an operator's console identity — guessing passwords or codes (each
// counted with compare-and-set; 5 wrong of either lock the operator until an administrator
// unlocks), learning which operator IDs exist (unknown ID and wrong password answer alike),
// fixating or reusing a session id (new id at each step; the old one is dead), riding a stolen
// idle session (5 minutes idle, 12 hours absolute), and signing in before the operator's own
// token is enrolled (forced at first sign-in; the token is bound at the institution's relying
// party as `operator:<login>`).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { OPERATOR } from '../../identity/principals.js';
import { hashSessionToken } from '../../identity/sessions.js';
import { metrics } from '../../observability/mamori-metrics.js';
import { DEMO_OPERATOR_PASSWORD, findOperator } from '../operators.js';
import { createConsoleHarness, type ConsoleHarness, type FormClient } from '../../../test/support/branch/web/branch-console-testing.js';

const base = '/branch/demo/';

async function passwordStep(h: ConsoleHarness, login: string, password = DEMO_OPERATOR_PASSWORD): Promise<{ c: FormClient; status: number; location: string | undefined; body: string }> {
  const c = h.client();
  await c.get(base);
  const r = await c.post(`${base}login`, { login, password });
  return { c, status: r.statusCode, location: r.headers.location as string | undefined, body: r.body };
}

for (const dialect of DIALECTS) {
  describe(`operator sign-in, locks and sessions [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    beforeEach(async () => { h = await createConsoleHarness(dialect, { poolSize: 12 }); });
    afterEach(() => h.close());

    it('enrolment is forced at the first sign-in and binds operator:<login> at the institution', async () => {
      const first = await passwordStep(h, 'teller');
      assert.equal(first.location, `${base}login/enrol`);
      const page = await first.c.get(first.location!);
      assert.match(page.body, /トークンの登録/);
      // The app's words, never a command line (issue 19).
      assert.match(page.body, /ブラウザ版トークンを開く/);
      assert.doesNotMatch(page.body, /mamori token/);
      await h.signIn('demo', 'teller');
      const operator = (await findOperator(h.database.db, 'demo', 'teller'))!;
      const binding = await h.database.db.selectFrom('bindings').selectAll().where('id', '=', operator.token_binding_id!).executeTakeFirstOrThrow();
      assert.equal(binding.subject, 'operator:teller');
      assert.equal(binding.relying_party_id, 'demo');
      const second = await passwordStep(h, 'teller');
      assert.equal(second.location, `${base}login/otp`, 'enrolled: the one-time password from now on');
    });

    it('an unknown operator ID and a wrong password get the same answer', async () => {
      const unknown = await passwordStep(h, 'nobody', DEMO_OPERATOR_PASSWORD);
      const wrong = await passwordStep(h, 'teller', 'Wrong-Password-99');
      assert.equal(unknown.status, 401);
      assert.equal(wrong.status, 401);
      const message = (body: string) => /<div class="notice notice--error"[\s\S]*?<\/div>/.exec(body)?.[0];
      assert.equal(message(unknown.body), message(wrong.body));
    });

    it('five wrong passwords lock the operator; the right one then fails alike; an administrator unlocks', async () => {
      await h.signIn('demo', 'teller');
      for (let i = 0; i < 5; i++) assert.equal((await passwordStep(h, 'teller', `Wrong-Password-${i}`)).status, 401);
      assert.equal((await findOperator(h.database.db, 'demo', 'teller'))!.password_failures, 5);
      assert.equal((await passwordStep(h, 'teller', 'Wrong-Password-x')).status, 401);
      assert.equal((await findOperator(h.database.db, 'demo', 'teller'))!.password_failures, 5, 'never counts past the lock');
      const locked = await passwordStep(h, 'teller');
      assert.equal(locked.status, 401, 'the right password does not reveal the lock');

      await h.addOperator('demo', 'admin', 'administrator');
      const admin = await h.signIn('demo', 'admin');
      const list = await admin.get(`${base}operators`);
      assert.match(list.body, /ロック中/);
      const unlocked = await admin.post(`${base}operators/teller/unlock`, { reason: '本人確認済み' });
      assert.equal(unlocked.headers.location, `${base}operators?done=unlocked`);
      await h.signIn('demo', 'teller');
      const audit = await h.database.db.selectFrom('audit_log').select(['action', 'actor']).where('subject', '=', 'teller').where('action', '=', 'operator_unlocked').execute();
      assert.deepEqual(audit, [{ action: 'operator_unlocked', actor: 'operator:admin' }]);
    });

    it('five wrong codes lock the operator and end their sessions; concurrent guesses never count past five', async () => {
      const live = await h.signIn('demo', 'teller');
      const attempts = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const { c } = await passwordStep(h, 'teller');
          await c.get(`${base}login/otp`);
          return c.post(`${base}login/otp`, { code: h.operatorWrongCode('demo', 'teller') });
        }),
      );
      // 401 wrong code, 423 locked now, 303 the session already ended by the lock.
      assert.ok(attempts.every((r) => [401, 423, 303].includes(r.statusCode)), attempts.map((r) => r.statusCode).join(','));
      const operator = (await findOperator(h.database.db, 'demo', 'teller'))!;
      assert.equal(operator.otp_failures, 5);
      assert.equal((await live.get(`${base}home`)).headers.location, base, 'the live session ended with the lock');
      const after = await passwordStep(h, 'teller');
      assert.equal(after.status, 423, 'after the right password, the lock is told');
      assert.match(after.body, /ロックされています/);
    });

    it('of 40 wrong codes sent at once, each from its own password step, exactly 5 are checked by the authority (the lock bounds the codes checked)', async () => {
      await h.signIn('demo', 'teller');
      // The password steps one after another (each a right password); then every code at once.
      const sessions: FormClient[] = [];
      for (let i = 0; i < 40; i++) {
        const { c, location } = await passwordStep(h, 'teller');
        assert.equal(location, `${base}login/otp`);
        await c.get(`${base}login/otp`);
        sessions.push(c);
      }
      const checked = () => metrics.authorityCodeChecks.get({ operation: 'verify', result: 'invalid_code' });
      const before = checked();
      const answers = await Promise.all(sessions.map((c) => c.post(`${base}login/otp`, { code: h.operatorWrongCode('demo', 'teller') })));
      assert.equal(checked() - before, 5, 'codes the authority checked and found wrong');
      // 401 wrong code, 423 the lock (counted by this code or found by it), 303 the session ended by the lock.
      assert.ok(answers.every((r) => [401, 423, 303].includes(r.statusCode)), answers.map((r) => r.statusCode).join(','));
      assert.equal(answers.filter((r) => r.statusCode === 401).length, 4, 'the four wrong codes before the lock');
      assert.equal((await findOperator(h.database.db, 'demo', 'teller'))!.otp_failures, 5);
      const counted = await h.database.db.selectFrom('audit_log').select('action').where('subject', '=', 'teller').where('action', 'in', ['operator_otp_failed', 'operator_otp_locked']).execute();
      assert.equal(counted.length, 5);
    });

    it('the fourth wrong code warns', async () => {
      await h.signIn('demo', 'teller');
      const { c } = await passwordStep(h, 'teller');
      await c.get(`${base}login/otp`);
      let last = '';
      for (let i = 0; i < 4; i++) last = (await c.post(`${base}login/otp`, { code: h.operatorWrongCode('demo', 'teller') })).body;
      assert.match(last, /あと1回誤るとロックされます/);
    });

    it('a new session id at every step; the old ids are dead; only hashes are stored', async () => {
      await h.signIn('demo', 'teller');
      const c = h.client();
      c.setCookie('mamori_branch', 'F'.repeat(43), base);
      await c.get(base);
      await c.post(`${base}login`, { login: 'teller', password: DEMO_OPERATOR_PASSWORD });
      const afterPassword = c.cookie('mamori_branch')!;
      assert.notEqual(afterPassword, 'F'.repeat(43));
      await c.get(`${base}login/otp`);
      await c.post(`${base}login/otp`, { code: h.operatorCode('demo', 'teller') });
      const signedIn = c.cookie('mamori_branch')!;
      assert.notEqual(signedIn, afterPassword);
      const stale = h.client();
      stale.setCookie('mamori_branch', afterPassword, base);
      assert.equal((await stale.get(`${base}home`)).headers.location, base);
      const stored = await h.database.db.selectFrom('operator_sessions').select('id_hash').where('login', '=', 'teller').execute();
      assert.ok(stored.some((row) => row.id_hash === hashSessionToken(OPERATOR, signedIn)));
      assert.ok(stored.every((row) => row.id_hash !== signedIn && row.id_hash !== afterPassword));
    });

    it('idle for more than 5 minutes, or signed in for more than 12 hours, the session is over', async () => {
      const c = await h.signIn('demo', 'teller');
      h.clock.advance(4 * 60_000);
      assert.equal((await c.get(`${base}home`)).statusCode, 200);
      h.clock.advance(5 * 60_000 + 1);
      const idle = await c.get(`${base}home`);
      assert.equal(idle.headers.location, `${base}?timeout=1`);
      assert.match((await c.follow(idle)).body, /一定時間操作がなかったため/);

      const d = await h.signIn('demo', 'teller');
      const startedAt = h.clock.nowMs();
      let ended: { location: string | undefined; afterMs: number } | undefined;
      while (ended === undefined) {
        h.clock.advance(4 * 60_000);
        const r = await d.get(`${base}home`);
        if (r.statusCode !== 200) ended = { location: r.headers.location as string | undefined, afterMs: h.clock.nowMs() - startedAt };
      }
      assert.equal(ended.location, `${base}?timeout=1`);
      // The lifetime counts from the password step, half a minute before signIn returned.
      assert.ok(Math.abs(ended.afterMs - 12 * 3600_000) <= 4 * 60_000, `ended after ${ended.afterMs} ms`);
    });

    it("an administrator's token reset forces re-enrolment and ends the operator's sessions", async () => {
      const teller = await h.signIn('demo', 'teller');
      await h.addOperator('demo', 'admin', 'administrator');
      const admin = await h.signIn('demo', 'admin');
      const bindingId = (await findOperator(h.database.db, 'demo', 'teller'))!.token_binding_id!;
      await admin.get(`${base}operators`);
      const r = await admin.post(`${base}operators/teller/reset-token`, { reason: '端末紛失' });
      assert.equal(r.headers.location, `${base}operators?done=token_reset`);
      assert.equal((await teller.get(`${base}home`)).headers.location, base);
      assert.equal((await passwordStep(h, 'teller')).location, `${base}login/enrol`);
      const binding = await h.database.db.selectFrom('bindings').select('deleted_at').where('id', '=', bindingId).executeTakeFirstOrThrow();
      assert.notEqual(binding.deleted_at, null);
      // Nobody manages their own operator ID.
      assert.equal((await admin.post(`${base}operators/admin/reset-token`, { reason: 'x' })).statusCode, 404);
    });
  });
}
