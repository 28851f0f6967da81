// Builds the HTTP application from its dependencies. No listening, no process concerns: the
// server entry (server.ts) adds those, and tests call `buildApp` and use `inject()`.
//
// Each part registers its own routes through one explicit function call below; nothing is
// auto-loaded, so the wiring of the whole platform is readable in this file.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Database } from '../db/database.js';
import type { Clock, RandomBytes } from '../shared/clock.js';
import { MAMORI_VERSION } from '../shared/version.js';
import { answeredAsOutage, errorBody, PUBLIC_ERRORS } from './errors.js';

export interface AppDeps {
  database: Database;
  clock: Clock;
  randomBytes: RandomBytes;
  logger?: FastifyServerOptions['logger'];
  trustProxy?: string | boolean;
  secureCookies?: boolean;
  /** Whether this app answers /healthz (default yes; not when a management listener does). */
  healthEndpoint?: boolean;
}

/** A request id a proxy may hand on: printable, bounded, nothing a log line could be split by. */
const PROXY_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The request id: the X-Request-Id of a proxy this app trusts (MAMORI_TRUST_PROXY, as Fastify
 * trusts its X-Forwarded-For), so one id follows a request from the proxy's log into ours; from
 * anyone else, or malformed, a random UUID.
 */
function requestIdGenerator(trustProxy: string | boolean | undefined): (request: IncomingMessage) => string {
  const trusted =
    trustProxy === true ? () => true : typeof trustProxy === 'string' && trustProxy !== '' ? proxyAddr.compile(trustProxy.split(',').map((entry) => entry.trim())) : () => false;
  return (request) => {
    const offered = request.headers['x-request-id'];
    const peer = request.socket.remoteAddress;
    if (typeof offered === 'string' && PROXY_REQUEST_ID.test(offered) && peer !== undefined && trusted(peer, 0)) return offered;
    return randomUUID();
  };
}

export interface AppParts {
  /** Each part adds its routes; called in order, all before the app is ready. */
  register(app: FastifyInstance): void | Promise<void>;
}

/** One route the app answers: what `mamori routes` prints and the fuzzer aims at. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

const catalogues = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route of an app built by buildApp, in registration order (HEAD routes included). */
export function routeCatalogue(app: FastifyInstance): readonly RouteEntry[] {
  return catalogues.get(app) ?? [];
}

export async function buildApp(deps: AppDeps, parts: AppParts[]): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    genReqId: requestIdGenerator(deps.trustProxy),
    // One line per request, written by observabilityPart when it is answered, instead of
    // Fastify's two ("incoming request", "request completed").
    logController: new LogController({ disableRequestLogging: true }),
    // Paths and query strings are logged (ours never carry secrets); bodies and the cookie and
    // Authorization headers never are (see loggerOptions in server.ts).
    //
    // The router's own rejections (a malformed %-escape, an over-long path parameter) answer
    // with our coded body, not Fastify's, which would echo the URL back.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode === 414 ? 414 : 400;
      // (frameworkErrors' reply type is generic over route schemas that do not exist yet.)
      void (reply as FastifyReply).code(status).send(errorBody('bad_request'));
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (answeredAsOutage(error, request, reply)) return reply.status(503).send(errorBody('service_unavailable'));
    if (status >= 500) {
      // The reason goes to the log under the request id; the client gets a generic answer.
      request.log.error({ err: error, errorId: request.id }, 'request failed');
      return reply.status(500).send(errorBody('internal_error', { errorId: request.id }));
    }
    const code =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type'
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'payload_too_large'
      : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'invalid_json'
      : status === 404 ? 'not_found'
      : status === 405 ? 'method_not_allowed'
      : status === 413 ? 'payload_too_large'
      : status === 415 ? 'unsupported_media_type'
      : status === 429 ? 'rate_limited'
      : 'bad_request';
    return reply.status(PUBLIC_ERRORS[code].status).send(errorBody(code));
  });

  app.setNotFoundHandler((_request, reply) => reply.status(404).send(errorBody('not_found')));

  const catalogue: RouteEntry[] = [];
  catalogues.set(app, catalogue);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) catalogue.push({ method, url: route.url });
  });

  if (deps.healthEndpoint !== false) app.get('/healthz', async () => ({ status: 'ok', version: MAMORI_VERSION }));

  for (const part of parts) await part.register(app);
  await app.ready();
  return app;
}
