// A customer's browser for the load run: one cookie jar, redirects not followed (each step is
// checked), every request sent to the next bank process in turn — sessions live in the shared
// database, so a journey crossing processes is what a load balancer without sticky sessions
// does. Every failure is classified for the report: a 5xx, a timeout, a broken connection, or a
// page the journey did not expect (wrong status, location or content).
import { keepCookies } from '../test/integration/deployment-helpers.js';

export type ErrorKind = 'http_5xx' | 'timeout' | 'network' | 'unexpected';

export class LoadError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface Page {
  status: number;
  location: string | null;
  body: string;
}

/** Round robin over the bank processes, one request at a time. */
export class BankRotation {
  private next = 0;
  readonly requestsPerBank: number[];

  constructor(readonly urls: readonly string[]) {
    this.requestsPerBank = urls.map(() => 0);
  }

  pick(): string {
    const index = this.next++ % this.urls.length;
    this.requestsPerBank[index]!++;
    return this.urls[index]!;
  }
}

export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly banks: BankRotation,
    private readonly timeoutMs: number,
  ) {}

  /** GET (or POST with `form`) `path` at the next bank process; 5xx, timeouts and network errors throw. */
  async request(path: string, form?: Record<string, string>): Promise<Page> {
    const url = `${this.banks.pick()}${path}`;
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, {
        method: form === undefined ? 'GET' : 'POST',
        redirect: 'manual',
        headers,
        ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new LoadError('timeout', `${form ? 'POST' : 'GET'} ${routeOf(path)}: no answer within ${this.timeoutMs} ms`);
      throw new LoadError('network', `${form ? 'POST' : 'GET'} ${routeOf(path)}: ${(error as Error).message}`);
    }
    if (response.status >= 500) throw new LoadError('http_5xx', `${form ? 'POST' : 'GET'} ${routeOf(path)}: ${response.status}`);
    keepCookies(this.cookies, response.headers);
    return { status: response.status, location: response.headers.get('location'), body };
  }
}

/** The route of a path, for messages: ids and contract numbers replaced (no customer data in the report). */
export function routeOf(path: string): string {
  return path.replace(/tr_[0-9a-f]{32}/g, ':id').replace(/\?.*$/, '');
}

/** Throws `unexpected` unless the page is `status` (and, for a redirect, goes to `location`). */
export function expectPage(page: Page, what: string, expected: { status: number; location?: string; contains?: string }): void {
  const statusOk = page.status === expected.status;
  const locationOk = expected.location === undefined || page.location === expected.location;
  const bodyOk = expected.contains === undefined || page.body.includes(expected.contains);
  if (statusOk && locationOk && bodyOk) return;
  const title = /<title>([^<]*)<\/title>/.exec(page.body)?.[1]?.trim() ?? '';
  const error = /class="(?:error-summary|notice notice--error)[^"]*"[^>]*>([\s\S]{0,300})/.exec(page.body)?.[1]?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() ?? '';
  throw new LoadError(
    'unexpected',
    `${what}: ${page.status}${page.location ? ` → ${routeOf(page.location)}` : ''}${title ? ` 「${title}」` : ''}${error ? ` ${error.slice(0, 160)}` : ''} (expected ${expected.status}${expected.location ? ` → ${routeOf(expected.location)}` : ''}${expected.contains ? ` with 「${expected.contains}」` : ''})`,
  );
}

export const csrfOf = (body: string): string => /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

/** The hidden fields of a form, unescaped, as a browser would send them back. */
export function hiddenFieldsOf(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity]!);
  }
  return fields;
}
