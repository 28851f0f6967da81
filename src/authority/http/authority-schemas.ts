// JSON Schemas of the authority API: the routes validate with them (ajv, no type coercion)
// and the OpenAPI document publishes them, so the two cannot disagree. Only keywords that
// mean the same in JSON Schema draft-07 (ajv) and 2020-12 (OpenAPI 3.1) are used.
import { MAX_TRANSACTION_AMOUNT_YEN } from '../../otp/index.js';
import { MAX_SUBJECT_LENGTH } from '../bindings.js';

/** Long enough for any code a person types; a longer string is no code at all. */
const MAX_CODE_LENGTH = 32;

const codeSchema = { type: 'string', maxLength: MAX_CODE_LENGTH, description: 'The 6-digit code the token shows, as a string of ASCII digits.' } as const;
const serialSchema = {
  type: 'string',
  maxLength: 64,
  description: 'Serial number: 4 letters and 8 digits, the last a Luhn check digit. Any case, spaces, hyphens and full-width characters are accepted.',
} as const;

export const provisionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['mobile', 'desktop'] },
    clientPublicKey: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,200}$',
      description: 'base64url (no padding) of the client\'s uncompressed P-256 point (65 bytes, WebCrypto exportKey("raw")). When present, the secret is agreed, not sent.',
    },
  },
} as const;

export const bindBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['serial', 'subject', 'code'],
  properties: {
    serial: serialSchema,
    subject: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_SUBJECT_LENGTH,
      pattern: '^[^\\u0000-\\u001f\\u007f]+$',
      description: "The relying party's identifier of the person (e.g. the contract ID).",
    },
    code: codeSchema,
  },
} as const;

export const verifyBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: {
    code: codeSchema,
    transaction: {
      type: 'object',
      additionalProperties: false,
      required: ['payeeAccount'],
      description: 'Present for a transaction code (OCRA-1:HOTP-SHA1-6:QN20-T1M) bound to the payee account, and the amount when the institution binds it.',
      properties: {
        payeeAccount: { type: 'string', pattern: '^[0-9]{7}$', description: '7-digit account number of the payee.' },
        amount: { type: 'integer', minimum: 1, maximum: MAX_TRANSACTION_AMOUNT_YEN, description: 'Amount in yen.' },
      },
    },
  },
} as const;

export const syncBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code1', 'code2'],
  properties: { code1: codeSchema, code2: codeSchema },
} as const;

export const bindingParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 200 } },
} as const;

export const serialParamsSchema = {
  type: 'object',
  required: ['serial'],
  properties: { serial: serialSchema },
} as const;

/** Which body fields are codes: a wrong type there is `invalid_code_format`. */
export const CODE_FIELDS = new Set(['code', 'code1', 'code2']);

export interface ProvisionBody {
  kind: 'mobile' | 'desktop';
  clientPublicKey?: string;
}
export interface BindBody {
  serial: string;
  subject: string;
  code: string;
}
export interface VerifyBody {
  code: string;
  transaction?: { payeeAccount: string; amount?: number };
}
export interface SyncBody {
  code1: string;
  code2: string;
}
