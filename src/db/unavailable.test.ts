// Which errors are "the database cannot serve now" (answered 503) and which stay bugs (500):
// real errors of both drivers where a test can provoke them, the driver's own error classes
// with the codes it would carry where it cannot (a full disk, a standby), and the programming
// errors that must never pass for an outage.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { AuthorityUnavailableError } from '../authority/authority-client.js';
import { openDatabase } from './database.js';
import { skipReason, TEST_POSTGRES_URL } from '../../test/support/db/testing.js';
import { isDatabaseUnavailable } from './unavailable.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

function sqliteError(code: string): Error {
  return new SQLite.SqliteError(`(a ${code})`, code);
}

function postgresError(code: string): Error {
  const error = new pg.DatabaseError(`(a ${code})`, 0, 'error');
  error.code = code;
  return error;
}

function withMessage(message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), extra);
}

describe('isDatabaseUnavailable: SQLite', () => {
  it('a write while another connection holds the write lock past the busy timeout (SQLITE_BUSY) is an outage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-unavailable-'));
    const file = join(dir, 'x.sqlite');
    const database = openDatabase({ dialect: 'sqlite', file, busyTimeoutMs: 50 });
    const holder = new SQLite(file);
    try {
      await sql`create table t (x integer)`.execute(database.db);
      holder.exec('BEGIN EXCLUSIVE');
      const error = await rejection(sql`insert into t values (1)`.execute(database.db));
      assert.equal((error as { code?: string }).code, 'SQLITE_BUSY');
      assert.equal(isDatabaseUnavailable(error), true);
      // Its own mistakes on the same database are not.
      holder.exec('ROLLBACK');
      assert.equal(isDatabaseUnavailable(await rejection(sql`selec 1`.execute(database.db))), false, 'syntax error');
      assert.equal(isDatabaseUnavailable(await rejection(sql`insert into nowhere values (1)`.execute(database.db))), false, 'no such table');
      await sql`create table u (x integer primary key)`.execute(database.db);
      await sql`insert into u values (1)`.execute(database.db);
      assert.equal(isDatabaseUnavailable(await rejection(sql`insert into u values (1)`.execute(database.db))), false, 'constraint');
    } finally {
      holder.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(isDatabaseUnavailable(await rejection(sql`select 1`.execute(database.db))), false, 'a database used after close() is a bug');
  });

  it('the file, its disk or a lock of another process: busy, cannot open, I/O error, full, read-only, lock protocol', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_CANTOPEN', 'SQLITE_CANTOPEN_ISDIR', 'SQLITE_IOERR', 'SQLITE_IOERR_SHORT_READ', 'SQLITE_IOERR_FSYNC', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'SQLITE_PROTOCOL']) {
      assert.equal(isDatabaseUnavailable(sqliteError(code)), true, code);
    }
  });

  it('never a conflict inside the one connection (SQLITE_LOCKED), damaged data, a constraint or misuse', () => {
    for (const code of ['SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_ERROR', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_MISUSE', 'SQLITE_RANGE', 'SQLITE_MISMATCH', 'SQLITE_FULLX', 'SQLITE_BUSYX']) {
      assert.equal(isDatabaseUnavailable(sqliteError(code)), false, code);
    }
  });
});

describe('isDatabaseUnavailable: PostgreSQL', { skip: skipReason('postgres') }, () => {
  it('refused, never answering, no free connection, cut, terminated, timed out: each is an outage', { timeout: 30_000 }, async () => {
    const refused = openDatabase({ dialect: 'postgres', url: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 1000 });
    const refusal = await rejection(sql`select 1`.execute(refused.db));
    assert.equal((refusal as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(isDatabaseUnavailable(refusal), true, 'connection refused');
    await refused.close();

    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const hung = openDatabase({ dialect: 'postgres', url: `postgres://postgres@127.0.0.1:${(silent.address() as { port: number }).port}/test`, connectTimeoutMs: 300 });
    assert.equal(isDatabaseUnavailable(await rejection(sql`select 1`.execute(hung.db))), true, 'a server that never answers: the connect timeout');
    await hung.close().catch(() => {});
    silent.close();

    const database = openDatabase({ dialect: 'postgres', url: TEST_POSTGRES_URL, poolSize: 1, connectTimeoutMs: 300, statementTimeoutMs: 200 });
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const timedOut = await rejection(sql`select pg_sleep(2)`.execute(database.db));
      assert.equal((timedOut as { code?: string }).code, '57014');
      assert.equal(isDatabaseUnavailable(timedOut), true, 'cut by statement_timeout');

      // The pool's only client held by a transaction: the next query finds none in time.
      let release!: () => void;
      const held = database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await new Promise<void>((resolve) => (release = resolve));
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const waited = await rejection(sql`select 1`.execute(database.db));
      assert.match((waited as Error).message, /timeout exceeded when trying to connect/);
      assert.equal(isDatabaseUnavailable(waited), true, 'no free connection of the pool within the connect timeout');
      release();
      await held;

      // An administrator (or a failover) ends the session in the middle of a statement.
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db)).rows[0]!.pid;
      const terminated = rejection(sql`select pg_sleep(0.15)`.execute(database.db));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await admin.query('select pg_terminate_backend($1)', [pid]);
      const ended = await terminated;
      assert.ok(['57P01', undefined].includes((ended as { code?: string }).code), String(ended));
      assert.equal(isDatabaseUnavailable(ended), true, `terminated: ${String(ended)}`);

      // The next query may still meet the dead client (also an outage); then the pool connects anew.
      for (let attempt = 0; ; attempt++) {
        const outcome = await sql`select 1`.execute(database.db).then(() => 'ok' as const, (error: unknown) => error);
        if (outcome === 'ok') break;
        assert.equal(isDatabaseUnavailable(outcome), true, `after the termination: ${String(outcome)}`);
        assert.ok(attempt < 3, 'the pool connects again');
      }

      // Its own mistakes are not outages.
      const mistakes = {
        syntax: sql`selec 1`,
        'division by zero': sql`select 1 / 0`,
        'no such table': sql`select * from nowhere_at_all`,
        'bad input syntax': sql`select 'x'::integer`,
      };
      for (const [what, statement] of Object.entries(mistakes)) {
        const error = await rejection(statement.execute(database.db));
        assert.equal(isDatabaseUnavailable(error), false, `${what}: ${String(error)}`);
      }
    } finally {
      await admin.end();
      await database.close();
    }
  });

  it('by SQLSTATE: connection exceptions, shutdown and recovery, resources, I/O, a standby; never deadlocks, serialisation or constraints', () => {
    for (const code of ['08000', '08003', '08006', '08001', '08004', '08P01', '57014', '57P01', '57P02', '57P03', '57P05', '53000', '53100', '53200', '53300', '58000', '58030', '25006']) {
      assert.equal(isDatabaseUnavailable(postgresError(code)), true, code);
    }
    for (const code of ['40001', '40P01', '23505', '23503', '42601', '42P01', '22012', '22P02', '55P03', '57P04', '58P01', '25P02', '0A000', 'XX000']) {
      assert.equal(isDatabaseUnavailable(postgresError(code)), false, code);
    }
  });
});

describe('isDatabaseUnavailable: what it never takes for an outage', () => {
  it('programming errors, the authority being away, look-alikes', () => {
    const refusedSocket = withMessage('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', syscall: 'connect', errno: -111 });
    assert.equal(isDatabaseUnavailable(refusedSocket), true, 'the socket error itself');
    assert.equal(isDatabaseUnavailable(new AggregateError([refusedSocket, withMessage('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED', syscall: 'connect' })])), true, 'every address refused');
    assert.equal(isDatabaseUnavailable(withMessage('Connection terminated due to connection timeout', { cause: withMessage('Connection terminated unexpectedly') })), true, "pg-pool's wrapped timeout");

    const notOutages: [string, unknown][] = [
      ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'slug')")],
      ['a RangeError', new RangeError('Invalid time value')],
      ['a plain Error', new Error('something else')],
      ['a thrown string', 'Connection terminated unexpectedly'],
      ['undefined', undefined],
      ['the authority unreachable (its own 503, not the database)', new AuthorityUnavailableError('token authority unreachable', { cause: refusedSocket })],
      ['a failed fetch', new TypeError('fetch failed', { cause: refusedSocket })],
      ['a code without a socket call', withMessage('ECONNREFUSED', { code: 'ECONNREFUSED' })],
      ['the message in a subclass', new (class extends Error {})('Connection terminated unexpectedly')],
      ['a pool used after end()', new Error('Cannot use a pool after calling end on the pool')],
      ['some AggregateError', new AggregateError([refusedSocket, new TypeError('x')])],
      ['an empty AggregateError', new AggregateError([])],
      ['a cause that is a bug', new Error('wrapped', { cause: new TypeError('x') })],
      ['a SQLITE_ code on an error of another kind', withMessage('x', { code: 'SQLITE_BUSY' })],
    ];
    for (const [what, error] of notOutages) assert.equal(isDatabaseUnavailable(error), false, what);
    // A cycle of causes ends.
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    assert.equal(isDatabaseUnavailable(a), false, 'a cycle of causes');
  });
});
