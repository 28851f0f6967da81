// `npm run load` — the load run of issue 8: a fixed-rate (open) mix of logins with OTP, balance
// views, transfers with OTP and deliberately replayed codes against the production-like
// deployment — one `mamori serve authority` and two `mamori serve bank` processes on a scratch
// PostgreSQL database — then the replay, limit and ledger invariants. Not part of `npm test` or
// CI: it takes the machine for the whole run. Prints a table per phase; a full-length run also
// writes its figures into docs/PERFORMANCE.md (the marked "Latest load run" block) and
// load/results/latest.json.
//
//   npm run load                              10 minutes at the default rate (see DEFAULT_RATE)
//   npm run load -- --duration 60s            a short run (figures printed, the doc untouched)
//   npm run load -- --rate 6                  arrivals per second (all operations together)
//   npm run load -- --mix login=30,balance=40,transfer=25,replay=5
//   npm run load -- --step-rates 4,8,12,16    one phase per rate (--step-duration each, default
//                                             30 s) on one deployment: finding the knee
//   npm run load -- --customers 2000          customers with tokens (each can use one code per 30 s)
//   npm run load -- --timeout 30s             per request; a slower answer counts as an error
//   npm run load -- --max-error-rate 0.01     errors / journeys started above this fails the run
//   npm run load -- --doc | --no-doc          write docs/PERFORMANCE.md or not (default: only a
//                                             run of 10 minutes or more)
//   npm run load -- --json FILE               results as JSON (default with --doc: load/results/latest.json)
//   npm run load -- --database-url URL        the PostgreSQL server (default DATABASE_URL, else
//                                             postgres://postgres@127.0.0.1:5432/test); the run
//                                             creates its own database there and drops it after
// The environment may give LOAD_DURATION, LOAD_RATE and DATABASE_URL instead of the flags.
//
// Exit 0: every invariant held and the error rate stayed below the threshold; 1: a check
// failed; 2: the run could not be made (bad flags, no PostgreSQL, a server did not start).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkInvariants } from './invariants.js';
import { rate } from '../bench/report.js';
import { markdownBlock, phaseHolds, phaseTable, stepTable, summarisePhase, writeMarkdownBlock, type PhaseSummary, type RunRecord } from './report.js';
import { seedCustomers, type SeededCustomer } from './seed.js';
import { createWorkloadState, OPERATIONS, runPhase, SESSION_LIFETIME_MS, warmUp, type Mix, type PhaseResult } from './workload.js';

/**
 * Arrivals per second of the default run: below the knee of the 2-core machine. The step run of
 * 2026-11-21 (docs/PERFORMANCE.md, "Load run") held 16/s with flat latencies and saturated at
 * 24/s (medians ×7), on a machine already busy with other test suites.
 */
export const DEFAULT_RATE = 12;
export const DEFAULT_DURATION_MS = 10 * 60_000;
const DEFAULT_MIX: Mix = { login: 30, balance: 40, transfer: 25, replay: 5 };

function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|min)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${what}: "${text}" is not a duration (e.g. 600, 90s, 10m)`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000);
}

function parseMix(text: string): Mix {
  const mix: Mix = { login: 0, balance: 0, transfer: 0, replay: 0 };
  for (const part of text.split(',')) {
    const [name, weight] = part.split('=').map((s) => s.trim());
    if (!(OPERATIONS as readonly string[]).includes(name ?? '') || !/^\d+(\.\d+)?$/.test(weight ?? '')) {
      throw new UsageError(`--mix: "${part}" is not NAME=WEIGHT with NAME one of ${OPERATIONS.join(', ')}`);
    }
    mix[name as keyof Mix] = Number(weight);
  }
  if (mix.balance + mix.transfer > 0 && mix.login === 0) throw new UsageError('--mix: balance views and transfers need logins (sessions) in the mix');
  return mix;
}

class UsageError extends Error {}

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    rate: { type: 'string' },
    mix: { type: 'string' },
    customers: { type: 'string', default: '2000' },
    timeout: { type: 'string', default: '30s' },
    'max-error-rate': { type: 'string', default: '0.01' },
    'step-rates': { type: 'string' },
    'step-duration': { type: 'string', default: '30s' },
    doc: { type: 'boolean' },
    'no-doc': { type: 'boolean' },
    json: { type: 'string' },
    'database-url': { type: 'string' },
  },
  allowPositionals: false,
});

const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  const command = commandLine();
  const durationMs = parseDuration(values.duration ?? process.env.LOAD_DURATION ?? String(DEFAULT_DURATION_MS / 1000), '--duration');
  const rateText = values.rate ?? process.env.LOAD_RATE ?? String(DEFAULT_RATE);
  const ratePerSecond = Number(rateText);
  if (!(ratePerSecond > 0)) throw new UsageError(`--rate: "${rateText}" is not a positive number`);
  const mix = values.mix === undefined ? DEFAULT_MIX : parseMix(values.mix);
  const customerCount = Number(values.customers);
  if (!Number.isInteger(customerCount) || customerCount < 20) throw new UsageError('--customers: a whole number, at least 20');
  const timeoutMs = parseDuration(values.timeout!, '--timeout');
  const maxErrorRate = Number(values['max-error-rate']);
  const stepRates = values['step-rates']?.split(',').map((r) => Number(r.trim()));
  if (stepRates?.some((r) => !(r > 0))) throw new UsageError('--step-rates: positive numbers separated by commas');
  const stepDurationMs = parseDuration(values['step-duration']!, '--step-duration');
  const writeDoc = values['no-doc'] ? false : (values.doc ?? (stepRates === undefined && durationMs >= DEFAULT_DURATION_MS));
  const jsonPath = values.json ?? (writeDoc ? new URL('results/latest.json', import.meta.url).pathname : undefined);
  // The test helpers read the PostgreSQL address from DATABASE_URL when first imported.
  if (values['database-url'] !== undefined) process.env.DATABASE_URL = values['database-url'];
  const adminUrl = process.env.DATABASE_URL && /^postgres/.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test';
  process.env.DATABASE_URL = adminUrl;
  const { describeMachine, loadAverages } = await import('../bench/machine.js');
  const { startDeployment } = await import('./deployment.js');

  const weights = OPERATIONS.reduce((s, op) => s + mix[op], 0);
  const peakRate = Math.max(ratePerSecond, ...(stepRates ?? []));
  // A customer is signed in for 60–120 s, and then needs a step of its own for the next login
  // (one code per 30 s); with a margin, about 200 s of logins.
  const needed = Math.ceil(((peakRate * mix.login) / weights) * 200 + ((peakRate * (mix.transfer + mix.replay)) / weights) * 30);
  if (customerCount < needed) log(`! ${customerCount} customers may be too few for ${peakRate}/s: ${needed} suggested; arrivals will be skipped`);

  const machine = await describeMachine();
  const loadAtStart = loadAverages();
  const commit = gitCommit();
  log(`Mamori load run — ${machine.date}, commit ${commit}`);
  log(`${machine.cpuModel}, ${machine.cpus} CPUs, ${machine.memoryTotalGiB} GiB; Node ${machine.node}; ${machine.postgres?.split(' on ')[0] ?? 'PostgreSQL not reachable'}; load average ${loadAtStart.join(', ')}`);
  log(
    stepRates
      ? `step run: ${stepRates.join(', ')}/s, ${stepDurationMs / 1000} s each; mix ${OPERATIONS.map((op) => `${op} ${mix[op]}`).join(', ')}`
      : `${ratePerSecond}/s for ${durationMs / 1000} s; mix ${OPERATIONS.map((op) => `${op} ${mix[op]}`).join(', ')}; ${customerCount} customers`,
  );
  if (machine.postgres === undefined) throw new UsageError(`PostgreSQL does not answer at ${redactUrl(adminUrl)}`);

  log('\nseeding customers and starting one authority and two bank processes …');
  let customers: SeededCustomer[] = [];
  let seedSeconds = 0;
  // Ctrl-C during the run: the child processes and the scratch database go too.
  let stopDeployment: (() => Promise<void>) | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the servers and dropping the scratch database …`);
    void (stopDeployment?.() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const deployment = await startDeployment({
    adminUrl,
    onStoppable: (stop) => (stopDeployment = stop),
    async beforeStart(env, databaseUrl) {
      const started = performance.now();
      customers = await seedCustomers({ env, databaseUrl, count: customerCount, log });
      seedSeconds = (performance.now() - started) / 1000;
      log(`  ${customers.length.toLocaleString('en')} customers with tokens in ${seedSeconds.toFixed(0)} s`);
    },
  });
  try {
    log(`  authority ${deployment.authority.url}, banks ${deployment.banks.map((b) => b.url).join(' and ')} (database ${deployment.databaseName})`);
    const state = createWorkloadState({ customers, bankUrls: deployment.banks.map((b) => b.url), timeoutMs });
    const warmStarted = performance.now();
    // About the steady state's pool of sessions: logins/s × the mean session lifetime.
    const loginRate = ((stepRates?.[0] ?? ratePerSecond) * mix.login) / weights;
    const sessions = Math.min(Math.floor(customerCount / 4), Math.max(20, Math.ceil((loginRate * (SESSION_LIFETIME_MS[0] + SESSION_LIFETIME_MS[1])) / 2 / 1000)));
    const warm = await warmUp(state, { count: sessions, concurrency: 6 });
    const warmSeconds = (performance.now() - warmStarted) / 1000;
    log(`  warm-up: ${warm.signedIn} customers signed in (${warmSeconds.toFixed(1)} s), not measured${warm.errors.length ? `; errors: ${warm.errors.slice(0, 3).join('; ')}` : ''}`);

    const phases: PhaseResult[] = [];
    const summaries: PhaseSummary[] = [];
    const plan = stepRates ? stepRates.map((r) => ({ rate: r, durationMs: stepDurationMs })) : [{ rate: ratePerSecond, durationMs }];
    for (const [i, step] of plan.entries()) {
      log(`\nphase ${i + 1}/${plan.length}: ${step.rate}/s for ${step.durationMs / 1000} s (load average ${loadAverages().join(', ')})`);
      const phase = await runPhase(state, { ratePerSecond: step.rate, durationMs: step.durationMs, mix, drainTimeoutMs: timeoutMs * 7 });
      phases.push(phase);
      const summary = summarisePhase(phase);
      summaries.push(summary);
      log(phaseTable(summary));
      for (const sample of summary.errorSamples.slice(0, 6)) log(`  ! ${sample}`);
    }

    log('\ninvariants (after every journey ended):');
    const replayAccepted = phases.flatMap((p) => p.replayAccepted);
    const replaysRefused = phases.reduce((sum, p) => sum + (p.operations.replay.outcomes.refused ?? 0), 0);
    const invariants = await checkInvariants({ deployment, state, replaysRefused, replayAccepted });
    for (const check of invariants) log(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.name} — ${check.detail}`);
    if (state.ambiguousCodes > 0) log(`  (${state.ambiguousCodes} codes whose answer was lost: the expected ranges above allow for them)`);

    const failures = invariants.filter((c) => !c.ok).map((c) => c.name);
    if (stepRates) {
      // A step run goes past the knee on purpose: it fails only when even its first rate did not hold.
      log(`\nstep run (a phase holds when errors ≤ ${(maxErrorRate * 100).toFixed(1)}%, ≥ 95% of the started journeys finish inside it, and the median login and transfer stay within 3× the first phase's):`);
      log(stepTable(summaries, maxErrorRate));
      const holding = summaries.filter((s) => phaseHolds(s, maxErrorRate, summaries[0]));
      log(holding.length ? `highest rate that held: ${rate(Math.max(...holding.map((s) => s.offeredPerSecond)))}` : 'no rate held');
      if (!phaseHolds(summaries[0]!, maxErrorRate)) failures.push(`the first rate (${stepRates[0]}/s) did not hold`);
    } else {
      for (const summary of summaries) if (summary.errorRate > maxErrorRate) failures.push(`error rate ${(summary.errorRate * 100).toFixed(2)}% above ${(maxErrorRate * 100).toFixed(1)}%`);
    }
    const loadAtEnd = loadAverages();
    const record: RunRecord = {
      date: machine.date,
      commit,
      command,
      machine,
      load: { start: loadAtStart, end: loadAtEnd },
      customers: customerCount,
      mix,
      timeoutMs,
      maxErrorRate,
      seedSeconds,
      warmUp: { sessions: warm.signedIn, seconds: warmSeconds },
      phases: summaries,
      invariants,
      requestsPerBank: state.banks.requestsPerBank,
      passed: failures.length === 0,
      failures,
    };
    log(`\n${record.passed ? 'PASS' : `FAIL: ${failures.join('; ')}`} — load average at the end ${loadAtEnd.join(', ')}`);
    if (jsonPath !== undefined) {
      mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
      writeFileSync(resolve(jsonPath), `${JSON.stringify({ version: 1, ...record }, null, 2)}\n`);
      log(`results written to ${resolve(jsonPath)}`);
    }
    if (writeDoc) {
      const doc = new URL('../docs/PERFORMANCE.md', import.meta.url).pathname;
      writeMarkdownBlock(doc, markdownBlock(record));
      log(`docs/PERFORMANCE.md: the "Latest load run" block replaced`);
    } else {
      log('docs/PERFORMANCE.md untouched (a run shorter than 10 minutes, or --no-doc; --doc writes it)');
    }
    return record.passed ? 0 : 1;
  } finally {
    log('stopping the servers and dropping the scratch database …');
    await deployment.stop();
  }
}

function commandLine(): string {
  const env = ['LOAD_DURATION', 'LOAD_RATE', 'DATABASE_URL'].filter((name) => process.env[name] !== undefined).map((name) => `${name}=${name === 'DATABASE_URL' ? redactUrl(process.env[name]!) : process.env[name]}`);
  const args = process.argv.slice(2).map((arg) => (arg.startsWith('postgres') ? redactUrl(arg) : arg));
  return [...env, 'npm run load', ...(args.length ? ['--', ...args] : [])].join(' ');
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof UsageError ? `npm run load: ${error.message}` : error);
  process.exitCode = 2;
}
// Fetch keeps idle sockets open for a few seconds; the run is over.
process.exit(process.exitCode);
