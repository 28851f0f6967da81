// The metrics of a Mamori process (served at /metrics; each explained in docs/OPERATIONS.md).
// One registry per process, like a logger: the parts that count (login routes, lock counters,
// the authority client wrapper, transfers) import `metrics` and increment it. Labels are
// closed sets (outcomes, reasons, route patterns) — never a contract ID, a serial or a URL —
// so the number of series stays small and no metric identifies a customer.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MetricsRegistry } from './metrics.js';
import { registerProcessMetrics } from './process-metrics.js';

export type LoginOutcome = 'success' | 'password_failed' | 'address_limited' | 'code_failed' | 'locked' | 'throttled' | 'token_unusable' | 'unavailable';
export type VerificationResult =
  | 'valid'
  | 'invalid_code'
  | 'replayed'
  | 'malformed_code'
  | 'throttled'
  | 'token_disabled'
  | 'binding_not_found'
  | 'unknown_serial'
  | 'unavailable' // no answer: timeout, refused connection, 5xx
  | 'error'; // a caller's bug (TypeError)
export type LockKind = 'otp' | 'password';
export type TransferOutcome = 'done' | 'refused' | 'unavailable';

/** Seconds. Verifying a code is one query and three HMACs: milliseconds, unless something waits. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createMamoriMetrics() {
  const registry = new MetricsRegistry();
  const metrics = {
    registry,
    logins: registry.counter<'outcome'>('mamori_logins_total', 'Login attempts at the bank site by outcome (password step and one-time password step).', ['outcome']),
    codeVerifications: registry.counter<'operation' | 'result'>(
      'mamori_code_verifications_total',
      'Calls to the token authority by operation (verify, bind) and result: valid, or the failure reason, or unavailable.',
      ['operation', 'result'],
    ),
    passwordChecks: registry.counter<'result'>(
      'mamori_password_checks_total',
      "Login passwords compared with the contract's stored hash (the password step of ログイン, 利用開始, 利用中止, 利用登録/交換), by result: right or wrong. Unknown IDs and refused attempts are not compared, so per contract the wrong ones stay within the lock.",
      ['result'],
    ),
    authorityCodeChecks: registry.counter<'operation' | 'result'>(
      'mamori_authority_code_checks_total',
      "The token authority's own answers to verify, bind and resync, by result: invalid_code (and not_consecutive) are codes it checked and found wrong, throttled ones it refused to check.",
      ['operation', 'result'],
    ),
    codeVerificationSeconds: registry.histogram<'operation'>(
      'mamori_code_verification_duration_seconds',
      'How long the token authority took to answer a verify or bind, seen from the bank side (in-process or HTTP).',
      ['operation'],
      LATENCY_BUCKETS,
    ),
    locks: registry.counter<'kind'>('mamori_locks_total', 'Contracts locked by consecutive wrong one-time passwords (otp) or passwords (password).', ['kind']),
    transfers: registry.counter<'outcome'>('mamori_transfers_total', 'Transfers confirmed by customers, by outcome.', ['outcome']),
    notifications: registry.counter<'result'>('mamori_notifications_total', 'Notification delivery attempts by this process: sent, retried (will try again) or failed (gave up).', ['result']),
    outboxPending: registry.gauge('mamori_outbox_pending', 'Notifications waiting to be sent (whole database, read at scrape).'),
    outboxFailed: registry.gauge('mamori_outbox_failed', 'Notifications that gave up after their retries (whole database, read at scrape).'),
    outboxOldestPendingSeconds: registry.gauge('mamori_outbox_oldest_pending_seconds', 'Age of the oldest notification still waiting (0 when none).'),
    httpRequests: registry.counter<'method' | 'route' | 'status'>('mamori_http_requests_total', 'HTTP requests by method, route pattern and status code.', ['method', 'route', 'status']),
    httpRequestSeconds: registry.histogram<'route'>('mamori_http_request_duration_seconds', 'HTTP request duration by route pattern.', ['route'], LATENCY_BUCKETS),
    eventLoopDelaySeconds: registry.gauge<'quantile'>('mamori_event_loop_delay_seconds', 'Event-loop delay since the last scrape (p50, p99, max): high values mean blocked requests.', ['quantile']),
    authorityUp: registry.gauge('mamori_authority_up', "Whether this bank process's token authority answered its /readyz at the last check (1) or not (0): read at each scrape and each /readyz. A bank process stays ready without it (sign-ins of customers without a token still work); alert on this instead."),
  };
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  // The standard process_* and nodejs_* series; they read the monitor before it is reset below.
  registerProcessMetrics(registry, loopDelay);
  registry.onCollect(() => {
    // Histogram values are nanoseconds; reset, so each scrape reports its own interval.
    metrics.eventLoopDelaySeconds.set({ quantile: '0.5' }, loopDelay.percentile(50) / 1e9);
    metrics.eventLoopDelaySeconds.set({ quantile: '0.99' }, loopDelay.percentile(99) / 1e9);
    metrics.eventLoopDelaySeconds.set({ quantile: '1' }, loopDelay.max / 1e9);
    loopDelay.reset();
  });
  return metrics;
}

export type MamoriMetrics = ReturnType<typeof createMamoriMetrics>;

/** This process's metrics. */
export const metrics: MamoriMetrics = createMamoriMetrics();
