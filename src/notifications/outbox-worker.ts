// The notification worker inside `mamori serve`: delivers due outbox rows every `intervalMs`.
// Safe beside any number of other workers (outbox-delivery.ts claims rows). `stop()` waits for
// a delivery in progress, so a shutting-down process never closes the database under it.
import { deliverDueNotifications, type DeliveryDeps, type DeliveryReport } from './outbox-delivery.js';

export interface OutboxWorker {
  /** Delivers now (and resets the timer); resolves with the report. */
  runNow(): Promise<DeliveryReport>;
  stop(): Promise<void>;
}

export function startOutboxWorker(
  deps: DeliveryDeps & { intervalMs: number; onReport?: (report: DeliveryReport) => void; onError: (error: unknown) => void },
): OutboxWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DeliveryReport> | undefined;

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void run().catch(() => {}), deps.intervalMs);
    timer.unref();
  };
  const run = (): Promise<DeliveryReport> => {
    if (running) return running;
    clearTimeout(timer);
    running = deliverDueNotifications(deps)
      .then((report) => {
        deps.onReport?.(report);
        return report;
      })
      .catch((error: unknown) => {
        deps.onError(error);
        throw error;
      })
      .finally(() => {
        running = undefined;
        schedule();
      });
    return running;
  };
  schedule();
  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
      deps.transport.close();
    },
  };
}
