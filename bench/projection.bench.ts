/**
 * Projection feed throughput (DESIGN 5, 7: benchmarks print figures, tests never assert timings).
 *
 *   npm run bench:projection        (needs scripts/kafka.sh start and the local PostgreSQL)
 *
 * 1. BENCH_EVENTS (200 000) domain events (policy histories made by the deciders) go into a fresh embedded store.
 * 2. Relay stage: the built event-relay (dist, a child process) publishes the backlog to fresh topics: events/s.
 * 3. Projector stage: the built projector then projects the topic backlog into PostgreSQL: events/s. Beside it, the
 *    raw PostgreSQL ceiling (postgres-ceiling): the same row changes with the same statement shapes replayed straight
 *    through `pg`, in transactions of PROJECTOR_BATCH_SIZE events, PROJECTOR_PARTITIONS_CONCURRENTLY at once; and the
 *    projector's ratio to it.
 * 4. End-to-end lag: with both running, BENCH_LIVE_EVENTS (20 000) more events are appended at BENCH_LIVE_RATE
 *    (2 000/s) with recordedAt = now; p50/p99 of recordedAt → read-model commit, from the projector's histogram.
 * 5. Rebuild: the built `policyctl rebuild` (a child process) rebuilds the projector's schema from the event store
 *    and swaps it in: events/s by its own timing (count, read, project, write, index, swap), and the process's wall
 *    time. `npm run bench:rebuild` measures it alone, on a quiet PostgreSQL.
 * Env: KAFKA_BROKERS (127.0.0.1:9092), READ_MODEL_URL (postgres://postgres@127.0.0.1:5432/test),
 * KAFKA_TOPIC_PARTITIONS (6), PROJECTOR_PARTITIONS_CONCURRENTLY (2), PROJECTOR_BATCH_SIZE (1000), BENCH_PROFILE_DIR
 * (CPU profiles of the workers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { createKafka } from '@lib/kafka';
import { runPolicyctlRebuild } from './policyctl-rebuild';
import { dropSchemas } from './bench-postgres';
import { postgresCeiling } from './postgres-ceiling';
import { appendHistories, backlogOf, policyHistory, type PolicyHistory } from './projection-events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const LIVE_EVENTS = Number(process.env.BENCH_LIVE_EVENTS ?? 20_000);
const LIVE_RATE = Number(process.env.BENCH_LIVE_RATE ?? 2_000);
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const READ_MODEL_URL = process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';
const PARTITIONS = process.env.KAFKA_TOPIC_PARTITIONS ?? '6';
const PARTITIONS_CONCURRENTLY = process.env.PROJECTOR_PARTITIONS_CONCURRENTLY ?? '2';
const BATCH_SIZE = process.env.PROJECTOR_BATCH_SIZE ?? '1000';
const DIST = path.resolve(__dirname, '..');

const rate = (events: number, seconds: number) => Math.round(events / seconds).toLocaleString('en-US');
const log = (line: string) => process.stdout.write(`${line}\n`);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Worker {
  /** CPU seconds (user + system) the worker has used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  metrics(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

async function startWorker(app: 'event-relay' | 'projector', env: Record<string, string>): Promise<Worker> {
  const port = await freePort();
  // BENCH_PROFILE_DIR: the workers write V8 CPU profiles there when they stop.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, path.join(DIST, 'apps', app, 'src', 'main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const metrics = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const values: Record<string, number> = {};
    for (const match of text.matchAll(/^(\S+) (\S+)$/gm)) values[match[1]] = Number(match[2]);
    return values;
  };
  for (const deadline = Date.now() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with code ${child.exitCode} during start-up`);
    try {
      await metrics();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${app} did not answer /metrics within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    cpuSeconds: () => {
      try {
        const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        return NaN;
      }
    },
    metrics,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls a counter until it reaches `target`; returns seconds from its first increase to the target. */
async function stageSeconds(label: string, worker: Worker, counter: string, target: number): Promise<number> {
  let firstAt: number | undefined;
  let lastPrint = performance.now();
  for (;;) {
    const value = (await worker.metrics())[counter] ?? 0;
    const now = performance.now();
    if (value > 0) firstAt ??= now;
    if (value >= target) return (now - (firstAt ?? now)) / 1000;
    if (now - lastPrint >= 1000) {
      lastPrint = now;
      log(`  ${label}: ${value.toLocaleString('en-US')} / ${target.toLocaleString('en-US')} events`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function lagHistogram(metrics: Record<string, number>): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const [name, value] of Object.entries(metrics)) {
    const match = /^projector_end_to_end_lag_seconds_bucket\{le="([^"]+)"\}$/.exec(name);
    if (match) buckets.set(match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]), value);
  }
  return buckets;
}

/** The q-quantile from cumulative bucket counts (linear within the bucket), in milliseconds. */
function quantileMs(before: Map<number, number>, after: Map<number, number>, q: number): string {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0));
  const total = counts[counts.length - 1];
  if (total === 0) return 'n/a';
  const rank = q * total;
  for (let index = 0; index < bounds.length; index++) {
    if (counts[index] >= rank) {
      const lower = index === 0 ? 0 : bounds[index - 1];
      const below = index === 0 ? 0 : counts[index - 1];
      if (!Number.isFinite(bounds[index])) return `> ${lower * 1000} ms`;
      const estimate = lower + ((bounds[index] - lower) * (rank - below)) / Math.max(counts[index] - below, 1);
      return `${Math.round(estimate * 1000)} ms (bucket ${lower * 1000}–${bounds[index] * 1000} ms)`;
    }
  }
  return 'n/a';
}

async function main(): Promise<void> {
  const suffix = randomUUID().slice(0, 8);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projection-bench-'));
  const topics = {
    policy: `bench-${suffix}.policy.events.v1`,
    agent: `bench-${suffix}.agent.events.v1`,
    product: `bench-${suffix}.product.events.v1`,
  };
  const schemaPrefix = `bench_projection_${suffix}`;
  const kafkaEnv = {
    KAFKA_BROKERS,
    KAFKA_POLICY_TOPIC: topics.policy,
    KAFKA_AGENT_TOPIC: topics.agent,
    KAFKA_PRODUCT_TOPIC: topics.product,
    KAFKA_TOPIC_PARTITIONS: PARTITIONS,
  };
  log(
    `projection bench: ${EVENTS.toLocaleString('en-US')} events, ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  // 1. The backlog.
  const store = await SqliteEventStore.open({ path: path.join(dataDir, 'events.sqlite') });
  const histories = backlogOf(EVENTS);
  const total = histories.reduce((sum, history) => sum + history.events.length, 0);
  const appendStarted = performance.now();
  await appendHistories(store, histories);
  log(
    `event store: ${total.toLocaleString('en-US')} events appended in ${((performance.now() - appendStarted) / 1000).toFixed(1)} s`,
  );

  const workers: Worker[] = [];
  try {
    // 2. Relay stage.
    const relay = await startWorker('event-relay', { ...kafkaEnv, DATA_DIR: dataDir, RELAY_POLL_INTERVAL_MS: '20' });
    workers.push(relay);
    const relayCpu = relay.cpuSeconds();
    const relaySeconds = await stageSeconds('relay', relay, 'relay_events_published_total', total);
    log(
      `relay      → Kafka:      ${rate(total, relaySeconds)} events/s (${relaySeconds.toFixed(1)} s; ` +
        `${rate(total, relay.cpuSeconds() - relayCpu)} events per CPU-second of the relay)`,
    );

    // 3. Projector stage, on the topic backlog.
    const projector = await startWorker('projector', {
      ...kafkaEnv,
      READ_MODEL_URL,
      READ_MODEL_SCHEMA: `${schemaPrefix}_live`,
      PROJECTOR_GROUP_ID: `bench-${suffix}.reporting-projector`,
      PROJECTOR_PARTITIONS_CONCURRENTLY: PARTITIONS_CONCURRENTLY,
      PROJECTOR_BATCH_SIZE: BATCH_SIZE,
    });
    workers.push(projector);
    const projectorCpu = projector.cpuSeconds();
    const projectorSeconds = await stageSeconds('projector', projector, 'projector_events_applied_total', total);
    log(
      `projector  → PostgreSQL: ${rate(total, projectorSeconds)} events/s (${projectorSeconds.toFixed(1)} s; ` +
        `${rate(total, projector.cpuSeconds() - projectorCpu)} events per CPU-second of the projector)`,
    );
    // The ceiling runs while the projector idles (caught up).
    const ceiling = await postgresCeiling({
      url: READ_MODEL_URL,
      schema: `${schemaPrefix}_ceiling`,
      events: await store.readAll(),
      partitions: Number(PARTITIONS),
      batchSize: Number(BATCH_SIZE),
      concurrency: Number(PARTITIONS_CONCURRENTLY),
    });
    log(
      `raw PostgreSQL ceiling:  ${rate(ceiling.events, ceiling.seconds)} events/s (${ceiling.seconds.toFixed(1)} s; the same ` +
        `row changes in ${ceiling.transactions.toLocaleString('en-US')} transactions, ${PARTITIONS_CONCURRENTLY} at once, ` +
        `${ceiling.deadlocks} deadlocks); ` +
        `projector = ${(ceiling.seconds / projectorSeconds).toFixed(2)}× the ceiling`,
    );

    // 4. Live: steady appends, lag from recordedAt to the read-model commit.
    const before = lagHistogram(await projector.metrics());
    const live: PolicyHistory[] = [];
    let liveTotal = 0;
    for (let index = histories.length; liveTotal < LIVE_EVENTS; index++) {
      const history = policyHistory(index);
      live.push(history);
      liveTotal += history.events.length;
    }
    const liveStarted = performance.now();
    const tickMs = 20;
    for (let sent = 0, next = 0; next < live.length;) {
      const due = ((performance.now() - liveStarted) / 1000) * LIVE_RATE;
      const tick: PolicyHistory[] = [];
      while (next < live.length && sent < due) {
        tick.push(live[next]);
        sent += live[next++].events.length;
      }
      await appendHistories(store, tick, 8);
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    await stageSeconds('live', projector, 'projector_events_applied_total', total + liveTotal);
    const after = lagHistogram(await projector.metrics());
    log(
      `end-to-end lag (store → read model) at ${LIVE_RATE.toLocaleString('en-US')} events/s, ${liveTotal.toLocaleString('en-US')} events: ` +
        `p50 ${quantileMs(before, after, 0.5)}, p99 ${quantileMs(before, after, 0.99)}`,
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }

  // 5. Rebuild: the real `policyctl rebuild` (its own process, as an operator runs it) of the live schema.
  await store.close();
  const rebuild = await runPolicyctlRebuild({
    DATA_DIR: dataDir,
    READ_MODEL_URL,
    READ_MODEL_SCHEMA: `${schemaPrefix}_live`,
  });
  log(
    `policyctl rebuild → PostgreSQL: ${rate(rebuild.events, rebuild.seconds)} events/s (${rebuild.events.toLocaleString('en-US')} events, ` +
      `${rebuild.seconds.toFixed(1)} s; the whole process incl. start-up ${rebuild.processSeconds.toFixed(1)} s)`,
  );

  const admin = createKafka({ brokers: KAFKA_BROKERS, clientId: 'projection-bench' }).admin();
  await admin.connect();
  await admin
    .deleteTopics({ topics: [...Object.values(topics), ...Object.values(topics).map((t) => `${t}.dlq`)] })
    .catch(() => undefined);
  await admin.disconnect();
  await dropSchemas(READ_MODEL_URL, schemaPrefix);
  fs.rmSync(dataDir, { recursive: true, force: true });
  log(
    `load after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `projection bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
