// The AuthorityClient of a split deployment: the bank side calls the authority's HTTP API
// with its institution's API key. Same answers as the in-process client (one contract suite
// runs against both).
//
// Failure rule: anything but a clear answer throws AuthorityUnavailableError, and callers fail
// closed. Only a request that provably never reached the server (connection refused) is
// retried: verify and bind spend a time step, so repeating a request whose fate is unknown
// (timeout, reset, 5xx) could turn the first, lost "yes" into a "replayed" — or worse, hide
// which one counted. A timeout is never turned into a yes or a no.
import {
  AuthorityUnavailableError,
  type AuthorityClient,
  type BindFailureReason,
  type BindResult,
  type ResyncResult,
  type UnbindResult,
  type VerifyResult,
} from '../authority-client.js';
import { isPlausibleBindingId } from '../authority-context.js';
import { AUTHORITY_API_PREFIX } from './authority-http.js';

export interface HttpAuthorityClientOptions {
  /** Where the authority is, e.g. https://authority.example:8443 (without /authority/v1). */
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number; // per attempt, default 5000
  retries?: number; // extra attempts after a refused connection, default 2
  fetch?: typeof globalThis.fetch;
}

interface Answer {
  status: number;
  body: unknown;
}

const BIND_REASONS: readonly BindFailureReason[] = ['malformed_serial', 'unknown_serial', 'token_disabled', 'malformed_code', 'invalid_code', 'throttled'];
const RESYNC_REASONS = ['malformed_serial', 'unknown_serial', 'malformed_code', 'not_consecutive', 'token_disabled', 'throttled'] as const;
const VERIFY_REASONS = ['malformed_code', 'invalid_code', 'replayed', 'throttled', 'token_disabled', 'binding_not_found'] as const;

export function createHttpAuthorityClient(options: HttpAuthorityClientOptions): AuthorityClient {
  const base = `${options.baseUrl.replace(/\/+$/, '')}${AUTHORITY_API_PREFIX}`;
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call(method: 'POST' | 'DELETE', path: string, body?: object): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (neverSent(error) && attempt < retries) {
          await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
          continue;
        }
        throw new AuthorityUnavailableError(`token authority unreachable (${describe(error)})`, { cause: error });
      }
      let parsed: unknown;
      try {
        const text = await response.text();
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch (error) {
        throw new AuthorityUnavailableError(`token authority answered ${response.status} without a readable body`, { cause: error });
      }
      if (response.status >= 500) throw new AuthorityUnavailableError(`token authority failed (${response.status} ${errorOf(parsed) ?? ''})`);
      if (response.status === 401) throw new AuthorityUnavailableError('token authority refused the API key (check the key of this institution)');
      return { status: response.status, body: parsed };
    }
  }

  return {
    async bind(input) {
      const { status, body } = await call('POST', '/bindings', { serial: input.serial, subject: input.subject, code: input.code });
      if (status === 201 && isBinding(body)) return { ok: true, bindingId: body.bindingId, serial: body.serial, kind: body.kind, timeStep: body.timeStep };
      const error = errorOf(body);
      if (error === 'invalid_code_format') return { ok: false, reason: 'malformed_code' };
      if (includes(BIND_REASONS, error)) return { ok: false, reason: error } satisfies BindResult;
      return misuseOrUnknown(status, body);
    },
    async verify(input) {
      const transaction = input.transaction
        ? { payeeAccount: input.transaction.payeeAccount, ...(input.transaction.amountYen === undefined ? {} : { amount: input.transaction.amountYen }) }
        : undefined;
      // An id we could never have made is answered here, as the authority would answer it.
      if (!isPlausibleBindingId(input.bindingId)) return { valid: false, reason: 'binding_not_found' };
      const { status, body } = await call('POST', `/bindings/${encodeURIComponent(input.bindingId)}/verify`, { code: input.code, ...(transaction ? { transaction } : {}) });
      if (status === 200 && isVerifyResult(body)) return body.valid ? { valid: true, timeStep: body.timeStep } : { valid: false, reason: body.reason };
      if (errorOf(body) === 'invalid_code_format') return { valid: false, reason: 'malformed_code' } satisfies VerifyResult;
      return misuseOrUnknown(status, body);
    },
    async unbind(bindingId) {
      if (!isPlausibleBindingId(bindingId)) return { ok: false, reason: 'binding_not_found' };
      const { status, body } = await call('DELETE', `/bindings/${encodeURIComponent(bindingId)}`);
      if (status === 204) return { ok: true } satisfies UnbindResult;
      if (status === 404 && errorOf(body) === 'binding_not_found') return { ok: false, reason: 'binding_not_found' };
      return misuseOrUnknown(status, body);
    },
    async resync(input) {
      const { status, body } = await call('POST', `/tokens/${encodeURIComponent(input.serial)}/sync`, { code1: input.code1, code2: input.code2 });
      if (status === 200 && typeof (body as { driftSteps?: unknown })?.driftSteps === 'number') return { ok: true, driftSteps: (body as { driftSteps: number }).driftSteps };
      const error = errorOf(body);
      if (error === 'invalid_code_format') return { ok: false, reason: 'malformed_code' };
      if (includes(RESYNC_REASONS, error)) return { ok: false, reason: error } satisfies ResyncResult;
      return misuseOrUnknown(status, body);
    },
  };
}

/** A 400 for a request we built is our caller's mistake (as the in-process client throws); anything else is unknown. */
function misuseOrUnknown(status: number, body: unknown): never {
  if (status === 400) throw new TypeError(`token authority refused the request: ${messageOf(body) ?? 'bad request'}`);
  throw new AuthorityUnavailableError(`token authority gave an unexpected answer (${status} ${errorOf(body) ?? ''})`);
}

/** Connection refused: the request never left this machine, so repeating it is safe. */
function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : 'unknown error';
}

function errorOf(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : undefined;
}

function messageOf(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function includes<T extends string>(list: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (list as readonly string[]).includes(value);
}

function isBinding(body: unknown): body is { bindingId: string; serial: string; kind: 'mobile' | 'desktop'; timeStep: number } {
  const b = body as Record<string, unknown> | undefined;
  return typeof b?.bindingId === 'string' && typeof b.serial === 'string' && (b.kind === 'mobile' || b.kind === 'desktop') && Number.isSafeInteger(b.timeStep);
}

function isVerifyResult(body: unknown): body is VerifyResult {
  const b = body as Record<string, unknown> | undefined;
  if (b?.valid === true) return Number.isSafeInteger(b.timeStep);
  return b?.valid === false && includes(VERIFY_REASONS, typeof b.reason === 'string' ? b.reason : undefined);
}
