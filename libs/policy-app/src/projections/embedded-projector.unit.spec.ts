import pino from 'pino';
import { SubscriptionError } from '@lib/event-sourcing';
import { ScriptedSubscriptions } from '@lib/event-sourcing/testing';
import type { ReadModelStore } from '@lib/read-models';
import { loadConfig } from '../config/app-config';
import type { EventStoreHandle } from '../event-store/event-store.module';
import { FeedHealth } from '../health/feed-health';
import { checkReadiness } from '../health/readiness';
import { EmbeddedProjector } from './embedded-projector';
import type { ReadModelConnection } from './read-model-connection';

/** The embedded feed when its subscription fails: a transient failure is resubscribed, a permanent one stops it. */
describe('EmbeddedProjector, when the event store ends its subscription', () => {
  const CHECKPOINT = '00000000000000000012-00000000000000000012';
  const invalidPosition = new SubscriptionError(
    false,
    'The $all subscription ended with an error that is not retried: INVALID_ARGUMENT: Trying to read from an invalid position.',
  );
  const unreachable = new SubscriptionError(true, 'The $all subscription failed 10 times in a row: UNAVAILABLE');

  let logLines: Record<string, unknown>[];
  let feedHealth: FeedHealth;
  const readModelStore = {
    checkpoint: async () => ({ position: CHECKPOINT, lastRecordedAt: null, eventsApplied: 3, quarantinedStreams: 0 }),
    layout: async () => ({ stored: 'p1.current', current: 'p1.current', upToDate: true }),
  } as unknown as ReadModelStore;
  const readModels = {
    kind: 'sqlite',
    store: async () => readModelStore,
    storeOfAnyLayout: async () => readModelStore,
  } as unknown as ReadModelConnection;

  beforeEach(() => {
    logLines = [];
    feedHealth = new FeedHealth();
  });

  function projector(events: ScriptedSubscriptions): EmbeddedProjector {
    const config = loadConfig({ DATA_DIR: '/nonexistent', API_KEYS: 'a:0123456789abcdef:admin' });
    const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    return new EmbeddedProjector(config, events, readModels, logger, feedHealth);
  }

  async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('transient (the store out of reach) → resubscribed from the checkpoint after a pause; it keeps running', async () => {
    const events = new ScriptedSubscriptions([{ failWith: unreachable }]);
    const feed = projector(events);

    feed.onApplicationBootstrap();
    try {
      await until(() => events.subscribedAfter.length === 2);
      await until(() => feed.state === 'running');
      expect(events.subscribedAfter).toEqual([CHECKPOINT, CHECKPOINT]);
      expect(feedHealth.failureOf('embeddedProjection')).toBeUndefined();
      expect(logLines.filter((line) => line.level === 50)).toEqual([]);
    } finally {
      await feed.beforeApplicationShutdown();
    }
  });

  it('permanent (the store refuses the checkpoint) → stopped with one error line, readiness false with the reason', async () => {
    const events = new ScriptedSubscriptions([{ failWith: invalidPosition }]);
    const feed = projector(events);

    feed.onApplicationBootstrap();
    await until(() => feed.state === 'failed');
    // Longer than the first retry pause (0.2 s): no second subscription.
    await new Promise((resolve) => setTimeout(resolve, 700));

    expect(events.subscribedAfter).toEqual([CHECKPOINT]);
    const errors = logLines.filter((line) => (line.level as number) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        checkpoint: CHECKPOINT,
        reason: invalidPosition.message,
        msg: expect.stringContaining('embedded projection stopped'),
      }),
    ]);
    expect(JSON.stringify(errors[0])).not.toContain('    at ');
    const eventStore = {
      mode: 'eventstoredb',
      checkReady: async () => undefined,
      checkWritable: async () => undefined,
    } as unknown as EventStoreHandle;
    const readiness = await checkReadiness(eventStore, readModels, feedHealth);
    expect(readiness).toMatchObject({
      ready: false,
      eventStore: { readable: { ok: true }, writable: { ok: true } },
      readModels: { reachable: { ok: true } },
      feeds: {
        embeddedProjection: { ok: false, detail: invalidPosition.message },
        orphanReassignment: { ok: true },
      },
    });
    await feed.beforeApplicationShutdown();
    expect(feed.state).toBe('failed');
  });

  it('a checkpoint the store cannot read at all (another store’s position) → stopped as well', async () => {
    const events = new ScriptedSubscriptions([]);
    events.subscribeToAll = () => {
      throw new TypeError('Not a position of this store: "00000000000000000012-00000000000000000012"');
    };
    const feed = projector(events);

    feed.onApplicationBootstrap();
    await until(() => feed.state === 'failed');

    expect(feedHealth.failureOf('embeddedProjection')).toMatch(/cannot subscribe after checkpoint .*Not a position/);
    await feed.beforeApplicationShutdown();
  });
});
