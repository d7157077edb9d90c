import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { RecordedEvent } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { agentStreamId } from '@lib/policy-domain';
import { SqliteReadModelStore, type ApplyBatchResult, type ReadModelStore } from '@lib/read-models';
import { loadConfig } from '../config/app-config';
import { FeedHealth } from '../health/feed-health';
import { EmbeddedProjector } from './embedded-projector';
import type { ReadModelConnection } from './read-model-connection';

/** The embedded feed on a real SQLite event store and read models: failures are retried, never thrown. */
describe('EmbeddedProjector', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'embedded-projector-'));
    events = await SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    readModels = SqliteReadModelStore.open({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const registerAgent = (agentId: string) =>
    events.append(
      agentStreamId(agentId),
      [
        {
          eventId: crypto.randomUUID(),
          type: 'AgentRegistered',
          data: { agentId, name: agentId, role: 'SERVICING', branchCode: 'SH-001', region: 'EAST' },
          metadata: { recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion: 1 },
        },
      ],
      'no_stream',
    );

  async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  function projector(store: ReadModelStore, env: Record<string, string> = {}) {
    const connection = {
      store: async () => store,
      storeOfAnyLayout: async () => store,
    } as unknown as ReadModelConnection;
    const config = loadConfig({ DATA_DIR: dir, API_KEYS: 'a:0123456789abcdef:admin', ...env });
    return new EmbeddedProjector(config, events, connection, pino({ level: 'silent' }), new FeedHealth());
  }

  it('applies the history after the checkpoint, then live events; a failing batch is retried until applied', async () => {
    await registerAgent('AG-1');
    let failuresLeft = 1;
    const flaky: ReadModelStore = Object.assign(Object.create(readModels) as ReadModelStore, {
      applyBatch: (batch: readonly RecordedEvent[]): Promise<ApplyBatchResult> => {
        if (failuresLeft-- > 0) return Promise.reject(new Error('database is locked'));
        return readModels.applyBatch(batch);
      },
    });
    const feed = projector(flaky);
    feed.onApplicationBootstrap();
    try {
      await until(async () => (await readModels.checkpoint()).eventsApplied === 1);
      expect(failuresLeft).toBe(-1);
      await registerAgent('AG-2');
      await until(async () => (await readModels.checkpoint()).eventsApplied === 2);
      const workload = await readModels.agentWorkload({ asOf: '2026-06-15' });
      expect(workload.rows.map((row) => row.agentId)).toEqual(['AG-1', 'AG-2']);
      expect(feed.state).toBe('running');
    } finally {
      await feed.beforeApplicationShutdown();
    }
    expect(feed.state).toBe('stopped');
  });

  it('an event it cannot apply quarantines its stream after bounded attempts; the other streams carry on', async () => {
    await registerAgent('AG-1');
    const poison = {
      eventId: crypto.randomUUID(),
      type: 'AgentTeleported',
      data: {},
      metadata: { recordedAt: '2026-06-15T09:00:00.000Z', schemaVersion: 1 },
    };
    await events.append(agentStreamId('AG-1'), [poison], 0);
    await registerAgent('AG-2');
    const feed = projector(readModels);
    feed.onApplicationBootstrap();
    try {
      await until(async () => (await readModels.checkpoint()).quarantinedStreams === 1);
      // AG-2, after the poison event in the log, was applied all the same.
      await until(async () => (await readModels.checkpoint()).eventsApplied === 2);
      expect(await readModels.quarantinedStreams()).toEqual([
        expect.objectContaining({ streamId: agentStreamId('AG-1'), revision: 1, eventType: 'AgentTeleported' }),
      ]);
      // The stream's later events are passed over; the feed keeps running.
      await events.append(agentStreamId('AG-1'), [{ ...poison, eventId: crypto.randomUUID() }], 1);
      await registerAgent('AG-3');
      await until(async () => (await readModels.checkpoint()).eventsApplied === 3);
      const last = (await events.readAll()).at(-1)!;
      expect(await readModels.checkpoint()).toMatchObject({ position: last.position, quarantinedStreams: 1 });
      expect(feed.state).toBe('running');
    } finally {
      await feed.beforeApplicationShutdown();
    }
  });

  it('with KAFKA_BROKERS set it does not run (the Kafka projector feeds the read models)', async () => {
    await registerAgent('AG-1');
    const feed = projector(readModels, { KAFKA_BROKERS: '127.0.0.1:9092' });
    feed.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await feed.beforeApplicationShutdown();
    expect(feed.state).toBe('disabled');
    expect((await readModels.checkpoint()).eventsApplied).toBe(0);
  });
});
