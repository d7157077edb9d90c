import { parseExposition } from '../../test/support/prometheus-exposition';
import { Counter, Histogram, gauge } from './instruments';
import {
  escapeHelp,
  escapeLabelValue,
  formatLabels,
  formatSampleValue,
  renderExposition,
  type MetricFamily,
} from './prometheus-text';

describe('Prometheus text format 0.0.4', () => {
  it('escapes backslash, double quote and line feed in label values', () => {
    expect(escapeLabelValue('plain /v1/policies/:id')).toBe('plain /v1/policies/:id');
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('escapes backslash and line feed in HELP, but not quotes', () => {
    expect(escapeHelp('say "hi"\\\nbye')).toBe('say "hi"\\\\\\nbye');
  });

  it('writes values as Go ParseFloat reads them', () => {
    expect([0, 3, -2.5, 0.005, 1e21, NaN, Infinity, -Infinity].map(formatSampleValue)).toEqual([
      '0',
      '3',
      '-2.5',
      '0.005',
      '1e+21',
      'NaN',
      '+Inf',
      '-Inf',
    ]);
  });

  it('labels keep their order; an empty value is left out (Prometheus treats it as absent)', () => {
    expect(formatLabels({})).toBe('');
    expect(formatLabels({ command: 'IssuePolicy', outcome: 'created', code: '' })).toBe(
      '{command="IssuePolicy",outcome="created"}',
    );
    expect(formatLabels({ route: '/x' }, ['le', '+Inf'])).toBe('{route="/x",le="+Inf"}');
  });

  it('renders counters and gauges: HELP, TYPE, then the samples; a family without samples keeps its header', () => {
    const text = renderExposition([
      { name: 'jobs_total', help: 'Jobs done.', type: 'counter', samples: [{ labels: { kind: 'a' }, value: 2 }] },
      gauge('queue_depth', 'Queued\nitems.', [{ labels: {}, value: 7 }]),
      { name: 'never_total', help: 'Nothing yet.', type: 'counter', samples: [] },
    ]);
    expect(text).toBe(
      [
        '# HELP jobs_total Jobs done.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a"} 2',
        '# HELP queue_depth Queued\\nitems.',
        '# TYPE queue_depth gauge',
        'queue_depth 7',
        '# HELP never_total Nothing yet.',
        '# TYPE never_total counter',
        '',
      ].join('\n'),
    );
  });

  it('renders a histogram with cumulative buckets, +Inf equal to _count, _sum and _count', () => {
    const family: MetricFamily = {
      name: 'latency_seconds',
      help: 'Latency.',
      type: 'histogram',
      upperBounds: [0.1, 1],
      samples: [{ labels: { route: '/a' }, bucketCounts: [2, 1, 3], sum: 12.5 }],
    };
    expect(renderExposition([family])).toBe(
      [
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="/a",le="0.1"} 2',
        'latency_seconds_bucket{route="/a",le="1"} 3',
        'latency_seconds_bucket{route="/a",le="+Inf"} 6',
        'latency_seconds_sum{route="/a"} 12.5',
        'latency_seconds_count{route="/a"} 6',
        '',
      ].join('\n'),
    );
  });

  it('refuses a family rendered twice, a bad name, and bucket counts that do not fit the bounds', () => {
    const counter = { name: 'a_total', help: '', type: 'counter', samples: [] } as const;
    expect(() => renderExposition([counter, counter])).toThrow(/rendered twice/);
    expect(() => renderExposition([{ ...counter, name: 'bad-name' }])).toThrow(/invalid metric name/);
    expect(() =>
      renderExposition([
        {
          name: 'h',
          help: '',
          type: 'histogram',
          upperBounds: [1],
          samples: [{ labels: {}, bucketCounts: [1], sum: 1 }],
        },
      ]),
    ).toThrow(/bucket counts/);
  });

  it('round-trips hostile label values through a strict parser', () => {
    const requests = new Counter('requests_total', 'Requests.', ['route']);
    const hostile = 'a "quoted" \\ back\nslash } , =';
    requests.series({ route: hostile }).inc(3);
    const parsed = parseExposition(renderExposition([requests.collect()]));
    expect(parsed.value('requests_total', { route: hostile })).toBe(3);
  });
});

describe('instruments', () => {
  it('a counter series is resolved once and counts; labels come out in declared order', () => {
    const counter = new Counter('calls_total', 'Calls.', ['method', 'code']);
    const ok = counter.series({ code: 'OK', method: 'Get' });
    expect(counter.series({ method: 'Get', code: 'OK' })).toBe(ok);
    ok.inc();
    ok.inc(2);
    counter.series({ method: 'Get', code: 'NOT_FOUND' }).inc();
    expect(counter.collect()).toEqual({
      name: 'calls_total',
      help: 'Calls.',
      type: 'counter',
      samples: [
        { labels: { method: 'Get', code: 'OK' }, value: 3 },
        { labels: { method: 'Get', code: 'NOT_FOUND' }, value: 1 },
      ],
    });
  });

  it('a series must name exactly the declared labels', () => {
    const counter = new Counter('calls_total', 'Calls.', ['method']);
    expect(() => counter.series({})).toThrow(/expected labels method/);
    expect(() => counter.series({ method: 'a', extra: 'b' })).toThrow(/expected labels method/);
  });

  it('refuses bad names: counters end in _total, labels are identifiers and not reserved, le is for buckets', () => {
    expect(() => new Counter('calls', '', [])).toThrow(/_total/);
    expect(() => new Counter('calls_total', '', ['bad-label'])).toThrow(/invalid label name/);
    expect(() => new Counter('calls_total', '', ['__name'])).toThrow(/invalid label name/);
    expect(() => new Histogram('h', '', ['le'], [1])).toThrow(/reserved/);
    expect(() => new Histogram('h', '', [], [1, 1])).toThrow(/ascending/);
    expect(() => new Histogram('h', '', [], [])).toThrow(/ascending/);
  });

  it('a histogram puts a value in the first bucket whose bound is ≥ it (bounds are inclusive), the rest in +Inf', () => {
    const histogram = new Histogram('wait_seconds', 'Wait.', [], [0.1, 1]);
    const series = histogram.series({});
    for (const value of [0.05, 0.1, 0.5, 1, 3]) series.observe(value);
    expect(series.count).toBe(5);
    expect(series.sum).toBeCloseTo(4.65);
    const parsed = parseExposition(renderExposition([histogram.collect()]));
    expect(parsed.value('wait_seconds_bucket', { le: '0.1' })).toBe(2);
    expect(parsed.value('wait_seconds_bucket', { le: '1' })).toBe(4);
    expect(parsed.value('wait_seconds_bucket', { le: '+Inf' })).toBe(5);
    expect(parsed.value('wait_seconds_count')).toBe(5);
  });
});

describe('the test parser is strict', () => {
  it.each([
    ['a sample before its TYPE', 'x 1\n'],
    ['a malformed value', '# TYPE x gauge\nx one\n'],
    ['an unescaped quote', '# TYPE x gauge\nx{a="b"c"} 1\n'],
    ['a split family', '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx{a="b"} 2\n'],
    ['a missing final line feed', '# TYPE x gauge\nx 1'],
    ['non-cumulative buckets', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['+Inf ≠ _count', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
  ])('rejects %s', (_why, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
