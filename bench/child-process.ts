// Servers under test run in a child process of their own (`node --import tsx bench/<file>`),
// so the load generator in this process never shares their event loop. They report their
// port over the IPC channel and close when told to; their stdout (the request log, when on)
// goes to /dev/null, as a service's log would go to a collector.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchChild {
  readonly port: number;
  readonly pid: number;
  /** Asks the child to close (it drains and exits) and waits for it; kills it after 10 s. */
  stop(): Promise<void>;
}

export interface ChildReady {
  type: 'ready';
  port: number;
}

/** Starts `bench/<script>` with `order` as JSON in argv[2]; resolves once it listens. */
export async function startBenchChild(
  script: string,
  order: unknown,
  options: { env?: NodeJS.ProcessEnv; startTimeoutMs?: number; profileDir?: string | undefined } = {},
): Promise<BenchChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  // --profile DIR (bench/run.ts): a V8 CPU profile of the server, written when it exits.
  const profile = options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path, JSON.stringify(order)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${options.startTimeoutMs ?? 60_000} ms\n${stderr}`)), options.startTimeoutMs ?? 60_000);
    child.on('message', (message: ChildReady) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before listening\n${stderr}`));
    });
  });
  return {
    port,
    pid: child.pid ?? -1,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.send?.({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** For the child: report the port, and close on 'stop' (or when the parent goes away). */
export function serveUntilStopped(port: number, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void close().finally(() => process.exit(0));
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') shutdown();
  });
  process.on('disconnect', shutdown);
  process.send?.({ type: 'ready', port } satisfies ChildReady);
}
