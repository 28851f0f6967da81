// CPU time a process has used (user and system), read from /proc: shows where a run's time
// went (a server at one full core is CPU-bound; one far below waits on fsync or the network).
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // `getconf CLK_TCK` on Linux x86-64 and arm64

export interface CpuTimes {
  userMs: number;
  systemMs: number;
}

/** CPU used by `pid` so far, or undefined where /proc is not there. */
export function processCpu(pid: number): CpuTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { userMs: (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND, systemMs: (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU used between two readings, per operation (ms), or undefined. */
export function cpuPerOperation(before: CpuTimes | undefined, after: CpuTimes | undefined, operations: number): CpuTimes | undefined {
  if (before === undefined || after === undefined || operations === 0) return undefined;
  return { userMs: (after.userMs - before.userMs) / operations, systemMs: (after.systemMs - before.systemMs) / operations };
}
