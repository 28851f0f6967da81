// `mamori audit verify`: walks every hash chain of the audit log. Exit 0 when all of it fits,
// 1 with the first record that does not (so a cron job or a monitor can alert on the code).
import { verifyAuditChain } from '../../audit/audit-log.js';
import { parseFlags, parseWholeNumber, takeSubcommand, type Command } from '../command.js';
import { withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori audit verify [--batch-size N]',
    '',
    'Checks every record of every audit chain against its hash and its predecessor.',
    'Prints "ok: N records in M chains" (exit 0) or the first broken record (exit 1).',
  ].join('\n'),

  async run(args, io) {
    const [, rest] = takeSubcommand(args, ['verify'] as const);
    const { values } = parseFlags(rest, { 'batch-size': { type: 'string' } });
    const batchSize = values['batch-size'] === undefined ? undefined : parseWholeNumber('--batch-size', values['batch-size'], { min: 1, max: 100_000 });
    return withConfiguredDatabase(io, { mustExist: true }, async ({ database }) => {
      const result = await verifyAuditChain(database.db, batchSize === undefined ? {} : { batchSize });
      if (result.ok) {
        io.out(`ok: ${result.records} records in ${result.chains} chains`);
        return 0;
      }
      io.out(`broken: chain ${result.chain}, record ${result.seq} (${describeProblem(result.problem)})`);
      return 1;
    });
  },
};

function describeProblem(problem: 'hash_mismatch' | 'broken_link' | 'gap' | 'head_mismatch'): string {
  switch (problem) {
    case 'hash_mismatch':
      return 'hash_mismatch: its content was changed';
    case 'broken_link':
      return 'broken_link: it does not follow the record before it';
    case 'gap':
      return 'gap: the record is missing';
    case 'head_mismatch':
      return 'head_mismatch: records at the end of the chain are missing';
  }
}
