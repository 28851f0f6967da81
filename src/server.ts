// The server entry: what turns the app of web/app.ts into a running service. Logger (JSON, with
// secrets redacted), database, keyring, the parts for the chosen role, the notification worker,
// the scheduled jobs, listening, timeouts and graceful shutdown live here, and only here;
// buildApp stays free of process concerns so that tests can build an app per test.
//
// Roles (DESIGN §2):
//   all        one process: the token authority, every bank site, the branch consoles, the
//              browser token; the bank calls the authority in-process.
//   authority  the token authority's HTTP API and the browser token (which provisions there).
//   bank       every institution's bank site and branch console, calling the authority over
//              HTTP with each institution's API key (split-deployment.ts). No master key here.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AuthorityClient } from './authority/authority-client.js';
import { createAuthority, loadKeyring, type Authority } from './authority/authority.js';
import { authorityHttpPart } from './authority/http/authority-http.js';
import { instrumentAuthorityClient } from './authority/instrumented-authority-client.js';
import { demoDataBanner, type RelyingPartyRegistrar } from './banking/demo-data.js';
import { listInstitutions } from './banking/institutions.js';
import { createPasswordHasher } from './banking/password-hasher.js';
import { demoOperatorsBanner } from './branch/operators.js';
import { createBranchConsolePart } from './branch/web/part.js';
import type { Config } from './config.js';
import { locationFromUrl, openDatabase, type Database } from './db/database.js';
import { migrateToLatest, migrationStatus } from './db/migrate.js';
import { NO_RELYING_PARTY_REGISTRAR, seedDemo } from './demo-seed.js';
import { scheduleJobs } from './jobs/index.js';
import { createSmtpTransport, mailboxTransport } from './notifications/mail-transport.js';
import { outboxBacklog } from './notifications/outbox-delivery.js';
import { startOutboxWorker, type OutboxWorker } from './notifications/outbox-worker.js';
import { MAILBOX_PATH, mailboxPart } from './notifications/web/mailbox-part.js';
import { loggerOptions } from './observability/logging.js';
import { metrics } from './observability/mamori-metrics.js';
import { authorityReachabilityCheck, managementEndpointsPart, observabilityPart, type ReadinessCheck } from './observability/web/observability-part.js';
import { systemClock, systemRandomBytes, type Clock, type RandomBytes } from './shared/clock.js';
import { createRelyingPartyClients } from './split-deployment.js';
import { TOKEN_APP_BASE_PATH, tokenAppPart } from './token-app/serve.js';
import { landingPart } from './web/landing-part.js';
import { buildApp, type AppParts } from './web/app.js';
import { createPersonalWebPart } from './web/personal-web/part.js';
import { transfersMenuItems, transfersWebPart } from './web/transfers/transfers-part.js';

export { loggerOptions, REDACTED_LOG_PATHS } from './observability/logging.js';

export type ServerRole = 'all' | 'authority' | 'bank';
export const SERVER_ROLES: readonly ServerRole[] = ['all', 'authority', 'bank'];

/** Default time in-flight requests get to finish after SIGTERM (MAMORI_SHUTDOWN_TIMEOUT_MS). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export class ServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** The base URL people can open, e.g. http://localhost:3000 */
  readonly baseUrl: string;
  /** The management listener's base URL, when MAMORI_MANAGEMENT_PORT set one. */
  readonly managementUrl?: string;
  /** Lines for a person: what is served where (and, in development, the demo credentials). */
  readonly banner: string[];
  /** Stops accepting, lets in-flight requests finish, stops the workers, closes the database. Idempotent. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  config: Config;
  role: ServerRole;
  clock?: Clock;
  randomBytes?: RandomBytes;
}

/**
 * MAMORI_MIGRATE_ON_START (default on, the embedded default's convenience): migrate at start.
 * Off (production: `mamori migrate` is the release's one-shot job, and the servers' database role
 * needs no DDL rights), a schema behind this release stops the start with what to run.
 */
async function bringSchemaUpToDate(database: Database, migrateOnStart: boolean): Promise<void> {
  if (!migrateOnStart) {
    const pending = (await migrationStatus(database.db)).filter((state) => state.appliedAt === undefined).map((state) => state.name);
    if (pending.length > 0) {
      throw new ServerStartError(`the database schema is behind this release (pending: ${pending.join(', ')}): run \`mamori migrate\` first, or set MAMORI_MIGRATE_ON_START=true`);
    }
    return;
  }
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) {
    throw new ServerStartError(`migration ${migrated.failed} failed: ${migrated.error instanceof Error ? migrated.error.message : String(migrated.error)}`);
  }
}

export async function startServer({ config, role, clock = systemClock, randomBytes = systemRandomBytes }: StartServerOptions): Promise<RunningServer> {
  if (role === 'bank' && (config.authorityUrl === undefined || config.relyingPartyKeys.size === 0)) {
    throw new ServerStartError('`serve bank` needs MAMORI_AUTHORITY_URL and MAMORI_RP_KEYS (docs/OPERATIONS.md, "Split deployment")');
  }
  // The data directory holds the master-key and pepper files: only the service's user may list it.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const database = openDatabase(locationFromUrl(config.databaseUrl, config.dataDir, { statementTimeoutMs: config.databaseStatementTimeoutMs }));
  let app: FastifyInstance | undefined;
  let management: FastifyInstance | undefined;
  let outbox: OutboxWorker | undefined;
  const stopCollecting: (() => void)[] = [];
  try {
    await bringSchemaUpToDate(database, config.migrateOnStart);
    const parts: AppParts[] = [];
    const banner: ((baseUrl: string) => string[])[] = [];

    let authority: Authority | undefined;
    let authorityReachability: ReadinessCheck | undefined;
    if (role !== 'bank') {
      const keyring = loadKeyring({ masterKey: config.masterKey, dataDir: config.dataDir, randomBytes });
      authority = createAuthority({ database, keyring, clock, randomBytes });
      parts.push(authorityHttpPart({ authority }), tokenAppPart());
      banner.push((base) => [`  token authority API: ${base}/authority/v1  (OpenAPI: ${base}/authority/v1/openapi.json)`, `  browser token: ${base}${TOKEN_APP_BASE_PATH}`]);
    }

    if (role !== 'authority') {
      const { authorityFor, registrar } = bankSideAuthority({ config, authority });
      if (role === 'bank') authorityReachability = authorityReachabilityCheck(config.authorityUrl!);
      const bank = await bankParts({ config, database, clock, randomBytes, authorityFor, registrar, authorityBaseUrl: role === 'bank' ? config.authorityUrl : undefined });
      parts.push(...bank.parts, landingPart({ database, tokenAppPath: role === 'all' ? TOKEN_APP_BASE_PATH : undefined }));
      banner.push(...bank.banner);
      outbox = startNotificationWorker({ config, database, clock, randomBytes, log: () => app?.log });
      stopCollecting.push(collectOutboxBacklog(database, clock));
    }

    // /healthz, /readyz and /metrics: on the customers' port, or on a listener of their own.
    const endpoints = managementEndpointsPart({ database, ...(authorityReachability ? { authority: authorityReachability } : {}) });
    const apart = config.managementPort !== undefined;
    const built = await buildApp(
      {
        database,
        clock,
        randomBytes,
        logger: loggerOptions(config),
        trustProxy: config.trustProxy === 'true' ? true : config.trustProxy,
        secureCookies: config.secureCookies,
        healthEndpoint: !apart,
      },
      // Observability first: its hooks (request id, HTTP metrics, the log line) must see every route.
      [observabilityPart(), ...(apart ? [] : [endpoints]), ...parts],
    );
    app = built;
    if (apart) {
      management = await buildApp({ database, clock, randomBytes, logger: loggerOptions(config) }, [endpoints]);
      await management.listen({ host: config.managementHost, port: config.managementPort });
    }
    applyTimeouts(built.server);
    if (role === 'bank') {
      await warnAboutMissingKeys(built, database, config);
      // A bank process never opens a token secret: the key only widens what a breach of it exposes.
      if (config.masterKey !== undefined) built.log.warn('MAMORI_MASTER_KEY is set for a bank process, which never uses it: remove it from this environment');
    }
    await built.listen({ host: config.host, port: config.port });

    const baseUrl = publicBaseUrl(config.host, built);
    // The bank's periodic jobs run in every bank process; they are safe to run concurrently.
    const jobs = role !== 'authority' ? startJobs(built, database, clock) : undefined;
    const lines = [`Mamori (${role}) is listening on ${baseUrl}`, ...banner.flatMap((lines) => lines(baseUrl))];
    let closing: Promise<void> | undefined;
    const close = () => {
      // Fastify's close stops accepting, answers new requests on kept-alive sockets with 503 and
      // waits for requests in flight; then the workers finish what they hold; only then may the
      // database go.
      closing ??= (async () => {
        jobs?.stop();
        try {
          await built.close();
          await management?.close();
          await outbox?.stop();
        } finally {
          for (const stop of stopCollecting) stop();
          await database.close();
        }
      })();
      return closing;
    };
    if (management) lines.push(`  health, readiness and metrics: ${publicBaseUrl(config.managementHost, management)} (/healthz, /readyz, /metrics)`);
    return { app: built, baseUrl, ...(management ? { managementUrl: publicBaseUrl(config.managementHost, management) } : {}), banner: lines, close };
  } catch (error) {
    for (const stop of stopCollecting) stop();
    await outbox?.stop().catch(() => {});
    await management?.close().catch(() => {});
    await app?.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}

/** How the bank side reaches the authority: in-process (all), or HTTP with API keys (bank). */
function bankSideAuthority(input: { config: Config; authority: Authority | undefined }): { authorityFor: (slug: string) => AuthorityClient; registrar: RelyingPartyRegistrar } {
  const { config, authority } = input;
  const raw = authority
    ? (slug: string) => authority.clientFor(slug)
    : createRelyingPartyClients({ authorityUrl: config.authorityUrl!, keys: config.relyingPartyKeys, timeoutMs: config.authorityTimeoutMs });
  const instrumented = new Map<string, AuthorityClient>();
  const authorityFor = (slug: string) => {
    let client = instrumented.get(slug);
    if (!client) {
      client = instrumentAuthorityClient(raw(slug), metrics);
      if (instrumented.size < 1000) instrumented.set(slug, client);
    }
    return client;
  };
  return { authorityFor, registrar: authority ?? NO_RELYING_PARTY_REGISTRAR };
}

/** The bank side: every institution's bank site with its transfer pages, the branch consoles, and the development mailbox. */
async function bankParts(input: {
  config: Config;
  database: Database;
  clock: Clock;
  randomBytes: RandomBytes;
  authorityFor: (slug: string) => AuthorityClient;
  registrar: RelyingPartyRegistrar;
  /** Where tokens are made, when not here (split deployment). */
  authorityBaseUrl: string | undefined;
}): Promise<{ parts: AppParts[]; banner: ((baseUrl: string) => string[])[] }> {
  const { config, database, clock, randomBytes, authorityFor } = input;
  const pepper = loadConfirmationPepper({ value: config.confirmationPepper, dataDir: config.dataDir, mode: config.mode });
  const hasher = createPasswordHasher();
  const banner: ((baseUrl: string) => string[])[] = [];
  const deps = { database, clock, randomBytes, authorityFor, confirmationPepper: pepper, hasher, secureCookies: config.secureCookies, mainMenuItems: transfersMenuItems };
  const parts: AppParts[] = [createPersonalWebPart(deps), transfersWebPart(deps), createBranchConsolePart(deps)];
  // DESIGN §3.1: `npm start` creates the demo data on first start. Development only: known
  // passwords have no place in a production database.
  if (config.mode === 'development') {
    await seedDemo({ database, registrar: input.registrar, clock, randomBytes, hasher, confirmationPepper: pepper });
    parts.push(mailboxPart({ database, mailFrom: config.mailFrom }));
    // Tokens are made at the authority: in a split deployment that is another address.
    const tokensAt = (base: string) => input.authorityBaseUrl?.replace(/\/+$/, '') ?? base;
    const pointTokensAt = (lines: string[], base: string) => lines.map((line) => line.replaceAll(`--authority ${base}`, `--authority ${tokensAt(base)}`).replaceAll(`${base}/token/`, `${tokensAt(base)}/token/`));
    banner.push((base) => pointTokensAt(demoDataBanner(base), base), (base) => pointTokensAt(demoOperatorsBanner(base), base));
    if (config.smtpUrl === undefined) banner.push((base) => [`Notifications (no MAMORI_SMTP_URL): ${base}${MAILBOX_PATH}`]);
  }
  return { parts, banner };
}

function startNotificationWorker(input: { config: Config; database: Database; clock: Clock; randomBytes: RandomBytes; log: () => FastifyInstance['log'] | undefined }): OutboxWorker {
  const { config } = input;
  return startOutboxWorker({
    database: input.database,
    clock: input.clock,
    randomBytes: input.randomBytes,
    transport: config.smtpUrl === undefined ? mailboxTransport : createSmtpTransport({ url: config.smtpUrl }),
    fromAddress: config.mailFrom,
    intervalMs: config.outboxIntervalMs,
    onReport: (report) => {
      if (report.sent > 0) metrics.notifications.inc({ result: 'sent' }, report.sent);
      if (report.retried > 0) metrics.notifications.inc({ result: 'retried' }, report.retried);
      if (report.failed > 0) metrics.notifications.inc({ result: 'failed' }, report.failed);
      if (report.sent + report.retried + report.failed + report.lostClaims === 0) return;
      const { errors, ...counts } = report;
      const log = input.log();
      if (report.failed > 0 || report.retried > 0 || report.lostClaims > 0) log?.warn({ notifications: counts, errors: errors.slice(0, 5) }, 'notifications not all delivered');
      else log?.info({ notifications: counts }, 'notifications delivered');
    },
    onError: (error) => input.log()?.error({ err: error }, 'notification worker failed'),
  });
}

function collectOutboxBacklog(database: Database, clock: Clock): () => void {
  return metrics.registry.onCollect(async () => {
    const backlog = await outboxBacklog(database, clock.nowMs());
    metrics.outboxPending.set(backlog.pending);
    metrics.outboxFailed.set(backlog.failed);
    metrics.outboxOldestPendingSeconds.set(backlog.oldestPendingAgeMs / 1000);
  });
}

function startJobs(app: FastifyInstance, database: Database, clock: Clock): { stop(): void } {
  return scheduleJobs({
    db: database.db,
    clock,
    onReport: (reports) => app.log.info({ reports: reports.map((r) => (r.job === 'limit_downgrade' ? { job: r.job, lowered: r.lowered.length } : r)) }, 'scheduled jobs ran'),
    onError: (error) => app.log.error({ err: error }, 'scheduled jobs failed'),
  });
}

/** Institutions whose customers would see "try again later" because no key is configured. */
async function warnAboutMissingKeys(app: FastifyInstance, database: Database, config: Config): Promise<void> {
  const slugs = (await listInstitutions(database.db)).map((i) => i.slug);
  const missing = slugs.filter((slug) => !config.relyingPartyKeys.has(slug));
  const unknown = [...config.relyingPartyKeys.keys()].filter((slug) => !slugs.includes(slug));
  if (missing.length > 0) app.log.warn({ institutions: missing }, 'no API key in MAMORI_RP_KEYS for these institutions: their customers cannot use one-time passwords');
  if (unknown.length > 0) app.log.warn({ institutions: unknown }, 'MAMORI_RP_KEYS names institutions this database does not have');
}

export const PEPPER_FILE_NAME = 'confirmation-pepper.key';

/**
 * The pepper of confirmation-password digit pairs (banking/confirmation-password.ts). It is its
 * own secret, not derived from the master key: master keys rotate, and a pepper that changed
 * would make every stored confirmation password unusable.
 */
export function loadConfirmationPepper(input: { value: string | undefined; dataDir: string; mode: Config['mode'] }): Uint8Array {
  if (input.value !== undefined && input.value !== '') {
    const bytes = Buffer.from(input.value, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(input.value) || bytes.length < 32) {
      throw new ServerStartError('MAMORI_CONFIRMATION_PEPPER must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`)');
    }
    return new Uint8Array(bytes);
  }
  if (input.mode === 'production') {
    throw new ServerStartError('production mode needs MAMORI_CONFIRMATION_PEPPER (the pepper file in the data directory is for development)');
  }
  mkdirSync(input.dataDir, { recursive: true, mode: 0o700 });
  const path = join(input.dataDir, PEPPER_FILE_NAME);
  try {
    // 'wx': created once, 0600 from the start; a second process starting at the same moment
    // finds the file and reads it instead.
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${nodeRandomBytes(32).toString('base64')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const bytes = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (bytes.length < 32) throw new ServerStartError(`the pepper file ${path} is damaged (fewer than 32 bytes): restore it from the backup taken with the database (only when no customer exists yet may it simply be deleted)`);
  return new Uint8Array(bytes);
}

// Slow clients must not hold sockets open forever (slowloris): headers within 20 s, the whole
// request within 30 s. Idle keep-alive sockets close after 5 s; behind a load balancer, keep
// its idle timeout shorter than that so it never reuses a socket we are closing.
function applyTimeouts(server: Server): void {
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
}

function publicBaseUrl(host: string, app: FastifyInstance): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  // 0.0.0.0 and :: mean "every interface"; a person opens localhost.
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * Resolves with the exit code once the server has shut down after SIGTERM or SIGINT. A second
 * signal, or a shutdown longer than `timeoutMs`, ends the process at once with 1.
 */
export function closeOnSignal(server: RunningServer, { timeoutMs = SHUTDOWN_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<number> {
  const log = server.app.log;
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        log.warn({ signal }, 'second signal during shutdown: exiting now');
        process.exit(1);
      }
      closing = true;
      log.info({ signal, timeoutMs }, 'shutting down: finishing requests in flight');
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown timed out: exiting with requests still open');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      server.close().then(
        () => {
          clearTimeout(timer);
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          log.info('shut down');
          resolve(0);
        },
        (error: unknown) => {
          clearTimeout(timer);
          log.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
