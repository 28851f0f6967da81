// Structured JSON logs (pino, through Fastify): one line per event, each request's lines
// carrying its `reqId` (a random UUID, also sent back as X-Request-Id so that a customer's
// "error reference" finds its lines). DESIGN §5: no secret, password, code or session id in a
// log. Fastify's request serializer is replaced by one that logs the path WITHOUT its query
// string, and pino censors the listed paths whatever a handler logs by mistake.
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/** The levels LOG_LEVEL may name (pino's), checked by src/config.ts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SECRET_FIELDS = [
  'password',
  'loginPassword',
  'confirmationPassword',
  'newPassword',
  // Not `code`: it is also every error's code (ECONNREFUSED, FST_ERR_…), which the log needs.
  // One-time passwords are never put in a log object in the first place.
  'code1',
  'code2',
  'otp',
  'secret',
  'apiKey',
  'authorization',
  'cookie',
  'sessionId',
  'session',
  'csrf',
  'masterKey',
  'pepper',
  'confirmationPepper',
  'smtpUrl',
];

export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.body',
  'request.body',
  'res.body',
  'reply.body',
  'body',
  '*.body',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
];

export function loggerOptions(config: { logLevel: LogLevel | string }): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest },
  };
}

/** What a request line says: method, path (never the query string), the client, the route. */
function serializeRequest(request: FastifyRequest) {
  const url = typeof request.url === 'string' ? request.url : '';
  const queryAt = url.indexOf('?');
  return {
    method: request.method,
    url: queryAt < 0 ? url : `${url.slice(0, queryAt)}?[redacted]`,
    host: request.hostname,
    remoteAddress: request.ip,
  };
}
