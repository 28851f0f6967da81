// Attack: one insider wants to do alone what needs two people — unlock a contract, reissue its
// token to a device they hold, reset its password, or raise its limit — by approving their own
// proposal (directly, or by posting the approve form as a teller), by approving twice at once so
// that the action runs twice, by approving a proposal whose facts have changed since it was
// made, by reaching a proposal of another institution by its id, or by keeping a supervisor's
// rights after being moved to teller. Maker-checker (issue 6): nobody approves their own
// proposal; approval re-checks role, maker and preconditions inside one transaction.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findCustomer } from '../../banking/customers.js';
import { findInstitution } from '../../banking/institutions.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { systemRandomBytes } from '../../shared/clock.js';
import { approveProposal } from '../decide-proposal.js';
import { findProposal, listProposals } from '../proposals.js';
import { createConsoleHarness, DEMO, lockCustomerPassword, type ConsoleHarness, type FormClient } from '../../../test/support/branch/web/branch-console-testing.js';

const base = '/branch/demo/';
const customerPage = `${base}customers/${DEMO.contractId}`;
const written = { requestFormNo: 'R-SEC-1', reason: 'security test' };

async function proposeUnlock(client: FormClient): Promise<void> {
  await client.get(customerPage);
  const r = await client.post(`${customerPage}/actions/unlock_password`, written);
  assert.equal(r.headers.location, `${customerPage}?done=proposed`, r.body.slice(0, 500));
}

async function onlyPending(h: ConsoleHarness): Promise<string> {
  const pending = await listProposals(h.database.db, { institution: 'demo', status: 'pending' });
  assert.equal(pending.length, 1);
  return pending[0]!.id;
}

async function passwordFailures(h: ConsoleHarness): Promise<number> {
  return (await findCustomer(h.database.db, 'demo', DEMO.contractId))!.password_failures;
}

for (const dialect of DIALECTS) {
  describe(`maker-checker [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    beforeEach(async () => {
      h = await createConsoleHarness(dialect, { poolSize: 12 });
      await lockCustomerPassword(h, 'demo', DEMO.contractId);
    });
    afterEach(async () => {
      await h.close();
    });

    it('a supervisor cannot approve (or reject) their own proposal', async () => {
      const supervisor = await h.signIn('demo', 'supervisor');
      await proposeUnlock(supervisor);
      const id = await onlyPending(h);
      const page = await supervisor.get(`${base}approvals`);
      assert.match(page.body, /ご自身の申請は承認・却下できません/);
      assert.doesNotMatch(page.body, new RegExp(`approvals/${id}/approve`), 'no approve button for the maker');
      const approve = await supervisor.post(`${base}approvals/${id}/approve`, {});
      assert.equal(approve.statusCode, 403);
      const reject = await supervisor.post(`${base}approvals/${id}/reject`, { note: 'x' });
      assert.equal(reject.statusCode, 403);
      assert.equal(await passwordFailures(h), 5);
      assert.equal((await findProposal(h.database.db, 'demo', id))!.status, 'pending');
    });

    it('the database itself refuses a proposal decided by its maker', async () => {
      const teller = await h.signIn('demo', 'teller');
      await proposeUnlock(teller);
      const id = await onlyPending(h);
      await assert.rejects(
        sql`update branch_proposals set status = 'approved', decided_by = proposed_by, decided_at = 1 where id = ${id}`.execute(h.database.db),
        /check|constraint/i,
      );
    });

    it('a teller posting the approve form is refused, and so is an administrator', async () => {
      const teller = await h.signIn('demo', 'teller');
      await proposeUnlock(teller);
      const id = await onlyPending(h);
      await h.addOperator('demo', 'teller2', 'teller');
      await h.addOperator('demo', 'admin', 'administrator');
      for (const login of ['teller2', 'admin']) {
        const other = await h.signIn('demo', login);
        const r = await other.post(`${base}approvals/${id}/approve`, {});
        assert.equal(r.statusCode, 403, login);
      }
      assert.equal(await passwordFailures(h), 5);
    });

    it('two supervisors approving at the same moment: exactly one approval, one change', async () => {
      const teller = await h.signIn('demo', 'teller');
      await proposeUnlock(teller);
      const id = await onlyPending(h);
      await h.addOperator('demo', 'supervisor2', 'supervisor');
      const deps = { nowMs: () => h.clock.nowMs(), randomBytes: systemRandomBytes, hasher: h.hasher, authority: h.authority.clientFor('demo') };
      const institution = (await findInstitution(h.database.db, 'demo'))!;
      const results = await Promise.all(
        ['supervisor', 'supervisor2', 'supervisor', 'supervisor2'].map((login) =>
          approveProposal(h.database.db, deps, { institution: 'demo', policy: institution.policy, decider: { login, role: 'supervisor' }, proposalId: id }).catch((error: unknown) => ({ ok: false, reason: String(error) })),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
      const audit = await h.database.db.selectFrom('audit_log').select('action').where('chain', '=', 'demo').where('action', 'in', ['password_unlocked', 'branch_proposal_approved']).execute();
      assert.equal(audit.length, 2, 'one approval record and one unlock record');
      assert.equal(await passwordFailures(h), 0);
    });

    it('approval re-checks the facts: unlocked meanwhile → nothing done, the proposal stays pending', async () => {
      const teller = await h.signIn('demo', 'teller');
      await proposeUnlock(teller);
      const id = await onlyPending(h);
      await h.database.db.updateTable('customers').set({ password_failures: 0 }).where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).execute();
      const supervisor = await h.signIn('demo', 'supervisor');
      const auditBefore = await h.database.db.selectFrom('audit_log').select('seq').where('chain', '=', 'demo').execute();
      const r = await supervisor.post(`${base}approvals/${id}/approve`, {});
      assert.equal(r.statusCode, 409);
      assert.match(r.body, /ロックされていません/);
      assert.equal((await findProposal(h.database.db, 'demo', id))!.status, 'pending');
      const auditAfter = await h.database.db.selectFrom('audit_log').select('seq').where('chain', '=', 'demo').execute();
      assert.equal(auditAfter.length, auditBefore.length, 'the approval record rolled back with the rest');
    });

    it('a proposal of another institution is not found by its id', async () => {
      await lockCustomerPassword(h, 'sample', DEMO.contractId);
      const sampleTeller = await h.signIn('sample', 'teller');
      await sampleTeller.get(`/branch/sample/customers/${DEMO.contractId}`);
      await sampleTeller.post(`/branch/sample/customers/${DEMO.contractId}/actions/unlock_password`, written);
      const [sampleProposal] = await listProposals(h.database.db, { institution: 'sample', status: 'pending' });
      assert.ok(sampleProposal);
      const demoSupervisor = await h.signIn('demo', 'supervisor');
      const r = await demoSupervisor.post(`${base}approvals/${sampleProposal.id}/approve`, {});
      assert.equal(r.statusCode, 404);
      assert.equal((await findCustomer(h.database.db, 'sample', DEMO.contractId))!.password_failures, 5);
      assert.doesNotMatch((await demoSupervisor.get(`${base}approvals`)).body, new RegExp(sampleProposal.id));
    });

    it('a supervisor moved to teller loses the right at the next click', async () => {
      const teller = await h.signIn('demo', 'teller');
      await proposeUnlock(teller);
      const id = await onlyPending(h);
      const supervisor = await h.signIn('demo', 'supervisor');
      await supervisor.get(`${base}approvals`);
      await h.database.db.updateTable('operators').set({ role: 'teller' }).where('institution', '=', 'demo').where('login', '=', 'supervisor').execute();
      const r = await supervisor.post(`${base}approvals/${id}/approve`, {});
      assert.equal(r.statusCode, 403);
      assert.equal(await passwordFailures(h), 5);
    });
  });
}
