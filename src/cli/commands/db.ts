// `mamori db check`: every check Mamori has of its own data, at once — the ledger's invariants,
// the transfers' (with the limit usage), the hash chains of the audit log, and orphan rows (a
// child row whose parent is gone, src/db/integrity.ts). Exit 0 when all hold, 1 with each
// problem — for monitors, the restore drill, and the crash and fuzz tests.
import { verifyAuditChain } from '../../audit/audit-log.js';
import { checkLedgerInvariants } from '../../banking/ledger/ledger-invariants.js';
import { checkTransferInvariants } from '../../banking/transfers/transfer-invariants.js';
import { findOrphans } from '../../db/integrity.js';
import { takeBareSubcommand, type Command } from '../command.js';
import { withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori db check',
    '',
    'Checks the data against every invariant Mamori knows, from the tables alone:',
    '  ledger     balances sum to zero per institution, each account equals its postings,',
    '             each entry balances, no customer account below zero (as `mamori ledger check`)',
    '  transfers  each done transfer has exactly one entry, limit usage matches the transfers',
    '  audit      every hash chain of the audit log is whole (as `mamori audit verify`)',
    '  orphans    no row names a parent that does not exist (sessions, accounts, transfers,',
    '             postings, payees, bindings, proposals, operator sessions, outbox, …)',
    'Prints one "ok: …" line per check (exit 0), or each problem found (exit 1).',
  ].join('\n'),

  async run(args, io) {
    takeBareSubcommand(args, 'check');
    return withConfiguredDatabase(io, { mustExist: true }, async ({ database }) => {
      const db = database.db;
      const ledger = await checkLedgerInvariants(db);
      const transfers = await checkTransferInvariants(db);
      const audit = await verifyAuditChain(db);
      const orphans = await findOrphans(db);
      const problems: string[] = [];

      if (ledger.ok) io.out(`ok: ledger: ${ledger.accounts} accounts, ${ledger.entries} journal entries`);
      else for (const problem of ledger.problems) problems.push(`problem: ledger: ${JSON.stringify(problem)}`);
      if (transfers.ok) io.out(`ok: transfers: ${transfers.done} done, ${transfers.pending} pending`);
      else for (const problem of transfers.problems) problems.push(`problem: transfers: ${JSON.stringify(problem)}`);
      if (audit.ok) io.out(`ok: audit: ${audit.records} records in ${audit.chains} chains`);
      else problems.push(`problem: audit: chain ${audit.chain}, record ${audit.seq} (${audit.problem})`);
      if (orphans.ok) io.out(`ok: orphans: none in ${orphans.relationships} relationships`);
      else {
        for (const group of orphans.orphans) {
          problems.push(`problem: orphans: ${group.count} in ${group.relationship}, e.g. ${group.examples.map((e) => JSON.stringify(e)).join(' ')}`);
        }
      }

      for (const line of problems) io.out(line);
      return problems.length === 0 ? 0 : 1;
    });
  },
};
