/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: it throws on anything a Prometheus server would
 * refuse or misread (a malformed line, a sample before its family's TYPE, a family split in two, histogram buckets
 * that are not cumulative or do not end with `+Inf` equal to `_count`).
 */
interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface ParsedFamily {
  readonly name: string;
  readonly type: string;
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
const HELP_LINE = new RegExp(`^# HELP (${METRIC_NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${METRIC_NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${METRIC_NAME})(\\{.*\\})? (\\S+)( -?\\d+)?$`);
const FLOAT = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;

function parseValue(text: string, line: string): number {
  if (!FLOAT.test(text)) throw new Error(`bad sample value in ${JSON.stringify(line)}`);
  if (text.endsWith('Inf')) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** `{a="x",b="y\"z"}` → labels, honouring the escapes `\\`, `\"` and `\n`. */
function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let index = 1;
  const fail = (why: string): never => {
    throw new Error(`${why} in ${JSON.stringify(line)}`);
  };
  while (index < text.length - 1) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(index))?.[0] ?? fail('bad label name');
    index += name.length;
    if (text.slice(index, index + 2) !== '="') fail('expected =" after a label name');
    index += 2;
    let value = '';
    for (;;) {
      const character = text[index++];
      if (character === undefined || index > text.length - 1) fail('unterminated label value');
      if (character === '"') break;
      if (character === '\n') fail('raw line feed in a label value');
      if (character === '\\') {
        const escaped = text[index++];
        if (escaped === '\\') value += '\\';
        else if (escaped === '"') value += '"';
        else if (escaped === 'n') value += '\n';
        else fail('bad escape in a label value');
      } else value += character;
    }
    if (name in labels) fail(`label ${name} given twice`);
    labels[name] = value;
    if (text[index] === ',') index++;
    else if (index !== text.length - 1) fail('expected , or } after a label value');
  }
  return labels;
}

function familyOf(sampleName: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  const exact = families.get(sampleName);
  if (exact !== undefined) return exact;
  const base = /^(.*)_(bucket|sum|count)$/.exec(sampleName)?.[1];
  const histogram = base === undefined ? undefined : families.get(base);
  return histogram?.type === 'histogram' ? histogram : undefined;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function withoutLe(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([name]) => name !== 'le')
      .sort(([x], [y]) => x.localeCompare(y)),
  );
}

function checkHistogram(family: ParsedFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const key = withoutLe(sample.labels);
    let group = groups.get(key);
    if (group === undefined) {
      group = { buckets: [] };
      groups.set(key, group);
    }
    if (sample.name === `${family.name}_bucket`) {
      const le = sample.labels.le;
      if (le === undefined) throw new Error(`${family.name}_bucket without le`);
      group.buckets.push([parseValue(le, le), sample.value]);
    } else if (sample.name === `${family.name}_sum`) group.sum = sample.value;
    else if (sample.name === `${family.name}_count`) group.count = sample.value;
    else throw new Error(`histogram ${family.name} has a sample ${sample.name}`);
  }
  for (const [key, { buckets, sum, count }] of groups) {
    const where = `${family.name}${key}`;
    if (buckets.length === 0 || sum === undefined || count === undefined) {
      throw new Error(`${where}: needs buckets, _sum and _count`);
    }
    for (let index = 1; index < buckets.length; index++) {
      if (!(buckets[index][0] > buckets[index - 1][0])) throw new Error(`${where}: le not ascending`);
      if (buckets[index][1] < buckets[index - 1][1]) throw new Error(`${where}: buckets not cumulative`);
    }
    const [lastLe, lastCount] = buckets[buckets.length - 1];
    if (lastLe !== Infinity) throw new Error(`${where}: the last bucket is not le="+Inf"`);
    if (lastCount !== count) throw new Error(`${where}: +Inf bucket ${lastCount} ≠ _count ${count}`);
  }
}

export function parseExposition(text: string): ParsedExposition {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const helps = new Map<string, string>();
  const finished = new Set<string>();
  let current: ParsedFamily | undefined;
  for (const line of text.split('\n').slice(0, -1)) {
    if (line === '') continue;
    const help = HELP_LINE.exec(line);
    if (help !== null) {
      if (helps.has(help[1])) throw new Error(`second HELP for ${help[1]}`);
      helps.set(help[1], help[2]);
      continue;
    }
    const type = TYPE_LINE.exec(line);
    if (type !== null) {
      if (families.has(type[1])) throw new Error(`second TYPE for ${type[1]}`);
      if (current !== undefined) finished.add(current.name);
      current = { name: type[1], type: type[2], help: helps.get(type[1]), samples: [] };
      families.set(type[1], current);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE_LINE.exec(line);
    if (sample === null) throw new Error(`malformed line ${JSON.stringify(line)}`);
    const family = familyOf(sample[1], families);
    if (family === undefined) throw new Error(`sample ${sample[1]} before its TYPE line`);
    if (family !== current || finished.has(family.name)) throw new Error(`family ${family.name} is not contiguous`);
    const labels = sample[2] === undefined ? {} : parseLabels(sample[2], line);
    if (family.samples.some((seen) => seen.name === sample[1] && sameLabels(seen.labels, labels))) {
      throw new Error(`duplicate series in ${JSON.stringify(line)}`);
    }
    family.samples.push({ name: sample[1], labels, value: parseValue(sample[3], line) });
  }
  for (const [name, text] of helps) {
    const family = families.get(name);
    if (family === undefined) throw new Error(`HELP for ${name} without TYPE`);
    family.help = text;
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  const all = [...families.values()].flatMap((family) => family.samples);
  return {
    families,
    samples: (name) => all.filter((sample) => sample.name === name),
    value: (name, labels = {}) =>
      all.find((sample) => sample.name === name && sameLabels(sample.labels, labels))?.value,
  };
}
