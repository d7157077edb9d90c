import { parseExposition } from './prometheus-exposition';

describe('the test parser of the Prometheus text format', () => {
  it('reads families, unescaped HELP and label values, Go float syntax and histograms', () => {
    const parsed = parseExposition(
      [
        '# HELP jobs_total Jobs "done" \\\\ per\\nkind.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a \\"b\\" \\\\ c\\nd"} 2',
        '',
        '# TYPE lag gauge',
        'lag{source="x"} Nan',
        'lag{source="y"} +Inf',
        'lag{source="z"} -1.5e-3 1700000000000',
        '# HELP wait_seconds Wait.',
        '# TYPE wait_seconds histogram',
        'wait_seconds_bucket{le="0.1",route="/a"} 2',
        'wait_seconds_bucket{le="+Inf",route="/a"} 3',
        'wait_seconds_sum{route="/a"} 4.5',
        'wait_seconds_count{route="/a"} 3',
        '',
      ].join('\n'),
    );
    expect(parsed.families.get('jobs_total')).toMatchObject({ type: 'counter', help: 'Jobs "done" \\ per\nkind.' });
    expect(parsed.value('jobs_total', { kind: 'a "b" \\ c\nd' })).toBe(2);
    expect(parsed.value('lag', { source: 'x' })).toBeNaN();
    expect(parsed.value('lag', { source: 'y' })).toBe(Infinity);
    expect(parsed.value('lag', { source: 'z' })).toBe(-0.0015);
    expect(parsed.value('wait_seconds_bucket', { route: '/a', le: '+Inf' })).toBe(3);
    expect(parsed.families.get('lag')?.help).toBeUndefined();
  });

  it.each([
    ['a sample before its TYPE', 'x 1\n'],
    ['a malformed value', '# TYPE x gauge\nx one\n'],
    ['a hexadecimal value', '# TYPE x gauge\nx 0x1p3\n'],
    ['an underscore in a value', '# TYPE x gauge\nx 1_000\n'],
    ['an unescaped quote', '# TYPE x gauge\nx{a="b"c"} 1\n'],
    ['a bad escape in a label value', '# TYPE x gauge\nx{a="b\\t"} 1\n'],
    ['a bad escape in HELP', '# HELP x a \\t b\n# TYPE x gauge\nx 1\n'],
    ['a label given twice', '# TYPE x gauge\nx{a="1",a="2"} 1\n'],
    ['a reserved label name', '# TYPE x gauge\nx{__name__="y"} 1\n'],
    ['a repeated series', '# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n'],
    ['a split family', '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx{a="b"} 2\n'],
    ['a second TYPE', '# TYPE x gauge\n# TYPE x counter\n'],
    ['a second HELP', '# HELP x a\n# HELP x b\n# TYPE x gauge\n'],
    ['HELP after the samples', '# TYPE x gauge\nx 1\n# HELP x late\n'],
    ['HELP without TYPE', '# HELP x lonely\n'],
    ['a sample not named after its family', '# TYPE x counter\nx_count 1\n'],
    ['a negative counter', '# TYPE x_total counter\nx_total -1\n'],
    ['a missing final line feed', '# TYPE x gauge\nx 1'],
    ['non-cumulative buckets', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['buckets out of order', '# TYPE h histogram\nh_bucket{le="2"} 1\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['+Inf ≠ _count', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram without _sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
  ])('rejects %s', (_why, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
