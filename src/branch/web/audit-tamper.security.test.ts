// Attack: an insider with database access hides what they did at the console — rewrites the
// reason of a suspension, or the approver of an unlock, in the audit log. DESIGN §5: the log is
// hash-chained, so altering one row breaks its hash; `mamori audit verify` (and
// verifyAuditChain under it) names the first row that does not fit. Checked here on records the
// console itself wrote, through the real CLI entry point.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { main } from '../../cli/main.js';
import type { CliIo } from '../../cli/command.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { createConsoleHarness, DEMO, type ConsoleHarness } from '../../../test/support/branch/web/branch-console-testing.js';

async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env, out: (line) => void out.push(line), err: (line) => void err.push(line) };
  const code = await main(args, io);
  return { code, out, err };
}

for (const dialect of DIALECTS) {
  describe(`audit records of console actions cannot be altered unseen [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    beforeEach(async () => { h = await createConsoleHarness(dialect); });
    afterEach(() => h.close());

    it('altering the reason of a suspension breaks the chain at exactly that record', async () => {
      const teller = await h.signIn('demo', 'teller');
      await teller.get(`/branch/demo/customers/${DEMO.contractId}`);
      await teller.post(`/branch/demo/customers/${DEMO.contractId}/actions/suspend`, { requestFormNo: 'R-77', reason: '盗難届' });
      await teller.post(`/branch/demo/customers/${DEMO.other}/actions/suspend`, { requestFormNo: 'R-78', reason: '紛失届' });
      assert.deepEqual(await verifyAuditChain(h.database.db), { ok: true, chains: 3, records: (await h.database.db.selectFrom('audit_log').select('seq').execute()).length });
      const env = h.database.location.dialect === 'sqlite' ? { DATABASE_URL: `sqlite:${h.database.location.file}` } : undefined;
      if (env) {
        const clean = await runCli(['audit', 'verify'], env);
        assert.equal(clean.code, 0, clean.err.join('\n'));
        assert.match(clean.out.join('\n'), /^ok: \d+ records in 3 chains$/);
      }
      const target = await h.database.db
        .selectFrom('audit_log')
        .select(['seq', 'details'])
        .where('chain', '=', 'demo')
        .where('action', '=', 'customer_suspended')
        .where('subject', '=', DEMO.contractId)
        .executeTakeFirstOrThrow();
      await h.database.db
        .updateTable('audit_log')
        .set({ details: target.details.replace('盗難届', '本人希望') })
        .where('chain', '=', 'demo')
        .where('seq', '=', target.seq)
        .execute();
      assert.deepEqual(await verifyAuditChain(h.database.db), { ok: false, chain: 'demo', seq: Number(target.seq), problem: 'hash_mismatch' });

      if (env) {
        const result = await runCli(['audit', 'verify'], env);
        assert.equal(result.code, 1, result.err.join('\n'));
        assert.deepEqual(result.out, [`broken: chain demo, record ${Number(target.seq)} (hash_mismatch: its content was changed)`]);
      }
    });
  });
}
