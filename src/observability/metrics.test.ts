// The Prometheus text format of the tiny registry (exposition format 0.0.4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from './metrics.js';

describe('metrics registry', () => {
  it('renders counters, gauges and cumulative histograms with escaped labels', async () => {
    const registry = new MetricsRegistry();
    const logins = registry.counter<'outcome'>('test_logins_total', 'Logins.\nBy outcome.', ['outcome']);
    const backlog = registry.gauge('test_backlog', 'Backlog.');
    const latency = registry.histogram<'op'>('test_seconds', 'Latency.', ['op'], [0.01, 0.1, 1]);
    logins.inc({ outcome: 'success' });
    logins.inc({ outcome: 'success' }, 2);
    logins.inc({ outcome: 'a"b\\c\nd' });
    registry.onCollect(() => backlog.set(7));
    for (const value of [0.005, 0.05, 0.5, 5]) latency.observe({ op: 'verify' }, value);
    assert.equal(logins.get({ outcome: 'success' }), 3);
    assert.equal(latency.count({ op: 'verify' }), 4);
    assert.equal(
      await registry.render(),
      [
        '# HELP test_logins_total Logins.\\nBy outcome.',
        '# TYPE test_logins_total counter',
        'test_logins_total{outcome="success"} 3',
        'test_logins_total{outcome="a\\"b\\\\c\\nd"} 1',
        '# HELP test_backlog Backlog.',
        '# TYPE test_backlog gauge',
        'test_backlog 7',
        '# HELP test_seconds Latency.',
        '# TYPE test_seconds histogram',
        'test_seconds_bucket{op="verify",le="0.01"} 1',
        'test_seconds_bucket{op="verify",le="0.1"} 2',
        'test_seconds_bucket{op="verify",le="1"} 3',
        'test_seconds_bucket{op="verify",le="+Inf"} 4',
        'test_seconds_sum{op="verify"} 5.555',
        'test_seconds_count{op="verify"} 4',
        '',
      ].join('\n'),
    );
  });

  it('refuses misuse: a counter going down, a name twice, a reserved label', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('test_total', 'x');
    assert.throws(() => counter.inc(-1), TypeError);
    assert.throws(() => registry.counter('test_total', 'again'), TypeError);
    assert.throws(() => registry.counter<'le'>('test_other_total', 'x', ['le']), TypeError);
    assert.throws(() => registry.counter('bad-name', 'x'), TypeError);
  });

  it('keeps answering a scrape when a collector fails', async () => {
    const registry = new MetricsRegistry();
    registry.gauge('test_gauge', 'x').set(1);
    registry.onCollect(() => Promise.reject(new Error('database down')));
    assert.match(await registry.render(), /^test_gauge 1$/m);
  });
});
