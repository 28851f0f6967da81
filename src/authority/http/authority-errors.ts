// Every error code the authority API answers with, in one place: the status, and a message
// that never repeats the input (no code, key or secret ever appears in an error body).
export const AUTHORITY_ERRORS = {
  bad_request: { status: 400, message: 'The request is not valid.' },
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  invalid_code_format: { status: 400, message: 'A code must be a string of digits.' },
  invalid_public_key: { status: 400, message: 'clientPublicKey must be base64url of an uncompressed P-256 point (65 bytes).' },
  malformed_serial: { status: 400, message: 'The serial number is not valid; check the number (4 letters and 8 digits).' },
  malformed_code: { status: 400, message: 'A code must be exactly 6 digits.' },
  unauthorized: { status: 401, message: 'Missing or invalid API key (Authorization: Bearer <key>).' },
  not_found: { status: 404, message: 'Not found.' },
  binding_not_found: { status: 404, message: 'No such binding for this relying party.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send Content-Type: application/json.' },
  unknown_serial: { status: 422, message: 'No token with this serial number can be used.' },
  token_disabled: { status: 422, message: 'The token is disabled.' },
  invalid_code: { status: 422, message: 'The code is not valid.' },
  not_consecutive: { status: 422, message: 'The two codes are not consecutive codes of this token.' },
  throttled: { status: 429, message: 'Too many wrong codes for this token; try again later.' },
  rate_limited: { status: 429, message: 'Too many requests; try again later.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  service_unavailable: { status: 503, message: 'Temporarily unavailable; try again later.' },
} as const;

export type AuthorityErrorCode = keyof typeof AUTHORITY_ERRORS;

export interface AuthorityErrorBody {
  error: AuthorityErrorCode;
  message: string;
  field?: string;
  errorId?: string;
}

export function authorityError(code: AuthorityErrorCode, extra: { message?: string; field?: string; errorId?: string } = {}): AuthorityErrorBody {
  return {
    error: code,
    message: extra.message ?? AUTHORITY_ERRORS[code].message,
    ...(extra.field === undefined ? {} : { field: extra.field }),
    ...(extra.errorId === undefined ? {} : { errorId: extra.errorId }),
  };
}
