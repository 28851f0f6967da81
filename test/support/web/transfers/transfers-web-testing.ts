// Test support for the transfer pages: the bank site harness of the Personal Web (fresh
// database, in-process authority, demo data) with the transfer part added, demo accounts
// opened through the seeding hook, and helpers to register a token and sign in.
import { createTestAuthority, provisionTestToken, STEP_MS, type TestToken } from '../../authority/authority-testing.js';
import { seedDemoData } from '../../../../src/banking/demo-data.js';
import { setInstitutionPolicy } from '../../../../src/banking/institutions.js';
import { LIMIT_SHAPING_OFF } from '../../banking/transfers/test-world.js';
import { ensureDemoAccount } from '../../../../src/banking/ledger/demo-accounts.js';
import { createPasswordHasher, TEST_ARGON2 } from '../../../../src/banking/password-hasher.js';
import type { DialectName } from '../../../../src/db/database.js';
import { systemRandomBytes } from '../../../../src/shared/clock.js';
import { buildApp } from '../../../../src/web/app.js';
import { createPersonalWebPart } from '../../../../src/web/personal-web/part.js';
import { confirmationFields, DEMO, FormClient, harnessLogger, type BankHarness } from '../personal-web/personal-web-testing.js';
import { transfersMenuItems, transfersWebPart } from '../../../../src/web/transfers/transfers-part.js';

/**
 * `limitShaping: false` switches the limits shaped in time (issue 14 §5) off at both demo
 * institutions, for suites that test the pages' daily limit, forms and journeys on their own
 * with payees just typed in; limit-shaping-web.test.ts keeps the institution's defaults.
 */
export async function createTransferHarness(dialect: DialectName, options: { limitShaping?: boolean } = {}): Promise<BankHarness> {
  const t = await createTestAuthority(dialect);
  const hasher = createPasswordHasher(TEST_ARGON2);
  const pepper = systemRandomBytes(32);
  await seedDemoData({
    database: t.database,
    authority: t.authority,
    clock: t.clock,
    hasher,
    confirmationPepper: pepper,
    onCustomerCreated: async ({ institution, contractId }) => {
      await ensureDemoAccount(t.database.db, { clock: t.clock, randomBytes: systemRandomBytes }, { institution, contractId });
    },
  });
  if (options.limitShaping === false) {
    for (const slug of ['demo', 'sample']) {
      for (const [key, value] of Object.entries(LIMIT_SHAPING_OFF)) {
        const set = await setInstitutionPolicy(t.database.db, slug, key, value, { nowMs: t.clock.nowMs(), actor: 'test' });
        if (!set.ok) throw new Error(`policy ${key}: ${JSON.stringify(set)}`);
      }
    }
  }
  const deps = {
    database: t.database,
    clock: t.clock,
    randomBytes: systemRandomBytes,
    authorityFor: (slug: string) => t.authority.clientFor(slug),
    confirmationPepper: pepper,
    hasher,
    mainMenuItems: transfersMenuItems,
  };
  const { logger, errorLog } = harnessLogger();
  const app = await buildApp({ database: t.database, clock: t.clock, randomBytes: systemRandomBytes, logger }, [createPersonalWebPart(deps), transfersWebPart(deps)]);
  return {
    ...t,
    app,
    errorLog,
    hasher,
    pepper,
    token: (kind = 'mobile') => provisionTestToken(t, kind),
    client: () => new FormClient(app),
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}

/** 利用開始 through the pages; the clock then moves a step so the next code is fresh. */
export async function registerToken(h: BankHarness, base: string, contractId: string = DEMO.contractId): Promise<TestToken> {
  const token = await h.token();
  const c = h.client();
  await c.get(`${base}register`);
  const auth = await c.post(`${base}register`, { contractId, loginPassword: DEMO.password });
  const form = await c.follow(auth);
  const done = await c.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
  if (done.statusCode !== 200) throw new Error(`registration failed: ${done.statusCode}`);
  h.clock.advance(STEP_MS);
  return token;
}

/** A signed-in client (with the token's code when one is given). */
export async function signIn(h: BankHarness, base: string, options: { contractId?: string; token?: TestToken } = {}): Promise<FormClient> {
  const c = h.client();
  await c.get(base);
  const posted = await c.post(`${base}login`, { contractId: options.contractId ?? DEMO.contractId, loginPassword: DEMO.password });
  if (options.token) {
    await c.follow(posted);
    const ok = await c.post(`${base}login/otp`, { code: options.token.codeAt(h.clock.nowMs()) });
    if (ok.statusCode !== 303) throw new Error(`OTP login failed: ${ok.statusCode}`);
    h.clock.advance(STEP_MS);
  } else if (posted.headers.location !== `${base}main`) {
    throw new Error(`login failed: ${posted.statusCode}`);
  }
  await c.get(`${base}main`);
  return c;
}
