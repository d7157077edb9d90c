import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { AllSubscription, EventStore, Position } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import type { LingerOptions } from '@lib/feed-runtime';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_STORE } from '../event-store/tokens';
import { FeedHealth } from '../health/feed-health';
import { LOGGER } from '../logging/logger';
import { EmbeddedFeed, type EmbeddedProjectorState } from './embedded-feed';
import { ProjectionThread } from './projection-thread';
import { ReadModelConnection } from './read-model-connection';

export type { EmbeddedProjectorState } from './embedded-feed';

/**
 * In the API's thread: events per applyBatch (one read-model transaction) and how long a live batch waits for more.
 * Small, so that one batch never holds the event loop for long.
 */
const IN_PROCESS_BATCH: LingerOptions = { maxBatchSize: 500, maxWaitMs: 5 };
/**
 * In the worker thread the transactions can be bigger (cheaper per event) without holding up a request; measured
 * with `npm run bench:api` (DESIGN 7), the lag staying far below a second under the command mix.
 */
const WORKER_BATCH: LingerOptions = { maxBatchSize: 2000, maxWaitMs: 20 };
/** How often the worker's idle subscription looks for new events (the writer's commits are this thread's). */
const WORKER_POLL_INTERVAL_MS = 10;

/**
 * The embedded projection feed (DESIGN 1 and 5; EmbeddedFeed): runs only when KAFKA_BROKERS is unset; with Kafka the
 * projector app feeds the read models and the API only reads them.
 *
 * On the embedded SQLite stores (events and read models) the feed runs in a worker thread with its own connections
 * (ProjectionThread), so the projection uses the second core and the API's event loop serves requests; the reports
 * read the same file through ReadModelConnection (WAL: they see each committed batch). With EventStoreDB or
 * PostgreSQL read models (I/O bound, asynchronous drivers) it runs in the API's thread.
 *
 * Its state shows in readiness, the gRPC health of the ReportService and /metrics; a permanent failure of its
 * subscription is told to FeedHealth.
 */
@Injectable()
export class EmbeddedProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly feed: EmbeddedFeed | ProjectionThread | undefined;
  private currentState: EmbeddedProjectorState;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE) events: EventStore,
    readModels: ReadModelConnection,
    @Inject(LOGGER) logger: Logger,
    private readonly feedHealth: FeedHealth,
  ) {
    this.currentState = config.embeddedProjection ? 'starting' : 'disabled';
    if (!config.embeddedProjection) return;
    const onState = (state: EmbeddedProjectorState) => {
      if (this.currentState !== 'failed') this.currentState = state;
    };
    const onFailed = (reason: string) => {
      this.currentState = 'failed';
      this.feedHealth.failed('embeddedProjection', reason);
    };
    this.feed =
      events instanceof SqliteEventStore && readModels.kind === 'sqlite'
        ? new ProjectionThread({
            eventsFile: events.file,
            dataDir: config.dataDir,
            batching: WORKER_BATCH,
            pollIntervalMs: WORKER_POLL_INTERVAL_MS,
            logger,
            onState,
            onFailed,
          })
        : new EmbeddedFeed({
            events,
            readModels: () => readModels.storeOfAnyLayout(),
            logger,
            batching: IN_PROCESS_BATCH,
            onState,
            onFailed,
          });
  }

  get state(): EmbeddedProjectorState {
    return this.currentState;
  }

  /**
   * When the feed runs in a worker thread: `$all` read there, delivering only the events of the given types (see
   * ProjectionThread.subscribeToAll), for a reader of a few rare events (the orphan process manager). Undefined
   * otherwise: such a reader subscribes to the event store itself.
   */
  get workerSubscriptions():
    ((checkpoint: Position | null, eventTypes: readonly string[]) => AllSubscription) | undefined {
    const feed = this.feed;
    if (!(feed instanceof ProjectionThread)) return undefined;
    return (checkpoint, eventTypes) => feed.subscribeToAll(checkpoint, eventTypes);
  }

  onApplicationBootstrap(): void {
    this.feed?.start();
  }

  /** Stops the feed (and its worker) before the stores close (they close in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.feed?.stop();
    if (this.currentState !== 'disabled' && this.currentState !== 'failed') this.currentState = 'stopped';
  }
}
