// Opens the one relational store: SQLite in a file (the embedded default) or PostgreSQL when
// DATABASE_URL is a postgres:// URL. Everything above this file speaks Kysely and never asks
// which dialect it runs on, except where SQL itself differs (see `dialect`).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, sql, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: DialectName;
  /**
   * Throws unless the database can serve a write now (for /readyz): PostgreSQL answers
   * `select 1`; SQLite also lets this process take its write lock within the busy timeout (or
   * `withinMs`, if shorter) — see probeWriteLock.
   */
  checkReady(withinMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseLocation =
  | { dialect: 'sqlite'; file: string; busyTimeoutMs?: number } // ':memory:' for a private in-memory database
  | { dialect: 'postgres'; url: string; schema?: string; poolSize?: number; connectTimeoutMs?: number; statementTimeoutMs?: number };

/**
 * How long a request waits for a PostgreSQL connection — a new one, or a free one of the pool —
 * before its query fails (and the request with it, closed). A server that does not answer at
 * all (a network partition, a hung host) must not hold every request forever.
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The default `statement_timeout` of the server processes' PostgreSQL sessions
 * (MAMORI_DB_STATEMENT_TIMEOUT_MS): a statement that runs or waits for a lock longer is
 * cancelled by the server (57014), its transaction rolls back and the request is answered 503
 * — a hung query no longer holds a request, and its pooled connection, for ever. As long as the
 * connect timeout: the longest a request waits on the database at either step. Our statements
 * take milliseconds; the CLI (migrations, checks, re-encryption) sets none.
 */
export const POSTGRES_STATEMENT_TIMEOUT_MS = 10_000;

/** How long a write waits for another process's SQLite write lock before it fails (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

// PostgreSQL returns BIGINT (OID 20) as a string; our bigints are instants in milliseconds and
// yen amounts, all far below 2^53, so numbers are exact and simpler for every caller.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** `statementTimeoutMs` (PostgreSQL only): the server processes pass theirs; the CLI none. */
export function locationFromUrl(url: string | undefined, dataDir: string, options: { statementTimeoutMs?: number } = {}): DatabaseLocation {
  if (url === undefined || url === '') return { dialect: 'sqlite', file: `${dataDir}/mamori.sqlite` };
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url, ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }) };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', file: url.slice('sqlite:'.length) };
  throw new TypeError('DATABASE_URL must start with postgres:// (or sqlite:PATH)');
}

export function openDatabase(location: DatabaseLocation): Database {
  return location.dialect === 'sqlite' ? openSqlite(location.file, location.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS) : openPostgres(location);
}

function openSqlite(file: string, busyTimeoutMs: number): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const connection = new SQLite(file);
  // WAL lets readers run beside the single writer; synchronous=FULL makes each commit durable
  // (fsync of the WAL) because an accepted code or a posted transfer must survive a power cut.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  // Other processes on the same file (CLI beside a server) wait for the write lock, not fail.
  connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(connection) }) });
  return {
    db,
    dialect: 'sqlite',
    checkReady: (withinMs = busyTimeoutMs) => probeWriteLock(db, connection, busyTimeoutMs, Math.min(withinMs, busyTimeoutMs)),
    close: () => db.destroy(),
  };
}

/**
 * Every transaction takes SQLite's write lock at BEGIN (`BEGIN IMMEDIATE`), waiting for it under
 * the busy timeout. Kysely's own `BEGIN` is deferred: a transaction that reads and then writes
 * holds only a read snapshot until its first write, and if another process (a CLI command beside
 * the server, a second server on the file) committed in between, the upgrade fails at once with
 * SQLITE_BUSY — the busy handler is not called for it, because waiting cannot help a stale
 * snapshot. In one process this changes nothing (Kysely runs one transaction at a time on the
 * one connection); across processes, transactions are serialised whole instead of failing.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Readiness of a SQLite file: can a write of this process get the write lock? Reads alone
 * would say yes while another process (a stuck maintenance job, a long backup) holds the lock
 * and every write here waits out the busy timeout and fails.
 *
 * `BEGIN IMMEDIATE; ROLLBACK` takes the lock and gives it back at once (nothing is written, no
 * fsync: microseconds). It runs with busy_timeout 0, so it never blocks the event loop (a
 * better-sqlite3 busy wait is synchronous), on the connection held through Kysely (so never
 * inside one of this process's transactions); while another connection has the lock it tries
 * again every 25 ms, the event loop free in between, until `withinMs` has passed.
 */
async function probeWriteLock(db: Kysely<Schema>, connection: SQLite.Database, busyTimeoutMs: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const locked = await db.connection().execute(async () => {
      connection.pragma('busy_timeout = 0');
      try {
        connection.exec('BEGIN IMMEDIATE');
        connection.exec('ROLLBACK');
        return false;
      } catch (error) {
        if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return true;
        throw error;
      } finally {
        connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
      }
    });
    if (!locked) return;
    if (Date.now() >= deadline) throw new Error(`the SQLite write lock is held by another connection (waited ${withinMs} ms)`);
    await sleep(25);
  }
}

// Kysely's SQLite driver prepares every query anew; preparing costs about as much as running a
// short statement (bench: a quarter of a verify's CPU). Statements are reused by their SQL text.
// Kysely runs one query at a time on the connection (its mutex), so a cached statement is never
// busy when it is used again; SQLite re-prepares a statement itself after a schema change.
const STATEMENT_CACHE_SIZE = 500;

function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

function openPostgres(location: Extract<DatabaseLocation, { dialect: 'postgres' }>): Database {
  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    connectionTimeoutMillis: location.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
    // Sent at connect (a startup parameter): every statement of every session of this pool.
    ...(location.statementTimeoutMs ? { statement_timeout: location.statementTimeoutMs } : {}),
    // TCP keep-alive notices a peer that vanished without closing (a partition) on idle clients.
    keepAlive: true,
    ...(location.schema ? { options: `-c search_path=${quoteIdentifier(location.schema)}` } : {}),
  });
  // A connection that drops (the server restarts, the network is cut) makes its client emit
  // 'error' — on the pool while it is idle, on the client itself while a query or transaction
  // holds it. Unheard, either event is an uncaught exception that ends the whole process. The
  // event tells nothing the callers do not already learn: the query in flight rejects with the
  // same error (and the request fails closed), the next one on that client fails, and pg-pool
  // discards the broken client and connects afresh once the database is back.
  pool.on('error', ignoreConnectionError);
  pool.on('connect', (client) => client.on('error', ignoreConnectionError));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    checkReady: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`invalid schema name: ${name}`);
  return name;
}

function ignoreConnectionError(): void {
  // See openPostgres: the failing query reports it.
}
