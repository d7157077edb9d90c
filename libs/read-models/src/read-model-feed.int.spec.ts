import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { logScanSource, runFeed, subscriptionSource } from '@lib/feed-runtime';
import { agentStreamId } from '@lib/policy-domain';
import { readModelPipeline } from './read-model-feed';
import { type ApplyBatchResult } from './read-model-store';
import { SqliteReadModelStore } from './sqlite/sqlite-read-model-store';

const FAST = { initialDelayMs: 1, maxDelayMs: 2 };

/** The feed runtime with the read models as its sink, on a real SQLite event store and real SQLite read models. */
describe('readModelPipeline behind the event store sources', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-feed-'));
    events = await SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    readModels = SqliteReadModelStore.open({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const agentEvent = (type: string, agentId: string) => ({
    eventId: crypto.randomUUID(),
    type,
    data: { agentId, name: agentId, role: 'SERVICING', branchCode: 'SH-001', region: 'EAST' },
    metadata: { recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion: 1 },
  });

  /**
   * A-1 registered; B-1 registered, then an event no codec knows (revision 1: poison), then registered again
   * (revision 2: after the poison, so passed over); C-1 registered. Five events, positions 1–5.
   */
  async function appendLogWithPoison(): Promise<void> {
    await events.append(agentStreamId('A-1'), [agentEvent('AgentRegistered', 'A-1')], 'no_stream');
    await events.append(
      agentStreamId('B-1'),
      [agentEvent('AgentRegistered', 'B-1'), agentEvent('AgentVanished', 'B-1'), agentEvent('AgentRegistered', 'B-1')],
      'no_stream',
    );
    await events.append(agentStreamId('C-1'), [agentEvent('AgentRegistered', 'C-1')], 'no_stream');
  }

  it('a poison event: its stream is quarantined at it, every other event applies, the checkpoint reaches the end', async () => {
    await appendLogWithPoison();
    const quarantined: [string, number, boolean][] = [];
    const pipeline = readModelPipeline(readModels, {
      retryPolicy: FAST,
      onQuarantine: (event, _error, isNew) => quarantined.push([event.streamId, event.revision, isNew]),
    });

    expect(await runFeed(logScanSource(events, { pageSize: 100 }), pipeline)).toBe('ended');

    expect(quarantined).toEqual([[agentStreamId('B-1'), 1, true]]);
    expect(
      (await readModels.quarantinedStreams()).map(({ streamId, revision, eventType }) => [
        streamId,
        revision,
        eventType,
      ]),
    ).toEqual([[agentStreamId('B-1'), 1, 'AgentVanished']]);
    const log = await events.readAll({});
    const checkpoint = await readModels.checkpoint();
    // Applied: A-1 r0, B-1 r0, C-1 r0 = 3; B-1 r1 quarantined, B-1 r2 passed over; the checkpoint is the 5th event's.
    expect(checkpoint).toMatchObject({ eventsApplied: 3, quarantinedStreams: 1, position: log[4].position });
  });

  it('the whole log delivered again (a redelivery) changes nothing: every event is skipped or passed over', async () => {
    await appendLogWithPoison();
    await runFeed(logScanSource(events), readModelPipeline(readModels, { retryPolicy: FAST }));
    const before = await readModels.checkpoint();

    const results: ApplyBatchResult[] = [];
    const quarantinedAgain: boolean[] = [];
    const again = readModelPipeline(readModels, {
      retryPolicy: FAST,
      onApplied: (_batch, result) => results.push(result),
      onQuarantine: (_event, _error, isNew) => quarantinedAgain.push(isNew),
    });
    await runFeed(logScanSource(events, { pageSize: 100 }), again);

    // The quarantined revision itself (B-1 r1) is tried again (it may apply after a fix), so the page of five fails
    // and is isolated: A-1 and B-1 r0 skipped, B-1 r1 fails its three attempts and finds its stream quarantined
    // already, B-1 r2 passed over, C-1 skipped. Nothing applied.
    expect(results.map(({ applied, skipped, quarantined }) => [applied, skipped, quarantined])).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(quarantinedAgain).toEqual([false]);
    expect(await readModels.checkpoint()).toEqual(before);
  });

  it('the live $all subscription from the checkpoint: later appends are applied in linger batches until stopped', async () => {
    await events.append(agentStreamId('A-1'), [agentEvent('AgentRegistered', 'A-1')], 'no_stream');
    await runFeed(logScanSource(events), readModelPipeline(readModels, { retryPolicy: FAST }));
    const { position } = await readModels.checkpoint();

    const stop = new AbortController();
    const applied: RecordedEvent[] = [];
    const source = subscriptionSource(events, position, { maxBatchSize: 10, maxWaitMs: 5 });
    const running = runFeed(
      source,
      readModelPipeline(readModels, { retryPolicy: FAST, onApplied: (batch) => applied.push(...batch) }),
      { signal: stop.signal },
    );
    await events.append(agentStreamId('D-1'), [agentEvent('AgentRegistered', 'D-1')], 'no_stream');
    const deadline = Date.now() + 10_000;
    while (applied.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort();
    await source.close();

    expect(await running).toBe('stopped');
    // Only the event after the checkpoint came through the subscription.
    expect(applied.map(({ streamId }) => streamId)).toEqual([agentStreamId('D-1')]);
    expect(await readModels.checkpoint()).toMatchObject({ eventsApplied: 2, position: applied[0].position });
  });
});
