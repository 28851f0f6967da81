// Running Mamori as a bank runs it, for the integration tests: a scratch PostgreSQL database,
// free ports, `mamori serve authority|bank|all` as real child processes (optionally logging to a
// file), a tiny cookie-keeping HTTP client, software tokens provisioned over the authority's
// HTTP API, and the bank-site steps the tests repeat (login, 利用開始).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { adminQuery, TEST_POSTGRES_URL } from '../support/db/testing.js';
import { createHmacKey, decodeBase32, generateTotp, timeStepAt } from '../../src/otp/index.js';
import { ROOT, runMamori } from './cli-helpers.js';

export const STEP_MS = 30_000;
export const DEMO_PASSWORD = 'Mamori-2026';
export const DEMO_CONFIRMATION = '246810';

/**
 * A fresh database on the PostgreSQL server of `adminUrl` (the test server by default; the
 * processes share it); `drop()` removes it, forcing out connections.
 */
export async function createScratchDatabase(adminUrl = TEST_POSTGRES_URL, prefix = 'mamori_it'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`) };
}

/**
 * The environment of a deployment's processes in `dir` (a fresh temporary directory): a home
 * and data directory of their own, its master key and pepper, request logs at `warn`, and its
 * PostgreSQL database (without one, SQLite in the data directory).
 */
export function deploymentEnv(dir: string, secrets: { masterKey: string; pepper: string }, databaseUrl?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    MAMORI_DATA_DIR: join(dir, 'data'),
    MAMORI_MASTER_KEY: secrets.masterKey,
    MAMORI_CONFIRMATION_PEPPER: secrets.pepper,
    LOG_LEVEL: 'warn',
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
  };
}

/** A TCP port nobody listens on right now (the OS's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MamoriProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** What it printed (stdout and stderr), unless it logs to a file. */
  output(): string;
  /** SIGTERM (or the given signal), then waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/**
 * `mamori serve <role>` on a free port with `env` (nothing of this process's environment but
 * PATH). Resolves once /healthz answers. With `logFile`, stdout and stderr go to that file.
 */
export async function startMamori(
  role: 'all' | 'authority' | 'bank',
  env: NodeJS.ProcessEnv,
  /** installDir: run an installed artefact's bin/mamori.js (npm run build) instead of the sources. */
  options: { logFile?: string; port?: number; managementPort?: number; installDir?: string } = {},
): Promise<MamoriProcess> {
  const port = options.port ?? (await freePort());
  const fullEnv = { PATH: process.env.PATH, HOST: '127.0.0.1', ...env, PORT: String(port), ...(options.managementPort ? { MAMORI_MANAGEMENT_PORT: String(options.managementPort) } : {}) };
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  const child = spawn(process.execPath, ['bin/mamori.js', 'serve', role], {
    cwd: options.installDir ?? ROOT,
    env: fullEnv,
    stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
  });
  if (logFd !== undefined) closeSync(logFd);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code === null ? -1 : code));
  const url = `http://127.0.0.1:${port}`;
  // With a management listener, /healthz is there (and no longer on the customers' port).
  const healthUrl = options.managementPort ? `http://127.0.0.1:${options.managementPort}` : url;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`mamori serve ${role} exited (${exitCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mamori serve ${role} did not become ready:\n${output}`);
    }
    try {
      const response = await fetch(`${healthUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    child,
    exited,
    output: () => output,
    async stop(signal = 'SIGTERM', graceMs = 20_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** `mamori keys rp <slug>` against `env`'s database: the institution's new API key. */
export async function relyingPartyKey(slug: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runMamori(['keys', 'rp', slug], env);
  const key = result.stdout.trim();
  if (result.code !== 0 || !/^mamori_rp_[A-Za-z0-9_-]{43}$/.test(key)) throw new Error(`mamori keys rp ${slug} failed (${result.code}): ${result.stderr}`);
  return key;
}

export interface Answer {
  status: number;
  location: string | null;
  body: string;
}

/** Keeps an answer's cookies in `jar` (by name), and drops those it expires or empties. */
export function keepCookies(jar: Map<string, string>, headers: Headers): void {
  for (const header of headers.getSetCookie()) {
    const [pair] = header.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1);
    if (/max-age=0|expires=thu, 01 jan 1970/i.test(header) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/** A tiny browser: one cookie jar (by name; every test cookie is for /ib/<slug>/), no redirects followed. */
export class HttpBrowser {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Answer> {
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      signal: AbortSignal.timeout(60_000),
    });
    keepCookies(this.cookies, response.headers);
    return { status: response.status, location: response.headers.get('location'), body: await response.text() };
  }
}

/**
 * The 取引認証 form of a prepared ¥3,000 transfer to the demo bank's account 001-1000001 (the
 * concurrency tests' payee), with its idempotency key and payee name as stored.
 */
export function transferConfirmationForm(csrf: string, row: { idempotency_key: string; payee_name: string }, confirmationPassword: string): Record<string, string> {
  return {
    csrf,
    idempotencyKey: row.idempotency_key,
    payeeBankCode: '9901',
    payeeBranchCode: '001',
    payeeAccountType: 'ordinary',
    payeeAccountNumber: '1000001',
    payeeName: row.payee_name,
    amountYen: '3000',
    confirmationPassword,
  };
}

export const csrfOf = (body: string): string => /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

/** A software token provisioned at the authority's HTTP API, computing its own codes. */
export interface HttpToken {
  serial: string;
  secretBase32: string;
  codeAt(nowMs: number): string;
  stepAt(nowMs: number): number;
}

export async function provisionHttpToken(authorityUrl: string, kind: 'mobile' | 'desktop' = 'mobile'): Promise<HttpToken> {
  const response = await fetch(`${authorityUrl}/authority/v1/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind }) });
  const body = (await response.json()) as { serial?: string; secret?: string };
  if (response.status !== 201 || !body.serial || !body.secret) throw new Error(`provisioning failed: ${response.status} ${JSON.stringify(body)}`);
  const key = createHmacKey('SHA1', decodeBase32(body.secret));
  return {
    serial: body.serial,
    secretBase32: body.secret,
    codeAt: (nowMs) => generateTotp({ key, nowMs, periodSeconds: 30, digits: 6 }),
    stepAt: (nowMs) => timeStepAt({ nowMs, periodSeconds: 30 }),
  };
}

/** A code of `token` no step around now would show. */
export function wrongCodeOf(token: HttpToken, nowMs: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => token.codeAt(nowMs + d * STEP_MS)));
  for (let n = 0; ; n++) {
    const code = String((123_457 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

/** Waits until a 30-second step begins that is later than `step` (codes are single use). */
export async function waitForStepAfter(step: number): Promise<void> {
  for (;;) {
    const now = Date.now();
    if (Math.floor(now / STEP_MS) > step) return;
    await new Promise((resolve) => setTimeout(resolve, (Math.floor(now / STEP_MS) + 1) * STEP_MS - now + 100));
  }
}

/** Login's password step: 303 to login/otp (token registered) or main; else the page's status. */
export async function passwordStep(browser: HttpBrowser, bankUrl: string, input: { slug: string; contractId: string; password?: string }): Promise<Answer> {
  const page = await browser.request(`${bankUrl}/ib/${input.slug}/`);
  return browser.request(`${bankUrl}/ib/${input.slug}/login`, { form: { csrf: csrfOf(page.body), contractId: input.contractId, loginPassword: input.password ?? DEMO_PASSWORD } });
}

/** The login's one-time password step, with the csrf of the OTP page. */
export async function codeStep(browser: HttpBrowser, bankUrl: string, input: { slug: string; code: string; csrf?: string }): Promise<Answer> {
  const csrf = input.csrf ?? csrfOf((await browser.request(`${bankUrl}/ib/${input.slug}/login/otp`)).body);
  return browser.request(`${bankUrl}/ib/${input.slug}/login/otp`, { form: { csrf, code: input.code } });
}

/** 利用開始 through the pages (the demo institution asks the whole confirmation password). */
export async function registerTokenThroughPages(bankUrl: string, input: { slug: 'demo'; contractId: string; token: HttpToken; nowMs: number }): Promise<Answer> {
  const browser = new HttpBrowser();
  const start = await browser.request(`${bankUrl}/ib/${input.slug}/register`);
  const verified = await browser.request(`${bankUrl}/ib/${input.slug}/register`, { form: { csrf: csrfOf(start.body), contractId: input.contractId, loginPassword: DEMO_PASSWORD } });
  if (verified.status !== 303) throw new Error(`利用開始 credentials: ${verified.status}`);
  const form = await browser.request(`${bankUrl}${verified.location}`);
  return browser.request(`${bankUrl}/ib/${input.slug}/register/token`, {
    form: { csrf: csrfOf(form.body), serial: input.token.serial, code: input.token.codeAt(input.nowMs), confirmationPassword: DEMO_CONFIRMATION },
  });
}
