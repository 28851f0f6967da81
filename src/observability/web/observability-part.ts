// /readyz, /metrics, the X-Request-Id header and the HTTP metrics, as a part of the app
// (register it FIRST, so that its hooks see every route). /healthz (web/app.ts) says the
// process runs; /readyz says it can serve: the database answers (on SQLite: this process can
// take its write lock) and, in a split deployment, the token authority does. A load balancer
// takes a process out of rotation on a 503 here.
//
// Behind the TLS proxy, /metrics and /readyz are for the monitoring network only: the sample
// nginx configuration of docs/OPERATIONS.md does not forward them.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.js';
import type { AppParts } from '../../web/app.js';
import { metrics as processMetrics, type MamoriMetrics } from '../mamori-metrics.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics.js';

export type ReadinessCheck = () => Promise<void>;

export interface ObservabilityDeps {
  database: Database;
  /** Extra checks by name (e.g. `authority` in a split deployment); each throws when not ready. */
  readinessChecks?: Record<string, ReadinessCheck>;
  metrics?: MamoriMetrics;
  readinessTimeoutMs?: number;
}

export function observabilityPart(deps: ObservabilityDeps): AppParts {
  const metrics = deps.metrics ?? processMetrics;
  const timeoutMs = deps.readinessTimeoutMs ?? 2000;
  const checks: Record<string, ReadinessCheck> = {
    // PostgreSQL: `select 1`; SQLite: also its write lock, which another process may hold
    // (Database.checkReady) — given at most this check's own time.
    database: () => deps.database.checkReady(timeoutMs),
    ...deps.readinessChecks,
  };
  return {
    register(app: FastifyInstance) {
      app.addHook('onRequest', async (request, reply) => {
        reply.header('X-Request-Id', request.id);
      });
      app.addHook('onResponse', async (request, reply) => {
        // The route PATTERN (/ib/:slug/login), never the path: bounded labels, no identifiers.
        const route = request.routeOptions.url ?? 'unmatched';
        metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
        metrics.httpRequestSeconds.observe({ route }, reply.elapsedTime / 1000);
      });

      app.get('/readyz', async (request, reply) => {
        const results = await Promise.all(
          Object.entries(checks).map(async ([name, check]) => {
            try {
              await withTimeout(check(), timeoutMs);
              return [name, 'ok'] as const;
            } catch (error) {
              request.log.warn({ check: name, err: error }, 'not ready');
              return [name, 'unavailable'] as const;
            }
          }),
        );
        const ready = results.every(([, state]) => state === 'ok');
        return reply
          .status(ready ? 200 : 503)
          .header('Cache-Control', 'no-store')
          .send({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) });
      });

      app.get('/metrics', async (_request, reply) => reply.header('Cache-Control', 'no-store').type(PROMETHEUS_CONTENT_TYPE).send(await metrics.registry.render()));
    },
  };
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The split deployment's check: the authority's own /readyz answers 200. */
export function authorityReadinessCheck(authorityUrl: string, timeoutMs = 2000): ReadinessCheck {
  const url = `${authorityUrl.replace(/\/+$/, '')}/readyz`;
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`the token authority's /readyz answered ${response.status}`);
  };
}
