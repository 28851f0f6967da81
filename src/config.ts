// Configuration comes from environment variables only, validated once at start. Each variable
// is documented in ONE table in docs/OPERATIONS.md; a bad value is a clear message, not a late
// surprise. Secret values (keys, the pepper, the SMTP password) are never echoed in a message.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { POSTGRES_STATEMENT_TIMEOUT_MS } from './db/database.js';
import { LOG_LEVELS, type LogLevel } from './observability/logging.js';

export type RunMode = 'development' | 'production';

/**
 * What the configuration is for: a server role, or `cli` for the other commands. Which secrets
 * are required depends on it: a bank process of a split deployment holds no token secret, so
 * it must not be given the master key; the authority never sees a confirmation password.
 */
export type ConfigPurpose = 'all' | 'authority' | 'bank' | 'cli';

export interface Config {
  readonly mode: RunMode;
  readonly host: string;
  readonly port: number;
  /**
   * MAMORI_MANAGEMENT_PORT: a second listener for /healthz, /readyz and /metrics, away from the
   * customers' port (which then no longer answers them); undefined: the one port serves both.
   */
  readonly managementPort: number | undefined;
  readonly managementHost: string;
  /** `serve` brings the schema up to date at start; off, it refuses to start on a schema behind. */
  readonly migrateOnStart: boolean;
  readonly dataDir: string;
  /** postgres://… for PostgreSQL; undefined for the embedded SQLite file in dataDir. */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL: the server processes' statement_timeout (the CLI's commands set none). */
  readonly databaseStatementTimeoutMs: number;
  /** Base64 of 32 bytes (or id:base64,…), or undefined to use (and create) the key file in dataDir. */
  readonly masterKey: string | undefined;
  /** Base64 of ≥ 32 bytes, or undefined to use (and create) the pepper file in dataDir. */
  readonly confirmationPepper: string | undefined;
  /** Cookies get `Secure` (set when served behind TLS). */
  readonly secureCookies: boolean;
  /**
   * MAMORI_PUBLIC_ORIGIN: the origin customers and operators open the sites at
   * (`https://ib.bank.example`), whose host is the passkeys' relying party id; undefined in
   * production when unset (no passkeys are offered). Development: `http://localhost:<PORT>`.
   */
  readonly publicOrigin: string | undefined;
  /** Fastify trustProxy: honour X-Forwarded-* only from these proxies. */
  readonly trustProxy: string | false;
  /** In a split deployment, where the bank side finds the authority (without /authority/v1). */
  readonly authorityUrl: string | undefined;
  /** In a split deployment, each institution's API key at the authority (slug → key). */
  readonly relyingPartyKeys: ReadonlyMap<string, string>;
  /** Per attempt of a call to the authority over HTTP. */
  readonly authorityTimeoutMs: number;
  /** smtp:// or smtps:// URL of the mail relay; undefined: the local mailbox (development). */
  readonly smtpUrl: string | undefined;
  /** The From address of notifications. */
  readonly mailFrom: string;
  /** How often the notification worker looks for due messages. */
  readonly outboxIntervalMs: number;
  /** How long in-flight requests get to finish after SIGTERM. */
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * The variables whose values are secrets. Each may instead name a file that holds the value,
 * as `<NAME>_FILE` (container secrets, systemd's LoadCredential=): the file's content with its
 * trailing line break is the value. Setting both is an error; so is a file that cannot be read.
 */
export const SECRET_VARIABLES = ['DATABASE_URL', 'MAMORI_MASTER_KEY', 'MAMORI_CONFIRMATION_PEPPER', 'MAMORI_RP_KEYS', 'MAMORI_SMTP_URL'] as const;

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const API_KEY_PATTERN = /^mamori_rp_[A-Za-z0-9_-]{43}$/;
// A plain address (local@domain): the From of every notification. Display names come from the
// institution; an address with spaces, quotes or angle brackets is refused rather than parsed.
const MAIL_ADDRESS_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function loadConfig(env: NodeJS.ProcessEnv, { purpose = 'cli' }: { purpose?: ConfigPurpose } = {}): ConfigResult {
  const errors: string[] = [];
  const plain = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const fromFiles = new Map(SECRET_VARIABLES.map((name) => [name as string, secretFromFile(name, plain(name), plain(`${name}_FILE`), errors)]));
  const value = (name: string): string | undefined => (fromFiles.has(name) ? fromFiles.get(name) : plain(name));

  const mode = (value('MAMORI_MODE') ?? (env.NODE_ENV === 'production' ? 'production' : 'development')) as RunMode;
  if (mode !== 'development' && mode !== 'production') errors.push(`MAMORI_MODE must be development or production, not "${String(mode)}"`);

  const port = value('PORT') === undefined ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) errors.push(`PORT must be a whole number from 0 to 65535, not "${env.PORT}"`);

  const managementPort = value('MAMORI_MANAGEMENT_PORT') === undefined ? undefined : Number(env.MAMORI_MANAGEMENT_PORT);
  if (managementPort !== undefined && (!Number.isInteger(managementPort) || managementPort < 0 || managementPort > 65535)) {
    errors.push(`MAMORI_MANAGEMENT_PORT must be a whole number from 0 to 65535, not "${env.MAMORI_MANAGEMENT_PORT}"`);
  } else if (managementPort !== undefined && managementPort !== 0 && managementPort === port) {
    errors.push('MAMORI_MANAGEMENT_PORT must differ from PORT: the management listener keeps health, readiness and metrics off the customers\' port');
  }
  const migrateOnStart = parseBoolean(value('MAMORI_MIGRATE_ON_START'), true);
  if (migrateOnStart === undefined) errors.push('MAMORI_MIGRATE_ON_START must be true or false');

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined && !/^(postgres(ql)?:\/\/|sqlite:)/.test(databaseUrl)) {
    errors.push('DATABASE_URL must be a postgres:// URL (or sqlite:PATH)');
  }
  const databaseStatementTimeoutMs = parseMilliseconds(
    'MAMORI_DB_STATEMENT_TIMEOUT_MS',
    value('MAMORI_DB_STATEMENT_TIMEOUT_MS'),
    { fallback: POSTGRES_STATEMENT_TIMEOUT_MS, min: 100, max: 600_000 },
    errors,
  );

  const masterKey = value('MAMORI_MASTER_KEY');
  if (masterKey !== undefined && !isMasterKeySpec(masterKey)) {
    errors.push('MAMORI_MASTER_KEY must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`), or id:base64 pairs separated by commas');
  }

  const confirmationPepper = value('MAMORI_CONFIRMATION_PEPPER');
  if (confirmationPepper !== undefined && !isPepper(confirmationPepper)) {
    errors.push('MAMORI_CONFIRMATION_PEPPER must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`)');
  }

  const secureCookies = parseBoolean(value('MAMORI_SECURE_COOKIES'), mode === 'production');
  if (secureCookies === undefined) errors.push('MAMORI_SECURE_COOKIES must be true or false');
  const trustProxy = value('MAMORI_TRUST_PROXY') ?? false;
  const publicOrigin = parsePublicOrigin(value('MAMORI_PUBLIC_ORIGIN'), mode, errors) ?? (mode === 'development' ? `http://localhost:${port}` : undefined);

  const authorityUrl = value('MAMORI_AUTHORITY_URL');
  if (authorityUrl !== undefined && !isHttpUrl(authorityUrl)) errors.push('MAMORI_AUTHORITY_URL must be an http(s):// URL (without /authority/v1)');
  const relyingPartyKeys = parseRelyingPartyKeys(value('MAMORI_RP_KEYS'), errors);
  const authorityTimeoutMs = parseMilliseconds('MAMORI_AUTHORITY_TIMEOUT_MS', value('MAMORI_AUTHORITY_TIMEOUT_MS'), { fallback: 5000, min: 100, max: 60_000 }, errors);

  const smtpUrl = value('MAMORI_SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) errors.push('MAMORI_SMTP_URL must be an smtp:// or smtps:// URL (smtp://user:password@host:587)');
  const mailFrom = value('MAMORI_MAIL_FROM') ?? 'no-reply@demo.mamori.example';
  if (!MAIL_ADDRESS_PATTERN.test(mailFrom) || mailFrom.length > 254) errors.push(`MAMORI_MAIL_FROM must be a plain e-mail address (name@example.jp), not "${mailFrom}"`);
  const outboxIntervalMs = parseMilliseconds('MAMORI_OUTBOX_INTERVAL_MS', value('MAMORI_OUTBOX_INTERVAL_MS'), { fallback: 5000, min: 100, max: 3_600_000 }, errors);
  const shutdownTimeoutMs = parseMilliseconds('MAMORI_SHUTDOWN_TIMEOUT_MS', value('MAMORI_SHUTDOWN_TIMEOUT_MS'), { fallback: 10_000, min: 1000, max: 600_000 }, errors);

  const logLevel = (value('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${String(logLevel)}"`);

  // What each purpose needs. Production takes every secret from the environment (the files in
  // the data directory are a development convenience) and refuses what is unsafe behind TLS.
  const needsKeys = purpose === 'all' || purpose === 'authority' || purpose === 'cli';
  const needsPepper = purpose === 'all' || purpose === 'bank';
  const sendsMail = purpose === 'all' || purpose === 'bank';
  if (purpose === 'bank') {
    if (authorityUrl === undefined) errors.push('`serve bank` needs MAMORI_AUTHORITY_URL: where the token authority (`mamori serve authority`) answers');
    if (relyingPartyKeys.size === 0) errors.push('`serve bank` needs MAMORI_RP_KEYS: slug:key pairs, one per institution (`mamori keys rp <slug>` makes a key)');
  }
  if (mode === 'production') {
    if (needsKeys && masterKey === undefined) errors.push('production mode needs MAMORI_MASTER_KEY (the key file in the data directory is for development)');
    if (needsPepper && confirmationPepper === undefined) {
      errors.push('production mode needs MAMORI_CONFIRMATION_PEPPER (the pepper file in the data directory is for development)');
    }
    if (secureCookies === false) errors.push('production mode refuses MAMORI_SECURE_COOKIES=false: serve behind TLS');
    if (trustProxy === 'true' || trustProxy === '*') errors.push('production mode refuses MAMORI_TRUST_PROXY=true: name the proxy addresses');
    if (sendsMail && smtpUrl === undefined) errors.push('production mode needs MAMORI_SMTP_URL: notifications must reach the customers (the local mailbox is for development)');
    if (sendsMail && value('MAMORI_MAIL_FROM') === undefined) errors.push('production mode needs MAMORI_MAIL_FROM: the address notifications are sent from');
    if (authorityUrl !== undefined && authorityUrl.startsWith('http://') && !isLoopbackUrl(authorityUrl)) {
      errors.push('production mode refuses an http:// MAMORI_AUTHORITY_URL beyond this machine: the API keys would travel in clear (use https://)');
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      mode,
      host: env.HOST ?? '0.0.0.0',
      port,
      managementPort,
      managementHost: env.MAMORI_MANAGEMENT_HOST ?? env.HOST ?? '0.0.0.0',
      migrateOnStart: migrateOnStart ?? true,
      dataDir: resolve(env.MAMORI_DATA_DIR ?? './data'),
      databaseUrl,
      databaseStatementTimeoutMs,
      masterKey,
      confirmationPepper,
      secureCookies: secureCookies ?? false,
      publicOrigin,
      trustProxy,
      authorityUrl,
      relyingPartyKeys,
      authorityTimeoutMs,
      smtpUrl,
      mailFrom,
      outboxIntervalMs,
      shutdownTimeoutMs,
      logLevel,
    },
  };
}

/** `<name>_FILE`'s content when it is set (the message names the file, never its content). */
function secretFromFile(name: string, direct: string | undefined, file: string | undefined, errors: string[]): string | undefined {
  if (file === undefined) return direct;
  if (direct !== undefined) {
    errors.push(`set ${name} or ${name}_FILE, not both`);
    return direct;
  }
  let content: string;
  try {
    content = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    errors.push(`${name}_FILE names a file that cannot be read: ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  if (content === '') errors.push(`${name}_FILE names an empty file: ${file}`);
  return content === '' ? undefined : content;
}

/** http(s)://host[:port], nothing more; http only for this machine (development and tests). */
function parsePublicOrigin(value: string | undefined, mode: RunMode, errors: string[]): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    errors.push(`MAMORI_PUBLIC_ORIGIN must be an origin: https://host or https://host:port, with no path or trailing slash, not "${value}"`);
    return undefined;
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && (!local || mode === 'production')) {
    errors.push(`MAMORI_PUBLIC_ORIGIN must be https:// (passkeys need a secure origin; http:// only for localhost in development), not "${value}"`);
    return undefined;
  }
  return value;
}

function parseBoolean(value: string | undefined, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  return undefined;
}

function parseMilliseconds(name: string, value: string | undefined, range: { fallback: number; min: number; max: number }, errors: string[]): number {
  if (value === undefined) return range.fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    errors.push(`${name} must be a whole number of milliseconds from ${range.min} to ${range.max}, not "${value}"`);
    return range.fallback;
  }
  return number;
}

/** `demo:mamori_rp_…,sample:mamori_rp_…` → slug → key. Messages name the slug, never the key. */
function parseRelyingPartyKeys(spec: string | undefined, errors: string[]): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  if (spec === undefined) return keys;
  spec.split(',').forEach((pair, index) => {
    const colon = pair.indexOf(':');
    const slug = colon < 0 ? '' : pair.slice(0, colon).trim();
    const key = colon < 0 ? '' : pair.slice(colon + 1).trim();
    if (!SLUG_PATTERN.test(slug)) {
      errors.push(`MAMORI_RP_KEYS entry ${index + 1} must be <institution slug>:<API key>`);
    } else if (!API_KEY_PATTERN.test(key)) {
      errors.push(`MAMORI_RP_KEYS: the key of "${slug}" is not an API key (mamori_rp_ and 43 characters, as \`mamori keys rp ${slug}\` prints it)`);
    } else if (keys.has(slug)) {
      errors.push(`MAMORI_RP_KEYS names "${slug}" twice`);
    } else {
      keys.set(slug, key);
    }
  });
  return keys;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

function isLoopbackUrl(value: string): boolean {
  const host = new URL(value).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isBase64(value: string): boolean {
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(value);
}

function isPepper(value: string): boolean {
  return isBase64(value) && Buffer.from(value, 'base64').length >= 32;
}

function isMasterKeySpec(spec: string): boolean {
  return spec.split(',').every((part) => {
    const base64 = part.includes(':') ? part.slice(part.indexOf(':') + 1) : part;
    return isBase64(base64) && Buffer.from(base64, 'base64').length === 32;
  });
}
