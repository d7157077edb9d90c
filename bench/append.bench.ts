/**
 * Append throughput of the embedded event store (DESIGN 7: benchmarks print figures, tests never assert timings).
 *
 *   npm run bench:append                 (BENCH_SECONDS=3 per scenario by default)
 *
 * Durable events/s of SqliteEventStore with 1, 16 and 64 concurrent appenders (one event per append, each appender
 * on its own stream with exact expected revisions), and the physical reference: raw node:sqlite inserts of the same
 * rows into the same schema with the same file settings, 500 per transaction, on one thread.
 */
import { performance } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SQLITE_EVENTS_SCHEMA, SQLITE_FILE_PRAGMAS, SqliteEventStore } from '@lib/eventstore-sqlite';
import { benchEvent } from './bench-event';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARM_UP_MS = 300;
const APPENDER_COUNTS = [1, 16, 64];
const RAW_BATCH = 500;

interface Measurement {
  readonly label: string;
  readonly events: number;
  readonly seconds: number;
  readonly detail?: string;
}

const rate = (measurement: Measurement) => measurement.events / measurement.seconds;
const format = (value: number) => Math.round(value).toLocaleString('en-US').padStart(9);

/** Prints a progress line every second while `count()` grows; returns a stop function. */
function progress(label: string, count: () => number): () => void {
  const started = performance.now();
  const timer = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`  ${label}: ${seconds.toFixed(0)} s, ${count().toLocaleString('en-US')} events\n`);
  }, 1000);
  return () => clearInterval(timer);
}

async function measureStore(directory: string, appenders: number): Promise<Measurement> {
  const store = await SqliteEventStore.open({ path: path.join(directory, `store-${appenders}.sqlite`) });
  let counting = false;
  let events = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  const label = `${appenders} appender${appenders === 1 ? '' : 's'}`;
  const run = async (appender: number) => {
    const stream = `policy-BENCH-${appenders}-${appender}`;
    let expected: number | 'no_stream' = 'no_stream';
    while (performance.now() < stopAt) {
      expected = (await store.append(stream, [benchEvent(stream)], expected)).nextExpectedRevision;
      if (counting) events++;
    }
  };
  const runners = Array.from({ length: appenders }, (_, appender) => run(appender));
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const before = store.groupCommitStats();
  const mainBefore = performance.eventLoopUtilization();
  const stopProgress = progress(label, () => events);
  const started = performance.now();
  counting = true;
  stopAt = started + SECONDS * 1000;
  await Promise.all(runners);
  const seconds = (performance.now() - started) / 1000;
  const after = store.groupCommitStats();
  const mainBusy = performance.eventLoopUtilization(mainBefore).utilization;
  const writerBusy = performance.eventLoopUtilization(after.writerBusy, before.writerBusy).utilization;
  stopProgress();
  await store.close();
  const commits = after.commits - before.commits;
  const perCommit = (after.appends - before.appends) / Math.max(commits, 1);
  const busy = `busy: main ${(mainBusy * 100).toFixed(0)} %, writer ${(writerBusy * 100).toFixed(0)} %`;
  const headQueries = `${after.headQueries - before.headQueries} head queries`;
  return {
    label,
    events,
    seconds,
    detail: `${commits} commits, ${perCommit.toFixed(1)} appends/commit, ${headQueries}, ${busy}`,
  };
}

function measureRawBatched(directory: string, name: string): Measurement {
  const db = new DatabaseSync(path.join(directory, `${name}.sqlite`));
  db.exec(SQLITE_FILE_PRAGMAS);
  db.exec(SQLITE_EVENTS_SCHEMA);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const streams = Array.from({ length: 64 }, (_, index) => ({ id: `policy-RAW-${index}`, revision: 0 }));
  const label = `raw, ${RAW_BATCH}/transaction`;
  let events = 0;
  const commitBatch = () => {
    db.exec('BEGIN IMMEDIATE');
    for (let index = 0; index < RAW_BATCH; index++) {
      const stream = streams[index % streams.length];
      const event = benchEvent(stream.id);
      insert.run(
        stream.id,
        stream.revision++,
        event.eventId,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      );
    }
    db.exec('COMMIT');
  };
  const warmUpEnd = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUpEnd) commitBatch();
  // Synchronous loop: progress is printed from inside it, once a second.
  const started = performance.now();
  let nextReport = started + 1000;
  while (performance.now() - started < SECONDS * 1000) {
    commitBatch();
    events += RAW_BATCH;
    if (performance.now() >= nextReport) {
      const elapsed = ((nextReport - started) / 1000).toFixed(0);
      process.stdout.write(`  ${label}: ${elapsed} s, ${events.toLocaleString('en-US')} events\n`);
      nextReport += 1000;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { label, events, seconds };
}

async function main(): Promise<void> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-append-'));
  console.log(`Append benchmark: ${SECONDS} s per scenario, files in ${directory}`);
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs; WAL, synchronous=FULL (durable commits)\n`);
  try {
    // The raw reference runs before and after the store (fresh files), so drifting machine load on the shared
    // cores weighs on both sides of the ratio alike.
    console.log(`Raw node:sqlite reference, ${RAW_BATCH} inserts per transaction (before):`);
    const rawBefore = measureRawBatched(directory, 'raw-before');
    const results: Measurement[] = [];
    for (const appenders of APPENDER_COUNTS) {
      console.log(`SqliteEventStore, ${appenders} concurrent appender(s), one event per append:`);
      results.push(await measureStore(directory, appenders));
    }
    console.log(`Raw node:sqlite reference, ${RAW_BATCH} inserts per transaction (after):`);
    const rawAfter = measureRawBatched(directory, 'raw-after');
    const raw: Measurement = {
      label: `raw, ${RAW_BATCH}/transaction`,
      events: rawBefore.events + rawAfter.events,
      seconds: rawBefore.seconds + rawAfter.seconds,
      detail: `before ${format(rate(rawBefore)).trim()}, after ${format(rate(rawAfter)).trim()}`,
    };

    console.log('\nResults (durable events/s)');
    for (const result of [...results, raw]) {
      console.log(
        `  ${result.label.padEnd(22)} ${format(rate(result))} events/s${result.detail ? `   (${result.detail})` : ''}`,
      );
    }
    const at64 = results[results.length - 1];
    const ratio = rate(at64) / rate(raw);
    console.log(`\n  ${at64.label} / raw batched = ${(ratio * 100).toFixed(1)} % (target ≥ 40 %)`);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
