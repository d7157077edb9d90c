/**
 * Read-model throughput (DESIGN 5 and 7: benchmarks print figures, tests never assert timings).
 *
 *   npm run bench:read-models
 *
 * For PostgreSQL and SQLite: events/s of the live projector (`applyBatch`, batches of BENCH_BATCH), of a redelivery
 * of everything (all skipped), and of a rebuild into fresh tables (batches of BENCH_REBUILD_BATCH, as a rebuild
 * reading the event store hands them over) including `completeRebuild` (indexes, swap). The load average is printed
 * next to every figure: the machine may be shared.
 *
 * Env: BENCH_EVENTS (default 50 000), BENCH_BATCH (500), BENCH_REBUILD_BATCH (5000), BENCH_ROUNDS (1),
 * BENCH_STORES (`postgres,sqlite`), READ_MODEL_URL (default the local test database).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type RecordedEvent } from '@lib/event-sourcing';
import { PostgresReadModelStore, SqliteReadModelStore, type ReadModelStore } from '@lib/read-models';
import { syntheticPolicyEvents } from './read-models-events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const REBUILD_BATCH = Number(process.env.BENCH_REBUILD_BATCH ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const STORES = (process.env.BENCH_STORES ?? 'postgres,sqlite').split(',');
const URL = process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';

const load = () => `load ${loadavg()[0]!.toFixed(2)}`;
const CLOCK_TICKS_PER_MS = 100 / 1000;

/** CPU ms used so far by each PostgreSQL process (Linux /proc; empty elsewhere), to report cost beside wall time. */
function postgresCpuMs(): Map<string, number> {
  const used = new Map<string, number>();
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (!stat.includes('(postgres)')) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        used.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_MS);
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return used;
}

/** CPU ms of this process and of all PostgreSQL processes since `cpuMark()`: a load-independent view of the cost. */
function cpuMark(): () => string {
  const node = process.cpuUsage();
  const postgres = postgresCpuMs();
  return () => {
    const used = process.cpuUsage(node);
    const nodeMs = (used.user + used.system) / 1000;
    // Processes that ended meanwhile are not counted (other sessions' backends come and go).
    let postgresMs = 0;
    for (const [pid, ms] of postgresCpuMs()) postgresMs += ms - (postgres.get(pid) ?? 0);
    return `cpu node ${Math.round(nodeMs)} ms + postgres ${Math.round(postgresMs)} ms`;
  };
}
const rate = (events: number, seconds: number) => Math.round(events / seconds).toLocaleString('en-US');

/** Feeds the events in batches with a progress line; returns the seconds taken. */
async function feed(
  label: string,
  write: (batch: RecordedEvent[]) => Promise<unknown>,
  events: readonly RecordedEvent[],
  size: number,
): Promise<number> {
  const started = performance.now();
  let shown = started;
  for (let start = 0; start < events.length; start += size) {
    await write(events.slice(start, start + size));
    const now = performance.now();
    if (process.stdout.isTTY && now - shown > 250) {
      shown = now;
      const done = Math.min(start + size, events.length);
      process.stdout.write(`\r  ${label}: ${done}/${events.length} (${rate(done, (now - started) / 1000)} events/s) `);
    }
  }
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  return (performance.now() - started) / 1000;
}

function report(label: string, events: number, seconds: number, cpu: () => string, detail = ''): void {
  console.log(
    `  ${label.padEnd(44)} ${rate(events, seconds).padStart(9)} events/s  (${seconds.toFixed(2)} s${detail}; ${load()}; ${cpu()})`,
  );
}

async function benchStore(name: string, open: () => Promise<ReadModelStore>, events: RecordedEvent[]): Promise<void> {
  console.log(`${name}:`);
  const store = await open();
  try {
    let cpu = cpuMark();
    const live = await feed('live applyBatch', (batch) => store.applyBatch(batch), events, BATCH);
    report(`live applyBatch (batches of ${BATCH})`, events.length, live, cpu);
    cpu = cpuMark();
    const redelivery = await feed('redelivery', (batch) => store.applyBatch(batch), events, BATCH);
    report('redelivery (all skipped)', events.length, redelivery, cpu);

    cpu = cpuMark();
    const started = performance.now();
    const rebuild = await store.beginRebuild();
    const applied = await feed('rebuild', (batch) => rebuild.applyBatch(batch), events, REBUILD_BATCH);
    const beforeSwap = performance.now();
    await rebuild.completeRebuild();
    const total = (performance.now() - started) / 1000;
    report(
      `rebuild (batches of ${REBUILD_BATCH}), incl. swap`,
      events.length,
      total,
      cpu,
      `: apply ${applied.toFixed(2)} s, complete ${((performance.now() - beforeSwap) / 1000).toFixed(2)} s`,
    );
  } finally {
    await store.close();
  }
}

async function dropPostgresSchemas(prefix: string): Promise<void> {
  // Bench housekeeping only: the store has no "drop everything" API on purpose.
  const { Client } = await import('pg');
  const client = new Client({ connectionString: URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [
      `${prefix}%`,
    ]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const generating = performance.now();
  process.stdout.write(`generating ${EVENTS} events…`);
  const events = syntheticPolicyEvents(EVENTS);
  const policies = new Set(events.map((event) => event.streamId)).size;
  console.log(
    `\r${events.length} events of ${policies} policies generated in ${((performance.now() - generating) / 1000).toFixed(1)} s`,
  );

  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`round ${round}/${ROUNDS}`);
    if (STORES.includes('postgres')) {
      const prefix = `rm_bench_${process.pid}_`;
      try {
        await benchStore(
          'PostgreSQL',
          () => PostgresReadModelStore.connect({ url: URL, schema: `${prefix}${round}` }),
          events,
        );
      } finally {
        await dropPostgresSchemas(prefix);
      }
    }
    if (STORES.includes('sqlite')) {
      const dataDir = mkdtempSync(join(tmpdir(), 'rm-bench-'));
      try {
        await benchStore('SQLite', async () => SqliteReadModelStore.open({ dataDir }), events);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
