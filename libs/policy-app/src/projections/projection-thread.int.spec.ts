import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SubscriptionError, type RecordedEvent } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { agentStreamId } from '@lib/policy-domain';
import { loadConfig } from '../config/app-config';
import { FeedHealth } from '../health/feed-health';
import { EmbeddedProjector } from './embedded-projector';
import { ReadModelConnection } from './read-model-connection';

/** On the embedded SQLite stores the projection runs in a worker thread: the API's event loop never applies a batch. */
describe('EmbeddedProjector on SQLite: the projection thread', () => {
  const AGENTS = 3_000;
  let dir: string;
  let events: SqliteEventStore;
  let connection: ReadModelConnection;
  let projector: EmbeddedProjector;
  let logLines: Record<string, unknown>[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projection-thread-'));
    events = await SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    logLines = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    const config = loadConfig({ DATA_DIR: dir, API_KEYS: 'a:0123456789abcdef:admin' });
    connection = new ReadModelConnection(config, logger);
    projector = new EmbeddedProjector(config, events, connection, logger, new FeedHealth());
  });
  afterEach(async () => {
    await projector.beforeApplicationShutdown();
    await connection.onApplicationShutdown();
    await events.close();
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

  async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sleeps this thread without returning to its event loop: no timer, message or I/O callback runs meanwhile. */
  const blockThisThread = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

  it('3,000 events are projected while the API thread is blocked from the moment it started the feed', async () => {
    await Promise.all(Array.from({ length: AGENTS }, (_, index) => registerAgent(`AG-${index}`)));
    const readModels = await connection.store();
    expect((await readModels.checkpoint()).eventsApplied).toBe(0);

    projector.onApplicationBootstrap();
    // From here on only this thread's microtasks run (awaiting a synchronous SQLite read): were the feed on this
    // thread, its subscription, batches and transactions could not move at all.
    const deadline = Date.now() + 30_000;
    let applied = 0;
    while (applied < AGENTS && Date.now() < deadline) {
      blockThisThread(20);
      applied = (await readModels.checkpoint()).eventsApplied;
    }

    expect(applied).toBe(AGENTS);
    expect((await readModels.streamRevisions([agentStreamId('AG-0'), agentStreamId('AG-2999')])).size).toBe(2);
    // The worker's log lines come out of this thread's logger, once its messages are read.
    await until(() => logLines.some((line) => line.msg === 'embedded projection subscribed to $all'));
    expect(projector.state).toBe('running');
  });

  it('shutdown stops the worker: state stopped, and events appended afterwards stay unprojected', async () => {
    projector.onApplicationBootstrap();
    await until(() => projector.state === 'running');
    await registerAgent('AG-BEFORE');
    const readModels = await connection.store();
    const deadline = Date.now() + 10_000;
    while ((await readModels.checkpoint()).eventsApplied < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    await projector.beforeApplicationShutdown();
    await registerAgent('AG-AFTER');
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(projector.state).toBe('stopped');
    expect((await readModels.checkpoint()).eventsApplied).toBe(1);
  });

  it('a forwarded subscription delivers only the wanted types, at their log positions, and ends when the worker stops', async () => {
    await registerAgent('AG-1');
    const departed = await events.append(
      agentStreamId('AG-1'),
      [
        {
          eventId: crypto.randomUUID(),
          type: 'AgentDeparted',
          data: { agentId: 'AG-1', departedOn: '2026-06-20', reason: 'RESIGNED', reassignment: 'MANUAL' },
          metadata: { recordedAt: '2026-06-20T08:00:00.000Z', schemaVersion: 1 },
        },
      ],
      0,
    );
    await registerAgent('AG-2');
    projector.onApplicationBootstrap();

    const subscription = projector.workerSubscriptions!(null, ['AgentDeparted']);
    const delivered: RecordedEvent[] = [];
    const ended = (async () => {
      for await (const event of subscription) delivered.push(event);
    })().then(
      () => 'ended without an error',
      (error: unknown) => error,
    );
    await until(() => delivered.length === 1);
    await projector.beforeApplicationShutdown();

    const error = await ended;
    expect(error).toBeInstanceOf(SubscriptionError);
    expect(error).toMatchObject({ transient: true });
    expect(delivered).toEqual([
      expect.objectContaining({
        streamId: agentStreamId('AG-1'),
        revision: 1,
        type: 'AgentDeparted',
        position: departed.position,
        data: expect.objectContaining({ agentId: 'AG-1', reassignment: 'MANUAL' }),
      }),
    ]);
  });
});
