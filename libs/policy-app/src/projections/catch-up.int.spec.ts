import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Clock } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { agentStreamId } from '@lib/policy-domain';
import { SqliteReadModelStore } from '@lib/read-models';
import { CatchUpReporter } from './catch-up';

/**
 * The lag every report states, on a real SQLite event store and read models, as the Kafka projector leaves them: it
 * only ever sees policy and agent events (the relay publishes nothing else), so its checkpoint never passes the
 * idempotency-key, checkpoint and process streams written after it.
 */
describe('CatchUpReporter', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  const clock: Clock = { now: () => '2026-06-15T08:00:30.000Z' };
  const metadata = { recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion: 1 };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catch-up-'));
    events = await SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    readModels = SqliteReadModelStore.open({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = (streamId: string, type: string, data: Record<string, string>) =>
    events.append(streamId, [{ eventId: crypto.randomUUID(), type, data, metadata }], 'any');
  const registerAgent = (agentId: string) =>
    append(agentStreamId(agentId), 'AgentRegistered', {
      agentId,
      name: agentId,
      role: 'SERVICING',
      branchCode: 'SH-001',
      region: 'EAST',
    });
  /** What the relay publishes and the Kafka projector applies: policy and agent events only. */
  const applyPublished = async () =>
    readModels.applyBatch(
      (await events.readAll()).filter(
        (event) => event.streamId.startsWith('agent-') || event.streamId.startsWith('policy-'),
      ),
    );
  const reporter = () => new CatchUpReporter(events, clock, pino({ level: 'silent' }));

  it('events of streams that are never projected after the checkpoint do not count as lag', async () => {
    await registerAgent('AG-1');
    await append('idempotency-k-1', 'IdempotencyKeyBound', { key: 'k-1' });
    await append('checkpoint-orphanreassignment', 'ProcessCheckpointStored', { position: '1' });
    await append('orphanreassignment-AG-1', 'OrphanReassignmentPlanned', { agentId: 'AG-1' });
    await applyPublished();

    const caughtUp = await reporter().describe(await readModels.checkpoint());

    expect(caughtUp).toMatchObject({ lagEvents: 0, lagEventsIsLowerBound: false, lagSeconds: 0 });
  });

  it('policy and agent events after the checkpoint count, and date the lag from the oldest of them', async () => {
    await registerAgent('AG-1');
    await applyPublished();
    await append('idempotency-k-2', 'IdempotencyKeyBound', { key: 'k-2' });
    await registerAgent('AG-2');
    await registerAgent('AG-3');

    const caughtUp = await reporter().describe(await readModels.checkpoint());

    expect(caughtUp).toMatchObject({ lagEvents: 2, lagEventsIsLowerBound: false, lagSeconds: 30 });
  });
});
