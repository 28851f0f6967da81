// Test support for the branch console: a fresh database (either dialect) with the in-process
// authority, the demo institutions, customers and operators, a branch (本店 001) per
// institution, and ONE app serving the bank site and the console side by side — so tests can
// also carry a customer's cookies to the console. Operators are signed in through the real
// pages (password, token enrolment or one-time password), with tokens whose codes the test
// computes at the manual clock.
import assert from 'node:assert/strict';
import { createTestAuthority, provisionTestToken, STEP_MS, type TestAuthority, type TestToken } from '../../authority/authority-testing.js';
import { DEMO_INSTITUTIONS, seedDemoData } from '../../../../src/banking/demo-data.js';
import { addBranch } from '../../../../src/banking/ledger/accounts.js';
import { createPasswordHasher, TEST_ARGON2, type PasswordHasher } from '../../../../src/banking/password-hasher.js';
import type { DialectName } from '../../../../src/db/database.js';
import { systemRandomBytes } from '../../../../src/shared/clock.js';
import { buildApp } from '../../../../src/web/app.js';
import { createPersonalWebPart } from '../../../../src/web/personal-web/part.js';
import { confirmationFields, DEMO, FormClient } from '../../web/personal-web/personal-web-testing.js';
import { wrongCode } from '../../authority/authority-testing.js';
import type { OperatorRole } from '../../../../src/branch/branch.tables.js';
import { addOperator, DEMO_OPERATOR_PASSWORD, seedDemoOperators } from '../../../../src/branch/operators.js';
import { createBranchConsolePart } from '../../../../src/branch/web/part.js';

export { FormClient } from '../../web/personal-web/personal-web-testing.js';

export const SLUGS = ['demo', 'sample'] as const;
export type Slug = (typeof SLUGS)[number];
export const OTHER: Record<Slug, Slug> = { demo: 'sample', sample: 'demo' };

export interface ConsoleHarness extends TestAuthority {
  app: Awaited<ReturnType<typeof buildApp>>;
  hasher: PasswordHasher;
  pepper: Uint8Array;
  client(): FormClient;
  /** A token made at the authority whose codes the test computes. */
  token(): Promise<TestToken>;
  /** Adds an operator (beyond the demo `teller` and `supervisor`). */
  addOperator(slug: Slug, login: string, role: OperatorRole): Promise<void>;
  /** Signs an operator in through the pages (enrolling a token the first time). */
  signIn(slug: Slug, login: string): Promise<FormClient>;
  /** The code an operator's token shows now; moves the clock one step so no code is reused. */
  operatorCode(slug: Slug, login: string): string;
  /** A code the operator's token does not show now (nor one step around). */
  operatorWrongCode(slug: Slug, login: string): string;
}

export async function createConsoleHarness(dialect: DialectName, options: { poolSize?: number } = {}): Promise<ConsoleHarness> {
  const t = await createTestAuthority(dialect, options);
  const hasher = createPasswordHasher(TEST_ARGON2);
  const pepper = systemRandomBytes(32);
  await seedDemoData({ database: t.database, authority: t.authority, clock: t.clock, hasher, confirmationPepper: pepper });
  await seedDemoOperators({ database: t.database, hasher, clock: t.clock });
  for (const spec of DEMO_INSTITUTIONS) {
    await addBranch(t.database.db, { nowMs: t.clock.nowMs(), actor: 'system' }, { institution: spec.slug, code: '001', name: '本店', kana: 'ホンテン' });
  }
  const authorityFor = (slug: string) => t.authority.clientFor(slug);
  const deps = { database: t.database, clock: t.clock, randomBytes: systemRandomBytes, authorityFor, confirmationPepper: pepper, hasher };
  const app = await buildApp({ database: t.database, clock: t.clock, randomBytes: systemRandomBytes }, [
    createPersonalWebPart(deps),
    createBranchConsolePart(deps),
  ]);
  const tokens = new Map<string, TestToken>();
  const harness: ConsoleHarness = {
    ...t,
    app,
    hasher,
    pepper,
    client: () => new FormClient(app),
    token: () => provisionTestToken(t),
    async addOperator(slug, login, role) {
      const result = await addOperator({ db: t.database.db, institution: slug, login, role, password: DEMO_OPERATOR_PASSWORD, hasher, clock: t.clock });
      assert.ok(result.ok, `addOperator ${slug}/${login}`);
    },
    operatorCode(slug, login) {
      const token = tokens.get(`${slug}/${login}`);
      if (!token) throw new Error(`no token for ${slug}/${login}`);
      t.clock.advance(STEP_MS);
      return token.codeAt(t.clock.nowMs());
    },
    operatorWrongCode(slug, login) {
      const token = tokens.get(`${slug}/${login}`);
      if (!token) throw new Error(`no token for ${slug}/${login}`);
      return wrongCode(token, t.clock.nowMs());
    },
    async signIn(slug, login) {
      const base = `/branch/${slug}/`;
      const c = new FormClient(app);
      await c.get(base);
      const step = await c.post(`${base}login`, { login, password: DEMO_OPERATOR_PASSWORD });
      assert.equal(step.statusCode, 303, `sign-in of ${slug}/${login}: ${step.body.slice(0, 300)}`);
      const key = `${slug}/${login}`;
      if (step.headers.location === `${base}login/enrol`) {
        await c.follow(step);
        const token = await provisionTestToken(t);
        tokens.set(key, token);
        t.clock.advance(STEP_MS);
        const done = await c.post(`${base}login/enrol`, { serial: token.serial, code: token.codeAt(t.clock.nowMs()) });
        assert.equal(done.headers.location, `${base}home`, `enrolment of ${key}: ${done.body.slice(0, 300)}`);
      } else {
        assert.equal(step.headers.location, `${base}login/otp`);
        await c.follow(step);
        const done = await c.post(`${base}login/otp`, { code: harness.operatorCode(slug, login) });
        assert.equal(done.headers.location, `${base}home`, `one-time password of ${key}: ${done.body.slice(0, 300)}`);
      }
      await c.get(`${base}home`);
      return c;
    },
    close: async () => {
      await app.close();
      await t.close();
    },
  };
  return harness;
}

// --- the customer's side, through the bank site's pages ----------------------------------------

/** 利用開始: registers a new token for the customer; returns it. */
export async function registerCustomerToken(h: ConsoleHarness, slug: Slug, contractId: string): Promise<TestToken> {
  const base = `/ib/${slug}/`;
  const token = await h.token();
  const c = h.client();
  await c.get(`${base}register`);
  const form = await c.follow(await c.post(`${base}register`, { contractId, loginPassword: DEMO.password }));
  h.clock.advance(STEP_MS);
  const done = await c.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
  assert.match(done.body, /利用開始が完了しました/, done.body.slice(0, 2000));
  return token;
}

/** Logs the customer in (password, then a fresh code of `token`); returns the client at 「メイン」. */
export async function customerSignIn(h: ConsoleHarness, slug: Slug, contractId: string, token: TestToken, password: string = DEMO.password): Promise<FormClient> {
  const base = `/ib/${slug}/`;
  const c = h.client();
  await c.get(base);
  const step = await c.post(`${base}login`, { contractId, loginPassword: password });
  assert.equal(step.headers.location, `${base}login/otp`, `customer login ${slug}/${contractId}: ${step.statusCode}`);
  await c.follow(step);
  h.clock.advance(STEP_MS);
  const done = await c.post(`${base}login/otp`, { code: token.codeAt(h.clock.nowMs()) });
  assert.equal(done.headers.location, `${base}main`, `customer OTP ${slug}/${contractId}: ${done.body.slice(0, 500)}`);
  await c.follow(done);
  return c;
}

/** Five wrong codes after the right password: the contract's OTP lock. */
export async function lockCustomerOtp(h: ConsoleHarness, slug: Slug, contractId: string, token: TestToken): Promise<void> {
  const base = `/ib/${slug}/`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = h.client();
    await c.get(base);
    const step = await c.post(`${base}login`, { contractId, loginPassword: DEMO.password });
    assert.equal(step.headers.location, `${base}login/otp`);
    await c.follow(step);
    await c.post(`${base}login/otp`, { code: wrongCode(token, h.clock.nowMs()) });
  }
}

/** Five wrong login passwords: the contract's password lock. */
export async function lockCustomerPassword(h: ConsoleHarness, slug: Slug, contractId: string): Promise<void> {
  const base = `/ib/${slug}/`;
  const c = h.client();
  await c.get(base);
  for (let attempt = 0; attempt < 5; attempt++) await c.post(`${base}login`, { contractId, loginPassword: 'Wrong-password-1' });
}

export { DEMO };
