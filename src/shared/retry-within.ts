// Waiting a short while for a shared resource held by other requests (an attempt in flight),
// by trying again: the database row is the only place all processes meet, so there is nothing
// to be woken by.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `attempt` until it returns something other than undefined, or until `waitMs` of real
 * time have passed (then undefined), sleeping `pollMs` between calls. `attempt` is told how
 * long it has waited so far.
 */
export async function retryWithin<T>(options: { waitMs: number; pollMs: number }, attempt: (waitedMs: number) => Promise<T | undefined>): Promise<T | undefined> {
  const startedAt = Date.now();
  for (;;) {
    const waitedMs = Date.now() - startedAt;
    const result = await attempt(waitedMs);
    if (result !== undefined) return result;
    if (Date.now() - startedAt >= options.waitMs) return undefined;
    await sleep(options.pollMs);
  }
}
