// The cap after a new contract or token at the branch console (issue 14 §5): the customer page
// shows the cap and when it ends; on a written request a teller proposes to lift it and another
// person approves (maker-checker), audited; the customer's next transfer above the cap goes
// through; a token registered afterwards starts a cap of its own. Without a cap the action is
// not offered, and a forced request is refused and records nothing.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { createConsoleHarness, DEMO, type ConsoleHarness, type FormClient } from '../../../test/support/branch/web/branch-console-testing.js';
import { readDayCap } from '../../banking/limits/limit-shaping.js';
import { listProposals } from '../proposals.js';

const consoleBase = '/branch/demo/';
const customerPage = `${consoleBase}customers/${DEMO.contractId}`;
const written = { requestFormNo: 'R-2026-0514', reason: '書面受付(振込上限の解除)' };

for (const dialect of DIALECTS) {
  describe(`branch console: lifting the cap after a new contract or token [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    let teller: FormClient;
    let supervisor: FormClient;
    beforeEach(async () => {
      h = await createConsoleHarness(dialect);
      teller = await h.signIn('demo', 'teller');
      supervisor = await h.signIn('demo', 'supervisor');
    });
    afterEach(async () => {
      await h.close();
    });
    const cap = () => readDayCap(h.database.db, { institution: 'demo', contractId: DEMO.contractId, policy: { limitRaiseNextDay: true, newContractOrTokenCapDays: 7, newContractOrTokenCapYen: 100_000, newPayeeCapYen: 100_000 }, nowMs: h.clock.nowMs() });
    const registerTokenNow = () => h.database.db.updateTable('customers').set({ token_registered_at: h.clock.nowMs() }).where('institution', '=', 'demo').where('contract_id', '=', DEMO.contractId).execute();

    it('is offered only while a cap holds; a forced request is refused and records nothing', async () => {
      const page = await teller.get(customerPage);
      assert.doesNotMatch(page.body, /新規契約・トークン登録後の振込上限の解除/, 'the demo contract is of long standing');
      const forced = await teller.post(`${customerPage}/actions/lift_limit_cap`, written);
      assert.equal(forced.statusCode, 409);
      assert.match(forced.body, /新規契約・トークン登録後の振込上限は適用されていません/);
      assert.equal((await listProposals(h.database.db, { institution: 'demo', status: 'pending' })).length, 0);
    });

    it('a teller proposes, another person approves: lifted and audited; a later registration caps anew', async () => {
      await registerTokenNow();
      assert.equal((await cap())?.since, 'token');
      const page = await teller.get(customerPage);
      assert.match(page.body, /<dt>新規契約・トークン登録後の振込上限<\/dt><dd>100,000円 \/ 1日 \(トークン登録から; \d{4}\/\d{2}\/\d{2} 00:00 から通常の限度額\)/);
      assert.match(page.body, /新規契約・トークン登録後の振込上限の解除/);

      const proposed = await teller.post(`${customerPage}/actions/lift_limit_cap`, written);
      assert.equal(proposed.statusCode, 303, proposed.body.slice(0, 800));
      assert.notEqual(await cap(), null, 'nothing lifted before the approval');
      const [proposal] = await listProposals(h.database.db, { institution: 'demo', status: 'pending' });
      assert.ok(proposal);
      assert.equal(proposal.request.kind, 'lift_limit_cap');
      const own = await teller.post(`${consoleBase}approvals/${proposal.id}/approve`, {});
      assert.equal(own.statusCode, 403, 'never the maker’s own');
      const approved = await supervisor.post(`${consoleBase}approvals/${proposal.id}/approve`, {});
      assert.equal(approved.statusCode, 303, approved.body.slice(0, 800));
      assert.equal(await cap(), null);
      const audit = await h.database.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'limit_cap_lifted').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor, 'operator:supervisor');
      assert.deepEqual({ ...JSON.parse(audit[0]!.details), untilMs: 0 }, { requestFormNo: written.requestFormNo, reason: written.reason, proposalId: proposal.id, proposedBy: 'teller', since: 'token', capYen: 100_000, untilMs: 0 });
      assert.doesNotMatch((await teller.get(customerPage)).body, /新規契約・トークン登録後の振込上限<\/dt>/);

      h.clock.advance(60_000);
      await registerTokenNow();
      assert.equal((await cap())?.since, 'token', 'an exchange after the lift starts a new cap');
    });
  });
}
