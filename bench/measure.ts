// A small, honest timing loop: warm up, then run for a fixed wall time in batches and report
// operations per second. Used by every benchmark so the numbers are comparable.
export interface Measurement {
  name: string;
  opsPerSecond: number;
  iterations: number;
  elapsedMs: number;
}

export function measureSync(name: string, fn: () => unknown, options: { durationMs?: number; batch?: number } = {}): Measurement {
  const durationMs = options.durationMs ?? 1500;
  const batch = options.batch ?? 1000;
  for (let i = 0; i < batch * 5; i++) fn(); // warm-up: let the JIT settle
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  while (elapsedNs < BigInt(durationMs) * 1_000_000n) {
    for (let i = 0; i < batch; i++) fn();
    iterations += batch;
    elapsedNs = process.hrtime.bigint() - start;
  }
  const elapsedMs = Number(elapsedNs) / 1e6;
  return { name, iterations, elapsedMs, opsPerSecond: (iterations / elapsedMs) * 1000 };
}

/**
 * Runs `fn` with `concurrency` callers in flight until `durationMs` has passed. The rate counts
 * only calls that finished inside the window: the calls still in flight at the deadline would
 * otherwise stretch the window by up to one latency, which biases against slow operations.
 */
export async function measureAsync(
  name: string,
  fn: (i: number) => Promise<unknown>,
  options: { durationMs?: number; concurrency?: number; warmupMs?: number } = {},
): Promise<Measurement & { latenciesMs: number[] }> {
  const concurrency = options.concurrency ?? 1;
  const run = async (durationMs: number, record: number[] | undefined) => {
    let iterations = 0;
    let inWindow = 0;
    let next = 0;
    const start = performance.now();
    const deadline = start + durationMs;
    const worker = async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await fn(next++);
        const finished = performance.now();
        record?.push(finished - started);
        iterations++;
        if (finished <= deadline) inWindow++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { iterations, inWindow };
  };
  await run(options.warmupMs ?? 300, undefined);
  const latenciesMs: number[] = [];
  const durationMs = options.durationMs ?? 3000;
  const { iterations, inWindow } = await run(durationMs, latenciesMs);
  return { name, iterations, elapsedMs: durationMs, opsPerSecond: (inWindow / durationMs) * 1000, latenciesMs };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function formatRate(opsPerSecond: number): string {
  return opsPerSecond >= 1000 ? `${(opsPerSecond / 1000).toFixed(1)}k/s` : `${opsPerSecond.toFixed(0)}/s`;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
