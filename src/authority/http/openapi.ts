// The OpenAPI 3.1 document of the authority API, served at /authority/v1/openapi.json and
// written to docs/authority-openapi.json. Request schemas are the very ones the routes
// validate with (authority-schemas.ts).
import { TRANSACTION_OCRA_SUITE } from '../../otp/index.js';
import { TOKEN_SECRET_INFO } from '../key-agreement.js';
import { AUTHORITY_ERRORS, type AuthorityErrorCode } from './authority-errors.js';
import { bindBodySchema, provisionBodySchema, syncBodySchema, verifyBodySchema } from './authority-schemas.js';

const KEY_AGREEMENT = [
  'Provisioning with key agreement: the secret never travels.',
  '',
  '1. The client makes an ECDH P-256 key pair and sends `clientPublicKey` = base64url (no padding) of the',
  '   65-byte uncompressed point 0x04|x|y (WebCrypto `exportKey("raw")`).',
  '2. The authority makes an ephemeral P-256 key pair, computes Z = the ECDH shared secret (the 32-byte',
  '   x coordinate; WebCrypto `deriveBits({name: "ECDH", public}, privateKey, 256)`), and derives',
  `   secret = HKDF-SHA256(ikm = Z, salt = UTF-8 bytes of the serial, info = UTF-8 "${TOKEN_SECRET_INFO}", L = 20 bytes) (RFC 5869).`,
  '3. It answers `serial` and `serverPublicKey` (same encoding) and forgets its private key; the client',
  '   derives the same secret from its private key and `serverPublicKey`.',
  '',
  'Points that are not on P-256 are refused with 400 `invalid_public_key`. Over plain HTTP an active',
  'attacker could substitute keys: use HTTPS.',
].join('\n');

function errorResponse(codes: AuthorityErrorCode[]) {
  return {
    description: codes.map((code) => `\`${code}\`: ${AUTHORITY_ERRORS[code].message}`).join('\n\n'),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

const json = (schema: object) => ({ content: { 'application/json': { schema } } });

/** Responses every route may give for malformed requests. */
const requestErrors = {
  '400': errorResponse(['bad_request', 'invalid_json']),
  '413': errorResponse(['payload_too_large']),
  '415': errorResponse(['unsupported_media_type']),
  '500': errorResponse(['internal_error']),
  '503': { ...errorResponse(['service_unavailable']), headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } } },
};
const authErrors = { '401': errorResponse(['unauthorized']) };

export function buildAuthorityOpenApi() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mamori token authority',
      version: '1.0.0',
      description: [
        'Issues software tokens (TOTP: RFC 6238, HMAC-SHA1, 6 digits, 30 s), keeps their secrets encrypted at rest,',
        'and verifies codes for relying parties (institutions), each of which sees only its own bindings.',
        '',
        'Errors are `{"error": "<snake_case code>", "message": "..."}` (and `field` for invalid input); a message never',
        'repeats a code, a key or a secret. Bad input of any shape is a 4xx, never a 5xx. Types are never coerced:',
        'a code is a JSON string, and `123456` (a number) is refused with 400 `invalid_code_format`.',
        '',
        'Replay: a time step once accepted for a binding is never accepted again for it, nor any older step',
        '(`replayed`). Verification outcomes are answered with 200 and `{"valid": false, "reason": ...}`.',
        '',
        KEY_AGREEMENT,
      ].join('\n'),
    },
    servers: [{ url: '/authority/v1' }],
    components: {
      securitySchemes: { relyingPartyKey: { type: 'http', scheme: 'bearer', description: "The institution's API key (`mamori_rp_…`)." } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string', enum: Object.keys(AUTHORITY_ERRORS) },
            message: { type: 'string' },
            field: { type: 'string', description: 'The request field at fault, when one is.' },
            errorId: { type: 'string', description: 'For a 500: the id under which the reason was logged.' },
          },
        },
        ProvisionRequest: provisionBodySchema,
        PlainToken: {
          type: 'object',
          additionalProperties: false,
          required: ['serial', 'secret', 'algorithm', 'digits', 'periodSeconds', 'otpauthUri'],
          properties: {
            serial: { type: 'string', pattern: '^(MMOB|MDSK)[0-9]{8}$' },
            secret: { type: 'string', pattern: '^[A-Z2-7]+$', description: 'RFC 4648 base32 without padding (20 bytes). Shown once; store it in the token.' },
            algorithm: { const: 'SHA1' },
            digits: { const: 6 },
            periodSeconds: { const: 30 },
            otpauthUri: { type: 'string', description: 'otpauth://totp/… (Key Uri Format) for authenticator apps.' },
          },
        },
        AgreedToken: {
          type: 'object',
          additionalProperties: false,
          required: ['serial', 'serverPublicKey', 'algorithm', 'digits', 'periodSeconds'],
          description: KEY_AGREEMENT,
          properties: {
            serial: { type: 'string', pattern: '^(MMOB|MDSK)[0-9]{8}$' },
            serverPublicKey: { type: 'string', pattern: '^[A-Za-z0-9_-]{87}$', description: 'base64url (no padding) of the uncompressed P-256 point.' },
            algorithm: { const: 'SHA1' },
            digits: { const: 6 },
            periodSeconds: { const: 30 },
          },
        },
        BindRequest: bindBodySchema,
        Binding: {
          type: 'object',
          additionalProperties: false,
          required: ['bindingId', 'serial', 'kind', 'timeStep'],
          properties: {
            bindingId: { type: 'string' },
            serial: { type: 'string', description: 'Canonical form of the serial.' },
            kind: { type: 'string', enum: ['mobile', 'desktop'] },
            timeStep: { type: 'integer', description: 'The time step of the code; it is spent for this binding.' },
          },
        },
        VerifyRequest: { ...verifyBodySchema, description: `A login code, or with \`transaction\` a transaction code (${TRANSACTION_OCRA_SUITE}).` },
        VerifyResult: {
          oneOf: [
            {
              type: 'object',
              additionalProperties: false,
              required: ['valid', 'timeStep'],
              properties: { valid: { const: true }, timeStep: { type: 'integer', description: 'TOTP step (30 s), or for a transaction code the OCRA T1M step (minutes).' } },
            },
            {
              type: 'object',
              additionalProperties: false,
              required: ['valid', 'reason'],
              properties: {
                valid: { const: false },
                reason: {
                  type: 'string',
                  enum: ['malformed_code', 'invalid_code', 'replayed', 'throttled', 'token_disabled', 'binding_not_found'],
                  description:
                    '`replayed`: the step was already used for this binding, or is older than one that was. `throttled`: too many wrong codes for this token across all relying parties; try later. `binding_not_found`: no such live binding of this relying party.',
                },
              },
            },
          ],
        },
        SyncRequest: syncBodySchema,
        SyncResult: { type: 'object', additionalProperties: false, required: ['driftSteps'], properties: { driftSteps: { type: 'integer' } } },
      },
    },
    paths: {
      '/tokens': {
        post: {
          operationId: 'provisionToken',
          summary: 'Issue a software token',
          description: `No credentials; rate limited per client address (429 \`rate_limited\` with Retry-After).\n\n${KEY_AGREEMENT}`,
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/ProvisionRequest' }) },
          responses: {
            '201': { description: 'The token: with `secret` (plain), or with `serverPublicKey` (key agreement).', ...json({ oneOf: [{ $ref: '#/components/schemas/PlainToken' }, { $ref: '#/components/schemas/AgreedToken' }] }) },
            ...requestErrors,
            '400': errorResponse(['bad_request', 'invalid_json', 'invalid_public_key']),
            '429': errorResponse(['rate_limited']),
          },
        },
      },
      '/bindings': {
        post: {
          operationId: 'bindToken',
          summary: 'Bind a token to a subject after proof of possession (a current code)',
          security: [{ relyingPartyKey: [] }],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/BindRequest' }) },
          responses: {
            '201': { description: 'Bound (or, for the same subject and token, the live binding reused).', ...json({ $ref: '#/components/schemas/Binding' }) },
            ...requestErrors,
            '400': errorResponse(['bad_request', 'invalid_json', 'invalid_code_format', 'malformed_serial', 'malformed_code']),
            ...authErrors,
            '422': errorResponse(['unknown_serial', 'token_disabled', 'invalid_code']),
            '429': errorResponse(['throttled']),
          },
        },
      },
      '/bindings/{id}/verify': {
        post: {
          operationId: 'verifyCode',
          summary: 'Verify a login code or a transaction code for a binding',
          description: 'Every outcome of the check is a 200; `valid: true` means the step is now spent for this binding.',
          security: [{ relyingPartyKey: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 200 } }],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/VerifyRequest' }) },
          responses: {
            '200': { description: 'The outcome.', ...json({ $ref: '#/components/schemas/VerifyResult' }) },
            ...requestErrors,
            '400': errorResponse(['bad_request', 'invalid_json', 'invalid_code_format']),
            ...authErrors,
          },
        },
      },
      '/bindings/{id}': {
        delete: {
          operationId: 'unbindToken',
          summary: 'Remove a binding of this relying party',
          security: [{ relyingPartyKey: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 200 } }],
          responses: { '204': { description: 'Removed.' }, ...authErrors, '404': errorResponse(['binding_not_found']), '500': requestErrors['500'], '503': requestErrors['503'] },
        },
      },
      '/tokens/{serial}/sync': {
        post: {
          operationId: 'resyncToken',
          summary: "Learn a token's clock drift from two consecutive codes (operator action)",
          description: 'Searches ±50 steps around the current one. Only a relying party with a live binding of the token may resync it. Both codes are spent for every binding of the token.',
          security: [{ relyingPartyKey: [] }],
          parameters: [{ name: 'serial', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } }],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/SyncRequest' }) },
          responses: {
            '200': { description: 'The drift now stored, in 30-second steps.', ...json({ $ref: '#/components/schemas/SyncResult' }) },
            ...requestErrors,
            '400': errorResponse(['bad_request', 'invalid_json', 'invalid_code_format', 'malformed_serial', 'malformed_code']),
            ...authErrors,
            '422': errorResponse(['unknown_serial', 'token_disabled', 'not_consecutive']),
            '429': errorResponse(['throttled']),
          },
        },
      },
      '/openapi.json': {
        get: { operationId: 'openApi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } },
      },
    },
  };
}
