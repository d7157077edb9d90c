/**
 * Throughput probe of `applyBatch` (not a test; prints figures, asserts nothing — DESIGN 7). To be moved to bench/.
 *
 *   swc libs/read-models libs/policy-domain libs/event-sourcing -d /tmp/rm-probe --config-file .swcrc
 *   node /tmp/rm-probe/libs/read-models/read-model-throughput.probe.js
 *
 * Env: PROBE_EVENTS (default 50 000), PROBE_BATCH (500), READ_MODEL_URL (default the local test database).
 * The events come from the domain's deciders (issue, pre-due reminders, payments, some transfers, lapses and
 * reinstatements) and are interleaved in business-date order, so a batch touches hundreds of different policies,
 * as the live feed does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type RecordedEvent } from '@lib/event-sourcing';
import { addYearsClamped } from '@lib/policy-domain';
import { PostgresReadModelStore, SqliteReadModelStore, type ReadModelStore } from '@lib/read-models';
import { encodeTestPosition, ScenarioLog } from './src/testing/scenario-log';

const EVENTS = Number(process.env.PROBE_EVENTS ?? 50_000);
const BATCH = Number(process.env.PROBE_BATCH ?? 500);
/** The rebuild reads the event store itself and may hand over bigger batches (fewer, larger merged writes). */
const REBUILD_BATCH = Number(process.env.PROBE_REBUILD_BATCH ?? 5000);
const URL = process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';

function syntheticEvents(count: number): RecordedEvent[] {
  const log = new ScenarioLog();
  for (let index = 0; log.events.length < count; index++) {
    const policyId = `PRB-${String(index).padStart(7, '0')}`;
    const effectiveDate = `20${20 + (index % 4)}-${String(1 + (index % 12)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`;
    const branch = index % 3 === 0 ? { branchCode: 'SH01', region: 'EAST' } : { branchCode: 'BJ01', region: 'NORTH' };
    log.issue({
      policyId,
      effectiveDate,
      maturityDate: addYearsClamped(effectiveDate, 20),
      survivalBenefits: [],
      servicing: { ...branch, agentId: `A-${String(index % 40).padStart(3, '0')}` },
    });
    for (let year = 1; year <= 4; year++) {
      const dueDate = addYearsClamped(effectiveDate, year);
      log.remind(policyId, year + 1, 'PRE_DUE', addYearsClamped(effectiveDate, year).replace(/-\d\d$/, '-01'));
      if (index % 17 === 0 && year === 2) {
        log.lapse(policyId, addYearsClamped(dueDate, 1).replace(/-\d\d$/, '-01'));
        break;
      }
      log.pay(policyId, dueDate);
    }
    if (index % 11 === 0)
      log.transfer(policyId, { branchCode: 'GZ01', region: 'SOUTH' }, addYearsClamped(effectiveDate, 5));
  }
  const byBusinessTime = log.events
    .slice(0, count)
    .map((event, order) => ({ event, order, at: String(event.metadata.recordedAt) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return byBusinessTime.map(({ event }, sequence) => ({ ...event, position: encodeTestPosition(sequence + 1) }));
}

async function timeBatches(
  label: string,
  write: (batch: RecordedEvent[]) => Promise<unknown>,
  events: RecordedEvent[],
  size = BATCH,
) {
  const started = performance.now();
  for (let start = 0; start < events.length; start += size) {
    await write(events.slice(start, start + size));
    if ((start / size) % 10 === 0) process.stdout.write(`\r${label}: ${start + size}/${events.length}`);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `\r${label}: ${events.length} events in ${seconds.toFixed(2)} s = ${Math.round(events.length / seconds)} events/s\n`,
  );
}

async function probe(name: string, open: (cacheSize: number) => Promise<ReadModelStore>, events: RecordedEvent[]) {
  {
    const store = await open(20_000);
    await timeBatches(`${name} live applyBatch`, (batch) => store.applyBatch(batch), events);
    await timeBatches(`${name} redelivery (all skipped)`, (batch) => store.applyBatch(batch), events);
    for (const size of [BATCH, REBUILD_BATCH]) {
      const rebuild = await store.beginRebuild();
      const started = performance.now();
      const label = `${name} rebuild into fresh tables, batches of ${size}`;
      await timeBatches(label, (batch) => rebuild.applyBatch(batch), events, size);
      await rebuild.completeRebuild();
      console.log(`${label}, incl. swap: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    }
    await store.close();
  }
  {
    const store = await open(0);
    await timeBatches(`${name} live applyBatch, no state cache`, (batch) => store.applyBatch(batch), events);
    await store.close();
  }
}

async function main(): Promise<void> {
  const generated = performance.now();
  const events = syntheticEvents(EVENTS);
  const policies = new Set(events.map((event) => event.streamId)).size;
  console.log(
    `${events.length} events of ${policies} policies generated in ${((performance.now() - generated) / 1000).toFixed(1)} s; batches of ${BATCH}`,
  );

  const schemas: string[] = [];
  await probe(
    'PostgreSQL',
    (stateCacheSize) => {
      const schema = `rm_probe_${process.pid}_${schemas.length}`;
      schemas.push(schema);
      return PostgresReadModelStore.connect({ url: URL, schema, stateCacheSize });
    },
    events,
  );
  const cleanup = await PostgresReadModelStore.connect({ url: URL, schema: 'rm_probe_cleanup' });
  await cleanup.close();
  const { Client } = await import('pg');
  const client = new Client({ connectionString: URL });
  await client.connect();
  for (const schema of [...schemas, 'rm_probe_cleanup'])
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();

  const dataDirs: string[] = [];
  await probe(
    'SQLite',
    async (stateCacheSize) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'rm-probe-'));
      dataDirs.push(dataDir);
      return SqliteReadModelStore.open({ dataDir, stateCacheSize });
    },
    events,
  );
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
