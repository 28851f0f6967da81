// Runs the real `mamori` bin as a child process, in a sandbox: its own HOME, XDG_CONFIG_HOME and
// data directory, and an environment built from scratch so that nothing of the developer's
// (a DATABASE_URL, a token file, a master key) leaks into a test or is touched by one.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-cli-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    MAMORI_DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'info',
  };
  return { dir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A command that has not ended by then is hung, not slow. Each child loads tsx and compiles the
 * CLI's import graph: a few seconds on an idle machine, and on a loaded one (the security group
 * beside two busy loops and other runs) a `mamori keys rp` that had printed its key was killed
 * at the 30 s this used to be, failing the fuzzer's set-up.
 */
const COMMAND_TIMEOUT_MS = 120_000;

/** Runs the bin to its end; `input` goes to its stdin (e.g. a password for --password-stdin). */
export function runMamori(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['bin/mamori.js', ...args], { cwd: ROOT, env, timeout: COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** Runs `mamori` once per item, a few at a time (each child loads tsx, which is not free). */
export async function runMamoriForEach<T>(items: readonly T[], argsOf: (item: T) => string[], env: NodeJS.ProcessEnv, concurrency = 4): Promise<RunResult[]> {
  const results: RunResult[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await runMamori(argsOf(items[index]!), env);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Starts `mamori serve …` and resolves once it prints the line matching `ready`. */
export function spawnMamori(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/mamori.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mamori ${args.join(' ')} did not become ready:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mamori ${args.join(' ')} exited with ${code} before it was ready:\n${output}`));
    });
  });
}
