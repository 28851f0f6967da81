// An OPEN workload: operations arrive at a fixed rate, each started at its scheduled instant
// whatever the answers before it are doing, so that when the servers fall behind the queue
// shows up in the latencies instead of quietly lowering the rate (a closed loop — N users each
// waiting for their answer — would hide an overload; "coordinated omission"). Latency is
// measured from the scheduled instant, so a late start of the generator itself counts too, and
// the generator's own lag is reported.
//
// Kinds of operation arrive interleaved in the proportions of the mix (smooth weighted round
// robin: deterministic, evenly spread). Each arrival takes a customer in the state it needs:
//  - login: a customer without a session whose token has a step not used yet (each step is
//    single use per binding: one code per customer per 30 s, hence thousands of customers);
//  - balance / transfer: a signed-in session, least recently used first (a transfer also needs
//    an unused step: a customer who signed in during this 30-second step confirms a transfer in
//    the next, as a person filling in the form would). A session lives 60–120 s and is then
//    dropped, as a customer closes the browser (the server's idle timeout ends it), so the pool
//    holds about logins/s × 90 s sessions and each serves a few operations;
//  - replay: a customer whose token had a code accepted in the current or previous step (so the
//    replayed code is still inside the authority's ±1 window and only the replay floor can
//    refuse it), at most once between two accepted codes (a refused code counts toward the OTP
//    lock of 5, which an accepted one clears).
// A customer does one thing at a time. An arrival that finds no customer in the state it
// needs is counted as `skipped` (a limit of the generator's pool, reported, never silent).
import { BankRotation, Browser, LoadError, type ErrorKind } from './browser.js';
import { login, replay, ReplayAccepted, transfer, viewBalance, type CodeUse, type JourneyResult } from './journeys.js';
import { stepAt, type SeededCustomer } from './seed.js';

export const OPERATIONS = ['login', 'balance', 'transfer', 'replay'] as const;
export type Operation = (typeof OPERATIONS)[number];
export type Mix = Record<Operation, number>;

/** How long a customer stays signed in (uniform between the two), well inside the 5-minute idle timeout. */
export const SESSION_LIFETIME_MS = [60_000, 120_000] as const;

export interface CustomerState {
  readonly seeded: SeededCustomer;
  /** The highest step sent to the server (accepted or not): the next code must be later. */
  lastSentStep: number;
  /** The highest step the server accepted (-Infinity before the first). */
  lastAcceptedStep: number;
  acceptedSteps: number;
  busy: boolean;
  session: Session | undefined;
  /** A replayed code was refused since the last accepted code (one wrong code counted). */
  replayOwed: boolean;
}

interface Session {
  readonly browser: Browser;
  readonly customer: CustomerState;
  readonly endsAtMs: number;
}

export interface OperationStats {
  arrivals: number;
  skipped: number;
  started: number;
  outcomes: Record<string, number>;
  errors: Record<ErrorKind, number>;
  /** Scheduled instant → end of the journey, for every journey that ended without error. */
  latenciesMs: number[];
  /** Journeys without error that ended inside the window (for the achieved rate). */
  completedInWindow: number;
  steps: Record<string, number[]>;
}

export interface PhaseResult {
  ratePerSecond: number;
  durationMs: number;
  /** From the first arrival to the last answer (in-flight journeys are waited for). */
  drainedMs: number;
  operations: Record<Operation, OperationStats>;
  /** How late the generator started arrivals (p50, p99, max ms): high values mean the generator itself was starved. */
  schedulerLagMs: number[];
  maxInFlight: number;
  errorSamples: string[];
  replayAccepted: string[];
  generatorCpuMs: number;
}

export interface WorkloadState {
  readonly customers: CustomerState[];
  readonly banks: BankRotation;
  /** Codes the server accepted, per binding: for the replay check afterwards. */
  readonly acceptedByBinding: Map<string, number[]>;
  readonly sentMaxByBinding: Map<string, number>;
  replaysSent: number;
  /** Transfers the customers saw done (receipt page with a 受付番号). */
  transfersDone: number;
  /** Codes whose fate the client cannot know (a timeout, broken connection or 5xx after sending it). */
  ambiguousCodes: number;
  /** Codes the server accepted, by path (each one leaves a verify `valid` in the bank's metrics). */
  readonly acceptedCodes: { login: number; transfer: number };
  readonly idle: CustomerState[];
  readonly sessions: Session[];
  readonly recentlyAccepted: CustomerState[];
  readonly timeoutMs: number;
  readonly random: () => number;
}

export function createWorkloadState(input: { customers: SeededCustomer[]; bankUrls: readonly string[]; timeoutMs: number; seed?: number }): WorkloadState {
  const customers = input.customers.map<CustomerState>((seeded) => ({
    seeded,
    lastSentStep: seeded.registeredStep,
    lastAcceptedStep: seeded.registeredStep,
    acceptedSteps: 0,
    busy: false,
    session: undefined,
    replayOwed: false,
  }));
  return {
    customers,
    banks: new BankRotation(input.bankUrls),
    acceptedByBinding: new Map(),
    sentMaxByBinding: new Map(),
    replaysSent: 0,
    transfersDone: 0,
    ambiguousCodes: 0,
    acceptedCodes: { login: 0, transfer: 0 },
    idle: [...customers],
    sessions: [],
    recentlyAccepted: [],
    timeoutMs: input.timeoutMs,
    random: mulberry32(input.seed ?? 20261121),
  };
}

/** A small seeded PRNG: the same run picks the same payees and amounts. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function codeUse(state: WorkloadState, customer: CustomerState, path: 'login' | 'transfer'): CodeUse & { pending: boolean } {
  const use = {
    pending: false,
    sent(step: number) {
      use.pending = true;
      customer.lastSentStep = Math.max(customer.lastSentStep, step);
      const binding = customer.seeded.bindingId;
      state.sentMaxByBinding.set(binding, Math.max(state.sentMaxByBinding.get(binding) ?? -Infinity, step));
    },
    refused() {
      use.pending = false;
    },
    accepted(step: number) {
      use.pending = false;
      customer.lastAcceptedStep = Math.max(customer.lastAcceptedStep, step);
      customer.acceptedSteps++;
      customer.replayOwed = false;
      state.acceptedCodes[path]++;
      const list = state.acceptedByBinding.get(customer.seeded.bindingId) ?? [];
      list.push(step);
      state.acceptedByBinding.set(customer.seeded.bindingId, list);
      state.recentlyAccepted.push(customer);
      if (state.recentlyAccepted.length > 5000) state.recentlyAccepted.splice(0, 2500);
    },
  };
  return use;
}

function newSession(state: WorkloadState, customer: CustomerState, browser: Browser): Session {
  const [shortest, longest] = SESSION_LIFETIME_MS;
  const session: Session = { browser, customer, endsAtMs: Date.now() + shortest + state.random() * (longest - shortest) };
  customer.session = session;
  state.sessions.push(session);
  return session;
}

function takeIdleCustomer(state: WorkloadState, nowStep: number): CustomerState | undefined {
  // Least recently used first; a customer whose last code is of this step waits its turn.
  for (let i = 0; i < Math.min(state.idle.length, 50); i++) {
    const customer = state.idle[i]!;
    if (!customer.busy && customer.lastSentStep < nowStep) {
      state.idle.splice(i, 1);
      return customer;
    }
  }
  return undefined;
}

function takeSession(state: WorkloadState, input: { needsStep: boolean; nowStep: number; nowMs: number }): Session | undefined {
  for (let i = 0; i < state.sessions.length && i < 200; i++) {
    const session = state.sessions[i]!;
    if (session.customer.busy) continue;
    if (input.nowMs > session.endsAtMs) {
      // The customer has closed the browser. Back to the customers without a session.
      state.sessions.splice(i--, 1);
      dropSession(state, session);
      continue;
    }
    if (input.needsStep && session.customer.lastSentStep >= input.nowStep) continue;
    state.sessions.splice(i, 1);
    return session;
  }
  return undefined;
}

function dropSession(state: WorkloadState, session: Session): void {
  session.customer.session = undefined;
  state.idle.push(session.customer);
}

function returnSession(state: WorkloadState, session: Session): void {
  // To the back of the queue: least recently used first.
  state.sessions.push(session);
}

function takeReplayVictim(state: WorkloadState, nowStep: number): CustomerState | undefined {
  for (let i = state.recentlyAccepted.length - 1; i >= 0; i--) {
    const customer = state.recentlyAccepted[i]!;
    if (customer.lastAcceptedStep < nowStep - 1) {
      // Everyone older is older still: nothing left in the window.
      state.recentlyAccepted.splice(0, i + 1);
      return undefined;
    }
    if (customer.busy || customer.replayOwed) continue;
    state.recentlyAccepted.splice(i, 1);
    return customer;
  }
  return undefined;
}

/** The arrivals' kinds, spread evenly in the mix's proportions (smooth weighted round robin). */
export function mixSequence(mix: Mix): () => Operation {
  const current: Record<Operation, number> = { login: 0, balance: 0, transfer: 0, replay: 0 };
  const total = OPERATIONS.reduce((sum, op) => sum + mix[op], 0);
  if (total <= 0) throw new TypeError('the mix needs at least one operation with a positive weight');
  const weighted = OPERATIONS.filter((op) => mix[op] > 0);
  return () => {
    let best = weighted[0]!;
    for (const op of weighted) {
      current[op] += mix[op];
      if (current[op] > current[best]) best = op;
    }
    current[best] -= total;
    return best;
  };
}

function emptyStats(): OperationStats {
  return { arrivals: 0, skipped: 0, started: 0, outcomes: {}, errors: { http_5xx: 0, timeout: 0, network: 0, unexpected: 0 }, latenciesMs: [], completedInWindow: 0, steps: {} };
}

/** Signs in `count` customers before the measured phase (not measured): sessions to work with, warm servers. */
export async function warmUp(state: WorkloadState, input: { count: number; concurrency: number }): Promise<{ signedIn: number; errors: string[] }> {
  let signedIn = 0;
  const errors: string[] = [];
  const one = async () => {
    const customer = takeIdleCustomer(state, stepAt(Date.now()));
    if (!customer) return;
    customer.busy = true;
    const browser = new Browser(state.banks, state.timeoutMs);
    const codes = codeUse(state, customer, 'login');
    try {
      await login(browser, customer.seeded, codes);
      signedIn++;
      newSession(state, customer, browser);
    } catch (error) {
      if (codes.pending) state.ambiguousCodes++;
      errors.push((error as Error).message);
      state.idle.push(customer);
    } finally {
      customer.busy = false;
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      while (next++ < input.count) await one();
    }),
  );
  // The customers just signed in used this step's code: their transfers need the next step.
  const lastStep = Math.max(...state.customers.map((c) => c.lastSentStep));
  while (stepAt(Date.now()) <= lastStep) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, (lastStep + 1) * 30_000 - Date.now() + 50)));
  return { signedIn, errors };
}

export async function runPhase(state: WorkloadState, input: { ratePerSecond: number; durationMs: number; mix: Mix; drainTimeoutMs?: number }): Promise<PhaseResult> {
  const operations = Object.fromEntries(OPERATIONS.map((op) => [op, emptyStats()])) as Record<Operation, OperationStats>;
  const nextKind = mixSequence(input.mix);
  const schedulerLagMs: number[] = [];
  const errorSamples: string[] = [];
  const replayAccepted: string[] = [];
  const intervalMs = 1000 / input.ratePerSecond;
  const total = Math.floor((input.durationMs / 1000) * input.ratePerSecond);
  const inFlight = new Set<Promise<void>>();
  let maxInFlight = 0;
  const cpuAtStart = process.cpuUsage();
  const start = performance.now();
  const windowEnd = start + input.durationMs;

  const record = (op: Operation, scheduled: number, result: JourneyResult) => {
    const stats = operations[op];
    const ended = performance.now();
    stats.outcomes[result.outcome] = (stats.outcomes[result.outcome] ?? 0) + 1;
    stats.latenciesMs.push(ended - scheduled);
    if (ended <= windowEnd) stats.completedInWindow++;
    for (const [name, ms] of result.steps) (stats.steps[name] ??= []).push(ms);
  };
  const fail = (op: Operation, error: unknown) => {
    const stats = operations[op];
    if (error instanceof ReplayAccepted) {
      replayAccepted.push(error.message);
      stats.outcomes.replay_accepted = (stats.outcomes.replay_accepted ?? 0) + 1;
      return;
    }
    const kind: ErrorKind = error instanceof LoadError ? error.kind : 'unexpected';
    stats.errors[kind]++;
    if (errorSamples.length < 12) errorSamples.push(`${op}: ${(error as Error).message}`);
  };

  const launch = (op: Operation, scheduled: number): Promise<void> | undefined => {
    const nowMs = Date.now();
    const nowStep = stepAt(nowMs);
    const stats = operations[op];
    stats.arrivals++;
    switch (op) {
      case 'login': {
        const customer = takeIdleCustomer(state, nowStep);
        if (!customer) break;
        stats.started++;
        customer.busy = true;
        const browser = new Browser(state.banks, state.timeoutMs);
        const codes = codeUse(state, customer, 'login');
        return login(browser, customer.seeded, codes).then(
          (result) => {
            record(op, scheduled, result);
            customer.busy = false;
            newSession(state, customer, browser);
          },
          (error: unknown) => {
            if (codes.pending) state.ambiguousCodes++;
            fail(op, error);
            customer.busy = false;
            state.idle.push(customer);
          },
        );
      }
      case 'balance':
      case 'transfer': {
        const session = takeSession(state, { needsStep: op === 'transfer', nowStep, nowMs });
        if (!session) break;
        stats.started++;
        const customer = session.customer;
        customer.busy = true;
        const codes = codeUse(state, customer, 'transfer');
        let journey: Promise<JourneyResult>;
        if (op === 'balance') {
          journey = viewBalance(session.browser, customer.seeded);
        } else {
          const payee = pickPayee(state, customer);
          // ¥1,000–¥15,000: a low-limit contract (¥10,000 a day) runs into its limit.
          const amountYen = 1000 * (1 + Math.floor(state.random() * 15));
          journey = transfer(session.browser, customer.seeded, { payee: payee.seeded, amountYen, codes }).then((result) => {
            if (result.outcome === 'ok') state.transfersDone++;
            return result;
          });
        }
        return journey.then(
          (result) => {
            record(op, scheduled, result);
            customer.busy = false;
            returnSession(state, session);
          },
          (error: unknown) => {
            if (codes.pending) state.ambiguousCodes++;
            fail(op, error);
            customer.busy = false;
            // After an error the session's state is unknown: the customer starts again.
            dropSession(state, session);
          },
        );
      }
      case 'replay': {
        const customer = takeReplayVictim(state, nowStep);
        if (!customer) break;
        stats.started++;
        customer.busy = true;
        customer.replayOwed = true;
        state.replaysSent++;
        const replayedStep = customer.lastAcceptedStep;
        return replay(new Browser(state.banks, state.timeoutMs), customer.seeded, replayedStep).then(
          (result) => {
            record(op, scheduled, result);
            customer.busy = false;
          },
          (error: unknown) => {
            fail(op, error);
            customer.busy = false;
          },
        );
      }
    }
    stats.skipped++;
    return undefined;
  };

  for (let index = 0; index < total; index++) {
    const scheduled = start + index * intervalMs;
    const waitMs = scheduled - performance.now();
    if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
    schedulerLagMs.push(Math.max(0, performance.now() - scheduled));
    const journey = launch(nextKind(), scheduled);
    if (journey) {
      inFlight.add(journey);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      void journey.finally(() => inFlight.delete(journey));
    }
  }
  const remainingMs = windowEnd - performance.now();
  if (remainingMs > 0) await new Promise((resolve) => setTimeout(resolve, remainingMs));
  // In-flight journeys are waited for (each has its own request timeouts), within a bound.
  const drainDeadline = performance.now() + (input.drainTimeoutMs ?? 120_000);
  while (inFlight.size > 0 && performance.now() < drainDeadline) await Promise.race([...inFlight, new Promise((resolve) => setTimeout(resolve, 1000))]);
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    ratePerSecond: input.ratePerSecond,
    durationMs: input.durationMs,
    drainedMs: performance.now() - start,
    operations,
    schedulerLagMs,
    maxInFlight,
    errorSamples,
    replayAccepted,
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function pickPayee(state: WorkloadState, customer: CustomerState): CustomerState {
  for (;;) {
    const other = state.customers[Math.floor(state.random() * state.customers.length)]!;
    if (other !== customer && other.seeded.slug === customer.seeded.slug) return other;
  }
}
