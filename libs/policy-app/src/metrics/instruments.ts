import {
  isValidLabelName,
  isValidMetricName,
  type HistogramSample,
  type Labels,
  type MetricFamily,
  type Sample,
} from './prometheus-text';

/**
 * Counters and histograms with labelled series. A caller resolves a series once (`series({…})`, which validates and
 * caches it) and keeps the handle: on the hot path `inc()` and `observe()` only add numbers, they allocate nothing.
 */
abstract class Instrument<Series> {
  private readonly seriesByKey = new Map<string, { readonly labels: Labels; readonly series: Series }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!isValidMetricName(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    for (const label of labelNames) {
      if (!isValidLabelName(label)) throw new Error(`${name}: invalid label name ${JSON.stringify(label)}`);
    }
    if (new Set(labelNames).size !== labelNames.length) throw new Error(`${name}: duplicate label names`);
  }

  /** The series of these label values (every declared label, no other), created on first use. */
  series(labels: Labels): Series {
    const key = this.labelNames.map((label) => labels[label]).join('\u0000');
    const known = this.seriesByKey.get(key);
    if (known !== undefined) return known.series;
    const given = Object.keys(labels);
    if (given.length !== this.labelNames.length || this.labelNames.some((label) => typeof labels[label] !== 'string')) {
      throw new Error(`${this.name}: expected labels ${this.labelNames.join(', ')}, got ${given.join(', ')}`);
    }
    // Labels in declared order, whatever order the caller wrote them in.
    const ordered = Object.freeze(Object.fromEntries(this.labelNames.map((label) => [label, labels[label]])));
    const series = this.createSeries();
    this.seriesByKey.set(key, { labels: ordered, series });
    return series;
  }

  protected entries(): IterableIterator<{ readonly labels: Labels; readonly series: Series }> {
    return this.seriesByKey.values();
  }

  protected abstract createSeries(): Series;
  abstract collect(): MetricFamily;
}

export class CounterSeries {
  private count = 0;

  inc(by = 1): void {
    this.count += by;
  }

  get value(): number {
    return this.count;
  }
}

export class Counter extends Instrument<CounterSeries> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, labelNames);
    if (!name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
  }

  protected createSeries(): CounterSeries {
    return new CounterSeries();
  }

  collect(): MetricFamily {
    const samples: Sample[] = [];
    for (const { labels, series } of this.entries()) samples.push({ labels, value: series.value });
    return { name: this.name, help: this.help, type: 'counter', samples };
  }
}

export class HistogramSeries {
  /** Per bucket, not cumulative; the last slot is above the greatest bound. */
  readonly bucketCounts: Float64Array;
  private total = 0;

  constructor(private readonly upperBounds: readonly number[]) {
    this.bucketCounts = new Float64Array(upperBounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.upperBounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]) index++;
    this.bucketCounts[index]++;
    this.total += value;
  }

  get sum(): number {
    return this.total;
  }

  get count(): number {
    let count = 0;
    for (const bucketCount of this.bucketCounts) count += bucketCount;
    return count;
  }
}

export class Histogram extends Instrument<HistogramSeries> {
  readonly upperBounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], upperBounds: readonly number[]) {
    super(name, help, labelNames);
    if (labelNames.includes('le')) throw new Error(`histogram ${name}: the label le is reserved for buckets`);
    const ascending = upperBounds.every((bound, index) => index === 0 || bound > upperBounds[index - 1]);
    if (upperBounds.length === 0 || !ascending || !upperBounds.every(Number.isFinite)) {
      throw new Error(`histogram ${name}: bucket bounds must be finite and strictly ascending`);
    }
    this.upperBounds = Object.freeze([...upperBounds]);
  }

  protected createSeries(): HistogramSeries {
    return new HistogramSeries(this.upperBounds);
  }

  collect(): MetricFamily {
    const samples: HistogramSample[] = [];
    for (const { labels, series } of this.entries()) {
      samples.push({ labels, bucketCounts: series.bucketCounts, sum: series.sum });
    }
    return { name: this.name, help: this.help, type: 'histogram', upperBounds: this.upperBounds, samples };
  }
}

/** A gauge read at scrape time (a family built from current values). */
export function gauge(name: string, help: string, samples: readonly Sample[]): MetricFamily {
  return { name, help, type: 'gauge', samples };
}

/** A counter kept elsewhere (the process's CPU time, a persisted checkpoint), read at scrape time. */
export function counterReading(name: string, help: string, samples: readonly Sample[]): MetricFamily {
  return { name, help, type: 'counter', samples };
}

/** One unlabelled sample. */
export function single(value: number): Sample[] {
  return [{ labels: {}, value }];
}
