// What the numbers were measured on: they are ratios on one machine, but a reader needs the
// machine, the versions and how busy it was to judge them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { TEST_POSTGRES_URL } from '../test/support/db/testing.js';

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cpus: number;
  memoryTotalGiB: number;
  memoryFreeGiB: number;
  freeH: string | undefined;
  node: string;
  sqlite: string;
  postgres: string | undefined;
  postgresSettings: Record<string, string> | undefined;
  packages: Record<string, string>;
  uvThreadpoolSize: number;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function run(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    return undefined;
  }
}

export async function describeMachine(): Promise<MachineInfo> {
  const memory = new SQLite(':memory:');
  const sqlite = (memory.prepare('select sqlite_version() as v').get() as { v: string }).v;
  memory.close();
  let postgres: string | undefined;
  let postgresSettings: Record<string, string> | undefined;
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    postgres = (await client.query<{ v: string }>('select version() as v')).rows[0]?.v;
    const settings = await client.query<{ name: string; setting: string; unit: string | null }>(
      "select name, setting, unit from pg_settings where name in ('synchronous_commit', 'fsync', 'wal_sync_method', 'shared_buffers', 'max_connections', 'commit_delay')",
    );
    postgresSettings = Object.fromEntries(settings.rows.map((row) => [row.name, row.unit ? `${row.setting} ${row.unit}` : row.setting]));
  } catch {
    postgres = undefined;
  } finally {
    await client.end().catch(() => {});
  }
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryTotalGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    memoryFreeGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    freeH: run('free', ['-h']),
    node: process.version,
    sqlite,
    postgres,
    postgresSettings,
    packages: Object.fromEntries(['better-sqlite3', 'kysely', 'pg', 'fastify', '@node-rs/argon2', 'otpauth', 'otplib', 'speakeasy', '@oslojs/otp'].map((name) => [name, packageVersion(name)])),
    uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  };
}

/** The 1-, 5- and 15-minute load averages, as `uptime` shows them. */
export function loadAverages(): [number, number, number] {
  const [one, five, fifteen] = loadavg().map((value) => Math.round(value * 100) / 100);
  return [one ?? 0, five ?? 0, fifteen ?? 0];
}
