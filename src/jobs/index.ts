// Scheduled jobs: run once by `mamori jobs run`, and on a timer inside `mamori serve`. Each job
// is safe to run at any time, any number of times, from several processes at once: every
// change it makes is a compare-and-set with its audit record in the same transaction.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { runLimitDowngradeJob, type LoweredLimit } from '../banking/limits/limit-downgrade.js';
import { deleteStalePendingTransfers } from '../banking/transfers/pending-cleanup.js';
import { listInstitutions } from '../banking/institutions.js';
import { DEFAULT_POLICY } from '../banking/institution-policy.js';
import { sweepPasskeyChallenges } from '../identity/passkeys.js';
import { CUSTOMER, OPERATOR } from '../identity/principals.js';
import { deleteExpiredSessions, pruneSessionEndNotes } from '../identity/sessions.js';
import { pruneRateLimits } from '../db/rate-limit.js';
import type { Clock } from '../shared/clock.js';

export interface ScheduledJobDeps {
  db: Kysely<Schema>;
  clock: Clock;
}

export type JobReport =
  | { job: 'limit_downgrade'; lowered: LoweredLimit[] }
  | { job: 'pending_transfer_cleanup'; deleted: number }
  | { job: 'expired_state_sweep'; sessions: number; operatorSessions: number; sessionEndNotices: number; rateLimitWindows: number; passkeyChallenges: number };

// Rate-limit windows are at most 15 minutes (provisioning); a day is far past any of them.
const RATE_LIMIT_KEEP_MS = 24 * 3600_000;

/** How often `serve` runs the jobs. */
export const SCHEDULED_JOBS_INTERVAL_MS = 60 * 60_000;

export async function runScheduledJobs(deps: ScheduledJobDeps): Promise<JobReport[]> {
  const downgrade = await runLimitDowngradeJob(deps.db, { clock: deps.clock });
  const cleanup = await deleteStalePendingTransfers(deps.db, { nowMs: deps.clock.nowMs() });
  const sweep = await sweepExpiredState(deps);
  return [
    { job: 'limit_downgrade', lowered: downgrade.lowered },
    { job: 'pending_transfer_cleanup', deleted: cleanup.deleted },
    sweep,
  ];
}

/**
 * Deletes what has expired and would otherwise only go when someone touched it: sessions past
 * their lifetime, old session-end notes, finished rate-limit windows, expired passkey
 * challenges. Sessions are judged by the LONGEST lifetimes any institution allows, so a sweep
 * never ends a session its own policy still keeps (each request checks its institution's exact
 * policy anyway).
 */
export async function sweepExpiredState(deps: ScheduledJobDeps): Promise<Extract<JobReport, { job: 'expired_state_sweep' }>> {
  const nowMs = deps.clock.nowMs();
  const policies = [DEFAULT_POLICY, ...(await listInstitutions(deps.db)).map((institution) => institution.policy)];
  const idleMs = Math.max(...policies.map((policy) => policy.sessionIdleMinutes)) * 60_000;
  const absoluteMs = Math.max(...policies.map((policy) => policy.sessionAbsoluteHours)) * 3600_000;
  return {
    job: 'expired_state_sweep',
    sessions: await deleteExpiredSessions(deps.db, CUSTOMER, { nowMs, idleMs, absoluteMs }),
    operatorSessions: await deleteExpiredSessions(deps.db, OPERATOR, { nowMs, idleMs, absoluteMs }),
    sessionEndNotices: await pruneSessionEndNotes(deps.db, nowMs),
    rateLimitWindows: await pruneRateLimits(deps.db, { nowMs, keepMs: RATE_LIMIT_KEEP_MS }),
    passkeyChallenges: await sweepPasskeyChallenges(deps.db, nowMs),
  };
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
