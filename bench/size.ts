// DESIGN §6: "Cost flat in size: verify latency with 1,000,000 tokens within 10% of 1,000."
//
// Two databases of one dialect side by side: "small" holds 1,000 tokens, "large" the same
// kind of 1,000 tokens plus 999,000 filler tokens (1,000,000 in all, each with a binding,
// written set-based by insertFillerTokens). The 1,000 measured tokens of the large database
// sit among the filler rows in every index (serials and binding ids spread over their whole
// ranges). The authority verifies through its in-process client, one call at a time (latency,
// not throughput), the common success: the code of the current step for a binding that has not
// used it (one HMAC, one winning conditional write). Each round moves both clocks on by one
// step and verifies every binding once, in a fresh random order; small and large alternate in
// chunks of 100 so that the machine's load changes hit both alike.
//
// The criterion is the median (p50): on a shared machine the p99 of a durable write is the
// disk's tail, not the database's size; it is reported beside it.
import type { DialectName } from '../src/db/database.js';
import { BENCH_NOW_MS, BENCH_RELYING_PARTY, codeAtStep, createBenchWorld, insertBenchTokens, insertFillerTokens, stepAt, type BenchToken, type BenchWorld } from './bench-fixtures.js';
import { findLiveBindingWithToken } from '../src/authority/binding-store.js';
import { percentile } from './measure.js';

export const SIZE_TARGET_RATIO = 1.1;
const MEASURED_TOKENS = 1_000;
const CHUNK = 100;

export interface SizeOptions {
  /** Tokens in the large database (the design's figure: 1,000,000). */
  largeTokens: number;
  rounds: number;
}

export interface SizeSide {
  tokens: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export interface SizeResult {
  dialect: DialectName;
  small: SizeSide;
  large: SizeSide;
  /** For diagnosis: the read alone (the authority's binding-with-token query), no write. */
  lookup: { smallP50Ms: number; largeP50Ms: number };
  /** large / small */
  p50Ratio: number;
  p99Ratio: number;
  seedSeconds: number;
  pass: boolean;
  problems: string[];
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function side(tokens: number, latencies: number[]): SizeSide {
  return {
    tokens,
    samples: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
  };
}

export async function benchSize(dialect: DialectName, options: SizeOptions, log: (line: string) => void): Promise<SizeResult> {
  const worlds: BenchWorld[] = [];
  try {
    const small = await createBenchWorld(dialect);
    worlds.push(small);
    const large = await createBenchWorld(dialect);
    worlds.push(large);
    const seedStart = performance.now();
    const smallTokens = await insertBenchTokens(small, { count: MEASURED_TOKENS });
    const largeTokens = await insertBenchTokens(large, { count: MEASURED_TOKENS });
    await insertFillerTokens(large, options.largeTokens - MEASURED_TOKENS);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const counted = await large.database.db.selectFrom('tokens').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    log(`    ${dialect}: seeded ${Number(counted.n).toLocaleString('en')} tokens in the large database in ${seedSeconds.toFixed(1)} s`);

    const problems: string[] = [];
    const latencies = new Map<BenchWorld, number[]>([[small, []], [large, []]]);
    const verifyChunk = async (world: BenchWorld, chunk: BenchToken[], step: number) => {
      const client = world.authority.clientFor(BENCH_RELYING_PARTY);
      const record = latencies.get(world)!;
      for (const token of chunk) {
        const code = codeAtStep(token, step);
        const started = performance.now();
        const result = await client.verify({ bindingId: token.bindingId, code });
        record.push(performance.now() - started);
        if (!result.valid) problems.push(`verify answered ${result.reason}`);
      }
    };
    // Round 0 warms both (page cache, JIT); it is not recorded.
    for (let round = 0; round <= options.rounds; round++) {
      const nowMs = BENCH_NOW_MS + (round + 1) * 30_000;
      small.clock.set(nowMs);
      large.clock.set(nowMs);
      const step = stepAt(nowMs);
      const orderSmall = shuffled(smallTokens);
      const orderLarge = shuffled(largeTokens);
      const before = [latencies.get(small)!.length, latencies.get(large)!.length];
      for (let start = 0; start < MEASURED_TOKENS; start += CHUNK) {
        const first = (start / CHUNK) % 2 === 0 ? small : large; // alternate who goes first
        const second = first === small ? large : small;
        await verifyChunk(first, (first === small ? orderSmall : orderLarge).slice(start, start + CHUNK), step);
        await verifyChunk(second, (second === small ? orderSmall : orderLarge).slice(start, start + CHUNK), step);
      }
      if (round === 0) {
        latencies.get(small)!.length = before[0]!;
        latencies.get(large)!.length = before[1]!;
      }
    }
    // The read alone, for diagnosis: the only part whose work grows with the table (B-tree depth).
    const lookups = new Map<BenchWorld, number[]>([[small, []], [large, []]]);
    for (let pass = 0; pass < 3; pass++) {
      for (const [world, tokens] of [[small, smallTokens], [large, largeTokens]] as const) {
        for (const token of shuffled(tokens)) {
          const started = performance.now();
          await findLiveBindingWithToken(world.database.db, { bindingId: token.bindingId, relyingPartyId: BENCH_RELYING_PARTY });
          if (pass > 0) lookups.get(world)!.push(performance.now() - started);
        }
      }
    }
    const smallSide = side(MEASURED_TOKENS, latencies.get(small)!);
    const largeSide = side(options.largeTokens, latencies.get(large)!);
    const p50Ratio = largeSide.p50Ms / smallSide.p50Ms;
    return {
      dialect,
      small: smallSide,
      large: largeSide,
      lookup: { smallP50Ms: percentile(lookups.get(small)!, 50), largeP50Ms: percentile(lookups.get(large)!, 50) },
      p50Ratio,
      p99Ratio: largeSide.p99Ms / smallSide.p99Ms,
      seedSeconds,
      pass: problems.length === 0 && p50Ratio <= SIZE_TARGET_RATIO,
      problems: [...new Set(problems)],
    };
  } finally {
    for (const world of worlds) await world.close();
  }
}
