// The deployment under load, as a bank runs it in production: ONE `mamori serve authority` and
// TWO `mamori serve bank` processes (real child processes, request log at `warn`) on a scratch
// PostgreSQL database that this run creates and drops again. The environment is the one of
// test/security/target.ts (split): the authority holds the master key, the bank processes the
// confirmation pepper and one API key per institution (`mamori keys rp`).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../test/integration/cli-helpers.js';
import { createScratchDatabase, deploymentEnv, relyingPartyKey, startMamori, type MamoriProcess } from '../test/integration/deployment-helpers.js';

export const MASTER_KEY = Buffer.alloc(32, 61).toString('base64');
export const PEPPER = Buffer.alloc(32, 62).toString('base64');

export interface Deployment {
  readonly databaseUrl: string;
  readonly databaseName: string;
  /** The environment the CLI and the in-process seeding need (master key, pepper, data dir). */
  readonly env: NodeJS.ProcessEnv;
  readonly authority: MamoriProcess;
  readonly banks: readonly MamoriProcess[];
  /** `mamori <args>` against the scratch database, with a generous time limit (big audit chains). */
  mamori(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

function runMamori(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/mamori.js', ...args], { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

/**
 * Creates the scratch database, runs `mamori demo` (migrations, the two institutions and their
 * relying parties), then `beforeStart` (the run's own customers, written while no server runs),
 * and starts the three processes.
 */
export async function startDeployment(input: {
  adminUrl: string;
  beforeStart(env: NodeJS.ProcessEnv, databaseUrl: string): Promise<void>;
  /** Told how to undo everything as soon as there is something to undo (for Ctrl-C during the set-up). */
  onStoppable?(stop: () => Promise<void>): void;
}): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-load-'));
  const scratch = await createScratchDatabase(input.adminUrl, 'mamori_load');
  const env = deploymentEnv(dir, { masterKey: MASTER_KEY, pepper: PEPPER }, scratch.url);
  const processes: MamoriProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM', 15_000)));
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  input.onStoppable?.(stop);
  try {
    const demo = await runMamori(['demo'], env, 120_000);
    if (demo.code !== 0) throw new Error(`mamori demo failed (${demo.code}): ${demo.stderr}`);
    const keys = `demo:${await relyingPartyKey('demo', env)},sample:${await relyingPartyKey('sample', env)}`;
    await input.beforeStart(env, scratch.url);
    const authority = await startMamori('authority', env);
    processes.push(authority);
    // A bank process never needs the master key (and warns when it has one).
    const { MAMORI_MASTER_KEY: _unused, ...bankEnv } = env;
    const banks = await Promise.all([0, 1].map(() => startMamori('bank', { ...bankEnv, MAMORI_AUTHORITY_URL: authority.url, MAMORI_RP_KEYS: keys })));
    processes.push(...banks);
    return {
      databaseUrl: scratch.url,
      databaseName: scratch.name,
      env,
      authority,
      banks,
      mamori: (args) => runMamori(args, env, 600_000),
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
