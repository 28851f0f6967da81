// The idle timeout said and kept on signed-in pages (issue 19 §9), through inject(), on SQLite
// and PostgreSQL: every signed-in page (the bank site's and the transfer pages, the forced
// password change too) says in JST when it ends without a request — the last touch plus the
// idle timeout, never past the absolute lifetime, by the site's (moved) clock — and carries the
// empty live region and the script that warns a minute before; pages without a session carry
// neither. GET session/keep-alive touches exactly a signed-in (or password-change) session and
// answers 204 with the new end; without the cookie, for an expired session or one at another
// stage it is 401, and it changes nothing else. The browser side is test/e2e/idle-warning.test.ts.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setInstitutionPolicy } from '../../banking/institutions.js';
import { japanDateTime } from '../../shared/japan-time.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { logIn, registerTokenOnSite, resetPasswordAtBranch } from '../../../test/support/web/personal-web/branch-actions-testing.js';
import { DEMO, type BankHarness, type FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { createTransferHarness } from '../../../test/support/web/transfers/transfers-web-testing.js';

const base = '/ib/demo/';
const MINUTE_MS = 60_000;

/** The shown end: the `.session-end` element's time and data attributes. */
function sessionEnd(body: string): { shown: string; endsAt: number; remaining: number; idle: number; keepAlive: string } | undefined {
  const element = /<p class="session-end"([^>]*)>([\s\S]*?)<\/p>/.exec(body);
  if (!element) return undefined;
  const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(element[1]!)?.[1] ?? '';
  return {
    shown: /<time class="session-end__time"[^>]*>([^<]+)<\/time>/.exec(element[2]!)?.[1] ?? '',
    endsAt: Number(attribute('data-session-ends-at')),
    remaining: Number(attribute('data-remaining-ms')),
    idle: Number(attribute('data-idle-ms')),
    keepAlive: attribute('data-keep-alive'),
  };
}

for (const dialect of DIALECTS) {
  describe(`the idle timeout on signed-in pages and its keep-alive [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    beforeEach(async () => { h = await createTransferHarness(dialect); });
    afterEach(() => h.close());

    const signedIn = async (): Promise<FormClient> => {
      const { client, location } = await logIn(h, { base, password: DEMO.password });
      assert.equal(location, `${base}main`);
      return client;
    };
    const lastSeen = async () => (await h.database.db.selectFrom('sessions').select(['last_seen_at', 'stage']).execute()).map((row) => ({ at: Number(row.last_seen_at), stage: row.stage }));
    const keepAlive = (c: FormClient) => c.get(`${base}session/keep-alive`);

    it('a signed-in page says when it ends (JST), with the live region and the script; the end moves with each request', async () => {
      const c = await signedIn();
      const main = await c.get(`${base}main`);
      const end = sessionEnd(main.body);
      assert.ok(end, 'the main page says when the session ends');
      assert.equal(end.endsAt, h.clock.nowMs() + 5 * MINUTE_MS, 'the last touch plus the 5-minute idle timeout');
      assert.equal(end.remaining, 5 * MINUTE_MS);
      assert.equal(end.idle, 5 * MINUTE_MS);
      assert.equal(end.keepAlive, `${base}session/keep-alive`);
      assert.equal(end.shown, japanDateTime(end.endsAt));
      assert.match(main.body, /操作がないまま <time class="session-end__time" datetime="[^"]+">\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}<\/time> を過ぎると、自動的にログアウトします。/);
      assert.match(main.body, /<div id="session-warning" class="session-warning" aria-live="assertive" aria-atomic="true"><\/div>/, 'an empty live region');
      // Not an alert: an empty role="alert" on every signed-in page made every test's `role="alert"`
      // (the page shows its error) true before any error.
      assert.doesNotMatch(main.body, /id="session-warning"[^>]*role=/);
      assert.match(main.body, /<script src="\/assets\/session-timer\.js" defer><\/script>/);
      assert.match(main.body, /data-extend="ログインを延長する"/);

      h.clock.advance(3 * MINUTE_MS);
      const transfers = await c.get(`${base}transfers/new`);
      assert.equal(transfers.statusCode, 200);
      assert.equal(sessionEnd(transfers.body)?.endsAt, h.clock.nowMs() + 5 * MINUTE_MS, 'the transfer page too, from its own request');

      const english = await c.get(`${base}main?lang=en`);
      assert.match(english.body, /If nothing is done, you will be logged out automatically at <time class="session-end__time"[^>]*>[^<]+<\/time>\./);
      assert.match(english.body, /data-extend="Stay logged in"/);
    });

    it('never past the absolute lifetime', async () => {
      assert.equal((await setInstitutionPolicy(h.database.db, 'demo', 'sessionIdleMinutes', 60, { nowMs: h.clock.nowMs() })).ok, true);
      assert.equal((await setInstitutionPolicy(h.database.db, 'demo', 'sessionAbsoluteHours', 1, { nowMs: h.clock.nowMs() })).ok, true);
      const started = h.clock.nowMs();
      const c = await signedIn();
      assert.equal(sessionEnd((await c.get(`${base}main`)).body)?.endsAt, started + 60 * MINUTE_MS);
      h.clock.advance(30 * MINUTE_MS);
      const later = sessionEnd((await c.get(`${base}main`)).body);
      assert.equal(later?.endsAt, started + 60 * MINUTE_MS, 'capped by the absolute end, not now + 60 minutes');
      assert.equal(later?.remaining, 30 * MINUTE_MS);
      const kept = await keepAlive(c);
      assert.equal(kept.statusCode, 204);
      assert.equal(kept.headers['mamori-session-ends-at'], String(started + 60 * MINUTE_MS));
    });

    it('pages without a signed-in session say nothing of it and load no script', async () => {
      const c = h.client();
      for (const path of ['', 'help', 'register']) {
        const page = await c.get(`${base}${path}`);
        assert.equal(page.statusCode, 200, path);
        assert.equal(sessionEnd(page.body), undefined, path);
        assert.doesNotMatch(page.body, /session-warning|session-timer\.js/, path);
      }
      assert.equal((await c.get('/assets/session-timer.js')).headers['content-type'], 'text/javascript; charset=utf-8');
    });

    it('keep-alive: 204 and the new end for a signed-in session, touching only it', async () => {
      const c = await signedIn();
      await c.get(`${base}main`);
      h.clock.advance(4 * MINUTE_MS);
      const auditBefore = await h.database.db.selectFrom('audit_log').select('seq').execute();
      const cookieBefore = c.cookie('mamori_session');
      const kept = await keepAlive(c);
      assert.equal(kept.statusCode, 204);
      assert.equal(kept.body, '');
      assert.equal(kept.headers['mamori-session-ends-at'], String(h.clock.nowMs() + 5 * MINUTE_MS));
      assert.equal(kept.headers['cache-control'], 'no-store');
      assert.equal(kept.headers['set-cookie'], undefined, 'no cookie set or cleared');
      assert.deepEqual(await lastSeen(), [{ at: h.clock.nowMs(), stage: 'signed_in' }]);
      assert.equal(c.cookie('mamori_session'), cookieBefore, 'the same session id');
      assert.deepEqual(await h.database.db.selectFrom('audit_log').select('seq').execute(), auditBefore, 'nothing audited: no change of the customer');

      // Kept alive, the session outlives its first 5 minutes: 4 + 4 minutes after the sign-in.
      h.clock.advance(4 * MINUTE_MS);
      assert.equal((await c.get(`${base}main`)).statusCode, 200);
    });

    it('keep-alive: 401 without the cookie, after the timeout, at another stage; the forced change is kept', async () => {
      assert.equal((await keepAlive(h.client())).statusCode, 401, 'no cookie');
      const stranger = h.client();
      stranger.setCookie('mamori_session', 'x'.repeat(43), base);
      assert.equal((await keepAlive(stranger)).statusCode, 401, 'an unknown cookie');

      const c = await signedIn();
      h.clock.advance(5 * MINUTE_MS + 1);
      assert.equal((await keepAlive(c)).statusCode, 401, 'timed out: not revived');
      assert.equal((await c.get(`${base}main`)).headers.location, base, 'and the page goes to the login page');

      await registerTokenOnSite(h, base);
      const halfway = h.client();
      await halfway.get(base);
      assert.equal((await halfway.post(`${base}login`, { contractId: DEMO.contractId, loginPassword: DEMO.password })).headers.location, `${base}login/otp`);
      assert.equal((await keepAlive(halfway)).statusCode, 401, 'the password alone is not a signed-in session');

      const initial = await resetPasswordAtBranch(h, DEMO.other);
      const { client: changing, location } = await logIn(h, { base, contractId: DEMO.other, password: initial });
      assert.equal(location, `${base}password/change`);
      const form = await changing.get(`${base}password/change`);
      assert.ok(sessionEnd(form.body), 'the forced change says when it ends');
      h.clock.advance(MINUTE_MS);
      assert.equal((await keepAlive(changing)).statusCode, 204);
    });
  });
}
