import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { agentStreamId } from '@lib/policy-domain';
import { SqliteReadModelStore, type ReadModelReader } from '@lib/read-models';
import { ReadModelCatchUp, ReadModelCatchUpTimeoutError } from './read-model-catch-up';

/**
 * "Caught up" on a real SQLite event store and read models, with events applied the way the Kafka projector may
 * apply them: partitions in any order, so a later log position can be applied before an earlier one.
 */
describe('ReadModelCatchUp', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  let catchUp: ReadModelCatchUp;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-catch-up-'));
    events = await SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    readModels = SqliteReadModelStore.open({ dataDir: dir });
    catchUp = new ReadModelCatchUp(events, async () => readModels);
  });
  afterEach(async () => {
    await events.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const metadata = { recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion: 1 };

  async function registerAgent(agentId: string): Promise<RecordedEvent> {
    await events.append(
      agentStreamId(agentId),
      [
        {
          eventId: crypto.randomUUID(),
          type: 'AgentRegistered',
          data: { agentId, name: agentId, role: 'SERVICING', branchCode: 'SH-001', region: 'EAST' },
          metadata,
        },
      ],
      'no_stream',
    );
    const [recorded] = await events.readStream(agentStreamId(agentId));
    return recorded;
  }

  /** An event of a stream the read models never project (the relay never publishes it either). */
  const writeIdempotencyKey = (key: string) =>
    events.append(
      `idempotency-${key}`,
      [{ eventId: crypto.randomUUID(), type: 'IdempotencyKeyBound', data: { key }, metadata }],
      'no_stream',
    );

  /** Settles the wait's promise into a flag, to look at it without awaiting. */
  function track(wait: Promise<void>) {
    const state = { settled: false, error: undefined as unknown };
    const done = wait.then(
      () => void (state.settled = true),
      (error: unknown) => void Object.assign(state, { settled: true, error }),
    );
    return { state, done };
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('a quarantined stream does not hold the wait: the read models will not apply it until a rebuild', async () => {
    const registered = await registerAgent('AG-Q');
    await events.append(
      agentStreamId('AG-Q'),
      [{ eventId: crypto.randomUUID(), type: 'AgentTeleported', data: {}, metadata }],
      0,
    );
    const [, poison] = await events.readStream(agentStreamId('AG-Q'));
    const other = await registerAgent('AG-R');
    await readModels.applyBatch([registered, other]);

    const wait = track(catchUp.waitUntilCaughtUp(5_000));
    await pause(100);
    expect(wait.state.settled).toBe(false);

    await readModels.quarantineStream(poison, 'unknown event type AgentTeleported');
    await wait.done;
    expect(wait.state.error).toBeUndefined();
  });

  it('a later event of stream B applied before an earlier one of stream A: not caught up until A is applied', async () => {
    const earlierOfA = await registerAgent('AG-A');
    const laterOfB = await registerAgent('AG-B');
    await readModels.applyBatch([laterOfB]);
    expect((await readModels.checkpoint()).position).toBe(laterOfB.position);

    const wait = track(catchUp.waitUntilCaughtUp(5_000));
    await pause(200);
    expect(wait.state.settled).toBe(false);

    await readModels.applyBatch([earlierOfA]);
    await wait.done;
    expect(wait.state).toEqual({ settled: true, error: undefined });
  });

  it('a stream that stays behind times out naming it, though the checkpoint is past its position', async () => {
    await registerAgent('AG-A');
    const laterOfB = await registerAgent('AG-B');
    await readModels.applyBatch([laterOfB]);

    const error: unknown = await catchUp.waitUntilCaughtUp(100).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ReadModelCatchUpTimeoutError);
    expect(error).toMatchObject({ reached: laterOfB.position, streamsBehind: ['agent-AG-A'] });
  });

  it('events of streams the read models do not project are not waited for', async () => {
    const agent = await registerAgent('AG-A');
    await writeIdempotencyKey('k-1');
    await readModels.applyBatch([agent]);

    await expect(catchUp.waitUntilCaughtUp(1_000)).resolves.toBeUndefined();
  });

  it('once verified, a later wait asks only about the streams written since', async () => {
    const asked: string[][] = [];
    const watched = {
      checkpoint: () => readModels.checkpoint(),
      streamRevisions: (streamIds: readonly string[]) => {
        asked.push([...streamIds]);
        return readModels.streamRevisions(streamIds);
      },
    } as Pick<ReadModelReader, 'checkpoint' | 'streamRevisions'> as ReadModelReader;
    const watching = new ReadModelCatchUp(events, async () => watched);
    await readModels.applyBatch([await registerAgent('AG-A'), await registerAgent('AG-B')]);
    await watching.waitUntilCaughtUp(1_000);
    expect(asked).toEqual([['agent-AG-A', 'agent-AG-B']]);

    asked.length = 0;
    await readModels.applyBatch([await registerAgent('AG-C')]);
    await watching.waitUntilCaughtUp(1_000);

    expect(asked).toEqual([['agent-AG-C']]);
  });
});
