import { Counter } from 'prom-client';
import { expectProcessMetrics, parseExposition } from '@lib/worker-runtime/testing';
import { counterReading, createMetricsRegistry, gaugeReading } from './metrics';

describe('createMetricsRegistry', () => {
  it("shows the process's runtime metrics, typed and documented, with current values", async () => {
    const parsed = parseExposition(await createMetricsRegistry().metrics());
    expectProcessMetrics(parsed);
    expect(parsed.value('process_start_time_seconds')).toBeCloseTo(Date.now() / 1000 - process.uptime(), -1);
    expect(parsed.value('process_uptime_seconds')).toBeCloseTo(process.uptime(), 0);
  });

  it('times garbage collections by kind', async () => {
    const registry = createMetricsRegistry();
    // Enough short-lived garbage for several scavenges; the GC observer reports them asynchronously.
    let kept = 0;
    for (let round = 0; round < 200_000; round++) kept += new Array<number>(64).fill(round).length;
    expect(kept).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const parsed = parseExposition(await registry.metrics());
    const collections = parsed
      .samples('nodejs_gc_duration_seconds_count')
      .reduce((total, sample) => total + sample.value, 0);
    expect(collections).toBeGreaterThan(0);
    expect(parsed.samples('nodejs_gc_duration_seconds_count').map((sample) => Object.keys(sample.labels))).toEqual(
      expect.arrayContaining([['kind']]),
    );
  });

  it('gives each app its own families; the runtime metrics are shared and no name is taken twice', async () => {
    const first = createMetricsRegistry();
    const second = createMetricsRegistry();
    new Counter({ name: 'jobs_total', help: 'Jobs done.', registers: [first] }).inc(2);
    new Counter({ name: 'jobs_total', help: 'Jobs done.', registers: [second] }).inc(5);
    expect(parseExposition(await first.metrics()).value('jobs_total')).toBe(2);
    expect(parseExposition(await second.metrics()).value('jobs_total')).toBe(5);
    expect(() => new Counter({ name: 'process_cpu_user_seconds_total', help: 'Again.', registers: [first] })).toThrow(
      /already been registered/,
    );
  });
});

describe('counterReading and gaugeReading', () => {
  it('read their value at scrape time', async () => {
    const registry = createMetricsRegistry();
    let published = 0;
    let waiting = true;
    counterReading(registry, 'relay_test_published_total', 'Published.', () => published);
    gaugeReading(registry, 'relay_test_waiting', 'Waiting.', () => (waiting ? 1 : 0));
    let parsed = parseExposition(await registry.metrics());
    expect(parsed.families.get('relay_test_published_total')?.type).toBe('counter');
    expect(parsed.families.get('relay_test_waiting')?.type).toBe('gauge');
    expect([parsed.value('relay_test_published_total'), parsed.value('relay_test_waiting')]).toEqual([0, 1]);
    published = 42;
    waiting = false;
    parsed = parseExposition(await registry.metrics());
    expect([parsed.value('relay_test_published_total'), parsed.value('relay_test_waiting')]).toEqual([42, 0]);
  });
});
