import {
  isPermanentSubscriptionError,
  type EventStore,
  type Position,
  type SubscriptionError,
} from '@lib/event-sourcing';
import {
  DEFAULT_RETRY_POLICY,
  retry,
  RetryStopped,
  runFeed,
  subscriptionSource,
  type LingerOptions,
  type SubscriptionSource,
} from '@lib/feed-runtime';
import { ProjectionError, readModelPipeline, rebuildFromLog, type ReadModelStore } from '@lib/read-models';
import type { Logger } from 'pino';

/** `failed`: stopped for good, the event store refuses the subscription (see run). */
export type EmbeddedProjectorState = 'disabled' | 'starting' | 'running' | 'retrying' | 'stopped' | 'failed';

class ProjectorStopped extends Error {}

interface EmbeddedFeedOptions {
  readonly events: EventStore;
  /** The read models whatever the layout of their tables (an older layout is rebuilt first). */
  readonly readModels: () => Promise<ReadModelStore>;
  readonly logger: Logger;
  /** Events per applyBatch (one read-model transaction) and how long a live batch waits for more. */
  readonly batching: LingerOptions;
  /** Told every change of state. */
  readonly onState?: (state: EmbeddedProjectorState) => void;
  /** Told once, with the store's reason, when the event store refuses the subscription for good. */
  readonly onFailed?: (reason: string) => void;
}

/**
 * The embedded projection feed (DESIGN 1 and 5), without the framework: a catch-up subscription on the event store's
 * `$all` from the read models' own checkpoint, applied in batches with `applyBatch` (exactly once per stream
 * revision, so a restart or a retry re-applies nothing). EmbeddedProjector runs it in a worker thread of its own on
 * the embedded SQLite stores, in the API's thread otherwise.
 *
 * Every event goes to the store, the other streams' too (idempotency index streams): the store ignores them but
 * moves its checkpoint past them, so "caught up" means caught up with the whole log.
 *
 * Read models found in an older layout (an earlier release's tables) are first rebuilt from the log into fresh
 * tables and swapped in (`upgradeLayout`); the feed then carries on from the rebuilt checkpoint.
 *
 * Failures never reach the API: the feed logs them and retries with the feed runtime's backoff (0.2 s … 5 s). Except
 * one that retrying cannot mend: the event store refuses the subscription itself (a permanent SubscriptionError, e.g.
 * a checkpoint that is not an event boundary, or that belongs to another store). Then the feed stops (state `failed`)
 * with one error line, and readiness and the ReportService's gRPC health say why; commands and queries are served on.
 * An event the projections cannot apply (ProjectionError) is isolated by applying its batch event by event; the events
 * around it are applied, and after three attempts its stream is quarantined (logged as an error): that stream's
 * later events are passed over, since applying them without it would corrupt its rows, and every other stream
 * carries on. Every report's `caughtUp` counts the quarantined streams until `policyctl rebuild` (after a fix).
 */
export class EmbeddedFeed {
  private readonly stopSignal = new AbortController();
  private running: Promise<void> | undefined;
  private subscription: SubscriptionSource | undefined;
  private currentState: EmbeddedProjectorState = 'starting';

  constructor(private readonly options: EmbeddedFeedOptions) {}

  get state(): EmbeddedProjectorState {
    return this.currentState;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops the feed: resolves once no batch is being applied any more. */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.subscription?.close();
    await this.running;
    if (this.currentState !== 'failed') this.setState('stopped');
  }

  private get stopped(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private get logger(): Logger {
    return this.options.logger;
  }

  private setState(state: EmbeddedProjectorState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.options.onState?.(state);
  }

  /**
   * Subscribes from the read models' checkpoint and runs the feed; a failure resubscribes after a pause (the retry
   * policy's, counted afresh once a batch applied), except a permanent refusal of the subscription.
   */
  private async run(): Promise<void> {
    let checkpoint: Position | null = null;
    try {
      await retry(
        async (_attempt, progressed) => {
          try {
            const store = await this.options.readModels();
            await this.upgradeLayout(store);
            checkpoint = (await store.checkpoint()).position;
            this.subscription = subscriptionSource(this.options.events, checkpoint, this.options.batching);
            if (this.stopped) return;
            this.setState('running');
            this.logger.info({ after: checkpoint }, 'embedded projection subscribed to $all');
            const pipeline = this.pipeline(store, progressed);
            if ((await runFeed(this.subscription, pipeline, { signal: this.stopSignal.signal })) === 'ended') {
              throw new Error('the $all subscription ended');
            }
          } finally {
            await this.subscription?.close().catch(() => undefined);
            this.subscription = undefined;
          }
        },
        {
          policy: DEFAULT_RETRY_POLICY,
          signal: this.stopSignal.signal,
          shouldRetry: (error) =>
            !this.stopped && !(error instanceof ProjectorStopped) && !isPermanentSubscriptionError(error),
          onRetry: (error, attempt, retryInMs) => {
            this.setState('retrying');
            this.logger.warn(
              { err: error, attempt, retryInMs },
              'embedded projection failed; resubscribing after a pause',
            );
          },
        },
      );
    } catch (error) {
      if (this.stopped || error instanceof ProjectorStopped || error instanceof RetryStopped) return;
      if (isPermanentSubscriptionError(error)) this.fail(error, checkpoint);
    }
  }

  /**
   * The read models as the feed's sink: a batch that fails is retried until it applies or the feed stops; an event
   * the projections cannot apply is quarantined after its attempts (and logged as an error).
   */
  private pipeline(store: ReadModelStore, progressed: () => void) {
    return readModelPipeline(store, {
      retryPolicy: DEFAULT_RETRY_POLICY,
      onApplied: () => {
        progressed();
        if (this.currentState === 'retrying') this.setState('running');
      },
      onFailure: ({ error, failures, batch, retryInMs }) => {
        if (retryInMs === null) return;
        this.setState('retrying');
        const context = { err: error, attempt: failures, retryInMs, events: batch.length };
        if (error instanceof ProjectionError) {
          this.logger.error(
            { ...context, streamId: error.streamId, revision: error.revision, eventType: error.eventType },
            'embedded projection cannot apply an event; retrying it before quarantining its stream',
          );
        } else {
          this.logger.warn(context, 'embedded projection could not apply a batch; retrying');
        }
      },
      onQuarantine: (_event, error, quarantined) => {
        this.logger.error(
          { err: error, streamId: error.streamId, revision: error.revision, eventType: error.eventType },
          quarantined
            ? 'embedded projection cannot apply an event: its stream is quarantined (its later events are passed over until the read models are rebuilt)'
            : 'embedded projection cannot apply an event of a stream quarantined before (or applied meanwhile): passed over',
        );
        if (this.currentState === 'retrying') this.setState('running');
      },
    });
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
    const { events } = await rebuildFromLog(this.options.events, store, {
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
    this.setState('failed');
    this.options.onFailed?.(error.message);
    this.logger.error(
      { checkpoint, reason: error.message },
      'embedded projection stopped: the event store refuses its $all subscription, so the read models stay where ' +
        'they are (reports not ready) until the cause is fixed and the API restarted (a checkpoint the store does ' +
        'not know: `policyctl rebuild`)',
    );
  }
}
