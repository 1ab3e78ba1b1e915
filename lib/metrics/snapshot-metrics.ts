/**
 * prom-client metrics whose values are read at scrape time from the broker's own plain numbers.
 *
 * prom-client's `inc`/`observe` hash the label set into a string on every call; the broker's hot
 * paths (one call per produced batch, per fetched partition, per request) instead add to numeric
 * fields and arrays, and these subclasses turn those into Prometheus samples only when /metrics is
 * scraped. They are ordinary prom-client Counter/Gauge/Histogram objects, registered in a Registry
 * like any other, with `get()` answering from a snapshot function.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricName } from './metric-names.js';

export interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

type Snapshot = () => Iterable<Sample>;

function config(def: MetricName): { name: string; help: string; labelNames: string[]; registers: [] } {
  return { name: def.name, help: def.help, labelNames: [...def.labels], registers: [] };
}

/** A counter whose samples come from `read()` (monotonic totals the broker keeps itself). */
export class SnapshotCounter extends Counter {
  private readonly read: Snapshot;

  constructor(def: MetricName, read: Snapshot) {
    super(config(def));
    this.read = read;
  }

  override async get(): ReturnType<Counter['get']> {
    const base = await super.get();
    return { ...base, values: [...this.read()] };
  }
}

/** A gauge whose samples come from `read()` (callbacks the broker registered). */
export class SnapshotGauge extends Gauge {
  private readonly read: Snapshot;

  constructor(def: MetricName, read: Snapshot) {
    super(config(def));
    this.read = read;
  }

  override async get(): ReturnType<Gauge['get']> {
    const base = await super.get();
    return { ...base, values: [...this.read()] };
  }
}

/**
 * Bucketed observations kept in a Float64Array: `observe` finds the bucket with a short linear
 * scan and adds; nothing is allocated. `counts[i]` holds observations in (bounds[i-1], bounds[i]];
 * the last slot holds those above every bound.
 */
export class HistogramData {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

interface HistogramValue {
  labels: Record<string, string | number>;
  sharedLabels: Readonly<Record<string, string>>;
  value: number;
  metricName: string;
}

export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly data: HistogramData;
}

/** A histogram whose series (label set → HistogramData) come from `read()`; exported cumulatively like prom-client's. */
export class SnapshotHistogram extends Histogram {
  private readonly read: () => Iterable<HistogramSeries>;
  private readonly bounds: readonly number[];
  private readonly baseName: string;

  constructor(def: MetricName, bounds: readonly number[], read: () => Iterable<HistogramSeries>) {
    super({ ...config(def), buckets: [...bounds] });
    this.bounds = bounds;
    this.baseName = def.name;
    this.read = read;
  }

  /**
   * prom-client's Histogram renders through getForPromString() (get() derives from it), with the
   * series labels as `sharedLabels` beside `le`; this answers in the same shape from `read()`.
   */
  async getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: HistogramValue[] }> {
    const base = this as unknown as { name: string; help: string; type: string; aggregator: string };
    const values: HistogramValue[] = [];
    const bucket = `${this.baseName}_bucket`;
    for (const { labels, data } of this.read()) {
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += data.counts[i] as number;
        values.push({ labels: { le: this.bounds[i] as number }, sharedLabels: labels, value: acc, metricName: bucket });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: data.count, metricName: bucket });
      values.push({ labels: {}, sharedLabels: labels, value: data.sum, metricName: `${this.baseName}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: data.count, metricName: `${this.baseName}_count` });
    }
    return { name: base.name, help: base.help, type: base.type, aggregator: base.aggregator, values };
  }
}
