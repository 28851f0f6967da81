// One registry of public error codes (snake_case). A client sees the code and a message that
// reveals nothing; the reason behind a 5xx goes only to the log, under an error id.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorityUnavailableError } from '../authority/authority-client.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';

export const PUBLIC_ERRORS = {
  bad_request: { status: 400, message: 'The request is not valid.' },
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  unsupported_media_type: { status: 415, message: 'Send application/json (or a form for pages).' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unauthorized: { status: 401, message: 'Missing or invalid credentials.' },
  forbidden: { status: 403, message: 'Not allowed.' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  rate_limited: { status: 429, message: 'Too many requests; try again later.' },
  service_unavailable: { status: 503, message: 'Temporarily unavailable; try again later.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
} as const;

export type PublicErrorCode = keyof typeof PUBLIC_ERRORS;

export function errorBody(code: PublicErrorCode, extra: { message?: string; errorId?: string; field?: string } = {}) {
  return { error: code, message: extra.message ?? PUBLIC_ERRORS[code].message, ...(extra.field ? { field: extra.field } : {}), ...(extra.errorId ? { errorId: extra.errorId } : {}) };
}

/** Retry-After (seconds) of every 503 an outage causes: the authority or the database cannot answer. */
export const OUTAGE_RETRY_AFTER_SECONDS = 30;

/**
 * Whether `error` is an outage — the token authority cannot answer (AuthorityUnavailableError),
 * or the database cannot (isDatabaseUnavailable) — rather than a bug. Then the request failed
 * before it was done; this logs a warning under the request id, sets Retry-After, and the
 * caller answers 503 (「しばらくしてから再度お試しください」 on pages, `service_unavailable`
 * in JSON). Every error handler of the app asks this one function.
 */
export function answeredAsOutage(error: unknown, request: FastifyRequest, reply: FastifyReply): boolean {
  const what = error instanceof AuthorityUnavailableError ? 'token authority' : isDatabaseUnavailable(error) ? 'database' : undefined;
  if (what === undefined) return false;
  request.log.warn({ err: error, errorId: request.id }, `${what} unavailable`);
  if (!reply.sent) reply.header('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
  return true;
}
