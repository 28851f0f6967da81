// Every role × every console action × {own institution, other institution}, on both dialects,
// through the real routes. The expectation is written out here independently of permissions.ts
// (a change to the table must change this test too), and for every refusal the test checks that
// nothing was written: no audit record, no proposal, no change to the customer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import type { OperatorRole } from '../branch.tables.js';
import { CONSOLE_ACTIONS, isAllowed, OPERATOR_ROLES, type ConsoleAction } from '../permissions.js';
import { createProposal } from '../proposals.js';
import { createConsoleHarness, DEMO, OTHER, SLUGS, type ConsoleHarness, type FormClient, type Slug } from '../../../test/support/branch/web/branch-console-testing.js';

/** Who may do what, restated: tellers serve, supervisors also decide, administrators manage staff and read the audit log. */
const EXPECTED: Record<OperatorRole, ReadonlySet<ConsoleAction>> = {
  teller: new Set<ConsoleAction>(['view_customers', 'unlock_otp', 'unlock_password', 'reissue_token', 'suspend', 'resume', 'change_limit', 'reset_password', 'change_email', 'lift_limit_cap', 'open_contract']),
  supervisor: new Set<ConsoleAction>([
    'view_customers', 'unlock_otp', 'unlock_password', 'reissue_token', 'suspend', 'resume', 'change_limit', 'reset_password', 'change_email', 'lift_limit_cap', 'open_contract', 'decide_proposals', 'view_audit',
  ]),
  administrator: new Set<ConsoleAction>(['view_audit', 'manage_operators']),
};

const LOGIN: Record<OperatorRole, string> = { teller: 'teller', supervisor: 'supervisor', administrator: 'admin' };
const written = { requestFormNo: 'R-MATRIX-1', reason: 'matrix' };

describe('the permission table (pure)', () => {
  for (const role of OPERATOR_ROLES) {
    for (const action of CONSOLE_ACTIONS) {
      it(`${role} ${EXPECTED[role].has(action) ? 'may' : 'may not'} ${action}`, () => {
        assert.equal(isAllowed(role, action), EXPECTED[role].has(action));
      });
    }
  }
});

/** A pending proposal by someone else, for the decide case (earlier cases' proposals are closed first). */
async function pendingProposalOfSomeoneElse(h: ConsoleHarness, slug: Slug, customer: string): Promise<string> {
  await h.database.db
    .updateTable('branch_proposals')
    .set({ status: 'rejected', decided_by: 'cleanup', decided_at: h.clock.nowMs() })
    .where('institution', '=', slug)
    .where('contract_id', '=', customer)
    .where('kind', '=', 'reset_password')
    .where('status', '=', 'pending')
    .execute();
  const made = await createProposal(h.database.db, { nowMs: h.clock.nowMs(), randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)) }, {
    institution: slug,
    contractId: customer,
    request: { kind: 'reset_password' },
    written,
    proposedBy: 'someone-else',
  });
  assert.ok(made.ok);
  return made.proposal.id;
}

/** The request that exercises `action` at `slug`. */
async function exercise(client: FormClient, slug: Slug, action: ConsoleAction, customer: string, proposalId: string): Promise<LightMyRequestResponse> {
  const base = `/branch/${slug}/`;
  switch (action) {
    case 'view_customers':
      return client.get(`${base}customers/${customer}`);
    case 'unlock_otp':
    case 'unlock_password':
    case 'reissue_token':
    case 'suspend':
    case 'resume':
    case 'reset_password':
    case 'lift_limit_cap':
      return client.post(`${base}customers/${customer}/actions/${action}`, written);
    case 'change_limit':
      return client.post(`${base}customers/${customer}/actions/change_limit`, { ...written, newLimitYen: '200000' });
    case 'change_email':
      return client.post(`${base}customers/${customer}/actions/change_email`, { ...written, newEmail: 'matrix@example.jp' });
    case 'decide_proposals':
      return client.post(`${base}approvals/${proposalId}/reject`, { note: 'matrix' });
    case 'open_contract':
      return client.post(`${base}contracts`, { name: '行列 試験', holderName: 'ギョウレツ', branchCode: '001', ...written });
    case 'view_audit':
      return client.get(`${base}audit`);
    case 'manage_operators':
      return client.post(`${base}operators/teller/unlock`, { reason: 'matrix' });
  }
}

async function snapshot(h: ConsoleHarness, slug: Slug): Promise<string> {
  const db = h.database.db;
  const [audit, proposals, customers] = await Promise.all([
    db.selectFrom('audit_log').select(['seq', 'action']).where('chain', '=', slug).orderBy('seq').execute(),
    db.selectFrom('branch_proposals').select(['id', 'status']).where('institution', '=', slug).orderBy('id').execute(),
    db.selectFrom('customers').selectAll().where('institution', '=', slug).orderBy('contract_id').execute(),
  ]);
  return JSON.stringify({ audit, proposals, customers });
}

for (const dialect of DIALECTS) {
  describe(`every role × action × institution over HTTP [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    const clients = new Map<string, FormClient>();
    before(async () => {
      h = await createConsoleHarness(dialect);
      for (const slug of SLUGS) await h.addOperator(slug, 'admin', 'administrator');
      for (const role of OPERATOR_ROLES) clients.set(role, await h.signIn('demo', LOGIN[role]));
    });
    after(async () => {
      await h?.close();
    });

    for (const role of OPERATOR_ROLES) {
      for (const action of CONSOLE_ACTIONS) {
        it(`${role} of demo, ${action}, own institution: ${EXPECTED[role].has(action) ? 'allowed' : 'refused with 403'}`, async () => {
          const client = clients.get(role)!;
          await client.get('/branch/demo/home');
          const proposalId = await pendingProposalOfSomeoneElse(h, 'demo', DEMO.other);
          const before = await snapshot(h, 'demo');
          const response = await exercise(client, 'demo', action, DEMO.other, proposalId);
          if (EXPECTED[role].has(action)) {
            assert.notEqual(response.statusCode, 403, `${response.statusCode}: ${response.body.slice(0, 400)}`);
            assert.ok(response.statusCode < 500);
            assert.notEqual(response.headers.location, '/branch/demo/', 'not sent to the login page');
          } else {
            assert.equal(response.statusCode, 403, `${response.statusCode}: ${response.body.slice(0, 400)}`);
            assert.match(response.body, /この操作を行う権限がありません/);
            assert.equal(await snapshot(h, 'demo'), before, 'a refused request writes nothing');
          }
        });

        it(`${role} of demo, ${action}, other institution (sample): refused, nothing written`, async () => {
          const client = clients.get(role)!;
          const other = OTHER.demo;
          // The attacker copies the console cookie onto the other institution's path.
          client.setCookie('mamori_branch', client.cookie('mamori_branch')!, `/branch/${other}/`);
          await client.get('/branch/demo/home'); // a page whose CSRF token the forged request carries
          const proposalId = await pendingProposalOfSomeoneElse(h, other, DEMO.contractId);
          const before = await snapshot(h, other);
          const response = await exercise(client, other, action, DEMO.contractId, proposalId);
          assert.equal(response.statusCode, 303, `${response.statusCode}: ${response.body.slice(0, 300)}`);
          assert.equal(response.headers.location, `/branch/${other}/`, 'treated as not signed in');
          assert.equal(await snapshot(h, other), before, 'nothing written at the other institution');
        });
      }
    }
  });
}
