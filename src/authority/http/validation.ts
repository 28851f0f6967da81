// Body validation for the authority API: ajv with NO type coercion (Fastify's default
// coerces, so "123456" and 123456 would both pass as a string, and [x] as x), no defaults
// filled in, nothing removed: what is not exactly right is refused.
import { Ajv } from 'ajv';
import type { FastifyError } from 'fastify';
import { CODE_FIELDS } from './authority-schemas.js';
import { authorityError, type AuthorityErrorBody } from './authority-errors.js';

export function createStrictValidatorCompiler() {
  const ajv = new Ajv({ coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false, strict: true });
  return ({ schema }: { schema: object }) => ajv.compile(schema);
}

/** A validation failure as the API says it: which field, and never the value. */
export function describeValidationError(error: FastifyError): AuthorityErrorBody {
  const first = error.validation?.[0];
  const context = error.validationContext ?? 'body';
  const path = first?.instancePath ?? '';
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  const field = [path.replace(/^\//, '').replace(/\//g, '.'), missing ?? ''].filter(Boolean).join('.') || undefined;
  if (context === 'body' && path !== '' && CODE_FIELDS.has(path.slice(1))) return authorityError('invalid_code_format', { field: path.slice(1) });
  if (context === 'body' && path === '/clientPublicKey') return authorityError('invalid_public_key', { field: 'clientPublicKey' });
  const where = field === undefined ? context : `${context}.${field}`;
  // ajv's messages name the rule ("must be string"), never the data; field names come from our schema.
  const message = extra === undefined ? `${where} ${first?.message ?? 'is not valid'}.` : `${where} has an unknown property (${truncate(extra)}).`;
  return authorityError('bad_request', { message, ...(field === undefined ? {} : { field }) });
}

function truncate(name: string): string {
  const safe = name.replace(/[^\w.-]/g, '?');
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}
