// Asks a token authority for a new software token over its HTTP API, agreeing the secret by
// ECDH P-256 + HKDF-SHA256 (DESIGN §3.2) so that only this process and the authority ever hold
// it: no proxy, log or eavesdropper between them sees it. The derivation is the one the
// authority documents and uses (deriveClientTokenSecret): one definition of the protocol.
import { deriveClientTokenSecret } from '../../authority/authority.js';
import { normalizeSerial, type TokenKind } from '../../otp/index.js';
import { CliError } from '../command.js';

export interface ProvisionedToken {
  serial: string;
  secret: Uint8Array;
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  periodSeconds: number;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** `http://host:port` without a trailing slash, or a CliError. */
export function normalizeAuthorityUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`the authority URL "${text}" is not a URL (e.g. http://localhost:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`the authority URL must be http:// or https://, not "${text}"`);
  if (url.search || url.hash || url.username || url.password) throw new CliError('the authority URL must not carry a query, a fragment or credentials');
  return url.toString().replace(/\/+$/, '');
}

/**
 * Plain HTTP to another machine: the secret still never travels, but an active attacker in the
 * path could answer with its own key and hold the secret instead of the authority.
 */
export function isUnprotectedRemote(authorityUrl: string): boolean {
  const url = new URL(authorityUrl);
  return url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export async function provisionToken(input: { authorityUrl: string; kind: TokenKind }): Promise<ProvisionedToken> {
  const subtle = globalThis.crypto.subtle;
  // Not extractable: the private key lives only in this process, for this one exchange.
  const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  // The uncompressed point 0x04 | x | y (65 bytes), base64url without padding.
  const publicKey = Buffer.from(await subtle.exportKey('raw', pair.publicKey)).toString('base64url');
  const endpoint = `${input.authorityUrl}/authority/v1/tokens`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ kind: input.kind, clientPublicKey: publicKey }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(`cannot reach the token authority at ${input.authorityUrl} (${cause}); is it running? (--authority URL or MAMORI_AUTHORITY_URL)`);
  }
  const body = await readJson(response);
  if (response.status !== 201) throw new CliError(describeRefusal(response.status, body, input.authorityUrl));

  const answer = parseAnswer(body);
  if (answer === undefined) {
    throw new CliError(`the authority at ${input.authorityUrl} answered without a usable server key; it may not support key agreement (no token was saved)`);
  }
  let secret: Uint8Array;
  try {
    secret = await deriveClientTokenSecret({ clientPrivateKey: pair.privateKey, serverPublicKey: answer.serverPublicKey, serial: answer.serial });
  } catch (error) {
    throw new CliError(`the authority's answer cannot be used: ${(error as Error).message} (no token was saved)`);
  }
  return { serial: answer.serial, secret, algorithm: answer.algorithm, digits: answer.digits, periodSeconds: answer.periodSeconds };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function describeRefusal(status: number, body: unknown, authorityUrl: string): string {
  if (status === 429) return 'the authority is refusing new tokens from this address for now (rate limited); try again later';
  if (status === 404) return `${authorityUrl} does not serve the token authority API (/authority/v1/tokens not found)`;
  const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : undefined;
  return `the authority refused the request (HTTP ${status})${message ? `: ${message}` : ''}`;
}

function parseAnswer(body: unknown): (Omit<ProvisionedToken, 'secret'> & { serverPublicKey: string }) | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.serverPublicKey !== 'string' || typeof b.serial !== 'string') return undefined;
  const serial = normalizeSerial(b.serial);
  if (!serial.ok || serial.serial !== b.serial) return undefined; // canonical, with a valid check digit
  if (b.algorithm !== 'SHA1' && b.algorithm !== 'SHA256' && b.algorithm !== 'SHA512') return undefined;
  if (!Number.isInteger(b.digits) || !Number.isInteger(b.periodSeconds)) return undefined;
  return { serial: b.serial, serverPublicKey: b.serverPublicKey, algorithm: b.algorithm, digits: b.digits as number, periodSeconds: b.periodSeconds as number };
}
