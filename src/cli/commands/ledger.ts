// `mamori ledger check`: the ledger's invariants (balances sum to zero per institution, each
// account equals its postings, each entry balances, no customer account below zero) and the
// transfers' (each done transfer has exactly one entry, limit usage matches the transfers).
// Exit 0 when all hold, 1 with the problems — for monitors and the restore drill.
import { checkLedgerInvariants } from '../../banking/ledger/ledger-invariants.js';
import { checkTransferInvariants } from '../../banking/transfers/transfer-invariants.js';
import { takeBareSubcommand, type Command } from '../command.js';
import { withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori ledger check',
    '',
    'Checks the ledger and the transfers against their invariants, from the tables alone.',
    'Prints "ok: …" (exit 0) or each problem found (exit 1).',
  ].join('\n'),

  async run(args, io) {
    takeBareSubcommand(args, 'check');
    return withConfiguredDatabase(io, { mustExist: true }, async ({ database }) => {
      const ledger = await checkLedgerInvariants(database.db);
      const transfers = await checkTransferInvariants(database.db);
      if (ledger.ok && transfers.ok) {
        io.out(`ok: ${ledger.accounts} accounts, ${ledger.entries} journal entries, ${transfers.done} done and ${transfers.pending} pending transfers`);
        return 0;
      }
      for (const problem of [...(ledger.ok ? [] : ledger.problems), ...(transfers.ok ? [] : transfers.problems)]) io.out(`problem: ${JSON.stringify(problem)}`);
      return 1;
    });
  },
};
