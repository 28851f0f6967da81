// Which errors mean "the database cannot serve right now": it is down, unreachable, locked by
// another process past the busy timeout, out of room, or it cut a statement at its timeout.
// Such a request failed before it was done (its transaction rolled back), so it is answered
// 503 「しばらくしてから再度お試しください」 with Retry-After, not as a bug of ours. Everything
// else — a constraint, a syntax error, a type error, a deadlock or serialisation failure the
// code should have handled — stays a 500 with an error id. This is the ONE list, for both
// drivers; the pages, the console, the authority API and the app's own handler all ask it.
import pg from 'pg';

/**
 * better-sqlite3 (`SqliteError.code`, extended codes included):
 * - SQLITE_BUSY*: another connection holds the lock past busy_timeout (BUSY_SNAPSHOT: another
 *   process wrote since this transaction read; RECOVERY: another is recovering the WAL);
 * - SQLITE_CANTOPEN*, SQLITE_IOERR*, SQLITE_FULL, SQLITE_READONLY*, SQLITE_PROTOCOL: the file,
 *   its directory or its disk (gone, unreadable, full, remounted read-only; we never open a
 *   database read-only, so READONLY is never our own doing).
 * Not SQLITE_LOCKED: it is a conflict inside ONE connection (or a shared cache, which we do
 * not use), so with one connection per process it can only be our own code — a bug.
 * Not SQLITE_CORRUPT / NOTADB: the data is damaged; trying again will not help.
 */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|CANTOPEN|IOERR|READONLY)(_[A-Z_]+)?$|^SQLITE_(FULL|PROTOCOL)$/;

/**
 * PostgreSQL SQLSTATEs (a `DatabaseError` from the server):
 * - class 08, connection exception;
 * - 57014 query_canceled: our statement_timeout (the application never cancels a query);
 * - 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in
 *   recovery), 57P05 idle_session_timeout;
 * - class 53, insufficient resources (too many connections, disk full, out of memory);
 * - 58000 system_error, 58030 io_error;
 * - 25006 read_only_sql_transaction: connected to a standby that is not (yet) promoted.
 * Not 40001 / 40P01 (serialisation failure, deadlock): concurrency the code must handle.
 */
const POSTGRES_UNAVAILABLE = /^(08...|53...|57014|57P0[1235]|58000|58030|25006)$/;

/** Errors of the pg driver and pool that carry no code: the connection failed or timed out. */
const PG_CONNECTION_MESSAGES: ReadonlySet<string> = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated', // the pool was closing (shutdown) with this query in flight
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect', // no free client of the pool within its connect timeout
  'timeout expired', // a client's own connect timeout
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

/** Node's socket errors on the way to the server (they have a `syscall`, e.g. connect, read). */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Whether `error` (or what it wraps) says the database cannot serve now; see the file comment. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailable(error, 0);
}

function unavailable(error: unknown, depth: number): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (error instanceof pg.DatabaseError) return typeof code === 'string' && POSTGRES_UNAVAILABLE.test(code);
  if (typeof code === 'string') {
    if (error.name === 'SqliteError') return SQLITE_UNAVAILABLE.test(code);
    if (NETWORK_CODES.has(code) && typeof (error as { syscall?: unknown }).syscall === 'string') return true;
  }
  // Node tries each address of a name in turn; all refused is an AggregateError of them.
  if (error instanceof AggregateError) return error.errors.length > 0 && error.errors.every((inner) => unavailable(inner, depth + 1));
  if (error.constructor === Error && PG_CONNECTION_MESSAGES.has(error.message)) return true;
  // A plain Error that wraps one (pg-pool's connect timeout does); never a subclass such as
  // AuthorityUnavailableError, whose cause is a socket error on the way to the AUTHORITY.
  return error.constructor === Error && error.cause !== undefined && unavailable(error.cause, depth + 1);
}
