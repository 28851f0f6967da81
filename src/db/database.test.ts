// The SQLite statement cache must be invisible: results stay right when a statement is reused,
// when the cache evicts, and when the schema changes under a cached statement. A PostgreSQL
// connection that drops must fail the queries on it, not the process.
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { openDatabase } from './database.js';
import { skipReason, TEST_POSTGRES_URL } from './testing.js';

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
