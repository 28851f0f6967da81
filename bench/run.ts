// `npm run bench` — the benchmarks behind DESIGN §6, run in one go on one machine, so every
// target is a ratio measured in the same run. Prints a table per benchmark and a summary, and
// writes everything as JSON (bench/results/latest.json unless --json says otherwise) for
// docs/PERFORMANCE.md.
//
//   npm run bench                         the full run (about 6–8 minutes; 1,000,000 tokens are seeded)
//   npm run bench -- --quick              a smoke run (under a minute): every path, short times,
//                                         20,000 instead of 1,000,000 tokens; not a measurement
//   npm run bench -- --only NAME[,NAME]   otp-core, authority-http, size, login, bundle
//   npm run bench -- --json FILE          where to write the results (a quick run writes none unless asked)
//   npm run bench -- --server-log off     servers without their request log (default: info, as deployed)
//   npm run bench -- --profile DIR        V8 CPU profiles of the servers under test, into DIR
//
// Benchmarks are never timed assertions in the test suite: a shared CI machine would make them
// flaky. This command exits non-zero only when a benchmark could not run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DialectName } from '../src/db/database.js';
import { skipReason } from '../test/support/db/testing.js';
import { AUTHORITY_HTTP_TARGET_RATIO, benchAuthorityHttp, cpuText, type AuthorityHttpResult } from './authority-http.js';
import { benchBundleSize, type BundleResult } from './bundle-size.js';
import { benchLogin, LOGIN_TARGET_RATIO, type LoginResult } from './login.js';
import { describeMachine, loadAverages } from './machine.js';
import { benchOtpCore } from './otp-core.js';
import { ms, percent, rate, table, verdict, type TargetLine } from './report.js';
import { benchSize, SIZE_TARGET_RATIO, type SizeResult } from './size.js';

const BENCHMARKS = ['otp-core', 'authority-http', 'size', 'login', 'bundle'] as const;
type BenchName = (typeof BENCHMARKS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    json: { type: 'string' },
    'server-log': { type: 'string', default: 'info' },
    profile: { type: 'string' },
  },
  allowPositionals: false,
});

const quick = values.quick ?? false;
const only = new Set((values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''));
for (const name of only) if (!(BENCHMARKS as readonly string[]).includes(name)) throw new Error(`unknown benchmark "${name}" (known: ${BENCHMARKS.join(', ')})`);
const selected = (name: BenchName) => only.size === 0 || only.has(name);
const serverLog = values['server-log'] === 'off' ? 'off' : 'info';
const profileDir = values.profile === undefined ? undefined : resolve(values.profile);
const jsonPath = values.json ?? (quick ? undefined : new URL('results/latest.json', import.meta.url).pathname);
const postgresSkip = skipReason('postgres');
const dialects: DialectName[] = postgresSkip === false ? ['sqlite', 'postgres'] : ['sqlite'];

const log = (line: string) => console.log(line);
const started = performance.now();
const machine = await describeMachine();
const loadAtStart = loadAverages();
log(`Mamori benchmarks${quick ? ' (--quick: a smoke run, not a measurement)' : ''} — ${machine.date}`);
log(`${machine.cpuModel}, ${machine.cpus} CPUs, ${machine.memoryTotalGiB} GiB; Node ${machine.node}; SQLite ${machine.sqlite}; ${machine.postgres?.split(' on ')[0] ?? 'PostgreSQL not reachable'}`);
log(`load average at start: ${loadAtStart.join(', ')}${postgresSkip === false ? '' : `\nPostgreSQL benchmarks SKIPPED: ${postgresSkip}`}\n`);

const summary: TargetLine[] = [];
const results: {
  otpCore?: ReturnType<typeof benchOtpCore>;
  authorityHttp?: AuthorityHttpResult[];
  size?: SizeResult[];
  login?: LoginResult;
  bundle?: BundleResult;
} = {};
const loadDuring: Record<string, [number, number, number]> = {};

if (selected('otp-core')) {
  log('OTP core: verify a wrong code, three steps (DESIGN §6)');
  const otp = benchOtpCore({ durationMs: quick ? 200 : 1500 });
  results.otpCore = otp;
  const ours = otp.ours.opsPerSecond;
  log(table(['implementation', 'verifications', 'vs ours'], otp.results.map((r) => [r.name, rate(r.opsPerSecond), percent(r.opsPerSecond / ours)])));
  const pass = ours > otp.fastestOther.opsPerSecond;
  summary.push({ id: 'otp-core', target: 'OTP core faster than the fastest library', measured: `${rate(ours)} vs ${otp.fastestOther.name} ${rate(otp.fastestOther.opsPerSecond)} (${(ours / otp.fastestOther.opsPerSecond).toFixed(2)}×)`, pass });
  loadDuring['otp-core'] = loadAverages();
  log('');
}

if (selected('authority-http')) {
  results.authorityHttp = [];
  for (const dialect of dialects) {
    log(`Authority verify over HTTP vs the raw ceiling, ${dialect} (DESIGN §6)`);
    const r = await benchAuthorityHttp(
      dialect,
      quick
        ? { durationMs: 700, warmupMs: 150, serverWarmupMs: 500, rounds: 1, concurrency: 32, poolSize: 10, logLevel: serverLog, profileDir }
        : { durationMs: 2000, warmupMs: 300, serverWarmupMs: 4000, rounds: 8, concurrency: 32, poolSize: 10, logLevel: serverLog, profileDir },
      log,
    );
    results.authorityHttp.push(r);
    log(
      table(
        ['run', 'rate', 'p50', 'p99', 'CPU per op (user+system)'],
        [
          ...r.ceiling.map((c, i) => [`ceiling ${i + 1}`, rate(c.opsPerSecond), ms(c.p50Ms), ms(c.p99Ms), `${cpuText(c.cpuPerOp)} (this process)`]),
          ...r.valid.map((v, i) => [`HTTP valid ${i + 1} (${percent(r.roundRatios[i]!)})`, rate(v.requestsPerSecond), ms(v.p50Ms), ms(v.p99Ms), `${cpuText(v.serverCpuPerRequest)} (server)`]),
          ...r.wrong.map((v, i) => [`HTTP wrong code ${i + 1}`, rate(v.requestsPerSecond), ms(v.p50Ms), ms(v.p99Ms), `${cpuText(v.serverCpuPerRequest)} (server)`]),
        ],
      ),
    );
    for (const line of [...r.notes, ...r.problems]) log(`  ! ${line}`);
    summary.push({
      id: `authority-http-${dialect}`,
      target: `verify over HTTP ≥ ${percent(AUTHORITY_HTTP_TARGET_RATIO)} of the ceiling, ${dialect}`,
      measured: `${percent(r.ratio)} (median of rounds; HTTP ${rate(r.validRequestsPerSecond)}, ceiling ${rate(r.ceilingOpsPerSecond)}; wrong code ${percent(r.wrongRatio)})`,
      pass: r.pass,
    });
    loadDuring[`authority-http-${dialect}`] = loadAverages();
    log('');
  }
}

if (selected('size')) {
  results.size = [];
  for (const dialect of dialects) {
    const largeTokens = quick ? 20_000 : 1_000_000;
    log(`Cost flat in size: verify latency, 1,000 vs ${largeTokens.toLocaleString('en')} tokens, ${dialect} (DESIGN §6)`);
    const r = await benchSize(dialect, { largeTokens, rounds: quick ? 1 : 5 }, log);
    results.size.push(r);
    log(
      table(
        ['tokens', 'samples', 'p50', 'p99', 'mean', 'lookup p50 (read only)'],
        [
          [r.small.tokens.toLocaleString('en'), String(r.small.samples), ms(r.small.p50Ms), ms(r.small.p99Ms), ms(r.small.meanMs), ms(r.lookup.smallP50Ms)],
          [r.large.tokens.toLocaleString('en'), String(r.large.samples), ms(r.large.p50Ms), ms(r.large.p99Ms), ms(r.large.meanMs), ms(r.lookup.largeP50Ms)],
        ],
      ),
    );
    for (const line of r.problems) log(`  ! ${line}`);
    summary.push({
      id: `size-${dialect}`,
      target: `verify p50 with ${largeTokens.toLocaleString('en')} tokens ≤ ${SIZE_TARGET_RATIO}× with 1,000, ${dialect}`,
      measured: `${r.p50Ratio.toFixed(2)}× (p50 ${ms(r.large.p50Ms)} vs ${ms(r.small.p50Ms)}; p99 ${r.p99Ratio.toFixed(2)}×)`,
      pass: r.pass,
    });
    loadDuring[`size-${dialect}`] = loadAverages();
    log('');
  }
}

if (selected('login')) {
  log('Login: password step over HTTP vs raw argon2id (DESIGN §6)');
  const r = await benchLogin(quick ? { durationMs: 1200, warmupMs: 300, serverWarmupMs: 300, rounds: 1, logLevel: serverLog, profileDir } : { durationMs: 2000, warmupMs: 300, serverWarmupMs: 3000, rounds: 12, logLevel: serverLog, profileDir }, log);
  results.login = r;
  log(
    table(
      ['run', 'rate', 'p50', 'p99'],
      [
        ...r.raw.map((x, i) => [`raw argon2id ${i + 1} (${r.threadpoolSize} in flight)`, rate(x.opsPerSecond), ms(x.p50Ms), '']),
        ...r.http.map((x, i) => [`login over HTTP ${i + 1} (${percent(r.roundRatios[i]!)})`, rate(x.requestsPerSecond), ms(x.p50Ms), ms(x.p99Ms)]),
        ['/healthz, idle', '', ms(r.healthIdle.p50Ms), ms(r.healthIdle.p99Ms)],
        ['/healthz, during logins', '', ms(r.healthUnderLoad.p50Ms), ms(r.healthUnderLoad.p99Ms)],
        ['/healthz, control: hashing in another process', '', ms(r.healthDuringRawHashing.p50Ms), ms(r.healthDuringRawHashing.p99Ms)],
      ],
    ),
  );
  log(`  one hash: ${ms(r.singleHashP50Ms)} alone, ${ms(r.busyHashP50Ms)} with the pool full`);
  for (const line of r.problems) log(`  ! ${line}`);
  summary.push({ id: 'login-throughput', target: `login over HTTP ≥ ${percent(LOGIN_TARGET_RATIO)} of raw argon2id`, measured: `${percent(r.ratio)} (HTTP ${rate(r.httpLoginsPerSecond)}, raw ${rate(r.rawOpsPerSecond)})`, pass: r.passThroughput });
  summary.push({
    id: 'login-non-blocking',
    target: '/healthz p99 during logins < one hash at that load',
    measured: `p99 ${ms(r.healthUnderLoad.p99Ms)} vs hash ${ms(r.busyHashP50Ms)} (p50 ${ms(r.healthUnderLoad.p50Ms)}; control p99 ${ms(r.healthDuringRawHashing.p99Ms)}, idle p99 ${ms(r.healthIdle.p99Ms)})`,
    pass: r.passNonBlocking,
  });
  loadDuring.login = loadAverages();
  log('');
}

if (selected('bundle')) {
  log('Browser token bundle (issue 4 budget)');
  const r = await benchBundleSize();
  results.bundle = r;
  log(table(['file', 'bytes', 'gzip -9'], r.files.map((f) => [f.file, f.bytes.toLocaleString('en'), f.gzipBytes.toLocaleString('en')])));
  summary.push({ id: 'bundle', target: `app.js gzipped < ${(r.budgetGzipBytes / 1024).toFixed(0)} KB`, measured: `${r.appJs.gzipBytes.toLocaleString('en')} bytes`, pass: r.pass });
  log('');
}

const loadAtEnd = loadAverages();
const elapsedSeconds = (performance.now() - started) / 1000;
log(`Summary${quick ? ' (quick run: not a measurement)' : ''}`);
log(table(['target', 'measured', ''], summary.map((line) => [line.target, line.measured, verdict(line.pass)])));
log(`\nload average at end: ${loadAtEnd.join(', ')}; ${elapsedSeconds.toFixed(0)} s`);

if (jsonPath !== undefined) {
  mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
  const document = { version: 1, quick, serverLog, machine, load: { start: loadAtStart, during: loadDuring, end: loadAtEnd }, elapsedSeconds, summary, results };
  writeFileSync(resolve(jsonPath), `${JSON.stringify(document, null, 2)}\n`);
  log(`results written to ${resolve(jsonPath)}`);
}
