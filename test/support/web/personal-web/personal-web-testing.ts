// Test support for the bank site: a fresh database (either dialect) with the in-process
// authority, the demo data, the app with this part, and a small form-submitting client that
// keeps cookies like a browser (per Path) and reads the CSRF token of the last page.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestAuthority, provisionTestToken, type TestAuthority, type TestToken } from '../../authority/authority-testing.js';
import { seedDemoData } from '../../../../src/banking/demo-data.js';
import { createPasswordHasher, TEST_ARGON2, type PasswordHasher } from '../../../../src/banking/password-hasher.js';
import type { DialectName } from '../../../../src/db/database.js';
import { systemRandomBytes } from '../../../../src/shared/clock.js';
import { buildApp } from '../../../../src/web/app.js';
import { createPersonalWebPart } from '../../../../src/web/personal-web/part.js';

export interface BankHarness extends TestAuthority {
  app: FastifyInstance;
  hasher: PasswordHasher;
  pepper: Uint8Array;
  token(kind?: 'mobile' | 'desktop'): Promise<TestToken>;
  client(): FormClient;
  /** What the app logged at level error (JSON lines): a fault after the answer was sent shows only here. */
  errorLog: string[];
}

/**
 * The log of a test harness's app: MAMORI_TEST_LOG=error (or warn…) shows it on stderr — what a
 * 500 page hid; otherwise its errors are kept in errorLog, for tests to say there were none.
 */
export function harnessLogger(): { logger: { level: string; stream?: { write(line: string): void } }; errorLog: string[] } {
  const errorLog: string[] = [];
  if (process.env.MAMORI_TEST_LOG) return { logger: { level: process.env.MAMORI_TEST_LOG }, errorLog };
  return { logger: { level: 'error', stream: { write: (line) => void errorLog.push(line) } }, errorLog };
}

export async function createBankHarness(dialect: DialectName, options: { poolSize?: number } = {}): Promise<BankHarness> {
  const t = await createTestAuthority(dialect, options);
  const hasher = createPasswordHasher(TEST_ARGON2);
  const pepper = systemRandomBytes(32);
  await seedDemoData({ database: t.database, authority: t.authority, clock: t.clock, hasher, confirmationPepper: pepper });
  const { logger, errorLog } = harnessLogger();
  const app = await buildApp({ database: t.database, clock: t.clock, randomBytes: systemRandomBytes, logger }, [
    createPersonalWebPart({
      database: t.database,
      clock: t.clock,
      randomBytes: systemRandomBytes,
      authorityFor: (slug) => t.authority.clientFor(slug),
      confirmationPepper: pepper,
      hasher,
    }),
  ]);
  return {
    ...t,
    app,
    errorLog,
    hasher,
    pepper,
    token: (kind = 'mobile') => provisionTestToken(t, kind),
    client: () => new FormClient(app),
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}

interface StoredCookie {
  value: string;
  path: string;
}

/** A browser-like client over `inject()`: cookies per Path, no redirects followed implicitly. */
export class FormClient {
  private readonly cookies = new Map<string, StoredCookie>();
  lastHtml = '';

  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(url: string): string | undefined {
    const path = url.split('?')[0]!;
    const pairs = [...this.cookies.entries()].filter(([, c]) => path.startsWith(c.path)).map(([key, c]) => `${key.split('\u0000')[0]}=${c.value}`);
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; path?: string; maxAge?: number; expires?: Date }[]) {
      const key = `${cookie.name}\u0000${cookie.path ?? '/'}`;
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() < Date.now()) || cookie.value === '';
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { value: cookie.value, path: cookie.path ?? '/' });
    }
    if (String(response.headers['content-type'] ?? '').startsWith('text/html')) this.lastHtml = response.body;
  }

  cookie(name: string): string | undefined {
    for (const [key, c] of this.cookies) if (key.split('\u0000')[0] === name) return c.value;
    return undefined;
  }

  setCookie(name: string, value: string, path: string): void {
    this.cookies.set(`${name}\u0000${path}`, { value, path });
  }

  dropCookie(name: string): void {
    for (const key of [...this.cookies.keys()]) if (key.split('\u0000')[0] === name) this.cookies.delete(key);
  }

  /** The hidden CSRF token of the last HTML page. */
  csrf(): string | undefined {
    return /name="csrf" value="([^"]+)"/.exec(this.lastHtml)?.[1];
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader(url);
    const response = await this.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
    this.remember(response);
    return response;
  }

  /** Posts a form; the CSRF token of the last page is added unless `csrf` is given (null: none). */
  async post(url: string, fields: Record<string, string | string[]>, options: { csrf?: string | null } = {}): Promise<LightMyRequestResponse> {
    const params = new URLSearchParams();
    const csrf = options.csrf === undefined ? this.csrf() : options.csrf;
    if (csrf !== null && csrf !== undefined) params.append('csrf', csrf);
    for (const [name, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
    }
    const cookie = this.cookieHeader(url);
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: params.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    });
    this.remember(response);
    return response;
  }

  /** GET the page at a redirect's Location (what a browser does after a 303). */
  async follow(response: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    const location = response.headers.location;
    if (typeof location !== 'string') throw new Error(`expected a redirect, got ${response.statusCode}: ${response.body.slice(0, 300)}`);
    return this.get(location);
  }
}

export const DEMO = { contractId: '1000000001', other: '1000000002', password: 'Mamori-2026', confirmation: '246810' } as const;

/** The digit positions a positional form asks, read from its field names. */
export function askedPositions(html: string): number[] {
  return [...html.matchAll(/name="position(\d)"/g)].map((m) => Number(m[1]));
}

/** The confirmation-password fields for the last page, whole or by positions. */
export function confirmationFields(html: string, password: string = DEMO.confirmation): Record<string, string> {
  const positions = askedPositions(html);
  if (positions.length === 0) return { confirmationPassword: password };
  return Object.fromEntries(positions.map((p) => [`position${p}`, password[p - 1]!]));
}
