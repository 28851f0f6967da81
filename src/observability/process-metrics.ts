// The standard series of a Node.js process, named as prom-client's default collectors name
// them (`process_*`, `nodejs_*`), so a bank's existing dashboards and alerts for Node services
// read Mamori without a mapping: CPU, memory, file descriptors, the heap and its spaces, the
// event loop's lag, garbage collection, active resources and the runtime's version. Read at
// scrape, from the process itself and /proc (Linux; elsewhere the fd series are left out).
import { readdirSync, readFileSync } from 'node:fs';
import { PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { MetricsRegistry } from './metrics.js';

const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

/** Registers the series; `loopDelay` is the process's one event-loop monitor (its owner resets it). */
export function registerProcessMetrics(registry: MetricsRegistry, loopDelay: IntervalHistogram): void {
  const cpuUser = registry.counter('process_cpu_user_seconds_total', 'User CPU time spent, in seconds.');
  const cpuSystem = registry.counter('process_cpu_system_seconds_total', 'System CPU time spent, in seconds.');
  const cpuTotal = registry.counter('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.');
  const startTime = registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.');
  const resident = registry.gauge('process_resident_memory_bytes', 'Resident memory size, in bytes.');
  const heapBytes = registry.gauge('process_heap_bytes', 'Process heap size, in bytes.');
  const openFds = registry.gauge('process_open_fds', 'Number of open file descriptors.');
  const maxFds = registry.gauge('process_max_fds', 'Maximum number of open file descriptors.');
  const lag = registry.gauge('nodejs_eventloop_lag_seconds', 'Event-loop lag (the p50 since the last scrape), in seconds.');
  const lagQuantiles = {
    min: registry.gauge('nodejs_eventloop_lag_min_seconds', 'The minimum event-loop lag since the last scrape, in seconds.'),
    max: registry.gauge('nodejs_eventloop_lag_max_seconds', 'The maximum event-loop lag since the last scrape, in seconds.'),
    mean: registry.gauge('nodejs_eventloop_lag_mean_seconds', 'The mean event-loop lag since the last scrape, in seconds.'),
    p50: registry.gauge('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the event-loop lag since the last scrape, in seconds.'),
    p90: registry.gauge('nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the event-loop lag since the last scrape, in seconds.'),
    p99: registry.gauge('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the event-loop lag since the last scrape, in seconds.'),
  };
  const activeResources = registry.gauge<'type'>('nodejs_active_resources', 'Active resources keeping the event loop alive, by type.', ['type']);
  const activeResourcesTotal = registry.gauge('nodejs_active_resources_total', 'Total active resources keeping the event loop alive.');
  const heapTotal = registry.gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js, in bytes.');
  const heapUsed = registry.gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js, in bytes.');
  const external = registry.gauge('nodejs_external_memory_bytes', 'Node.js external memory size, in bytes.');
  const spaceTotal = registry.gauge<'space'>('nodejs_heap_space_size_total_bytes', 'Process heap space size total from Node.js, in bytes.', ['space']);
  const spaceUsed = registry.gauge<'space'>('nodejs_heap_space_size_used_bytes', 'Process heap space size used from Node.js, in bytes.', ['space']);
  const spaceAvailable = registry.gauge<'space'>('nodejs_heap_space_size_available_bytes', 'Process heap space size available from Node.js, in bytes.', ['space']);
  const version = registry.gauge<'version' | 'major' | 'minor' | 'patch'>('nodejs_version_info', 'Node.js version info.', ['version', 'major', 'minor', 'patch']);
  const gc = registry.histogram<'kind'>('nodejs_gc_duration_seconds', 'Garbage collection duration by kind (minor, major, incremental, weakcb), in seconds.', ['kind'], GC_BUCKETS);

  startTime.set(Math.round(Date.now() / 1000 - process.uptime()));
  const [major = '0', minor = '0', patch = '0'] = process.versions.node.split('.');
  version.set({ version: process.version, major, minor, patch }, 1);
  const limit = maxFdsOfProcess();
  if (limit !== undefined) maxFds.set(limit);

  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'unknown';
      gc.observe({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  let cpuSeen = { user: 0, system: 0 };
  registry.onCollect(() => {
    const cpu = process.cpuUsage();
    cpuUser.inc((cpu.user - cpuSeen.user) / 1e6);
    cpuSystem.inc((cpu.system - cpuSeen.system) / 1e6);
    cpuTotal.inc((cpu.user - cpuSeen.user + cpu.system - cpuSeen.system) / 1e6);
    cpuSeen = cpu;

    const memory = process.memoryUsage();
    resident.set(memory.rss);
    heapBytes.set(memory.heapTotal);
    heapTotal.set(memory.heapTotal);
    heapUsed.set(memory.heapUsed);
    external.set(memory.external);
    for (const space of getHeapSpaceStatistics()) {
      const name = space.space_name.replace(/_space$/, '');
      spaceTotal.set({ space: name }, space.space_size);
      spaceUsed.set({ space: name }, space.space_used_size);
      spaceAvailable.set({ space: name }, space.space_available_size);
    }
    const fds = openFdsOfProcess();
    if (fds !== undefined) openFds.set(fds);

    const counts = new Map<string, number>();
    for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
    for (const [type, count] of counts) activeResources.set({ type }, count);
    activeResourcesTotal.set([...counts.values()].reduce((sum, count) => sum + count, 0));

    // The monitor's values are nanoseconds; with no sample yet they are NaN or huge: say 0.
    const seconds = (ns: number) => (Number.isFinite(ns) && ns < 1e12 ? ns / 1e9 : 0);
    lag.set(seconds(loopDelay.percentile(50)));
    lagQuantiles.min.set(seconds(loopDelay.min));
    lagQuantiles.max.set(seconds(loopDelay.max));
    lagQuantiles.mean.set(seconds(loopDelay.mean));
    lagQuantiles.p50.set(seconds(loopDelay.percentile(50)));
    lagQuantiles.p90.set(seconds(loopDelay.percentile(90)));
    lagQuantiles.p99.set(seconds(loopDelay.percentile(99)));
  });
}

function openFdsOfProcess(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

function maxFdsOfProcess(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}
