// Test support for lock-order tests on PostgreSQL: two requests that touch the same rows are
// made to queue in a chosen order behind a transaction of the test's own that holds an
// institution's audit head, then let go. Transactions that lock rows in different orders
// deadlock under exactly such a queue (PostgreSQL aborts one of them: a 500 page); transactions
// that keep one order (the person's row, its sessions, then the audit head) just wait.
import assert from 'node:assert/strict';
import pg from 'pg';
import type { TestDatabase } from './testing.js';
import { TEST_POSTGRES_URL } from './testing.js';

export interface LockStaging {
  /** Holds `chain`'s audit head in an open transaction until `release()`. */
  holdAuditHead(chain: string): Promise<{ release(): Promise<void> }>;
  /** Waits until `count` backends wait, directly or through another, on the held head. */
  waitUntilQueued(count: number): Promise<void>;
  end(): Promise<void>;
}

/**
 * Two connections to the test database's schema: one holds the head; the other watches, outside
 * any transaction (pg_stat_activity is a snapshot per transaction).
 */
export async function lockStaging(database: TestDatabase): Promise<LockStaging> {
  const location = database.location;
  assert.equal(location.dialect, 'postgres', 'lock staging needs PostgreSQL (SQLite has one writer at a time)');
  const schema = location.dialect === 'postgres' ? location.schema : undefined;
  const connect = async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    await client.connect();
    return client;
  };
  const holder = await connect();
  const watcher = await connect();
  const holderPid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  return {
    async holdAuditHead(chain) {
      await holder.query('begin');
      const held = await holder.query('select 1 from audit_heads where chain = $1 for update', [chain]);
      assert.equal(held.rowCount, 1, `no audit head for ${chain} yet`);
      return { release: async () => void (await holder.query('commit')) };
    },
    async waitUntilQueued(count) {
      for (let attempt = 0; attempt < 400; attempt++) {
        const result = await watcher.query<{ n: number }>(
          `with recursive blocked(pid) as (
             select pid from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))
             union select a.pid from pg_stat_activity a join blocked b on b.pid = any(pg_blocking_pids(a.pid))
           ) select count(*)::int as n from blocked`,
          [holderPid],
        );
        if (result.rows[0]!.n >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`fewer than ${count} requests queued behind the audit head`);
    },
    end: async () => void (await Promise.all([holder.end(), watcher.end()])),
  };
}
