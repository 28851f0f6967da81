// The load run's figures: a table per phase for the terminal, and the marked block of
// docs/PERFORMANCE.md that each full run replaces (everything outside the markers is kept;
// `npm run bench` writes only JSON, never that file).
import { readFileSync, writeFileSync } from 'node:fs';
import { ms, rate, table } from '../bench/report.js';
import { percentile } from '../bench/measure.js';
import type { MachineInfo } from '../bench/machine.js';
import type { InvariantCheck } from './invariants.js';
import { OPERATIONS, type Mix, type Operation, type OperationStats, type PhaseResult } from './workload.js';

export const BLOCK_START = '<!-- load-run:start — written by `npm run load` (load/run.ts); edits inside this block are replaced by the next run -->';
export const BLOCK_END = '<!-- load-run:end -->';

export interface OperationSummary {
  operation: Operation;
  offeredPerSecond: number;
  achievedPerSecond: number;
  arrivals: number;
  skipped: number;
  completed: number;
  outcomes: Record<string, number>;
  errors: OperationStats['errors'];
  errorCount: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  steps: { name: string; count: number; p50Ms: number; p99Ms: number; maxMs: number }[];
}

export interface PhaseSummary {
  offeredPerSecond: number;
  achievedPerSecond: number;
  durationSeconds: number;
  started: number;
  errors: number;
  errorRate: number;
  skipped: number;
  operations: OperationSummary[];
  schedulerLag: { p50Ms: number; p99Ms: number; maxMs: number };
  maxInFlight: number;
  generatorCpuPercent: number;
  errorSamples: string[];
}

export function summarisePhase(phase: PhaseResult): PhaseSummary {
  const seconds = phase.durationMs / 1000;
  const operations = OPERATIONS.map<OperationSummary>((operation) => {
    const s = phase.operations[operation];
    const errorCount = Object.values(s.errors).reduce((a, b) => a + b, 0);
    return {
      operation,
      offeredPerSecond: s.arrivals / seconds,
      achievedPerSecond: s.completedInWindow / seconds,
      arrivals: s.arrivals,
      skipped: s.skipped,
      completed: s.latenciesMs.length,
      outcomes: s.outcomes,
      errors: s.errors,
      errorCount,
      p50Ms: percentile(s.latenciesMs, 50),
      p90Ms: percentile(s.latenciesMs, 90),
      p99Ms: percentile(s.latenciesMs, 99),
      maxMs: s.latenciesMs.length ? Math.max(...s.latenciesMs) : NaN,
      steps: Object.entries(s.steps).map(([name, values]) => ({ name, count: values.length, p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), maxMs: Math.max(...values) })),
    };
  });
  const started = OPERATIONS.reduce((sum, op) => sum + phase.operations[op].started, 0);
  const errors = operations.reduce((sum, op) => sum + op.errorCount, 0);
  return {
    offeredPerSecond: operations.reduce((sum, op) => sum + op.offeredPerSecond, 0),
    achievedPerSecond: operations.reduce((sum, op) => sum + op.achievedPerSecond, 0),
    durationSeconds: seconds,
    started,
    errors,
    errorRate: started === 0 ? 0 : errors / started,
    skipped: operations.reduce((sum, op) => sum + op.skipped, 0),
    operations,
    schedulerLag: { p50Ms: percentile(phase.schedulerLagMs, 50), p99Ms: percentile(phase.schedulerLagMs, 99), maxMs: phase.schedulerLagMs.length ? Math.max(...phase.schedulerLagMs) : 0 },
    maxInFlight: phase.maxInFlight,
    generatorCpuPercent: (phase.generatorCpuMs / (phase.drainedMs || 1)) * 100,
    errorSamples: phase.errorSamples,
  };
}

const outcomeText = (outcomes: Record<string, number>) =>
  Object.entries(outcomes)
    .filter(([name]) => name !== 'ok')
    .map(([name, n]) => `${n} ${name.replace('_', ' ')}`)
    .join(', ');

const errorText = (errors: OperationStats['errors']) => {
  const parts = Object.entries(errors).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`);
  return parts.length === 0 ? '0' : parts.join(', ');
};

const num = (value: number) => value.toLocaleString('en');
const msOrDash = (value: number) => (Number.isNaN(value) ? '–' : ms(value));

/** The per-operation table (terminal). */
export function phaseTable(summary: PhaseSummary): string {
  const rows = summary.operations.map((o) => [
    o.operation,
    rate(o.offeredPerSecond),
    rate(o.achievedPerSecond),
    num(o.completed),
    outcomeText(o.outcomes),
    msOrDash(o.p50Ms),
    msOrDash(o.p90Ms),
    msOrDash(o.p99Ms),
    msOrDash(o.maxMs),
    errorText(o.errors),
    num(o.skipped),
  ]);
  rows.push(['all', rate(summary.offeredPerSecond), rate(summary.achievedPerSecond), num(summary.operations.reduce((s, o) => s + o.completed, 0)), '', '', '', '', '', `${num(summary.errors)} (${(summary.errorRate * 100).toFixed(2)}%)`, num(summary.skipped)]);
  const steps = summary.operations.flatMap((o) => o.steps.map((s) => [`${o.operation}: ${s.name}`, num(s.count), msOrDash(s.p50Ms), msOrDash(s.p99Ms), msOrDash(s.maxMs)]));
  return [
    table(['operation', 'offered', 'achieved', 'completed', 'refused (expected)', 'p50', 'p90', 'p99', 'max', 'errors', 'skipped'], rows),
    '',
    table(['step (one request)', 'count', 'p50', 'p99', 'max'], steps),
    '',
    `generator: start lag p50 ${ms(summary.schedulerLag.p50Ms)}, p99 ${ms(summary.schedulerLag.p99Ms)}, max ${ms(summary.schedulerLag.maxMs)}; at most ${summary.maxInFlight} journeys in flight; its CPU ${summary.generatorCpuPercent.toFixed(0)}% of one core`,
  ].join('\n');
}

/**
 * A phase held its rate: errors within the threshold, (skips aside) the started journeys served
 * inside the phase, and no queue building up — the median login and transfer at most 3× those
 * of the `baseline` phase (the lowest rate). Past the knee an open workload still finishes most
 * journeys in a short phase; what gives it away is the latency.
 */
export function phaseHolds(summary: PhaseSummary, maxErrorRate: number, baseline: PhaseSummary = summary): boolean {
  const startedPerSecond = summary.started / summary.durationSeconds;
  const p50 = (s: PhaseSummary, op: Operation) => s.operations.find((o) => o.operation === op)!.p50Ms;
  const flat = (['login', 'transfer'] as const).every((op) => !(p50(summary, op) > 3 * p50(baseline, op)));
  return summary.errorRate <= maxErrorRate && summary.achievedPerSecond >= 0.95 * (startedPerSecond - summary.errors / summary.durationSeconds) && flat;
}

/** One line per phase of a step run: where the knee is. */
export function stepTable(summaries: PhaseSummary[], maxErrorRate: number): string {
  const p99 = (s: PhaseSummary, op: Operation) => msOrDash(s.operations.find((o) => o.operation === op)!.p99Ms);
  const p50 = (s: PhaseSummary, op: Operation) => msOrDash(s.operations.find((o) => o.operation === op)!.p50Ms);
  return table(
    ['offered', 'achieved', 'errors', 'skipped', 'login p50 / p99', 'balance p50 / p99', 'transfer p50 / p99', 'generator lag p99', 'holds'],
    summaries.map((s) => [
      rate(s.offeredPerSecond),
      rate(s.achievedPerSecond),
      `${(s.errorRate * 100).toFixed(1)}%`,
      num(s.skipped),
      `${p50(s, 'login')} / ${p99(s, 'login')}`,
      `${p50(s, 'balance')} / ${p99(s, 'balance')}`,
      `${p50(s, 'transfer')} / ${p99(s, 'transfer')}`,
      ms(s.schedulerLag.p99Ms),
      phaseHolds(s, maxErrorRate, summaries[0]) ? 'yes' : 'NO',
    ]),
  );
}

export interface RunRecord {
  date: string;
  commit: string;
  command: string;
  machine: MachineInfo;
  load: { start: number[]; end: number[] };
  customers: number;
  mix: Mix;
  timeoutMs: number;
  maxErrorRate: number;
  seedSeconds: number;
  warmUp: { sessions: number; seconds: number };
  phases: PhaseSummary[];
  invariants: InvariantCheck[];
  requestsPerBank: number[];
  passed: boolean;
  failures: string[];
}

function mdTable(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function markdownBlock(record: RunRecord): string {
  const m = record.machine;
  const phase = record.phases[0]!;
  const minutes = phase.durationSeconds / 60;
  const ops = phase.operations;
  const lines: string[] = [
    BLOCK_START,
    `### Latest load run: ${record.date.slice(0, 16).replace('T', ' ')} UTC, ${minutes >= 1 ? `${minutes.toFixed(minutes % 1 === 0 ? 0 : 1)} minute${minutes === 1 ? '' : 's'}` : `${phase.durationSeconds} s`} — ${record.passed ? '**PASS**' : '**FAIL**'}`,
    ...(minutes < 10 ? ['', `*A short run (${minutes < 1 ? `${phase.durationSeconds} s` : `${minutes} min`}), not the 10-minute figures: \`npm run load\` replaces it.*`] : []),
    '',
    `Command: \`${record.command}\` at commit \`${record.commit}\`. Offered ${rate(phase.offeredPerSecond)} (mix ${OPERATIONS.map((op) => `${op} ${record.mix[op]}`).join(', ')}), achieved ${rate(phase.achievedPerSecond)}; ${num(phase.started)} journeys started, ${num(phase.errors)} errors (${(phase.errorRate * 100).toFixed(2)}%, threshold ${(record.maxErrorRate * 100).toFixed(1)}%), ${num(phase.skipped)} arrivals skipped for want of a customer in the needed state. ${num(record.customers)} customers with tokens (seeded in ${record.seedSeconds.toFixed(0)} s), ${record.warmUp.sessions} signed in before the measurement; requests per bank process ${record.requestsPerBank.map(num).join(' / ')}.`,
    '',
    mdTable(
      ['operation', 'offered', 'achieved', 'completed', 'of which refused (expected)', 'p50', 'p90', 'p99', 'max', 'errors'],
      ops.map((o) => [o.operation, rate(o.offeredPerSecond), rate(o.achievedPerSecond), num(o.completed), outcomeText(o.outcomes) || '–', msOrDash(o.p50Ms), msOrDash(o.p90Ms), msOrDash(o.p99Ms), msOrDash(o.maxMs), errorText(o.errors)]),
    ),
    '',
    'Latency is from the scheduled arrival to the last page of the journey (login: 5 requests, balance: 1, transfer: 6 — fewer when the limit refuses it at the first step —, replay: 4); "completed" counts the journeys that ended without error, expected refusals included. Key single requests:',
    '',
    mdTable(
      ['request', 'count', 'p50', 'p99', 'max'],
      ops.flatMap((o) => o.steps.map((s) => [`${o.operation}: ${s.name}`, num(s.count), msOrDash(s.p50Ms), msOrDash(s.p99Ms), msOrDash(s.maxMs)])),
    ),
    '',
    mdTable(['invariant', 'result', ''], record.invariants.map((c) => [c.name, c.ok ? 'PASS' : '**FAIL**', c.detail.replace(/\|/g, '\\|')])),
    '',
    `Generator: start lag p99 ${ms(phase.schedulerLag.p99Ms)} (max ${ms(phase.schedulerLag.maxMs)}), at most ${phase.maxInFlight} journeys in flight, ${phase.generatorCpuPercent.toFixed(0)}% of one core. ` +
      `Machine: ${m.cpuModel}, ${m.cpus} CPUs, ${m.memoryTotalGiB} GiB; Node ${m.node}; ${m.postgres?.split(' on ')[0] ?? 'PostgreSQL ?'}; load average ${record.load.start.join(' / ')} at the start, ${record.load.end.join(' / ')} at the end.`,
  ];
  if (phase.errorSamples.length > 0) lines.push('', 'First errors:', '', ...phase.errorSamples.slice(0, 8).map((e) => `- ${e.replace(/\|/g, '\\|')}`));
  if (record.failures.length > 0) lines.push('', `Failed: ${record.failures.join('; ')}.`);
  lines.push(BLOCK_END);
  return lines.join('\n');
}

/** Replaces the marked block of `path` (or appends it under a "Load run" heading). */
export function writeMarkdownBlock(path: string, block: string): void {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('<!-- load-run:start');
  const end = text.indexOf(BLOCK_END);
  const next = start !== -1 && end > start ? `${text.slice(0, start)}${block}${text.slice(end + BLOCK_END.length)}` : `${text.trimEnd()}\n\n## Load run\n\n${block}\n`;
  writeFileSync(path, next);
}
