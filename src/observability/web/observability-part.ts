// What every request of a process gets (register FIRST, so its hooks see every route): its
// request id (a trusted proxy's X-Request-Id, or a random UUID) sent back as X-Request-Id, the
// HTTP metrics, and ONE log line when it is answered. And the management endpoints, /healthz
// (web/app.ts), /readyz and /metrics, on the customers' port or on a listener of their own
// (MAMORI_MANAGEMENT_PORT, server.ts), whichever the deployment chose.
//
// /healthz says the process runs; /readyz says it can serve: the database answers (on SQLite:
// this process can take its write lock). A load balancer takes a process out of rotation on a
// 503 there, so only what this process cannot serve without counts: a bank process's token
// authority is shared by every bank process, and gating readiness on it would take them all out
// together while the customers without a token could still sign in. Its reachability is a field
// of the body (`dependencies`) and the metric `mamori_authority_up` instead.
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
  metrics?: MamoriMetrics;
}

/** The hooks every request of the app passes: request id header, HTTP metrics, the one log line. */
export function observabilityPart(deps: ObservabilityDeps = {}): AppParts {
  const metrics = deps.metrics ?? processMetrics;
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
        // One line per request (Fastify's own two are turned off in buildApp): the request as
        // logging.ts serializes it (no query string, no body, no cookie), its answer and time.
        request.log.info({ req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
      });
    },
  };
}

export interface ManagementDeps {
  database: Database;
  /** Extra checks by name; each throws when not ready, and /readyz answers 503 while one does. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** The token authority of a bank process: reported (body, mamori_authority_up), never a 503. */
  authority?: ReadinessCheck;
  metrics?: MamoriMetrics;
  readinessTimeoutMs?: number;
}

/** /readyz and /metrics (with /healthz of buildApp: the management endpoints). */
export function managementEndpointsPart(deps: ManagementDeps): AppParts {
  const metrics = deps.metrics ?? processMetrics;
  const timeoutMs = deps.readinessTimeoutMs ?? 2000;
  const checks: Record<string, ReadinessCheck> = {
    // PostgreSQL: `select 1`; SQLite: also its write lock, which another process may hold
    // (Database.checkReady) — given at most this check's own time.
    database: () => deps.database.checkReady(timeoutMs),
    ...deps.readinessChecks,
  };
  const probeAuthority = deps.authority;
  const authorityState = async (): Promise<'ok' | 'unavailable'> => {
    if (probeAuthority === undefined) return 'ok';
    const up = await withTimeout(probeAuthority(), timeoutMs).then(
      () => true,
      () => false,
    );
    metrics.authorityUp.set(up ? 1 : 0);
    return up ? 'ok' : 'unavailable';
  };
  return {
    register(app: FastifyInstance) {
      const stopCollecting = probeAuthority === undefined ? undefined : metrics.registry.onCollect(async () => void (await authorityState()));
      if (stopCollecting) app.addHook('onClose', async () => stopCollecting());

      app.get('/readyz', async (request, reply) => {
        const [results, authority] = await Promise.all([
          Promise.all(
            Object.entries(checks).map(async ([name, check]) => {
              try {
                await withTimeout(check(), timeoutMs);
                return [name, 'ok'] as const;
              } catch (error) {
                request.log.warn({ check: name, err: error }, 'not ready');
                return [name, 'unavailable'] as const;
              }
            }),
          ),
          authorityState(),
        ]);
        if (authority === 'unavailable') request.log.warn({ dependency: 'authority' }, 'the token authority does not answer (this process stays ready)');
        const ready = results.every(([, state]) => state === 'ok');
        return reply
          .status(ready ? 200 : 503)
          .header('Cache-Control', 'no-store')
          .send({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results), ...(probeAuthority ? { dependencies: { authority } } : {}) });
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

/**
 * A bank process's view of its authority: reachable when its API answers (the OpenAPI document
 * of /authority/v1, on the authority's public port, which it keeps whether or not the authority
 * has a management listener of its own). Its database is the authority's own readiness.
 */
export function authorityReachabilityCheck(authorityUrl: string, timeoutMs = 2000): ReadinessCheck {
  const url = `${authorityUrl.replace(/\/+$/, '')}/authority/v1/openapi.json`;
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`the token authority answered ${response.status}`);
  };
}
