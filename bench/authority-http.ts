// DESIGN §6: "Authority verify over HTTP: at least 70% of the raw ceiling measured in the same
// run (read the token, three HMACs, one durable conditional update, in-process, same
// database): SQLite (WAL, synchronous=FULL) and PostgreSQL."
//
// What each side does, request for request:
// - Ceiling (verify-ceiling.ts): read binding+token, open the secret, 3 HMACs (match at the
//   last candidate), one conditional UPDATE that changes a row — straight on the driver.
// - HTTP, the measured figure ("valid"): the real server in a child process (authority-server.ts)
//   answers POST /authority/v1/bindings/{id}/verify with a Bearer key. Every request carries a
//   code that is valid and new: each binding is used once, with the code of step centre+1, so
//   the authority computes exactly three HMACs (centre, centre-1, centre+1, step-window.ts)
//   and wins its conditional write (claimStep) — the ceiling's work plus HTTP, JSON, schema
//   validation, the API-key check, the token-state and throttle checks and the query builder.
//   The server's clock is fixed at the benchmark's instant, and its policy has
//   maxLearnedDriftSteps = 0: an accepted off-centre code would otherwise also move the
//   token's drift (a second write in a transaction), which the ceiling does not do and which
//   only the first off-centre code of a real token pays.
// - HTTP, for information ("wrong code"): a wrong code round-robin over 2,000 bindings: read,
//   three HMACs, and the failure's one durable write (recordTokenFailure: an atomic counter
//   UPDATE of the token row). Throttle raised (throttleMaxFailures 1,000,000) so that no
//   request is answered "throttled" without its HMACs.
// Both the ceiling and the valid-code run use fresh bindings, each once, so both write to the
// same kind of pages. Every answer is checked: a run that got anything but the expected
// outcome is reported as such. Ceiling and HTTP runs alternate (C V W C V W … C); each HTTP run
// is compared with the mean of the ceilings on either side of it, and the median of those
// ratios is the result, so that a change of the machine's load hits both sides alike.
import type { AuthorityPolicy } from '../src/authority/authority.js';
import type { DialectName } from '../src/db/database.js';
import { codeAtStep, createBenchWorld, insertBenchTokens, lastCandidateOnly, stepAt, wrongCodeFor, type BenchToken } from './bench-fixtures.js';
import { startBenchChild, type BenchChild } from './child-process.js';
import { runHttpLoad, type LoadRequest, type LoadResponse, type LoadResult } from './http-load.js';
import { median } from './measure.js';
import { cpuPerOperation, processCpu, type CpuTimes } from './process-cpu.js';
import type { AuthorityServerOrder } from './authority-server.js';
import { measurePostgresCeiling, measureSqliteCeiling, type CeilingResult } from './verify-ceiling.js';

export const AUTHORITY_HTTP_TARGET_RATIO = 0.7;

export interface AuthorityHttpOptions {
  durationMs: number;
  warmupMs: number;
  /** Before the first round: requests to the server (both kinds), so that V8 has compiled its hot paths. */
  serverWarmupMs: number;
  rounds: number;
  concurrency: number;
  poolSize: number;
  logLevel: 'info' | 'off';
  profileDir?: string | undefined;
}

export interface HttpRun extends LoadResult {
  /** CPU the server process used per request (ms), from /proc; warm-up included on both sides of the division. */
  serverCpuPerRequest: CpuTimes | undefined;
}

export interface AuthorityHttpResult {
  dialect: DialectName;
  options: AuthorityHttpOptions;
  ceiling: CeilingResult[];
  valid: HttpRun[];
  wrong: HttpRun[];
  roundRatios: number[];
  ceilingOpsPerSecond: number;
  validRequestsPerSecond: number;
  wrongRequestsPerSecond: number;
  /** Median over rounds of valid ÷ the mean of the ceilings around it. */
  ratio: number;
  wrongRatio: number;
  pass: boolean;
  notes: string[];
  problems: string[];
}

const SERVER_POLICY: Partial<AuthorityPolicy> = { maxLearnedDriftSteps: 0, throttleMaxFailures: 1_000_000 };
const RING_SIZE = 2_000;

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** "120+40 µs": user + system CPU. */
export function cpuText(cpu: CpuTimes | undefined): string {
  return cpu === undefined ? '?' : `${(cpu.userMs * 1000).toFixed(0)}+${(cpu.systemMs * 1000).toFixed(0)} µs`;
}

function verifyRequest(apiKey: string, token: BenchToken, code: string): LoadRequest {
  return {
    method: 'POST',
    path: `/authority/v1/bindings/${token.bindingId}/verify`,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  };
}

function classifyVerify(response: LoadResponse): string {
  if (response.status !== 200) return `http_${response.status}`;
  const body = JSON.parse(response.body) as { valid: boolean; reason?: string };
  return body.valid ? 'valid' : (body.reason ?? 'invalid');
}

async function measureHttp(server: BenchChild, options: AuthorityHttpOptions, next: () => LoadRequest | undefined): Promise<HttpRun> {
  const cpuBefore = processCpu(server.pid);
  const result = await runHttpLoad({ port: server.port, concurrency: options.concurrency, durationMs: options.durationMs, warmupMs: options.warmupMs, next, classify: classifyVerify });
  const cpuAfter = processCpu(server.pid);
  const share = (options.durationMs + options.warmupMs) / options.durationMs; // the CPU figure includes the warm-up
  return { ...result, serverCpuPerRequest: cpuPerOperation(cpuBefore, cpuAfter, result.requests * share) };
}

export async function benchAuthorityHttp(dialect: DialectName, options: AuthorityHttpOptions, log: (line: string) => void): Promise<AuthorityHttpResult> {
  const world = await createBenchWorld(dialect, { poolSize: options.poolSize });
  let server: BenchChild | undefined;
  try {
    const nowMs = world.clock.nowMs();
    const centre = stepAt(nowMs);
    let nextIndex = 0;
    const insert = async (count: number) => {
      const tokens = await insertBenchTokens(world, { count, firstIndex: nextIndex });
      nextIndex += count;
      return tokens;
    };
    // Fresh bindings for one run: enough for 1.5× the fastest rate seen so far (10,000/s before any).
    let fastestSeen = 0;
    const freshForOneRun = async () => lastCandidateOnly(await insert(Math.ceil((Math.max(fastestSeen * 1.5, 10_000) * (options.durationMs + options.warmupMs)) / 1000) + 200), centre);
    const wrongTokens = await insert(RING_SIZE);
    const wrongCodes = wrongTokens.map((token) => wrongCodeFor(token, centre));
    const order: AuthorityServerOrder = { location: world.database.location, masterKeySpec: world.masterKeySpec, nowMs, policy: SERVER_POLICY, logLevel: options.logLevel };
    server = await startBenchChild('authority-server.ts', order, { profileDir: options.profileDir });

    const location = world.database.location;
    const measureCeiling = async (): Promise<CeilingResult> => {
      const common = { keyring: world.keyring, tokens: await freshForOneRun(), nowMs, durationMs: options.durationMs, warmupMs: options.warmupMs };
      const c =
        location.dialect === 'sqlite'
          ? await measureSqliteCeiling({ ...common, file: location.file })
          : await measurePostgresCeiling({ ...common, url: location.url, schema: location.schema ?? 'public', poolSize: options.poolSize, concurrency: options.concurrency });
      fastestSeen = Math.max(fastestSeen, c.opsPerSecond);
      log(`    ${dialect}: ceiling ${c.opsPerSecond.toFixed(0)}/s (p50 ${c.p50Ms.toFixed(2)} ms, ${cpuText(c.cpuPerOp)} CPU each)`);
      return c;
    };

    // A fresh server runs its first thousands of requests in V8's interpreter and baseline
    // tiers; a service that has been up a while does not. Warm both paths, uncounted.
    const warmupTokens = await freshForOneRun();
    let warm = 0;
    await runHttpLoad({
      port: server.port,
      concurrency: options.concurrency,
      durationMs: options.serverWarmupMs,
      next: () => {
        const i = warm++;
        const token = i % 2 === 0 ? warmupTokens[i / 2] : wrongTokens[i % wrongTokens.length];
        if (token === undefined) return undefined;
        return verifyRequest(world.apiKey, token, i % 2 === 0 ? codeAtStep(token, centre + 1) : wrongCodes[i % wrongTokens.length]!);
      },
      classify: classifyVerify,
    });

    const ceiling: CeilingResult[] = [await measureCeiling()];
    const valid: HttpRun[] = [];
    const wrong: HttpRun[] = [];
    const problems: string[] = [];
    const notes: string[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const validTokens = await freshForOneRun();
      let v = 0;
      const validRun = await measureHttp(server, options, () => {
        const token = validTokens[v++];
        return token === undefined ? undefined : verifyRequest(world.apiKey, token, codeAtStep(token, centre + 1));
      });
      fastestSeen = Math.max(fastestSeen, validRun.requestsPerSecond);
      valid.push(validRun);
      log(`    ${dialect}: HTTP valid code ${validRun.requestsPerSecond.toFixed(0)}/s (p50 ${validRun.p50Ms.toFixed(1)} ms, server ${cpuText(validRun.serverCpuPerRequest)} CPU each) ${JSON.stringify(validRun.outcomes)}`);
      if (validRun.exhausted) notes.push(`round ${round + 1}: the valid-code run used all its ${validTokens.length} fresh bindings and ended after ${validRun.elapsedMs.toFixed(0)} ms`);

      let w = 0;
      const wrongRun = await measureHttp(server, options, () => {
        const i = w++ % wrongTokens.length;
        return verifyRequest(world.apiKey, wrongTokens[i]!, wrongCodes[i]!);
      });
      wrong.push(wrongRun);
      log(`    ${dialect}: HTTP wrong code ${wrongRun.requestsPerSecond.toFixed(0)}/s (server ${cpuText(wrongRun.serverCpuPerRequest)} CPU each) ${JSON.stringify(wrongRun.outcomes)}`);
      for (const [label, run, expected] of [['valid code', validRun, 'valid'], ['wrong code', wrongRun, 'invalid_code']] as const) {
        const unexpected = Object.entries(run.outcomes).filter(([outcome]) => outcome !== expected);
        if (unexpected.length > 0) problems.push(`round ${round + 1}, ${label}: unexpected answers ${JSON.stringify(Object.fromEntries(unexpected))}`);
      }
      ceiling.push(await measureCeiling());
    }
    for (const [i, c] of ceiling.entries()) if (c.exhausted) notes.push(`ceiling ${i + 1} used all its fresh bindings and ended after ${c.elapsedMs.toFixed(0)} ms`);
    const around = (i: number) => (ceiling[i]!.opsPerSecond + ceiling[i + 1]!.opsPerSecond) / 2;
    const roundRatios = valid.map((run, i) => run.requestsPerSecond / around(i));
    const ratio = median(roundRatios);
    const ceilingOpsPerSecond = mean(ceiling.map((r) => r.opsPerSecond));
    return {
      dialect,
      options,
      ceiling,
      valid,
      wrong,
      roundRatios,
      ceilingOpsPerSecond,
      validRequestsPerSecond: mean(valid.map((r) => r.requestsPerSecond)),
      wrongRequestsPerSecond: mean(wrong.map((r) => r.requestsPerSecond)),
      ratio,
      wrongRatio: median(wrong.map((run, i) => run.requestsPerSecond / around(i))),
      pass: problems.length === 0 && ratio >= AUTHORITY_HTTP_TARGET_RATIO,
      notes,
      problems,
    };
  } finally {
    await server?.stop();
    await world.close();
  }
}
