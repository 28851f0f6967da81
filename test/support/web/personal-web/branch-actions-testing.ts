// Test support: what a branch operator does to a customer (src/branch/customer-actions.ts),
// carried out directly in one transaction as an approved action would be, so that the bank
// site's tests can meet its effects (ended sessions, a password to change) without the console.
import assert from 'node:assert/strict';
import type { TestToken } from '../../authority/authority-testing.js';
import { findInstitution } from '../../../../src/banking/institutions.js';
import { applyCustomerAction, type ActionRequest } from '../../../../src/branch/customer-actions.js';
import { generateInitialPassword } from '../../../../src/branch/generated-credentials.js';
import { systemRandomBytes } from '../../../../src/shared/clock.js';
import { confirmationFields, DEMO, type BankHarness, type FormClient } from './personal-web-testing.js';

export async function branchAction(h: BankHarness, input: { slug?: string; contractId: string; request: ActionRequest; newPasswordHash?: string }): Promise<void> {
  const slug = input.slug ?? 'demo';
  const institution = await findInstitution(h.database.db, slug);
  assert.ok(institution);
  const outcome = await h.database.db.transaction().execute((trx) =>
    applyCustomerAction(
      trx,
      {
        institution: slug,
        contractId: input.contractId,
        policy: institution.policy,
        nowMs: h.clock.nowMs(),
        actor: 'operator:supervisor',
        written: { requestFormNo: 'R-2026-0001', reason: 'test' },
        proposal: { id: 'prp_test', proposedBy: 'teller' },
      },
      input.request,
      input.newPasswordHash !== undefined ? { newPasswordHash: input.newPasswordHash } : {},
    ),
  );
  assert.ok(outcome.ok, `branch action ${input.request.kind}: ${JSON.stringify(outcome)}`);
}

/** ログインパスワードの再設定 at the branch: returns the one-time initial password. */
export async function resetPasswordAtBranch(h: BankHarness, contractId: string = DEMO.contractId, slug = 'demo'): Promise<string> {
  const initial = generateInitialPassword(systemRandomBytes);
  await branchAction(h, { slug, contractId, request: { kind: 'reset_password' }, newPasswordHash: await h.hasher.hash(initial) });
  return initial;
}

/** 利用開始 through the pages; the clock moves a step on so the next code is fresh. */
export async function registerTokenOnSite(h: BankHarness, base: string, contractId: string = DEMO.contractId, password: string = DEMO.password): Promise<TestToken> {
  const token = await h.token();
  const c = h.client();
  await c.get(`${base}register`);
  const form = await c.follow(await c.post(`${base}register`, { contractId, loginPassword: password }));
  const done = await c.post(`${base}register/token`, { serial: token.serial, code: token.codeAt(h.clock.nowMs()), ...confirmationFields(form.body) });
  assert.match(done.body, /利用開始が完了しました/);
  h.clock.advance(30_000);
  return token;
}

/** Logs in (password, then the code when a token is given); returns the client and where it was sent. */
export async function logIn(
  h: BankHarness,
  input: { base: string; contractId?: string; password: string; token?: TestToken },
): Promise<{ client: FormClient; location: string }> {
  const c = h.client();
  await c.get(input.base);
  const r = await c.post(`${input.base}login`, { contractId: input.contractId ?? DEMO.contractId, loginPassword: input.password });
  assert.equal(r.statusCode, 303, r.body.slice(0, 500));
  if (!input.token) return { client: c, location: String(r.headers.location) };
  assert.equal(r.headers.location, `${input.base}login/otp`);
  await c.follow(r);
  const otp = await c.post(`${input.base}login/otp`, { code: input.token.codeAt(h.clock.nowMs()) });
  assert.equal(otp.statusCode, 303, otp.body.slice(0, 500));
  return { client: c, location: String(otp.headers.location) };
}
