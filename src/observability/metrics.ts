// A tiny metrics registry that renders the Prometheus text exposition format (version 0.0.4):
// counters, gauges and histograms with fixed label names. Enough for /metrics; no dependency.
// Values are per process, as Prometheus expects: it scrapes every process and sums them.
//
// Gauges that describe the database (the outbox backlog) are not kept here but read when
// scraped, through `collect` callbacks, so every process reports the same shared truth.

export type LabelValues<L extends string> = { readonly [K in L]: string };

interface MetricBase {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

const NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What a counter and a gauge share: one number for each set of label values, a line each. */
abstract class OneNumberMetric<L extends string> {
  protected readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly L[],
  ) {}

  render(): string[] {
    return [...this.values].map(([key, value]) => `${this.name}${key} ${formatNumber(value)}`);
  }
}

export class Counter<L extends string = never> extends OneNumberMetric<L> implements MetricBase {
  readonly type = 'counter' as const;

  inc(...args: [L] extends [never] ? [value?: number] : [labels: LabelValues<L>, value?: number]): void {
    const [labels, value] = splitArgs<L>(this.labelNames, args);
    if (!(value >= 0) || !Number.isFinite(value)) throw new TypeError(`${this.name}: a counter only goes up`);
    const key = labelKey(this.labelNames, labels);
    this.values.set(key, (this.values.get(key) ?? 0) + value);
  }

  /** The current value (for tests and for reading back one series). */
  get(...args: [L] extends [never] ? [] : [labels: LabelValues<L>]): number {
    const labels = (args[0] ?? {}) as LabelValues<L>;
    return this.values.get(labelKey(this.labelNames, labels)) ?? 0;
  }

  override render(): string[] {
    if (this.values.size === 0 && this.labelNames.length === 0) return [`${this.name} 0`];
    return super.render();
  }
}

export class Gauge<L extends string = never> extends OneNumberMetric<L> implements MetricBase {
  readonly type = 'gauge' as const;

  set(...args: [L] extends [never] ? [value: number] : [labels: LabelValues<L>, value: number]): void {
    const [labels, value] = splitArgs<L>(this.labelNames, args);
    this.values.set(labelKey(this.labelNames, labels), value);
  }
}

export class Histogram<L extends string = never> implements MetricBase {
  readonly type = 'histogram' as const;
  private readonly series = new Map<string, { labels: LabelValues<L>; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    /** Upper bounds, ascending; +Inf is implied. */
    readonly buckets: readonly number[],
  ) {
    if (buckets.some((b, i) => i > 0 && b <= buckets[i - 1]!)) throw new TypeError(`${name}: buckets must ascend`);
  }

  observe(...args: [L] extends [never] ? [value: number] : [labels: LabelValues<L>, value: number]): void {
    const [labels, value] = splitArgs<L>(this.labelNames, args);
    if (!Number.isFinite(value)) return;
    const key = labelKey(this.labelNames, labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    // Cumulative buckets (le = "less than or equal"), as the format wants them.
    this.buckets.forEach((bound, i) => {
      if (value <= bound) series.counts[i]! += 1;
    });
    series.sum += value;
    series.count += 1;
  }

  /** How many observations a series has (for tests). */
  count(...args: [L] extends [never] ? [] : [labels: LabelValues<L>]): number {
    const labels = (args[0] ?? {}) as LabelValues<L>;
    return this.series.get(labelKey(this.labelNames, labels))?.count ?? 0;
  }

  render(): string[] {
    const lines: string[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${labelKey(this.labelNames, labels, ['le', formatNumber(bound)])} ${counts[i]}`));
      lines.push(`${this.name}_bucket${labelKey(this.labelNames, labels, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.name}_sum${labelKey(this.labelNames, labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${labelKey(this.labelNames, labels)} ${count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, MetricBase>();
  private readonly collectors: (() => Promise<void> | void)[] = [];

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.add(new Counter<L>(name, help, checkLabels(labelNames)));
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.add(new Gauge<L>(name, help, checkLabels(labelNames)));
  }

  histogram<L extends string = never>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): Histogram<L> {
    return this.add(new Histogram<L>(name, help, checkLabels(labelNames), buckets));
  }

  /** Runs before each render: sets gauges that are read from elsewhere (the database). */
  onCollect(collect: () => Promise<void> | void): () => void {
    this.collectors.push(collect);
    return () => {
      const index = this.collectors.indexOf(collect);
      if (index >= 0) this.collectors.splice(index, 1);
    };
  }

  /** The text exposition format. A failing collector leaves its gauges at their last values. */
  async render(): Promise<string> {
    await Promise.all(this.collectors.map(async (collect) => {
      try {
        await collect();
      } catch {
        // The scrape still answers; mamori_up-style staleness shows in the gauge's age.
      }
    }));
    const lines: string[] = [];
    for (const metric of this.metrics.values()) {
      lines.push(`# HELP ${metric.name} ${metric.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      lines.push(`# TYPE ${metric.name} ${metric.type}`);
      lines.push(...metric.render());
    }
    return `${lines.join('\n')}\n`;
  }

  private add<M extends MetricBase>(metric: M): M {
    if (!NAME_PATTERN.test(metric.name)) throw new TypeError(`invalid metric name ${metric.name}`);
    if (this.metrics.has(metric.name)) throw new TypeError(`metric ${metric.name} is registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function checkLabels<L extends string>(labelNames: readonly L[]): readonly L[] {
  for (const label of labelNames) {
    if (!LABEL_PATTERN.test(label) || label.startsWith('__') || label === 'le') throw new TypeError(`invalid label name ${label}`);
  }
  return labelNames;
}

function splitArgs<L extends string>(labelNames: readonly L[], args: readonly unknown[]): [LabelValues<L>, number] {
  if (labelNames.length === 0) return [{} as LabelValues<L>, (args[0] as number | undefined) ?? 1];
  return [args[0] as LabelValues<L>, (args[1] as number | undefined) ?? 1];
}

function labelKey<L extends string>(labelNames: readonly L[], labels: LabelValues<L>, extra?: [string, string]): string {
  const pairs = labelNames.map((name) => `${name}="${escapeLabelValue(String(labels[name] ?? ''))}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
