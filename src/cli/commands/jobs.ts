// `mamori jobs run`: the scheduled jobs (src/jobs) once, now — for cron, or after a server was
// down. `mamori serve` also runs them every hour; running both is safe, every change is a
// compare-and-set.
import { runScheduledJobs, type JobReport } from '../../jobs/index.js';
import { createSmtpTransport } from '../../notifications/mail-transport.js';
import { deliverDueNotifications } from '../../notifications/outbox-delivery.js';
import { systemClock, systemRandomBytes } from '../../shared/clock.js';
import { takeBareSubcommand, type Command } from '../command.js';
import { migrateOrThrow, withConfiguredDatabase } from '../configured-database.js';

export const command: Command = {
  usage: [
    'usage: mamori jobs run',
    '',
    'Runs the scheduled jobs once: daily limits falling back after a token was deregistered',
    'for the policy\'s days, and clean-up of stale unconfirmed transfers. Prints what changed.',
    'With MAMORI_SMTP_URL set, also sends the notifications that are due (as every `serve` does).',
  ].join('\n'),

  async run(args, io) {
    takeBareSubcommand(args, 'run');
    return withConfiguredDatabase(io, { mustExist: true }, async ({ database, config }) => {
      await migrateOrThrow(database);
      for (const report of await runScheduledJobs({ db: database.db, clock: systemClock })) {
        for (const line of describeReport(report)) io.out(line);
      }
      // Without a mail relay the notifications stay for the development mailbox page.
      if (config.smtpUrl !== undefined) {
        const transport = createSmtpTransport({ url: config.smtpUrl });
        try {
          const sent = await deliverDueNotifications({ database, transport, clock: systemClock, randomBytes: systemRandomBytes, fromAddress: config.mailFrom });
          io.out(`notifications: ${sent.sent} sent, ${sent.retried} to retry, ${sent.failed} failed`);
          for (const reason of sent.errors.slice(0, 5)) io.err(`  ${reason}`);
        } finally {
          transport.close();
        }
      }
      return 0;
    });
  },
};

function describeReport(report: JobReport): string[] {
  switch (report.job) {
    case 'limit_downgrade':
      return [
        `limit_downgrade: lowered ${report.lowered.length} daily limits`,
        ...report.lowered.map((l) => `  ${l.institution}/${l.contractId}: ¥${l.fromYen.toLocaleString('ja-JP')} → ¥${l.toYen.toLocaleString('ja-JP')}`),
      ];
    case 'pending_transfer_cleanup':
      return [`pending_transfer_cleanup: deleted ${report.deleted} stale unconfirmed transfers`];
    case 'expired_state_sweep':
      return [
        `expired_state_sweep: deleted ${report.sessions} customer sessions, ${report.operatorSessions} operator sessions, ` +
          `${report.sessionEndNotices} session-end notes, ${report.rateLimitWindows} rate-limit windows, ${report.passkeyChallenges} passkey challenges`,
      ];
  }
}
