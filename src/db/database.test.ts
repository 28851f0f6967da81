// The SQLite statement cache must be invisible: results stay right when a statement is reused,
// when the cache evicts, and when the schema changes under a cached statement. A PostgreSQL
// connection that drops must fail the queries on it, not the process. Readiness (checkReady)
// sees a SQLite write lock held by another process; a PostgreSQL statement that hangs is cut
// by the statement timeout.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { locationFromUrl, openDatabase, POSTGRES_STATEMENT_TIMEOUT_MS } from './database.js';
import { skipReason, TEST_POSTGRES_URL } from '../../test/support/db/testing.js';

describe('SQLite connection', () => {
  it('gives the same answers through cached statements, after eviction and after a schema change', async () => {
    const database = openDatabase({ dialect: 'sqlite', file: ':memory:' });
    try {
      await sql`create table t (id integer primary key, v text)`.execute(database.db);
      for (let i = 0; i < 3; i++) await sql`insert into t (v) values (${`v${i}`})`.execute(database.db);
      const read = () => sql<{ v: string }>`select v from t order by id`.execute(database.db);
      assert.deepEqual((await read()).rows.map((r) => r.v), ['v0', 'v1', 'v2']);
      // 600 distinct statements push the first one out of the 500-entry cache.
      for (let i = 0; i < 600; i++) await sql.raw(`select ${i} as n`).execute(database.db);
      assert.deepEqual((await read()).rows.map((r) => r.v), ['v0', 'v1', 'v2']);
      await sql`alter table t add column w text default 'x'`.execute(database.db);
      const wide = await sql<{ v: string; w: string }>`select * from t order by id`.execute(database.db);
      assert.deepEqual(wide.rows[0], { id: 1, v: 'v0', w: 'x' });
    } finally {
      await database.close();
    }
  });

  it('runs in WAL mode with synchronous=FULL on a file', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mamori-db-'));
    const database = openDatabase({ dialect: 'sqlite', file: join(dir, 'x.sqlite') });
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db);
      assert.equal(mode.rows[0]?.journal_mode, 'wal');
      assert.equal(sync.rows[0]?.synchronous, 2); // 2 = FULL
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite readiness: the write lock', () => {
  const BUSY_TIMEOUT_MS = 400;

  /** A file database of this process, and another connection to the same file (another process's). */
  async function withFile(test: (database: ReturnType<typeof openDatabase>, other: SQLite.Database) => Promise<void>): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-ready-'));
    const file = join(dir, 'x.sqlite');
    const database = openDatabase({ dialect: 'sqlite', file, busyTimeoutMs: BUSY_TIMEOUT_MS });
    await sql`create table t (x integer)`.execute(database.db);
    const other = new SQLite(file);
    try {
      await test(database, other);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('is ready at once in the normal case, and leaves the lock free and the busy timeout as it was', async () => {
    await withFile(async (database, other) => {
      const started = performance.now();
      for (let i = 0; i < 20; i++) await database.checkReady();
      const perProbeMs = (performance.now() - started) / 20;
      assert.ok(perProbeMs < 20, `a probe costs ${perProbeMs.toFixed(2)} ms`);
      other.pragma('busy_timeout = 0');
      other.exec('BEGIN IMMEDIATE'); // the probe holds no lock afterwards
      other.exec('ROLLBACK');
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(database.db);
      assert.deepEqual(busy.rows, [{ timeout: BUSY_TIMEOUT_MS }]);
    });
  });

  it('is not ready while another connection holds the write lock past the busy timeout, without blocking the event loop', async () => {
    await withFile(async (database, other) => {
      other.exec('BEGIN IMMEDIATE');
      // Reads still work (WAL): a `select 1` alone would have said "ready".
      await sql`select count(*) from t`.execute(database.db);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const started = performance.now();
      try {
        await assert.rejects(database.checkReady(), /write lock is held by another connection/);
      } finally {
        clearInterval(ticker);
      }
      const waitedMs = performance.now() - started;
      assert.ok(waitedMs >= BUSY_TIMEOUT_MS - 10 && waitedMs < BUSY_TIMEOUT_MS + 400, `waited ${waitedMs.toFixed(0)} ms, as a write would`);
      assert.ok(ticks >= (BUSY_TIMEOUT_MS / 10) * 0.5, `the event loop ran meanwhile (${ticks} ticks)`);
      // A shorter budget (the /readyz check's) ends the wait sooner.
      const short = performance.now();
      await assert.rejects(database.checkReady(100));
      assert.ok(performance.now() - short < BUSY_TIMEOUT_MS - 100);
      // And a write of this process does fail meanwhile: what the probe predicts.
      await assert.rejects(sql`insert into t values (1)`.execute(database.db), { code: 'SQLITE_BUSY' });
      other.exec('ROLLBACK');
      await database.checkReady();
    });
  });

  it('is ready when the lock is given back within the busy timeout (a write would have waited too)', async () => {
    await withFile(async (database, other) => {
      other.exec('BEGIN IMMEDIATE');
      setTimeout(() => other.exec('ROLLBACK'), 120);
      await database.checkReady();
      await sql`insert into t values (1)`.execute(database.db);
    });
  });

  it("a transaction that reads, then writes, is not failed by another connection's commit in between (BEGIN IMMEDIATE)", async () => {
    // What failed `institution set-policy` beside a busy server: with a deferred BEGIN the
    // transaction's read snapshot went stale when the server committed, and its write then
    // failed with SQLITE_BUSY at once, without waiting.
    await withFile(async (database, other) => {
      other.pragma('busy_timeout = 0');
      let otherWrite: unknown;
      await database.db.transaction().execute(async (trx) => {
        await sql`select count(*) from t`.execute(trx);
        try {
          other.exec('insert into t values (7)');
        } catch (error) {
          otherWrite = error;
        }
        await sql`insert into t values (8)`.execute(trx);
      });
      assert.equal((otherWrite as { code?: string } | undefined)?.code, 'SQLITE_BUSY', 'the transaction held the write lock from its BEGIN');
      other.exec('insert into t values (9)');
      const rows = await sql<{ x: number }>`select x from t order by x`.execute(database.db);
      assert.deepEqual(rows.rows.map((r) => r.x), [8, 9]);
    });
  });

  it('never probes inside a transaction of its own process: it waits for the transaction, like any query', async () => {
    await withFile(async (database) => {
      let probed = false;
      let probe: Promise<void> | undefined;
      await database.db.transaction().execute(async (trx) => {
        await sql`insert into t values (2)`.execute(trx);
        probe = database.checkReady().then(() => {
          probed = true;
        });
        await sleep(50);
        assert.equal(probed, false, 'the probe waits for the connection');
      });
      await probe;
      assert.equal(probed, true);
    });
  });
});

describe('PostgreSQL statement timeout', { skip: skipReason('postgres') }, () => {
  it('the server processes get one by default; the CLI none', () => {
    assert.equal(POSTGRES_STATEMENT_TIMEOUT_MS, 10_000);
    assert.deepEqual(locationFromUrl('postgres://h/db', '/data', { statementTimeoutMs: 2500 }), { dialect: 'postgres', url: 'postgres://h/db', statementTimeoutMs: 2500 });
    assert.deepEqual(locationFromUrl('postgres://h/db', '/data'), { dialect: 'postgres', url: 'postgres://h/db' });
  });

  it('cuts a statement that runs too long, and one that waits for a lock another connection holds; the connection serves on', { timeout: 20_000 }, async () => {
    const database = openDatabase({ dialect: 'postgres', url: TEST_POSTGRES_URL, poolSize: 1, statementTimeoutMs: 300 });
    const holder = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await holder.connect();
    const table = `stmt_timeout_${process.pid}`;
    try {
      assert.deepEqual((await sql<{ statement_timeout: string }>`show statement_timeout`.execute(database.db)).rows, [{ statement_timeout: '300ms' }]);
      let started = performance.now();
      await assert.rejects(sql`select pg_sleep(5)`.execute(database.db), { code: '57014' });
      assert.ok(performance.now() - started < 2000, 'cut at the timeout, not after the sleep');

      await holder.query(`create table ${table} (id integer primary key, n integer)`);
      await holder.query(`insert into ${table} values (1, 0)`);
      await holder.query('begin');
      await holder.query(`update ${table} set n = n + 1 where id = 1`); // holds the row lock
      started = performance.now();
      await assert.rejects(
        database.db.transaction().execute(async (trx) => {
          await sql`update ${sql.table(table)} set n = n + 10 where id = 1`.execute(trx);
        }),
        { code: '57014' },
      );
      assert.ok(performance.now() - started < 2000, 'cut while waiting for the lock');
      await holder.query('rollback');
      assert.deepEqual((await sql<{ n: number }>`select n from ${sql.table(table)}`.execute(database.db)).rows, [{ n: 0 }], 'nothing was written');
    } finally {
      await holder.query(`drop table if exists ${table}`).catch(() => {});
      await holder.end();
      await database.close();
    }
  });

  it('sets none when not asked', async () => {
    const database = openDatabase({ dialect: 'postgres', url: TEST_POSTGRES_URL, poolSize: 1 });
    try {
      assert.deepEqual((await sql<{ statement_timeout: string }>`show statement_timeout`.execute(database.db)).rows, [{ statement_timeout: '0' }]);
    } finally {
      await database.close();
    }
  });
});

describe('PostgreSQL connection', { skip: skipReason('postgres') }, () => {
  // A server that accepts the connection and then never answers (a hung host): the query fails
  // after the connect timeout instead of holding its request forever.
  // (Without the timeout the query would wait forever: the test's own time limit fails it.)
  it('gives up on a server that never answers, after the connect timeout', { timeout: 20_000 }, async () => {
    const silent = createServer(() => {}); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const port = (silent.address() as { port: number }).port;
    const database = openDatabase({ dialect: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/test`, connectTimeoutMs: 300 });
    try {
      await assert.rejects(sql`select 1`.execute(database.db), /timeout/i);
    } finally {
      await database.close();
      silent.close();
    }
  });

  // Regression: without a listener for the 'error' event of the pool (idle clients) and of each
  // client (one held by a transaction), a dropped connection was an uncaught exception that
  // ended the whole server process (test/security/fail-closed.test.ts found it).
  it('survives its connections dropping, idle or inside a transaction, and works again once the server is back', async () => {
    const upstream = new URL(TEST_POSTGRES_URL);
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const server = connect(Number(upstream.port || 5432), upstream.hostname);
      for (const socket of [client, server]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(server);
      server.pipe(client);
      client.on('close', () => server.destroy());
      server.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    const port = (proxy.address() as { port: number }).port;
    const url = new URL(TEST_POSTGRES_URL);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const database = openDatabase({ dialect: 'postgres', url: url.toString(), poolSize: 2 });
    const cut = async () => {
      const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    };
    try {
      // Two clients: one will sit idle in the pool, the other inside the transaction.
      await Promise.all([sql`select pg_sleep(0.05)`.execute(database.db), sql`select pg_sleep(0.05)`.execute(database.db)]);
      const inTransaction = database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await cut();
        await sleep(200); // both clients see their connection end meanwhile
        await sql`select 1`.execute(trx);
      });
      await assert.rejects(inTransaction);
      await assert.rejects(sql`select 1`.execute(database.db), 'refused while the server is away');
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', () => resolve()));
      const rows = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      assert.deepEqual(rows.rows, [{ one: 1 }]);
    } finally {
      await database.close();
      for (const socket of sockets) socket.destroy();
      if (proxy.listening) await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
