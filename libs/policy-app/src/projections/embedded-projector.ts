import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  isPermanentSubscriptionError,
  subscribeFromCheckpoint,
  type AllSubscription,
  type EventStore,
  type Position,
  type RecordedEvent,
  type SubscriptionError,
} from '@lib/event-sourcing';
import { ProjectionError, rebuildFromLog, type ReadModelStore } from '@lib/read-models';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_STORE } from '../event-store/tokens';
import { FeedHealth } from '../health/feed-health';
import { LOGGER } from '../logging/logger';
import { batchEvents } from './event-batches';
import { ReadModelConnection } from './read-model-connection';

/** Events per applyBatch (one read-model transaction) and how long a live batch waits for more. */
const PROJECTION_BATCH = { maxBatchSize: 500, maxWaitMs: 5 } as const;
/** Retry delays: 0.5 s, doubling, at most 30 s. */
const BACKOFF_MS = { first: 500, max: 30_000 } as const;
/** Attempts for an event the projections cannot apply before its stream is quarantined (0.5 s and 1 s apart). */
const POISON_ATTEMPTS = 3;

/** `failed`: stopped for good, the event store refuses the subscription (see run). */
export type EmbeddedProjectorState = 'disabled' | 'starting' | 'running' | 'retrying' | 'stopped' | 'failed';

class ProjectorStopped extends Error {}

function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MS.max, BACKOFF_MS.first * 2 ** Math.max(0, attempt - 1));
}

/**
 * The embedded projection feed (DESIGN 1 and 5): in the API process, a catch-up subscription on the event store's
 * `$all` from the read models' own checkpoint, applied in batches with `applyBatch` (exactly once per stream
 * revision, so a restart or a retry re-applies nothing). Runs only when KAFKA_BROKERS is unset; with Kafka the
 * projector app feeds the read models and the API only reads them.
 *
 * Every event goes to the store, the other streams' too (idempotency index streams): the store ignores them but
 * moves its checkpoint past them, so "caught up" means caught up with the whole log.
 *
 * Read models found in an older layout (an earlier release's tables) are first rebuilt from the log into fresh
 * tables and swapped in (`upgradeLayout`); the feed then carries on from the rebuilt checkpoint.
 *
 * Failures never reach the API: the feed logs them and retries with backoff (0.5 s … 30 s). Except one that retrying
 * cannot mend: the event store refuses the subscription itself (a permanent SubscriptionError, e.g. a checkpoint that
 * is not an event boundary, or that belongs to another store). Then the feed stops (state `failed`) with one error
 * line, and readiness and the ReportService's gRPC health say why; commands and queries are served on. An event the
 * projections cannot apply (ProjectionError) is isolated by applying its batch event by event; the events around it
 * are applied, and after POISON_ATTEMPTS attempts its stream is quarantined (logged as an error): that stream's
 * later events are passed over, since applying them without it would corrupt its rows, and every other stream
 * carries on. Every report's `caughtUp` counts the quarantined streams until `policyctl rebuild` (after a fix).
 */
@Injectable()
export class EmbeddedProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopSignal = new AbortController();
  private running: Promise<void> | undefined;
  private subscription: AllSubscription | undefined;
  private currentState: EmbeddedProjectorState;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly readModels: ReadModelConnection,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly feedHealth: FeedHealth,
  ) {
    this.currentState = config.embeddedProjection ? 'starting' : 'disabled';
  }

  get state(): EmbeddedProjectorState {
    return this.currentState;
  }

  onApplicationBootstrap(): void {
    if (!this.config.embeddedProjection || this.running !== undefined) return;
    this.running = this.run();
  }

  /** Stops the feed before the stores close (they close in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopSignal.abort();
    await this.subscription?.close();
    await this.running;
    if (this.currentState !== 'disabled' && this.currentState !== 'failed') this.currentState = 'stopped';
  }

  private get stopped(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let checkpoint: Position | null = null;
      try {
        const store = await this.readModels.storeOfAnyLayout();
        await this.upgradeLayout(store);
        const { position } = await store.checkpoint();
        checkpoint = position;
        this.subscription = subscribeFromCheckpoint(this.events, position);
        if (this.stopped) break;
        this.currentState = 'running';
        this.logger.info({ after: position }, 'embedded projection subscribed to $all');
        for await (const batch of batchEvents(this.subscription, PROJECTION_BATCH)) {
          await this.applyWithRetry(store, batch);
          failures = 0;
        }
        if (!this.stopped) throw new Error('the $all subscription ended');
      } catch (error) {
        if (this.stopped || error instanceof ProjectorStopped) break;
        if (isPermanentSubscriptionError(error)) {
          this.fail(error, checkpoint);
          break;
        }
        failures++;
        this.currentState = 'retrying';
        this.logger.warn(
          { err: error, attempt: failures, retryInMs: backoffMs(failures) },
          'embedded projection failed; resubscribing after a pause',
        );
        await this.pause(backoffMs(failures)).catch(() => undefined);
      } finally {
        await this.subscription?.close().catch(() => undefined);
        this.subscription = undefined;
      }
    }
  }

  /**
   * Read models of another layout (an older release's tables, or tables from before layout versions) are rebuilt
   * from the event log into fresh tables of this release's layout and swapped in before the feed subscribes (state
   * `starting` meanwhile; reports answer 503 until the swap, see ReadModelConnection). A failed rebuild drops its
   * tables and is retried like any other failure of the feed.
   */
  private async upgradeLayout(store: ReadModelStore): Promise<void> {
    const layout = await store.layout();
    if (layout.upToDate) return;
    const startedAt = performance.now();
    this.logger.warn(
      { storedLayout: layout.stored, layout: layout.current },
      'read models have an older layout: rebuilding them from the event log into fresh tables, swapped in when ' +
        'done (reports answer 503 until then)',
    );
    const { events } = await rebuildFromLog(this.events, store, {
      checkStop: () => {
        if (this.stopped) throw new ProjectorStopped();
      },
      onQuarantine: (event, reason) =>
        this.logger.error(
          { streamId: event.streamId, revision: event.revision, eventType: event.type, reason },
          'read-model rebuild cannot apply an event: its stream is quarantined in the rebuilt read models',
        ),
    });
    this.logger.info(
      { events, layout: layout.current, seconds: Math.round(performance.now() - startedAt) / 1000 },
      'read models rebuilt in the current layout and swapped in',
    );
  }

  /** The event store will refuse the subscription again: stop, and say so once (log, readiness, gRPC health). */
  private fail(error: SubscriptionError, checkpoint: Position | null): void {
    this.currentState = 'failed';
    this.feedHealth.failed('embeddedProjection', error.message);
    this.logger.error(
      { checkpoint, reason: error.message },
      'embedded projection stopped: the event store refuses its $all subscription, so the read models stay where ' +
        'they are (reports not ready) until the cause is fixed and the API restarted (a checkpoint the store does ' +
        'not know: `policyctl rebuild`)',
    );
  }

  /** Applies the batch, retrying with backoff until it is applied or the feed stops. */
  private async applyWithRetry(store: ReadModelStore, batch: readonly RecordedEvent[]): Promise<void> {
    // Only ProjectionErrors count towards the quarantine: a database blip says nothing about the event.
    let projectionFailures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await store.applyBatch(batch);
        if (this.currentState === 'retrying') this.currentState = 'running';
        return;
      } catch (error) {
        if (this.stopped) throw new ProjectorStopped();
        if (error instanceof ProjectionError && batch.length > 1) {
          for (const event of batch) await this.applyWithRetry(store, [event]);
          return;
        }
        if (error instanceof ProjectionError && ++projectionFailures >= POISON_ATTEMPTS) {
          const quarantined = await store.quarantineStream(batch[0], error.reason, { moveCheckpoint: true });
          this.logger.error(
            { err: error, streamId: error.streamId, revision: error.revision, eventType: error.eventType, attempt },
            quarantined
              ? 'embedded projection cannot apply an event: its stream is quarantined (its later events are passed over until the read models are rebuilt)'
              : 'embedded projection cannot apply an event of a stream quarantined before (or applied meanwhile): passed over',
          );
          if (this.currentState === 'retrying') this.currentState = 'running';
          return;
        }
        this.currentState = 'retrying';
        const context = { err: error, attempt, retryInMs: backoffMs(attempt), events: batch.length };
        if (error instanceof ProjectionError) {
          this.logger.error(
            { ...context, streamId: error.streamId, revision: error.revision, eventType: error.eventType },
            'embedded projection cannot apply an event; retrying it before quarantining its stream',
          );
        } else {
          this.logger.warn(context, 'embedded projection could not apply a batch; retrying');
        }
        await this.pause(backoffMs(attempt));
      }
    }
  }

  /** @throws ProjectorStopped when the feed is stopped during the pause. */
  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopSignal.signal });
    } catch {
      throw new ProjectorStopped();
    }
  }
}
