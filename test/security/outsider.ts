// What an outsider has: an HTTP client with a cookie jar, any method, header and body it likes
// (forms, JSON, raw bytes, the wrong content type), software tokens it provisions itself at
// the authority's public endpoint, and the customer journeys of the seed pages, step by step.
import { request as httpRequest } from 'node:http';
import { DEMO_CONFIRMATION, provisionHttpToken, STEP_MS, type HttpToken } from '../integration/deployment-helpers.js';
import type { Customer, Target } from './target.js';

export { STEP_MS, type HttpToken };

export interface Answer {
  status: number;
  location: string | null;
  headers: Headers;
  body: string;
  /** The Set-Cookie headers of this answer. */
  setCookies: string[];
}

export interface RequestOptions {
  method?: string;
  /** An urlencoded form; a value given as an array is sent once per item (a duplicated field). */
  form?: Record<string, string | readonly string[]>;
  json?: unknown;
  /** A raw body, sent as it is (with `contentType` if given). */
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send no cookie of the jar with this request. */
  withoutCookies?: boolean;
}

/** fetch's error for a connection closed or reset before any byte of the answer. */
function isLostBeforeAnswer(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return error instanceof TypeError && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE');
}

/** A browser without a browser: one cookie jar by cookie name, redirects not followed. */
export class Outsider {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** `path` is relative to the base URL (`/ib/demo/login`), or an absolute URL. */
  async request(path: string, options: RequestOptions = {}): Promise<Answer> {
    const url = /^https?:/.test(path) ? path : `${this.baseUrl}${path}`;
    const { headers, body } = this.requestParts(options);
    const send = () =>
      fetch(url, {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        redirect: 'manual',
        headers,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : Buffer.from(body) }),
        signal: AbortSignal.timeout(60_000),
      });
    // A kept-alive connection the server closed as idle just as this request went out on it
    // fails with a socket error before any answer (seen under load: 'fetch failed' in the
    // fuzzer's state set-up); the server never read the request, so it is sent again, once, as
    // a browser does (the fuzzer's own client does the same, fuzz-runner.ts).
    const response = await send().catch((error: unknown) => {
      if (!isLostBeforeAnswer(error)) throw error;
      return send();
    });
    const setCookies = response.headers.getSetCookie();
    this.remember(setCookies);
    return { status: response.status, location: response.headers.get('location'), headers: response.headers, body: await response.text(), setCookies };
  }

  /** The headers (the jar's cookies, the body's type, `extra`, then the caller's) and the body of a request. */
  protected requestParts(options: RequestOptions, extra: Record<string, string> = {}): { headers: Record<string, string>; body: string | Uint8Array | undefined } {
    const headers: Record<string, string> = {};
    if (!options.withoutCookies && this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | Uint8Array | undefined;
    if (options.form !== undefined) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(options.form)) {
        for (const item of typeof value === 'string' ? [value] : value) params.append(name, item);
      }
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      body = options.body;
    }
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    Object.assign(headers, extra, options.headers);
    return { headers, body };
  }

  /** Keeps what an answer's Set-Cookie headers set, and forgets what they clear. */
  protected remember(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(header) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** GET `path`, then POST `form` to `postPath` (default: the same) with the page's csrf token. */
  async submit(path: string, form: Record<string, string | readonly string[]>, postPath = path): Promise<Answer> {
    const page = await this.request(path);
    return this.request(postPath, { form: { csrf: csrfOf(page.body), ...form } });
  }
}

/**
 * An Outsider whose every request leaves from a loopback address of `route()`'s choice
 * (Linux answers on all of 127.0.0.0/8) with the X-Forwarded-For it names: node:http, because
 * fetch cannot pick the local address. A new connection per request (no agent), so the
 * address of each request is really its own.
 */
export class RoutedOutsider extends Outsider {
  constructor(
    baseUrl: string,
    private readonly route: () => { localAddress: string; forwardedFor?: string },
  ) {
    super(baseUrl);
  }

  override request(path: string, options: RequestOptions = {}): Promise<Answer> {
    const url = new URL(/^https?:/.test(path) ? path : `${this.baseUrl}${path}`);
    const { localAddress, forwardedFor } = this.route();
    const { headers, body } = this.requestParts(options, forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor });
    if (body !== undefined && typeof body !== 'string') throw new TypeError('RoutedOutsider sends text bodies only');
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, localAddress, agent: false, timeout: 60_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const setCookies = res.headers['set-cookie'] ?? [];
            this.remember(setCookies);
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
            }
            resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8'), setCookies });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout: ${path}`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

/**
 * A signed-in page without its `.session-end` notice (src/web/personal-web/layout.ts): the
 * session's end moves with every request, so pages compared before and after a forgery leave
 * it out — and only it.
 */
export const withoutSessionEnd = (body: string): string => body.replace(/<p class="session-end"[^>]*>[\s\S]*?<\/p>/g, '');

export const csrfOf = (body: string): string => /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

/** The digit positions a page asks for (「N桁目」 fields named positionN). */
export const positionsAsked = (body: string): number[] => [...body.matchAll(/name="position(\d)"/g)].map((m) => Number(m[1]));

/** The confirmation-password fields a page asks for, answered with `password`. */
export function confirmationFields(body: string, password: string): Record<string, string> {
  const positions = positionsAsked(body);
  if (positions.length === 0) return { confirmationPassword: password };
  return Object.fromEntries(positions.map((p) => [`position${p}`, password[p - 1]!]));
}

/**
 * A token's codes, each used once: `next()` is the code of the earliest step the authority
 * still accepts, waiting for the clock when its window is used up. The authority centres its ±1
 * window on the server's step shifted by the drift it learned from this token (it moves the
 * centre onto any accepted step one off the centre: src/authority/drift.ts), so this keeps the
 * same drift, assuming each code it hands out is accepted. Codes of the same token are single
 * use per binding. A test that sends a code which may never reach the authority (an outage)
 * should take it from `codeOfStep` instead, so that this drift stays right.
 */
export class CodeSource {
  private lastStep = -Infinity;
  private drift = 0;

  constructor(readonly token: HttpToken) {}

  get serial(): string {
    return this.token.serial;
  }

  async next(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const current = this.token.stepAt(now);
      const centre = current + this.drift;
      // The centre itself when still unused (teaches no drift), else the step after the last;
      // never more than one step ahead of the clock, so the drift stays within ±1.
      const step = Math.max(this.lastStep + 1, centre);
      if (step <= Math.min(centre + 1, current + 1)) {
        // Leave a second of margin before the server's step moves on.
        if (now % STEP_MS > STEP_MS - 1000) {
          await new Promise((resolve) => setTimeout(resolve, 1100));
          continue;
        }
        this.lastStep = step;
        if (step !== centre) this.drift = step - current;
        return this.token.codeAt(step * STEP_MS);
      }
      await new Promise((resolve) => setTimeout(resolve, (current + 1) * STEP_MS - now + 50));
    }
  }

  /** The code of an explicit step (for replay of an older step). */
  codeOfStep(step: number): string {
    return this.token.codeAt(step * STEP_MS);
  }

  get lastUsedStep(): number {
    return this.lastStep;
  }
}

/** A token provisioned at the authority's public endpoint, not yet registered anywhere. */
export async function newToken(target: Target): Promise<CodeSource> {
  return new CodeSource(await provisionHttpToken(target.authorityUrl));
}

/** 利用開始 through the pages; returns the result page (200 with the seed's message when it worked). */
export async function registerToken(target: Target, customer: Customer, codes: CodeSource, baseUrl = target.url): Promise<Answer> {
  const outsider = new Outsider(baseUrl);
  const verified = await outsider.submit(`/ib/${customer.slug}/register`, { contractId: customer.contractId, loginPassword: customer.loginPassword });
  if (verified.status !== 303 || verified.location === null) throw new Error(`利用開始 credentials for ${customer.contractId}: ${verified.status}`);
  const form = await outsider.request(verified.location);
  return outsider.request(`/ib/${customer.slug}/register/token`, {
    form: { csrf: csrfOf(form.body), serial: codes.serial, code: await codes.next(), ...confirmationFields(form.body, customer.confirmationPassword) },
  });
}

/** A customer with a registered token: the token's codes and a check that registration worked. */
export async function customerWithToken(target: Target, customer: Customer, baseUrl = target.url): Promise<CodeSource> {
  const codes = await newToken(target);
  const registered = await registerToken(target, customer, codes, baseUrl);
  if (registered.status !== 200 || !registered.body.includes('ワンタイムパスワードの利用開始が完了しました')) {
    throw new Error(`利用開始 for ${customer.contractId} failed: ${registered.status} ${registered.body.slice(0, 300)}`);
  }
  return codes;
}

/** The password step of the login: 303 to login/otp (token registered) or to main. */
export function passwordStep(outsider: Outsider, customer: Customer, password = customer.loginPassword): Promise<Answer> {
  return outsider.submit(`/ib/${customer.slug}/`, { contractId: customer.contractId, loginPassword: password }, `/ib/${customer.slug}/login`);
}

/** The one-time password step of the login. */
export function codeStep(outsider: Outsider, customer: Customer, code: string): Promise<Answer> {
  return outsider.submit(`/ib/${customer.slug}/login/otp`, { code });
}

/** Both steps; throws unless the customer ends on the main page. */
export async function signIn(target: Target, customer: Customer, codes: CodeSource | undefined, baseUrl = target.url): Promise<Outsider> {
  const outsider = new Outsider(baseUrl);
  const password = await passwordStep(outsider, customer);
  if (codes === undefined) {
    if (password.location !== `/ib/${customer.slug}/main`) throw new Error(`sign-in of ${customer.contractId}: ${password.status} ${password.location}`);
    return outsider;
  }
  if (password.location !== `/ib/${customer.slug}/login/otp`) throw new Error(`password step of ${customer.contractId}: ${password.status} ${password.location}`);
  const code = await codeStep(outsider, customer, await codes.next());
  if (code.location !== `/ib/${customer.slug}/main`) throw new Error(`code step of ${customer.contractId}: ${code.status} ${code.location}`);
  return outsider;
}

export { DEMO_CONFIRMATION };
