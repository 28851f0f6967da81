// Scheduled jobs: run once by `mamori jobs run`, and on a timer inside `mamori serve`. Each job
// is safe to run at any time, any number of times, from several processes at once: every
// change it makes is a compare-and-set with its audit record in the same transaction.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { runLimitDowngradeJob, type LoweredLimit } from '../banking/limits/limit-downgrade.js';
import { deleteStalePendingTransfers } from '../banking/transfers/pending-cleanup.js';
import type { Clock } from '../shared/clock.js';

export interface ScheduledJobDeps {
  db: Kysely<Schema>;
  clock: Clock;
}

export type JobReport =
  | { job: 'limit_downgrade'; lowered: LoweredLimit[] }
  | { job: 'pending_transfer_cleanup'; deleted: number };

/** How often `serve` runs the jobs. */
export const SCHEDULED_JOBS_INTERVAL_MS = 60 * 60_000;

export async function runScheduledJobs(deps: ScheduledJobDeps): Promise<JobReport[]> {
  const downgrade = await runLimitDowngradeJob(deps.db, { clock: deps.clock });
  const cleanup = await deleteStalePendingTransfers(deps.db, { nowMs: deps.clock.nowMs() });
  return [
    { job: 'limit_downgrade', lowered: downgrade.lowered },
    { job: 'pending_transfer_cleanup', deleted: cleanup.deleted },
  ];
}

/**
 * Runs the jobs every `intervalMs` (first run after one interval). The timer does not keep
 * the process alive; `stop()` before closing the database. A failed run is reported and the
 * next one tries again.
 */
export function scheduleJobs(
  deps: ScheduledJobDeps & { intervalMs?: number; onReport?: (reports: JobReport[]) => void; onError: (error: unknown) => void },
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runScheduledJobs(deps)
      .then((reports) => deps.onReport?.(reports))
      .catch(deps.onError)
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs ?? SCHEDULED_JOBS_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
