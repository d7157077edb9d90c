/**
 * Append latency of the EventStoreDB adapter (DESIGN 7: benchmarks print figures, tests never assert timings).
 *
 *   EVENTSTORE_CONNECTION_STRING=esdb://127.0.0.1:2113?tls=false node dist/bench/esdb-append.bench.js
 *   bash scripts/esdb-bench.sh              (builds, starts the EventStoreDB protocol emulator, runs this against it)
 *
 * Scenarios (BENCH_SECONDS each, default 3, after a short warm-up), one PremiumPaid-sized event per append, each
 * appender on its own stream with exact expected revisions, as the command loop appends:
 *   - 1 appender: latency of one append at a time (mean, p50, p95, p99) and appends/s;
 *   - 16 concurrent appenders: the same under load;
 *   - idempotent re-append: the same event appended again with the same expected revision (a retried command).
 * Against the emulator the figures show the adapter's and the client's share (the server answers from memory); against
 * a real EventStoreDB they include its durable write.
 */
import { performance } from 'node:perf_hooks';
import * as os from 'node:os';
import { randomUUID } from 'node:crypto';
import { EsdbEventStore } from '@lib/eventstore-esdb';
import { benchEvent } from './bench-event';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARM_UP_MS = 300;
const CONNECTION_STRING = process.env.EVENTSTORE_CONNECTION_STRING;

interface Scenario {
  readonly label: string;
  readonly appenders: number;
  /** One timed operation of an appender; returns how long its timed part took (ms). */
  readonly step: (stream: string, state: { expected: number | 'no_stream' }) => Promise<number>;
}

interface Result {
  readonly label: string;
  readonly appends: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(scenario: Scenario, runId: string): Promise<Result> {
  const latenciesMs: number[] = [];
  let counting = false;
  let stopAt = Number.POSITIVE_INFINITY;
  const run = async (appender: number) => {
    const stream = `policy-BENCH-${runId}-${scenario.label.replaceAll(' ', '-')}-${appender}`;
    const state: { expected: number | 'no_stream' } = { expected: 'no_stream' };
    while (performance.now() < stopAt) {
      const took = await scenario.step(stream, state);
      if (counting) latenciesMs.push(took);
    }
  };
  const runners = Array.from({ length: scenario.appenders }, (_, appender) => run(appender));
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const timer = setInterval(
    () => process.stdout.write(`  ${scenario.label}: ${latenciesMs.length.toLocaleString('en-US')} appends\n`),
    1000,
  );
  const started = performance.now();
  counting = true;
  stopAt = started + SECONDS * 1000;
  await Promise.all(runners);
  clearInterval(timer);
  return {
    label: scenario.label,
    appends: latenciesMs.length,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}

async function main(): Promise<void> {
  if (!CONNECTION_STRING) {
    console.error('Set EVENTSTORE_CONNECTION_STRING (or run bash scripts/esdb-bench.sh, which starts the emulator).');
    process.exitCode = 2;
    return;
  }
  const store = EsdbEventStore.connect(CONNECTION_STRING);
  const runId = randomUUID().slice(0, 8);
  const timedAppend = async (stream: string, state: { expected: number | 'no_stream' }) => {
    const started = performance.now();
    state.expected = (await store.append(stream, [benchEvent(stream)], state.expected)).nextExpectedRevision;
    return performance.now() - started;
  };
  const scenarios: Scenario[] = [
    { label: '1 appender', appenders: 1, step: timedAppend },
    { label: '16 appenders', appenders: 16, step: timedAppend },
    {
      label: 'idempotent re-append',
      appenders: 1,
      step: async (stream, state) => {
        const event = benchEvent(stream);
        const expected = state.expected;
        state.expected = (await store.append(stream, [event], expected)).nextExpectedRevision;
        const started = performance.now();
        await store.append(stream, [event], expected);
        return performance.now() - started;
      },
    },
  ];
  console.log(`EventStoreDB append benchmark: ${SECONDS} s per scenario against ${CONNECTION_STRING}`);
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs\n`);
  try {
    await store.ping();
    const results: Result[] = [];
    for (const scenario of scenarios) results.push(await measure(scenario, runId));
    console.log('\nResults (one event per append; latency of the timed append in ms)');
    for (const result of results) {
      const sorted = [...result.latenciesMs].sort((a, b) => a - b);
      const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(sorted.length, 1);
      const figures = [
        `${Math.round(result.appends / result.seconds).toLocaleString('en-US')} appends/s`,
        `mean ${mean.toFixed(2)}`,
        `p50 ${percentile(sorted, 50).toFixed(2)}`,
        `p95 ${percentile(sorted, 95).toFixed(2)}`,
        `p99 ${percentile(sorted, 99).toFixed(2)}`,
      ];
      console.log(`  ${result.label.padEnd(21)} ${figures.join(', ')}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
