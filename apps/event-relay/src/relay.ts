/**
 * The event relay (DESIGN 5): a catch-up subscription on the event store's `$all` from a durable checkpoint →
 * CloudEvents on `policy.events.v1` / `agent.events.v1` / `product.events.v1`, keyed by stream id.
 *
 * At-least-once: a batch (up to RELAY_BATCH_SIZE events, or what arrived within RELAY_LINGER_MS) is published with
 * the idempotent producer (acks = all); only after Kafka acknowledged all of it does the checkpoint advance to the
 * batch's last position. A crash in between republishes that batch after the restart: duplicates on the topic,
 * never a gap; the projector skips revisions it already applied. Streams other than `policy-*` and `agent-*` (e.g.
 * the API's `idempotency-*` records) are not published but still move the checkpoint.
 *
 * Where the store offers raw events (the port's optional `subscribeToAllRaw`: `data` as the stored JSON text; the
 * embedded store does) the relay reads those, and the publisher splices that text into the CloudEvent as it is: no
 * JSON.parse / JSON.stringify of `data` per event. Otherwise (EventStoreDB) it uses `subscribeToAll`; both give the
 * same CloudEvent bytes.
 *
 * Kafka unreachable: the batch in hand is retried with backoff until Kafka takes it (commands are unaffected: they
 * only touch the event store); the subscription is not read meanwhile, so the backlog stays in the store. Every
 * third failed attempt starts a new producer (a new producer id: kafkajs does not recover from sequence errors).
 *
 * An event that can never be a CloudEvent (no recordedAt, a type that is no identifier: written by another tool) is
 * logged, counted (relay_events_unpublishable_total) and left out, so it does not stop the feed; downstream the
 * projector finds the gap in that stream and quarantines it. A topic with another partition count than configured
 * stops the relay (state `failed`, health 503, the process exits 1): that needs an operator, not a retry. So does an
 * event store that refuses the subscription itself (a permanent SubscriptionError, e.g. a checkpoint that is not an
 * event boundary, or one of another store); a subscription that drops (a transient one) is resubscribed after the
 * checkpoint, with backoff. On a shared EventStoreDB, other applications' events in `policy-*` / `agent-*` streams are
 * passed over, counted (relay_foreign_events_total) and logged at most once a minute.
 */
import pino, { type Logger } from 'pino';
import { type Registry } from 'prom-client';
import {
  isPermanentSubscriptionError,
  subscribeFromCheckpoint,
  type EventStore,
  type Position,
} from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import {
  createKafka,
  ensureTopics,
  EventPublisher,
  STREAM_CATEGORIES,
  TopicPartitionMismatchError,
  type CloudEventMappingError,
  type KafkaClient as Kafka,
  type PublishableEvent,
} from '@lib/kafka';
import {
  DEFAULT_RETRY_POLICY,
  lingerBatches,
  pause,
  retry,
  retryDelayMs,
  RetryStopped,
  type RetryPolicy,
} from '@lib/feed-runtime';
import { createCheckpointStore, type CheckpointStore } from '@lib/read-models';
import {
  counterReading,
  createMetricsRegistry,
  gaugeReading,
  startWorkerHttp,
  type WorkerHttpServer,
} from '@lib/worker-runtime';
import { type RelayConfig } from './relay-config';

type RelayState = 'running' | 'waiting-for-kafka' | 'stopping' | 'stopped' | 'failed';

interface RelayStatus {
  readonly state: RelayState;
  /** Events acknowledged by Kafka since start (a republished batch counts again). */
  readonly published: number;
  /** Events of streams that are not published (idempotency records and the like). */
  readonly notPublished: number;
  /** Events left out because they cannot be CloudEvents (logged with their ids). */
  readonly unpublishable: number;
  readonly batches: number;
  /** Last position whose batch Kafka acknowledged. */
  readonly position: Position | null;
  /** Last position durably saved (what a restart resumes after). */
  readonly savedCheckpoint: Position | null;
  /** recordedAt of the last published event and how long ago that was when it was published. */
  readonly lastRecordedAt: string | null;
  readonly lagMs: number | null;
  readonly publishFailures: number;
  readonly lastError: string | null;
}

interface RelayOptions {
  /** Default: JSON lines on stdout at the configured level. */
  readonly logger?: Logger;
  /** Called after each batch Kafka acknowledged (the benchmark measures stage rates with it). */
  readonly onPublished?: (events: readonly PublishableEvent[]) => void;
  /** How long `stop()` waits for a batch Kafka does not take before abandoning it; default 10 000 ms. */
  readonly stopTimeoutMs?: number;
  /** Called once when the relay stops relaying for good (state `failed`); the process should exit non-zero. */
  readonly onFailed?: (error: unknown) => void;
  /** The event store to relay from, opened by the caller (tests); default: the configuration's. Closed on stop. */
  readonly eventStore?: EventStore;
}

export interface RelayHandle {
  readonly httpPort: number;
  status(): RelayStatus;
  /** Graceful: finishes the batch in hand, saves the checkpoint, disconnects. Idempotent. */
  stop(): Promise<void>;
}

const PUBLISHED_PREFIXES = STREAM_CATEGORIES.map((category) => `${category}-`);
/** The feed runtime's policy, from 0.1 s: a relay is the head of the feed, and Kafka blips are short. */
const RELAY_RETRY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 100 };
/** Failed publish attempts in a row after which the producer is replaced (a new producer id). */
const FAILURES_BEFORE_NEW_PRODUCER = 3;

function isPublished(event: PublishableEvent): boolean {
  return PUBLISHED_PREFIXES.some((prefix) => event.streamId.startsWith(prefix));
}

export function createRelayLogger(config: Pick<RelayConfig, 'logLevel'>): Logger {
  return pino(
    { level: config.logLevel, base: { service: 'event-relay' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false }),
  );
}

interface OpenedEventStore {
  readonly store: EventStore;
  /** Other applications' events the store passed over (a shared EventStoreDB); 0 for the embedded store. */
  readonly foreignEventsPassedOver: () => number;
  /** Logs the foreign events counted since the last line; before the store closes. */
  readonly flushForeignEvents: () => void;
}

async function openEventStore(config: RelayConfig, logger: Logger): Promise<OpenedEventStore> {
  if (config.eventStore.kind === 'esdb') {
    // Loaded only in this mode, so the embedded relay does not pay for the gRPC client.
    const { EsdbEventStore, ForeignEventReporter } = await import('@lib/eventstore-esdb');
    const foreignEvents = new ForeignEventReporter(({ count, total, first }) =>
      logger.warn(
        {
          passedOver: count,
          total,
          example: `${first.streamId}@${first.revision} (${first.type}): ${first.reason}`,
        },
        'passed over events that are not of this application (another application writes to the shared ' +
          'EventStoreDB): not published',
      ),
    );
    const store = EsdbEventStore.connect(config.eventStore.connectionString, {
      streamPrefixes: PUBLISHED_PREFIXES,
      onForeignEvent: foreignEvents.onForeignEvent,
    });
    return {
      store,
      foreignEventsPassedOver: () => store.foreignEventsPassedOver,
      flushForeignEvents: () => foreignEvents.flush(),
    };
  }
  const store = await SqliteEventStore.open({ path: config.eventStore.path, pollIntervalMs: config.pollIntervalMs });
  return { store, foreignEventsPassedOver: () => 0, flushForeignEvents: () => undefined };
}

/** Opens the event store, the checkpoint store and the producer, serves /health, and starts relaying. */
export async function startRelay(config: RelayConfig, options: RelayOptions = {}): Promise<RelayHandle> {
  const logger = options.logger ?? createRelayLogger(config);
  const checkpoints = await createCheckpointStore(config.checkpointStore);
  let eventStore: OpenedEventStore;
  try {
    eventStore = options.eventStore
      ? { store: options.eventStore, foreignEventsPassedOver: () => 0, flushForeignEvents: () => undefined }
      : await openEventStore(config, logger);
  } catch (error) {
    await checkpoints.close();
    throw error;
  }
  const relay = new Relay(config, options, logger, eventStore, checkpoints);
  try {
    await relay.start();
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return relay;
}

class Relay implements RelayHandle {
  private readonly kafka: Kafka;
  /** The relay's families (read from its status at scrape time) and the process's runtime metrics. */
  private readonly registry: Registry;
  private publisher: EventPublisher;
  private http: WorkerHttpServer | undefined;
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopRequested = false;
  private closeSubscription: (() => Promise<void>) | undefined;
  private topicsReady = false;
  private progressTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private readonly stopSignal = new AbortController();
  private saving: Promise<void> = Promise.resolve();
  private saveRunning = false;
  private saveRequested = false;
  /** Events of the batch in hand left out as unpublishable, by id (a retried batch reports them once). */
  private readonly unpublishableIds = new Set<string>();
  private unpublishable = 0;

  private state: RelayState = 'running';
  private published = 0;
  private notPublished = 0;
  private batches = 0;
  private position: Position | null = null;
  private savedCheckpoint: Position | null = null;
  private lastSaveAt = 0;
  private lastRecordedAt: string | null = null;
  private lagMs: number | null = null;
  private publishFailures = 0;
  private lastError: string | null = null;
  private publishedAtLastProgress = 0;

  constructor(
    private readonly config: RelayConfig,
    private readonly options: RelayOptions,
    private readonly logger: Logger,
    private readonly opened: OpenedEventStore,
    private readonly checkpoints: CheckpointStore,
  ) {
    this.kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'event-relay', logger, logLevel: 'error' });
    this.publisher = new EventPublisher(this.kafka, { topics: config.topics });
    this.registry = this.createMetrics();
  }

  get httpPort(): number {
    return this.http?.port ?? 0;
  }

  async start(): Promise<void> {
    this.position = await this.checkpoints.load(this.config.checkpointName);
    this.savedCheckpoint = this.position;
    this.http = await startWorkerHttp(this.config.httpPort, {
      health: () => {
        const status = this.status();
        return {
          healthy: status.state !== 'failed' && status.state !== 'stopped',
          body: { status: status.state, ...status },
        };
      },
      metrics: () => this.registry.metrics(),
    });
    this.logger.info(
      {
        checkpoint: this.position,
        topics: this.config.topics,
        eventStore: this.config.eventStore.kind,
        checkpointStore: this.config.checkpointStore.kind,
        httpPort: this.http.port,
      },
      `event-relay started after position ${this.position ?? '(beginning)'}`,
    );
    this.progressTimer = setInterval(() => this.logProgress(), this.config.progressIntervalMs).unref();
    this.running = this.run().catch((error: unknown) => {
      this.state = 'failed';
      this.lastError = describe(error);
      if (isPermanentSubscriptionError(error)) {
        // What the store said is the whole story: one line, no stack.
        this.logger.fatal(
          { checkpoint: this.position, reason: error.message },
          'event-relay stopped relaying: the event store refuses its $all subscription (fix the cause, then restart)',
        );
      } else {
        this.logger.fatal({ err: error }, 'event-relay stopped relaying');
      }
      this.options.onFailed?.(error);
    });
  }

  status(): RelayStatus {
    return {
      state: this.state,
      published: this.published,
      notPublished: this.notPublished,
      unpublishable: this.unpublishable,
      batches: this.batches,
      position: this.position,
      savedCheckpoint: this.savedCheckpoint,
      lastRecordedAt: this.lastRecordedAt,
      lagMs: this.lagMs,
      publishFailures: this.publishFailures,
      lastError: this.lastError,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopRequested = true;
    if (this.state !== 'failed') this.state = 'stopping';
    this.stopSignal.abort();
    await this.closeSubscription?.();
    if (this.running) {
      const timeoutMs = this.options.stopTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.running.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.logger.warn({ timeoutMs }, 'Kafka did not take the batch in hand before the stop timeout: abandoned');
      }
    }
    clearInterval(this.progressTimer);
    clearTimeout(this.checkpointTimer);
    await this.saving;
    await this.saveCheckpoint().catch((error: unknown) =>
      this.logger.error({ err: error }, 'saving the final checkpoint failed; a restart republishes from the last one'),
    );
    await this.publisher.disconnect().catch(() => undefined);
    this.opened.flushForeignEvents();
    await this.opened.store.close().catch(() => undefined);
    await this.checkpoints.close().catch(() => undefined);
    await this.http?.close();
    if (this.state !== 'failed') this.state = 'stopped';
    this.logger.info({ published: this.published, checkpoint: this.savedCheckpoint }, 'event-relay stopped');
  }

  private async run(): Promise<void> {
    let failures = 0;
    const eventStore = this.opened.store;
    while (!this.stopRequested) {
      const from = this.position === null ? {} : { after: this.position };
      // Throws at once for a checkpoint this store cannot read (another store's position): not retryable.
      // Raw events where the store offers them (the embedded store): `data` is forwarded as the stored text.
      const subscription: AsyncIterable<PublishableEvent> & { close(): Promise<void> } =
        eventStore.subscribeToAllRaw !== undefined
          ? eventStore.subscribeToAllRaw(from)
          : subscribeFromCheckpoint(eventStore, this.position);
      this.closeSubscription = () => subscription.close();
      try {
        const batches = lingerBatches(subscription, {
          maxBatchSize: this.config.batchSize,
          maxWaitMs: this.config.lingerMs,
        });
        // The next batch is read (and decoded) while Kafka acknowledges the current one; publishing itself stays
        // strictly one batch at a time, which keeps every stream's events in order on its partition.
        // A read that fails while the previous batch is being published is handled when awaited, not reported as
        // an unhandled rejection meanwhile (which would end the process).
        let next = batches.next();
        void next.catch(() => undefined);
        for (;;) {
          const batch = await next;
          if (batch.done) break;
          next = batches.next();
          void next.catch(() => undefined);
          if (!(await this.relayBatch(batch.value))) break;
          failures = 0;
        }
        // A batch read ahead but not published is read again after the checkpoint by the next subscription.
      } catch (error) {
        if (error instanceof TopicPartitionMismatchError || isPermanentSubscriptionError(error)) throw error;
        if (this.stopRequested) break;
        failures++;
        this.lastError = describe(error);
        this.logger.error({ err: error, failures }, 'the $all subscription failed: resubscribing after the checkpoint');
        await this.backoff(failures);
      } finally {
        this.closeSubscription = undefined;
        await subscription.close().catch(() => undefined);
      }
    }
  }

  /** Publishes the batch until Kafka acknowledged it; false when stopping made it give up (nothing advanced). */
  private async relayBatch(batch: readonly PublishableEvent[]): Promise<boolean> {
    const publishable = batch.filter(isPublished);
    const acknowledged = publishable.length === 0 ? 0 : await this.publishUntilAcknowledged(publishable);
    if (acknowledged === false) return false;
    const last = batch[batch.length - 1];
    this.position = last.position;
    this.published += acknowledged;
    this.notPublished += batch.length - publishable.length;
    this.batches++;
    if (publishable.length > 0) {
      const recordedAt = publishable[publishable.length - 1].metadata.recordedAt;
      if (typeof recordedAt === 'string') {
        this.lastRecordedAt = recordedAt;
        this.lagMs = Math.max(0, Date.now() - Date.parse(recordedAt));
      }
      this.options.onPublished?.(publishable);
    }
    this.checkpointIfDue();
    return true;
  }

  /** @returns how many messages Kafka acknowledged, or false when stopping made it give up. */
  private async publishUntilAcknowledged(events: readonly PublishableEvent[]): Promise<number | false> {
    try {
      return await retry(
        async (attempt) => {
          // Every third failed attempt in a row: the producer keeps failing, so a new one (a new producer id).
          if (attempt > 1 && (attempt - 1) % FAILURES_BEFORE_NEW_PRODUCER === 0) await this.replacePublisher();
          if (!this.topicsReady) await this.ensureTopics();
          const receipt = await this.publisher.publishBatch(events, {
            onUnpublishable: (event, error) => this.leftOut(event, error),
          });
          // Reported once per batch however often it was retried; the batch is done now.
          this.unpublishableIds.clear();
          if (this.state === 'waiting-for-kafka') {
            this.state = 'running';
            this.logger.info({ attempts: attempt }, 'Kafka is reachable again: relaying');
          }
          return receipt.messageCount;
        },
        {
          policy: RELAY_RETRY,
          signal: this.stopSignal.signal,
          shouldRetry: (error) => {
            if (error instanceof TopicPartitionMismatchError) return false;
            this.publishFailures++;
            this.lastError = describe(error);
            return true;
          },
          // The producer keeps its own retries inside publishBatch; an error here means it gave up for now.
          onRetry: (error, attempt) => {
            if (this.state === 'running') this.state = 'waiting-for-kafka';
            this.logger.warn(
              {
                err: error,
                attempt,
                batch: events.length,
                checkpoint: this.savedCheckpoint,
                lagMs: this.currentLag(events[0]),
              },
              'Kafka did not acknowledge the batch: retrying',
            );
          },
        },
      );
    } catch (error) {
      if (error instanceof RetryStopped) return false;
      throw error;
    }
  }

  /** A new producer, hence a new producer id: the way out of sequence errors kafkajs does not recover from. */
  private async replacePublisher(): Promise<void> {
    const previous = this.publisher;
    this.publisher = new EventPublisher(this.kafka, { topics: this.config.topics });
    await previous.disconnect().catch(() => undefined);
    this.logger.warn('started a new Kafka producer after repeated failures');
  }

  private leftOut(event: PublishableEvent, error: CloudEventMappingError): void {
    if (this.unpublishableIds.has(event.eventId)) return;
    this.unpublishableIds.add(event.eventId);
    this.unpublishable++;
    this.logger.error(
      { err: error, eventId: event.eventId, streamId: event.streamId, revision: event.revision, type: event.type },
      'an event cannot be published as a CloudEvent: left out (the projector will quarantine its stream)',
    );
  }

  private async ensureTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        Object.values(this.config.topics).map((topic) => ({ topic, partitions: this.config.topicPartitions })),
      );
      this.topicsReady = true;
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Saves the acknowledged position without holding up the next batch: saves run one after another, each with an
   * acknowledged position, so the checkpoint never gets ahead of Kafka. `stop()` waits for them.
   */
  private checkpointIfDue(): void {
    const interval = this.config.checkpointIntervalMs;
    if (interval === 0 || Date.now() - this.lastSaveAt >= interval) {
      this.lastSaveAt = Date.now();
      this.requestSave();
      return;
    }
    // Save the acknowledged position once the interval is over, even when no further batch comes.
    this.checkpointTimer ??= setTimeout(
      () => {
        this.checkpointTimer = undefined;
        this.lastSaveAt = Date.now();
        this.requestSave();
      },
      interval - (Date.now() - this.lastSaveAt),
    );
  }

  /**
   * One save at a time; requests meanwhile are folded into one more save of the then latest position (while the
   * checkpoint store is down, requests do not pile up).
   */
  private requestSave(): void {
    if (this.saveRunning) {
      this.saveRequested = true;
      return;
    }
    this.saveRunning = true;
    this.saving = (async () => {
      try {
        do {
          this.saveRequested = false;
          await this.saveCheckpointWithRetry();
        } while (this.saveRequested && !this.stopRequested);
      } finally {
        this.saveRunning = false;
      }
    })();
  }

  private async saveCheckpointWithRetry(): Promise<void> {
    await retry(() => this.saveCheckpoint(), {
      policy: RELAY_RETRY,
      signal: this.stopSignal.signal,
      onRetry: (error, attempt) => {
        this.lastError = describe(error);
        this.logger.warn({ err: error, attempt }, 'saving the checkpoint failed: retrying');
      },
    }).catch((error: unknown) => {
      // Stopping: shutdown() saves the final checkpoint itself.
      if (!(error instanceof RetryStopped)) throw error;
    });
  }

  private async saveCheckpoint(): Promise<void> {
    const position = this.position;
    if (position === null || position === this.savedCheckpoint) return;
    await this.checkpoints.save(this.config.checkpointName, position);
    if (this.savedCheckpoint === null || position > this.savedCheckpoint) this.savedCheckpoint = position;
  }

  /** Waits before the next attempt; `stop()` cuts the wait short. */
  private async backoff(attempt: number): Promise<void> {
    await pause(retryDelayMs(RELAY_RETRY, attempt), this.stopSignal.signal);
  }

  private currentLag(oldest: PublishableEvent): number | null {
    const recordedAt = oldest.metadata.recordedAt;
    return typeof recordedAt === 'string' ? Math.max(0, Date.now() - Date.parse(recordedAt)) : null;
  }

  private logProgress(): void {
    const published = this.published - this.publishedAtLastProgress;
    this.publishedAtLastProgress = this.published;
    this.logger.info(
      {
        state: this.state,
        published: this.published,
        ratePerSecond: Math.round((published * 1000) / this.config.progressIntervalMs),
        checkpoint: this.savedCheckpoint,
        lagMs: this.lagMs,
        publishFailures: this.publishFailures,
      },
      'event-relay progress',
    );
  }

  private createMetrics(): Registry {
    const registry = createMetricsRegistry();
    const counter = (name: string, help: string, read: () => number) => counterReading(registry, name, help, read);
    const gauge = (name: string, help: string, read: () => number) => gaugeReading(registry, name, help, read);
    counter('relay_events_published_total', 'Events Kafka acknowledged.', () => this.published);
    counter('relay_events_not_published_total', 'Events of unpublished streams.', () => this.notPublished);
    counter(
      'relay_events_unpublishable_total',
      'Events left out because they cannot be CloudEvents (see the log).',
      () => this.unpublishable,
    );
    counter(
      'relay_foreign_events_total',
      'Events of other applications in a shared EventStoreDB passed over (not of this application).',
      () => this.opened.foreignEventsPassedOver(),
    );
    counter('relay_batches_total', 'Batches acknowledged.', () => this.batches);
    counter('relay_publish_failures_total', 'Failed publish attempts.', () => this.publishFailures);
    gauge('relay_last_recorded_at_seconds', 'recordedAt of the last published event.', () =>
      this.lastRecordedAt === null ? 0 : Date.parse(this.lastRecordedAt) / 1000,
    );
    gauge('relay_lag_seconds', 'Age of the last published event when published.', () => (this.lagMs ?? 0) / 1000);
    gauge('relay_waiting_for_kafka', '1 while Kafka does not acknowledge.', () =>
      this.state === 'waiting-for-kafka' ? 1 : 0,
    );
    return registry;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
