// Configuration comes from environment variables only, validated once at start. Each variable
// is documented in docs/OPERATIONS.md; a bad value is a clear message, not a late surprise.
import { resolve } from 'node:path';

export type RunMode = 'development' | 'production';

export interface Config {
  readonly mode: RunMode;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** postgres://… for PostgreSQL; undefined for the embedded SQLite file in dataDir. */
  readonly databaseUrl: string | undefined;
  /** Base64 of 32 bytes, or undefined to use (and create) the key file in dataDir. */
  readonly masterKey: string | undefined;
  /** Cookies get `Secure` (set when served behind TLS). */
  readonly secureCookies: boolean;
  /** Fastify trustProxy: honour X-Forwarded-* only from these proxies. */
  readonly trustProxy: string | false;
  /** In a split deployment, where the bank side finds the authority. */
  readonly authorityUrl: string | undefined;
  readonly logLevel: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const errors: string[] = [];
  const mode = (env.MAMORI_MODE ?? (env.NODE_ENV === 'production' ? 'production' : 'development')) as RunMode;
  if (mode !== 'development' && mode !== 'production') errors.push(`MAMORI_MODE must be development or production, not "${String(mode)}"`);

  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) errors.push(`PORT must be a whole number from 0 to 65535, not "${env.PORT}"`);

  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^(postgres(ql)?:\/\/|sqlite:)/.test(databaseUrl)) {
    errors.push('DATABASE_URL must be a postgres:// URL (or sqlite:PATH)');
  }

  const masterKey = env.MAMORI_MASTER_KEY === '' ? undefined : env.MAMORI_MASTER_KEY;
  if (masterKey !== undefined && !isMasterKeySpec(masterKey)) {
    errors.push('MAMORI_MASTER_KEY must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`), or id:base64 pairs separated by commas');
  }

  const secureCookies = parseBoolean(env.MAMORI_SECURE_COOKIES, mode === 'production');
  if (secureCookies === undefined) errors.push('MAMORI_SECURE_COOKIES must be true or false');
  const trustProxy = env.MAMORI_TRUST_PROXY === undefined || env.MAMORI_TRUST_PROXY === '' ? false : env.MAMORI_TRUST_PROXY;

  if (mode === 'production') {
    if (masterKey === undefined) errors.push('production mode needs MAMORI_MASTER_KEY (the key file in the data directory is for development)');
    if (secureCookies === false) errors.push('production mode refuses MAMORI_SECURE_COOKIES=false: serve behind TLS');
    if (trustProxy === 'true' || trustProxy === '*') errors.push('production mode refuses MAMORI_TRUST_PROXY=true: name the proxy addresses');
  }

  const authorityUrl = env.MAMORI_AUTHORITY_URL === '' ? undefined : env.MAMORI_AUTHORITY_URL;
  if (authorityUrl !== undefined && !/^https?:\/\//.test(authorityUrl)) errors.push('MAMORI_AUTHORITY_URL must be an http(s):// URL');

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      mode,
      host: env.HOST ?? '0.0.0.0',
      port,
      dataDir: resolve(env.MAMORI_DATA_DIR ?? './data'),
      databaseUrl,
      masterKey,
      secureCookies: secureCookies ?? false,
      trustProxy,
      authorityUrl,
      logLevel: env.LOG_LEVEL ?? 'info',
    },
  };
}

function parseBoolean(value: string | undefined, fallback: boolean): boolean | undefined {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  return undefined;
}

function isMasterKeySpec(spec: string): boolean {
  return spec.split(',').every((part) => {
    const base64 = part.includes(':') ? part.slice(part.indexOf(':') + 1) : part;
    return /^[A-Za-z0-9+/_-]+={0,2}$/.test(base64) && Buffer.from(base64, 'base64').length === 32;
  });
}
