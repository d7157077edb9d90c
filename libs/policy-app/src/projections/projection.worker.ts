/**
 * The embedded projection's worker thread (started by ProjectionThread): runs EmbeddedFeed on connections of its own
 * — the event store's file opened for reading, the read models' file — so that neither the `$all` reads nor the
 * SQLite upserts take the API's event loop. Logs, state and a permanent failure go to the API thread as messages; on
 * `stop` it stops the feed, closes both connections, says `stopped` and ends.
 *
 * It also reads `$all` for a reader in the API thread that wants only a few event types (the orphan process manager,
 * `subscribe`): every event is read here, their `data` left as text, and only the wanted ones are parsed and posted.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isPermanentSubscriptionError, type Position, type RawAllSubscription } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { SqliteReadModelStore } from '@lib/read-models';
import pino from 'pino';
import { EmbeddedFeed } from './embedded-feed';
import type { ProjectionWorkerData, ProjectionWorkerMessage, ProjectionWorkerRequest } from './projection-thread';

if (parentPort === null) throw new Error('projection.worker must run in a worker thread');
const port = parentPort;
const settings = workerData as ProjectionWorkerData;
const post = (message: ProjectionWorkerMessage) => port.postMessage(message);

const logger = pino({ level: settings.logLevel }, { write: (line: string) => post({ kind: 'log', line }) });
const events = SqliteEventStore.openForReading({ path: settings.eventsFile, pollIntervalMs: settings.pollIntervalMs });
let readModels: SqliteReadModelStore | undefined;

const feed = new EmbeddedFeed({
  events,
  // Opened on first use, as the API thread's ReadModelConnection does: a failed open is retried by the feed.
  readModels: async () => (readModels ??= SqliteReadModelStore.open({ dataDir: settings.dataDir })),
  logger,
  batching: settings.batching,
  onState: (state) => post({ kind: 'state', state }),
  onFailed: (reason) => post({ kind: 'failed', reason }),
});

/** The forwarded subscriptions (`subscribe`), by the API thread's id for them. */
const forwarded = new Map<number, RawAllSubscription>();

/** Reads `$all` after `after` and posts the events of `eventTypes` (parsed) until unsubscribed or failed. */
async function forward(id: number, after: Position | null, eventTypes: readonly string[]): Promise<void> {
  let subscription: RawAllSubscription;
  try {
    subscription = events.subscribeToAllRaw(after === null ? {} : { after });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    post({
      kind: 'feed-ended',
      id,
      transient: false,
      reason: `The event store cannot subscribe after ${after}: ${reason}`,
    });
    return;
  }
  forwarded.set(id, subscription);
  const wanted = new Set(eventTypes);
  try {
    for await (const { dataJson, ...event } of subscription) {
      if (wanted.has(event.type)) post({ kind: 'feed-event', id, event: { ...event, data: JSON.parse(dataJson) } });
    }
    post({ kind: 'feed-ended', id, transient: true, reason: 'the $all subscription ended' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    post({ kind: 'feed-ended', id, transient: !isPermanentSubscriptionError(error), reason });
  } finally {
    forwarded.delete(id);
  }
}

port.on('message', (request: ProjectionWorkerRequest) => {
  if (request.kind === 'subscribe') {
    void forward(request.id, request.after, request.eventTypes);
    return;
  }
  if (request.kind === 'unsubscribe') {
    void forwarded.get(request.id)?.close();
    return;
  }
  void (async () => {
    await Promise.all([...forwarded.values()].map((subscription) => subscription.close()));
    await feed.stop();
    await readModels?.close();
    await events.close();
    post({ kind: 'stopped' });
    port.close();
  })();
});

post({ kind: 'state', state: feed.state });
feed.start();
