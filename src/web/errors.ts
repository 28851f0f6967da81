// One registry of public error codes (snake_case). A client sees the code and a message that
// reveals nothing; the reason behind a 5xx goes only to the log, under an error id.
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
