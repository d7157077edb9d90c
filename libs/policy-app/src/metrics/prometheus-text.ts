/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): `# HELP` and `# TYPE` lines, then
 * one `name{label="value",…} value` line per sample. Written here rather than adding prom-client as a dependency.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

export interface HistogramSample {
  readonly labels: Labels;
  /**
   * Observations per bucket, NOT cumulative: index i counts values in (upperBounds[i-1], upperBounds[i]]; the last
   * entry (index upperBounds.length) counts values above the greatest bound. The text is cumulative.
   */
  readonly bucketCounts: ArrayLike<number>;
  readonly sum: number;
}

export type MetricFamily =
  | {
      readonly name: string;
      readonly help: string;
      readonly type: 'counter' | 'gauge';
      readonly samples: readonly Sample[];
    }
  | {
      readonly name: string;
      readonly help: string;
      readonly type: 'histogram';
      /** Ascending, finite; `+Inf` is implied. */
      readonly upperBounds: readonly number[];
      readonly samples: readonly HistogramSample[];
    };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Label names starting with `__` are reserved for Prometheus itself. */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/** Inside a label value's quotes: backslash, double quote and line feed are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : character === '"' ? '\\"' : '\\\\'));
}

/** In a HELP line: backslash and line feed are escaped (quotes are not). */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

/** Go's ParseFloat syntax, which is what Prometheus reads: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * `{a="x",b="y"}`, or nothing without labels. A label with an empty value is left out: Prometheus treats it as
 * absent anyway (so a series may carry `code` only when there is one).
 */
export function formatLabels(labels: Labels, extra?: readonly [string, string]): string {
  const parts: string[] = [];
  for (const name of Object.keys(labels)) {
    const value = labels[name];
    if (value !== '') parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** The whole exposition: families in the given order, each with HELP and TYPE first, ending with a line feed. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const family of families) {
    if (!isValidMetricName(family.name)) throw new Error(`invalid metric name ${JSON.stringify(family.name)}`);
    if (seen.has(family.name)) throw new Error(`metric ${family.name} is rendered twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const sample of family.samples) renderHistogram(lines, family.name, family.upperBounds, sample);
    } else {
      for (const { labels, value } of family.samples) {
        lines.push(`${family.name}${formatLabels(labels)} ${formatSampleValue(value)}`);
      }
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function renderHistogram(
  lines: string[],
  name: string,
  upperBounds: readonly number[],
  { labels, bucketCounts, sum }: HistogramSample,
): void {
  if (bucketCounts.length !== upperBounds.length + 1) {
    throw new Error(`histogram ${name}: ${bucketCounts.length} bucket counts for ${upperBounds.length} bounds + Inf`);
  }
  let cumulative = 0;
  for (let index = 0; index < upperBounds.length; index++) {
    cumulative += bucketCounts[index];
    const le = formatSampleValue(upperBounds[index]);
    lines.push(`${name}_bucket${formatLabels(labels, ['le', le])} ${cumulative}`);
  }
  cumulative += bucketCounts[upperBounds.length];
  lines.push(`${name}_bucket${formatLabels(labels, ['le', '+Inf'])} ${cumulative}`);
  lines.push(`${name}_sum${formatLabels(labels)} ${formatSampleValue(sum)}`);
  lines.push(`${name}_count${formatLabels(labels)} ${cumulative}`);
}
