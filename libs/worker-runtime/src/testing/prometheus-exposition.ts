/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), for tests of every process's
 * /metrics (`@lib/worker-runtime/testing`). It throws on anything a Prometheus server would refuse or misread — a
 * malformed line or value, a bad escape in HELP or a label value, a repeated label, a sample before its family's
 * TYPE or not named after it, a family split in two or described twice, a repeated series, a text not ending in a
 * line feed — and on what would be a bug in the exporter: a negative counter, histogram buckets that are not
 * ascending and cumulative or do not end with `+Inf` equal to `_count`, a histogram or summary without `_sum` and
 * `_count`.
 */
interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface ParsedFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  /** The HELP text, unescaped; undefined without a HELP line. */
  help?: string;
  readonly samples: ParsedSample[];
}

export interface ParsedExposition {
  readonly families: ReadonlyMap<string, ParsedFamily>;
  /** The value of the sample with exactly these labels; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** All samples of one sample name (e.g. `…_bucket`). */
  samples(name: string): ParsedSample[];
}

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP_LINE = new RegExp(`^# HELP (${METRIC_NAME})(?: (.*))?$`);
const TYPE_LINE = new RegExp(`^# TYPE (${METRIC_NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${METRIC_NAME})(\\{.*\\})? (\\S+)(?: (-?\\d+))?$`);
/** Go's strconv.ParseFloat as Prometheus calls it: decimal only (no hex, no `_`), Inf/Infinity/NaN in any case. */
const FLOAT = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function fail(why: string, line: string): never {
  throw new Error(`${why} in ${JSON.stringify(line)}`);
}

function parseValue(text: string, line: string): number {
  if (!FLOAT.test(text)) fail('bad number', line);
  if (/nan$/i.test(text)) return NaN;
  if (/inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** HELP text: `\\` and `\n` are its only escapes. */
function unescapeHelp(text: string, line: string): string {
  return text.replace(/\\(.?)/g, (_, escaped: string) =>
    escaped === '\\' ? '\\' : escaped === 'n' ? '\n' : fail('bad escape in HELP', line),
  );
}

/** `{a="x",b="y\"z"}` → labels, honouring the escapes `\\`, `\"` and `\n` (and no other). */
function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let index = 1;
  const end = text.length - 1;
  while (index < end) {
    const name = LABEL_NAME.exec(text.slice(index))?.[0] ?? fail('bad label name', line);
    if (name.startsWith('__')) fail(`reserved label name ${name}`, line);
    index += name.length;
    if (text.slice(index, index + 2) !== '="') fail('expected =" after a label name', line);
    index += 2;
    let value = '';
    for (;;) {
      if (index >= end) fail('unterminated label value', line);
      const character = text[index++];
      if (character === '"') break;
      if (character === '\\') {
        const escaped = text[index++];
        if (escaped === '\\') value += '\\';
        else if (escaped === '"') value += '"';
        else if (escaped === 'n') value += '\n';
        else fail('bad escape in a label value', line);
      } else value += character;
    }
    if (Object.hasOwn(labels, name)) fail(`label ${name} given twice`, line);
    labels[name] = value;
    if (text[index] === ',') index++;
    else if (index !== end) fail('expected , or } after a label value', line);
  }
  return labels;
}

/** The family a sample name belongs to: its own name, or a histogram's or summary's `_bucket`, `_sum`, `_count`. */
function familyOf(sampleName: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  const exact = families.get(sampleName);
  if (exact !== undefined && exact.type !== 'histogram') return exact;
  const [, base, suffix] = /^(.*)_(bucket|sum|count)$/.exec(sampleName) ?? [];
  const family = base === undefined ? undefined : families.get(base);
  if (family?.type === 'histogram' || (family?.type === 'summary' && suffix !== 'bucket')) return family;
  return undefined;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}

function withoutLabel(labels: Readonly<Record<string, string>>, label: string): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([name]) => name !== label)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
  );
}

interface SeriesGroup {
  readonly points: [number, number][];
  sum?: number;
  count?: number;
}

/** Histograms and summaries: per label set, their buckets or quantiles, `_sum` and `_count`. */
function checkDistribution(family: ParsedFamily): void {
  const point = family.type === 'histogram' ? 'le' : 'quantile';
  const groups = new Map<string, SeriesGroup>();
  for (const sample of family.samples) {
    const key = withoutLabel(sample.labels, point);
    let group = groups.get(key);
    if (group === undefined) {
      group = { points: [] };
      groups.set(key, group);
    }
    const where = `${sample.name}${JSON.stringify(sample.labels)}`;
    if (sample.name === family.name || sample.name === `${family.name}_bucket`) {
      const bound = sample.labels[point];
      if (bound === undefined) throw new Error(`${where}: no ${point} label`);
      group.points.push([parseValue(bound, where), sample.value]);
    } else if (point in sample.labels) throw new Error(`${where}: ${point} on a _sum or _count`);
    else if (sample.name.endsWith('_sum')) group.sum = sample.value;
    else group.count = sample.value;
  }
  for (const [key, { points, sum, count }] of groups) {
    const where = `${family.name}${key}`;
    if (sum === undefined || count === undefined) throw new Error(`${where}: needs _sum and _count`);
    if (!(count >= 0)) throw new Error(`${where}: _count ${count}`);
    for (let index = 1; index < points.length; index++) {
      if (!(points[index][0] > points[index - 1][0])) throw new Error(`${where}: ${point} not ascending`);
    }
    if (family.type === 'summary') {
      if (points.some(([quantile]) => !(quantile >= 0 && quantile <= 1))) throw new Error(`${where}: bad quantile`);
      continue;
    }
    for (let index = 1; index < points.length; index++) {
      if (points[index][1] < points[index - 1][1]) throw new Error(`${where}: buckets not cumulative`);
    }
    const last = points[points.length - 1];
    if (last === undefined || last[0] !== Infinity) throw new Error(`${where}: the last bucket is not le="+Inf"`);
    if (last[1] !== count) throw new Error(`${where}: +Inf bucket ${last[1]} ≠ _count ${count}`);
  }
}

export function parseExposition(text: string): ParsedExposition {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const helps = new Map<string, string>();
  const finished = new Set<string>();
  let current: ParsedFamily | undefined;
  /** A HELP or TYPE line starts (or describes) the family of that name; one that had samples already is closed. */
  const describe = (name: string, line: string) => {
    if (finished.has(name) || (families.get(name)?.samples.length ?? 0) > 0)
      fail(`${name} described after its samples`, line);
    if (current !== undefined && current.name !== name) finished.add(current.name);
  };
  for (const line of text.split('\n').slice(0, -1)) {
    if (line === '') continue;
    const help = HELP_LINE.exec(line);
    if (help !== null) {
      const [, name, helpText = ''] = help;
      if (helps.has(name)) fail(`second HELP for ${name}`, line);
      describe(name, line);
      helps.set(name, unescapeHelp(helpText, line));
      current = families.get(name);
      continue;
    }
    const type = TYPE_LINE.exec(line);
    if (type !== null) {
      const name = type[1];
      if (families.has(name)) fail(`second TYPE for ${name}`, line);
      describe(name, line);
      current = { name, type: type[2] as ParsedFamily['type'], samples: [] };
      families.set(name, current);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE_LINE.exec(line);
    if (sample === null) fail('malformed line', line);
    const [, name, labelText, valueText] = sample;
    const family = familyOf(name, families) ?? fail(`sample ${name} before its TYPE line`, line);
    if (family !== current || finished.has(family.name)) fail(`family ${family.name} is not contiguous`, line);
    const labels = labelText === undefined ? {} : parseLabels(labelText, line);
    if (family.samples.some((seen) => seen.name === name && sameLabels(seen.labels, labels))) {
      fail('duplicate series', line);
    }
    const value = parseValue(valueText, line);
    if (family.type === 'counter' && !(value >= 0)) fail('a counter must not be negative or NaN', line);
    family.samples.push({ name, labels, value });
  }
  for (const [name, helpText] of helps) {
    const family = families.get(name);
    if (family === undefined) throw new Error(`HELP for ${name} without TYPE`);
    family.help = helpText;
  }
  for (const family of families.values()) {
    if (family.type === 'histogram' || family.type === 'summary') checkDistribution(family);
  }
  const all = [...families.values()].flatMap((family) => family.samples);
  return {
    families,
    samples: (name) => all.filter((sample) => sample.name === name),
    value: (name, labels = {}) =>
      all.find((sample) => sample.name === name && sameLabels(sample.labels, labels))?.value,
  };
}

/** The runtime families every process shows (prom-client's default metrics and process_uptime_seconds), by type. */
const PROCESS_METRIC_FAMILIES = {
  process_cpu_user_seconds_total: 'counter',
  process_cpu_system_seconds_total: 'counter',
  process_cpu_seconds_total: 'counter',
  process_start_time_seconds: 'gauge',
  process_uptime_seconds: 'gauge',
  process_resident_memory_bytes: 'gauge',
  nodejs_heap_size_used_bytes: 'gauge',
  nodejs_heap_size_total_bytes: 'gauge',
  nodejs_eventloop_lag_seconds: 'gauge',
  nodejs_eventloop_lag_p99_seconds: 'gauge',
  nodejs_eventloop_lag_max_seconds: 'gauge',
  nodejs_gc_duration_seconds: 'histogram',
  nodejs_version_info: 'gauge',
} as const;

/**
 * Expects a process's runtime metrics in a scrape: every family typed and documented, memory, heap and uptime
 * positive, CPU time and event-loop lag read. GC durations appear once a collection has happened.
 */
export function expectProcessMetrics(parsed: ParsedExposition): void {
  for (const [name, type] of Object.entries(PROCESS_METRIC_FAMILIES)) {
    const family = parsed.families.get(name);
    expect({ name, type: family?.type, documented: /\S/.test(family?.help ?? '') }).toEqual({
      name,
      type,
      documented: true,
    });
  }
  for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'process_uptime_seconds']) {
    expect({ name, value: parsed.value(name) }).toEqual({ name, value: expect.any(Number) });
    expect(parsed.value(name)).toBeGreaterThan(0);
  }
  expect(parsed.value('process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  expect(parsed.value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
}
