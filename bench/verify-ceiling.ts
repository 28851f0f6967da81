// The raw ceiling of a verification (DESIGN §6): in this process, on the same database as the
// server, the least any correct verifier must do — read the binding with its token, open the
// sealed secret (secrets are encrypted at rest, DESIGN §5), compute three HMACs (the code
// matches at the LAST candidate of the ±1 window: centre, centre-1, centre+1), and make one
// durable conditional write:
//
//     UPDATE bindings SET last_step = ? WHERE id = ? AND last_step < ?
//
// written straight to the driver with prepared statements: no query builder, no HTTP, no
// validation, no throttle or state checks. It runs over fresh bindings, each used once, exactly
// like the HTTP run it is compared with, so every write changes a row (an UPDATE that matches
// nothing commits nothing and costs no fsync) and touches the same kind of pages; the run
// counts the rows changed and refuses to report when a write was lost.
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Keyring } from '../src/authority/authority.js';
import { createHmacKey, verifyTotp } from '../src/otp/index.js';
import { BENCH_RELYING_PARTY, codeAtStep, stepAt, type BenchToken } from './bench-fixtures.js';
import { percentile } from './measure.js';
import type { CpuTimes } from './process-cpu.js';

export interface CeilingResult {
  name: string;
  opsPerSecond: number;
  iterations: number;
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU this process used per verification (ms, user and system): the ceiling's own cost. */
  cpuPerOp: CpuTimes;
  /** True when the fresh bindings ran out before the time was up. */
  exhausted: boolean;
}

// The same columns the authority reads (binding-store.ts findLiveBindingWithToken).
const READ_SQL_SQLITE = `SELECT b.id, b.serial, b.subject, b.last_step, b.last_transaction_step, t.kind, t.algorithm, t.digits,
  t.period_seconds, t.secret_ciphertext, t.secret_key_id, t.state, t.drift_steps, t.throttle_failures, t.throttle_window_start
  FROM bindings b JOIN tokens t ON t.serial = b.serial WHERE b.id = ? AND b.relying_party_id = ? AND b.deleted_at IS NULL`;
const UPDATE_SQL_SQLITE = 'UPDATE bindings SET last_step = ? WHERE id = ? AND last_step < ?';
const READ_SQL_PG = READ_SQL_SQLITE.replace('b.id = ?', 'b.id = $1').replace('b.relying_party_id = ?', 'b.relying_party_id = $2');
const UPDATE_SQL_PG = 'UPDATE bindings SET last_step = $1 WHERE id = $2 AND last_step < $1';

interface ReadRow {
  serial: string;
  secret_ciphertext: string;
  secret_key_id: string;
  digits: number;
  period_seconds: number;
  drift_steps: number;
  last_step: number | string;
}

export interface CeilingInput {
  keyring: Keyring;
  /** Fresh bindings (floor below centre-1), each used once; the run ends early when they run out. */
  tokens: BenchToken[];
  nowMs: number;
  durationMs: number;
  warmupMs: number;
}

/** Open, key, three HMACs matched at centre+1; returns the step to claim. */
function checkCode(keyring: Keyring, row: ReadRow, code: string, nowMs: number): number {
  const secret = keyring.open({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, row.serial);
  const key = createHmacKey('SHA1', secret);
  secret.fill(0);
  const result = verifyTotp({ key, code, nowMs, periodSeconds: row.period_seconds, digits: row.digits, window: 1, driftSteps: row.drift_steps, afterStep: Number(row.last_step) });
  if (!result.valid || result.timeStep !== stepAt(nowMs) + 1) throw new Error('ceiling: the code did not match at centre+1 (a fresh binding, filtered by lastCandidateOnly?)');
  return result.timeStep;
}

/** Runs `once` until the time is up or it returns undefined (no work left), after a warm-up. */
async function timed(
  once: () => number | undefined | Promise<number | undefined>,
  options: { durationMs: number; warmupMs: number; concurrency: number },
): Promise<{ latencies: number[]; changed: number; inWindow: number; elapsedMs: number; cpu: CpuTimes; exhausted: boolean }> {
  const phase = async (durationMs: number) => {
    const latencies: number[] = [];
    let changed = 0;
    let inWindow = 0;
    let ranDryAt: number | undefined;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const deadline = start + durationMs;
    const caller = async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const rows = await once();
        if (rows === undefined) {
          ranDryAt ??= performance.now();
          return;
        }
        const t1 = performance.now();
        changed += rows;
        latencies.push(t1 - t0);
        if (t1 <= deadline) inWindow++;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, caller));
    const used = process.cpuUsage(cpu);
    // As in http-load.ts: count what finished inside the window (or, run dry, everything over the time it took).
    const exhausted = ranDryAt !== undefined;
    return {
      latencies,
      changed,
      inWindow: exhausted ? latencies.length : inWindow,
      exhausted,
      elapsedMs: exhausted ? performance.now() - start : durationMs,
      cpu: { userMs: used.user / 1000, systemMs: used.system / 1000 },
    };
  };
  if (options.warmupMs > 0) await phase(options.warmupMs);
  return phase(options.durationMs);
}

function result(name: string, run: Awaited<ReturnType<typeof timed>>): CeilingResult {
  const n = run.latencies.length;
  if (run.changed !== n) throw new Error(`ceiling: ${n - run.changed} of ${n} writes changed no row`);
  return {
    name,
    opsPerSecond: (run.inWindow / run.elapsedMs) * 1000,
    iterations: n,
    elapsedMs: run.elapsedMs,
    p50Ms: percentile(run.latencies, 50),
    p99Ms: percentile(run.latencies, 99),
    cpuPerOp: { userMs: run.cpu.userMs / n, systemMs: run.cpu.systemMs / n },
    exhausted: run.exhausted,
  };
}

/**
 * SQLite (WAL, synchronous=FULL, like src/db/database.ts). better-sqlite3 is synchronous, as
 * it is inside the server (Kysely's SqliteDialect runs one statement at a time on one
 * connection), so the ceiling is one tight loop: concurrency could only add waiting.
 */
export async function measureSqliteCeiling(input: CeilingInput & { file: string }): Promise<CeilingResult> {
  const connection = new SQLite(input.file);
  try {
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 5000');
    const read = connection.prepare<[string, string], ReadRow>(READ_SQL_SQLITE);
    const update = connection.prepare<[number, string, number]>(UPDATE_SQL_SQLITE);
    const codes = input.tokens.map((token) => codeAtStep(token, stepAt(input.nowMs) + 1));
    let index = 0;
    const once = (): number | undefined => {
      const i = index++;
      const token = input.tokens[i];
      if (token === undefined) return undefined;
      const row = read.get(token.bindingId, BENCH_RELYING_PARTY);
      if (row === undefined) throw new Error('ceiling: binding missing');
      const step = checkCode(input.keyring, row, codes[i]!, input.nowMs);
      return update.run(step, token.bindingId, step).changes;
    };
    const run = await timed(once, { durationMs: input.durationMs, warmupMs: input.warmupMs, concurrency: 1 });
    return result('raw ceiling (SQLite, better-sqlite3 prepared statements, one loop)', run);
  } finally {
    connection.close();
  }
}

/** PostgreSQL: a pg pool of the server's size, `concurrency` callers, named prepared statements. */
export async function measurePostgresCeiling(input: CeilingInput & { url: string; schema: string; poolSize: number; concurrency: number }): Promise<CeilingResult> {
  const pool = new pg.Pool({ connectionString: input.url, max: input.poolSize, options: `-c search_path=${input.schema}` });
  try {
    const codes = input.tokens.map((token) => codeAtStep(token, stepAt(input.nowMs) + 1));
    let index = 0;
    const once = async (): Promise<number | undefined> => {
      const i = index++;
      const token = input.tokens[i];
      if (token === undefined) return undefined;
      const read = await pool.query<ReadRow>({ name: 'ceiling_read', text: READ_SQL_PG, values: [token.bindingId, BENCH_RELYING_PARTY] });
      const row = read.rows[0];
      if (row === undefined) throw new Error('ceiling: binding missing');
      const step = checkCode(input.keyring, row, codes[i]!, input.nowMs);
      const written = await pool.query({ name: 'ceiling_claim', text: UPDATE_SQL_PG, values: [step, token.bindingId] });
      return written.rowCount ?? 0;
    };
    const run = await timed(once, { durationMs: input.durationMs, warmupMs: input.warmupMs, concurrency: input.concurrency });
    return result(`raw ceiling (PostgreSQL, pg pool of ${input.poolSize}, ${input.concurrency} in flight, named prepared statements)`, run);
  } finally {
    await pool.end();
  }
}
