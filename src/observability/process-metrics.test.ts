// The standard process_* and nodejs_* series, under the names prom-client's default collectors
// give them (dashboards for Node services expect exactly these), with sane values.
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { MetricsRegistry } from './metrics.js';
import { registerProcessMetrics } from './process-metrics.js';

/** `name{labels} value` lines of a rendering → name (with labels) → value. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('process metrics', () => {
  it('renders the standard series with their types, and values that move as the process works', async () => {
    const registry = new MetricsRegistry();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    registerProcessMetrics(registry, loopDelay);
    const first = await registry.render();
    for (const [name, type] of [
      ['process_cpu_user_seconds_total', 'counter'],
      ['process_cpu_system_seconds_total', 'counter'],
      ['process_cpu_seconds_total', 'counter'],
      ['process_start_time_seconds', 'gauge'],
      ['process_resident_memory_bytes', 'gauge'],
      ['process_heap_bytes', 'gauge'],
      ['process_open_fds', 'gauge'],
      ['process_max_fds', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
      ['nodejs_active_resources_total', 'gauge'],
      ['nodejs_heap_size_total_bytes', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
      ['nodejs_external_memory_bytes', 'gauge'],
      ['nodejs_heap_space_size_used_bytes', 'gauge'],
      ['nodejs_version_info', 'gauge'],
      ['nodejs_gc_duration_seconds', 'histogram'],
    ]) {
      assert.match(first, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
    }
    let garbage: unknown[] = [];
    const until = Date.now() + 50;
    while (Date.now() < until) garbage.push({ filler: 'x'.repeat(64) }); // CPU and allocation
    garbage = [];
    const values = samples(await registry.render());
    assert.ok(values.get('process_cpu_seconds_total')! > samples(first).get('process_cpu_seconds_total')!, 'CPU time went up');
    assert.ok(Math.abs(values.get('process_cpu_seconds_total')! - values.get('process_cpu_user_seconds_total')! - values.get('process_cpu_system_seconds_total')!) < 1e-6);
    assert.ok(values.get('process_resident_memory_bytes')! > 10_000_000);
    assert.ok(values.get('process_open_fds')! > 2 && values.get('process_open_fds')! <= values.get('process_max_fds')!);
    const start = values.get('process_start_time_seconds')!;
    assert.ok(Math.abs(start - (Date.now() / 1000 - process.uptime())) < 2, 'started when the process did');
    assert.ok(values.get('nodejs_heap_size_used_bytes')! <= values.get('nodejs_heap_size_total_bytes')!);
    assert.ok(values.get('nodejs_heap_space_size_used_bytes{space="old"}')! > 0);
    const [major, minor, patch] = process.versions.node.split('.');
    assert.equal(values.get(`nodejs_version_info{version="${process.version}",major="${major}",minor="${minor}",patch="${patch}"}`), 1);
    assert.ok(values.get('nodejs_active_resources_total')! >= 0);
    loopDelay.disable();
  });
});
