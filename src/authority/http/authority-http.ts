// The authority's HTTP API under /authority/v1 (DESIGN §3.2), as a part for buildApp. Routes
// translate HTTP to the Authority's calls and map every tagged outcome with an exhaustive
// switch; the rules live in the domain files, not here.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppParts } from '../../web/app.js';
import { answeredAsOutage } from '../../web/errors.js';
import type { BindFailureReason, ResyncResult, UnbindResult } from '../authority-client.js';
import type { Authority } from '../authority-service.js';
import { AUTHORITY_ERRORS, authorityError, type AuthorityErrorCode } from './authority-errors.js';
import {
  bindBodySchema,
  bindingParamsSchema,
  provisionBodySchema,
  serialParamsSchema,
  syncBodySchema,
  verifyBodySchema,
  type BindBody,
  type ProvisionBody,
  type SyncBody,
  type VerifyBody,
} from './authority-schemas.js';
import { buildAuthorityOpenApi } from './openapi.js';
import { createStrictValidatorCompiler, describeValidationError } from './validation.js';

export const AUTHORITY_API_PREFIX = '/authority/v1';
/** Every body of this API is small; anything bigger is refused before it is parsed. */
const BODY_LIMIT_BYTES = 4 * 1024;

export interface AuthorityHttpOptions {
  authority: Authority;
}

/** Which relying party each authenticated request speaks for (no decoration of Fastify's types). */
const relyingPartyOfRequest = new WeakMap<FastifyRequest, string>();

export function authorityHttpPart(options: AuthorityHttpOptions): AppParts {
  return {
    register: async (app) => {
      await app.register((scope, _opts, done) => {
        registerAuthorityRoutes(scope, options.authority);
        done();
      }, { prefix: AUTHORITY_API_PREFIX });
    },
  };
}

function send(reply: FastifyReply, code: AuthorityErrorCode, extra: { message?: string; field?: string } = {}) {
  return reply.status(AUTHORITY_ERRORS[code].status).send(authorityError(code, extra));
}

function registerAuthorityRoutes(scope: FastifyInstance, authority: Authority): void {
  scope.setValidatorCompiler(createStrictValidatorCompiler());
  scope.setErrorHandler((error: FastifyError, request, reply) => handleError(error, request, reply));
  scope.setNotFoundHandler((_request, reply) => send(reply, 'not_found'));
  const openApi = buildAuthorityOpenApi();

  // Bodies are JSON, whatever other parsers the app has (forms for the bank's pages).
  scope.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return send(reply, 'unsupported_media_type');
  });

  scope.get('/openapi.json', async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(openApi));

  scope.post<{ Body: ProvisionBody }>('/tokens', { schema: { body: provisionBodySchema }, bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
    const rate = await authority.allowProvisioning(request.ip);
    if (!rate.allowed) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000))));
      return send(reply, 'rate_limited');
    }
    const result = await authority.provisionToken(request.body);
    if (!result.ok) return send(reply, result.reason);
    return reply.status(201).header('cache-control', 'no-store').send(result.token);
  });

  // Relying-party routes: an API key first, before any body is read.
  scope.register((rp, _opts, done) => {
    rp.addHook('onRequest', async (request, reply) => {
      const relyingPartyId = await authenticate(authority, request.headers.authorization);
      if (relyingPartyId === undefined) {
        reply.header('www-authenticate', 'Bearer realm="mamori-authority"');
        return send(reply, 'unauthorized');
      }
      relyingPartyOfRequest.set(request, relyingPartyId);
    });

    rp.post<{ Body: BindBody }>('/bindings', { schema: { body: bindBodySchema }, bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
      const result = await authority.clientFor(rpOf(request)).bind(request.body);
      if (!result.ok) return send(reply, bindFailureCode(result.reason));
      return reply.status(201).send({ bindingId: result.bindingId, serial: result.serial, kind: result.kind, timeStep: result.timeStep });
    });

    rp.post<{ Params: { id: string }; Body: VerifyBody }>(
      '/bindings/:id/verify',
      { schema: { params: bindingParamsSchema, body: verifyBodySchema }, bodyLimit: BODY_LIMIT_BYTES },
      async (request) => {
        const { code, transaction } = request.body;
        return authority.clientFor(rpOf(request)).verify({
          bindingId: request.params.id,
          code,
          ...(transaction === undefined
            ? {}
            : { transaction: { payeeAccount: transaction.payeeAccount, ...(transaction.amount === undefined ? {} : { amountYen: transaction.amount }) } }),
        });
      },
    );

    rp.delete<{ Params: { id: string } }>('/bindings/:id', { schema: { params: bindingParamsSchema }, bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
      const result: UnbindResult = await authority.clientFor(rpOf(request)).unbind(request.params.id);
      if (!result.ok) return send(reply, result.reason);
      return reply.status(204).send();
    });

    rp.post<{ Params: { serial: string }; Body: SyncBody }>(
      '/tokens/:serial/sync',
      { schema: { params: serialParamsSchema, body: syncBodySchema }, bodyLimit: BODY_LIMIT_BYTES },
      async (request, reply) => {
        const result = await authority.clientFor(rpOf(request)).resync({ serial: request.params.serial, ...request.body });
        if (!result.ok) return send(reply, resyncFailureCode(result.reason));
        return reply.send({ driftSteps: result.driftSteps });
      },
    );
    done();
  });
}

function rpOf(request: FastifyRequest): string {
  const relyingPartyId = relyingPartyOfRequest.get(request);
  if (relyingPartyId === undefined) throw new Error('relying-party route without authentication');
  return relyingPartyId;
}

async function authenticate(authority: Authority, header: string | undefined): Promise<string | undefined> {
  const match = /^Bearer ([\x21-\x7e]{1,200})$/i.exec(header ?? '');
  return match?.[1] === undefined ? undefined : authority.authenticateRelyingParty(match[1]);
}

function bindFailureCode(reason: BindFailureReason): AuthorityErrorCode {
  switch (reason) {
    case 'malformed_serial':
    case 'unknown_serial':
    case 'token_disabled':
    case 'malformed_code':
    case 'invalid_code':
    case 'throttled':
      return reason;
  }
}

function resyncFailureCode(reason: Extract<ResyncResult, { ok: false }>['reason']): AuthorityErrorCode {
  switch (reason) {
    case 'malformed_serial':
    case 'unknown_serial':
    case 'malformed_code':
    case 'not_consecutive':
    case 'token_disabled':
    case 'throttled':
      return reason;
  }
}

/**
 * Client mistakes get their own 4xx code; an outage of the authority's database is a 503
 * `service_unavailable` with Retry-After (nothing was done: the statement's transaction rolled
 * back); anything else is logged and hidden behind a 500.
 */
function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation) {
    const body = describeValidationError(error);
    return reply.status(AUTHORITY_ERRORS[body.error].status).send(body);
  }
  const status = error.statusCode ?? 500;
  if (status < 500) {
    const code: AuthorityErrorCode =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type'
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413 ? 'payload_too_large'
      : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? 'invalid_json'
      : status === 404 ? 'not_found'
      : status === 405 ? 'method_not_allowed'
      : status === 415 ? 'unsupported_media_type'
      : 'bad_request';
    return send(reply, code);
  }
  if (answeredAsOutage(error, request, reply)) return send(reply, 'service_unavailable');
  request.log.error({ err: error, errorId: request.id }, 'authority request failed');
  return reply.status(500).send(authorityError('internal_error', { errorId: request.id }));
}
