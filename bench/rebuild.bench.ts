/**
 * `policyctl rebuild` throughput (DESIGN 5; benchmarks print figures, tests never assert timings).
 *
 *   npm run bench:rebuild
 *
 * Appends BENCH_EVENTS servicing events (made by the domain's deciders) to a SQLite event store, then runs the built
 * `policyctl rebuild` (a child process) BENCH_ROUNDS times — count, read $all page by page, project, write fresh
 * PostgreSQL tables, build their indexes, swap them in — printing events/s of each round by policyctl's own clock
 * (start of the rebuild to the swap) and the process's wall time.
 *
 * Env: BENCH_EVENTS (200 000), BENCH_ROUNDS (2), BENCH_BATCH (policyctl's --batch-size; default its default), BENCH_DATA_DIR (keep the seeded store there and reuse it on the next
 * run; default a temporary directory, removed), READ_MODEL_URL (default the local test database).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { runPolicyctlRebuild } from './policyctl-rebuild';
import { dropSchemas } from './bench-postgres';
import { appendHistories, backlogOf } from './projection-events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** `--batch-size` of policyctl rebuild; default its own default. */
const BATCH = process.env.BENCH_BATCH;
const READ_MODEL_URL = process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Appends policy histories until the store holds `EVENTS` events (none when a kept store already does). */
async function seed(store: SqliteEventStore): Promise<number> {
  const existing = await store.countAll();
  if (existing >= EVENTS) return existing;
  if (existing > 0) throw new Error(`BENCH_DATA_DIR holds ${existing} events, fewer than ${EVENTS}: empty it`);
  const startedAt = performance.now();
  const histories = backlogOf(EVENTS);
  await appendHistories(store, histories);
  const total = histories.reduce((sum, history) => sum + history.events.length, 0);
  log(`seeded ${total.toLocaleString('en-US')} events in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return total;
}

async function main(): Promise<void> {
  const kept = process.env.BENCH_DATA_DIR;
  const dataDir = kept ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rebuild-bench-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const schema = `bench_rebuild_${randomUUID().slice(0, 8)}`;
  const store = await SqliteEventStore.open({ path: path.join(dataDir, 'events.sqlite') });
  let events: number;
  try {
    events = await seed(store);
  } finally {
    await store.close();
  }
  try {
    log(`rebuild bench: ${events.toLocaleString('en-US')} events, ${os.cpus().length} cores, load ${load()}`);
    const env = {
      DATA_DIR: dataDir,
      READ_MODEL_URL,
      READ_MODEL_SCHEMA: schema,
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const run = await runPolicyctlRebuild(env, BATCH === undefined ? [] : ['--batch-size', String(BATCH)]);
      log(
        `round ${round}: policyctl rebuild → PostgreSQL ${Math.round(run.events / run.seconds).toLocaleString('en-US')} events/s ` +
          `(${run.events.toLocaleString('en-US')} events, ${run.seconds.toFixed(2)} s; process ${run.processSeconds.toFixed(2)} s; load ${load()})`,
      );
    }
  } finally {
    await dropSchemas(READ_MODEL_URL, schema);
    if (!kept) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `rebuild bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
