/**
 * The projector (DESIGN 5): consumer group `reporting-projector` on the policy, agent and product topics → every read model.
 *
 * Exactly-once effect: each fetched partition batch is cut into chunks of PROJECTOR_BATCH_SIZE events; a chunk goes
 * to `ReadModelStore.applyBatch`, which writes the row changes, each stream's last applied revision and the
 * checkpoint in one transaction and skips revisions a stream already applied. Offsets are resolved after that
 * transaction committed and committed to Kafka after it, so a crash in between only redelivers events the store
 * then skips; duplicates the relay wrote to the topic are skipped the same way.
 *
 * Poison messages: a value that is not one of our CloudEvents goes straight to `<topic>.dlq`. When a chunk fails
 * with a ProjectionError its events are applied one by one to find the culprit, which goes to the DLQ after
 * PROJECTOR_MAX_ATTEMPTS attempts, with the error in its headers; the group keeps moving. Its stream is then
 * quarantined in the read models (before the offset is committed): the stream's later events are passed over instead
 * of each failing on the revision gap and taking the same detour, and every report counts the quarantined streams
 * until a fixed projector's `policyctl rebuild`. Any other error (the database is unreachable) is retried with
 * backoff and never dead-letters anything.
 *
 * Graceful stop: the chunk in hand finishes, processed offsets are committed, the member leaves the group.
 *
 * The consumer mechanics (chunking, offsets, the DLQ) are libs/kafka's ConsumerRunner in batch mode, which runs the
 * feed runtime's pipeline (libs/feed-runtime: retries, isolation, quarantine); this file decides what a chunk does
 * and which errors are the events' fault, and counts.
 */
import pino, { type Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import { type RecordedEvent } from '@lib/event-sourcing';
import { DEFAULT_RETRY_POLICY, retry } from '@lib/feed-runtime';
import { ConsumerRunner, createKafka, MalformedCloudEventError, type ParsedMessage } from '@lib/kafka';
import {
  createReadModelStore,
  ProjectionError,
  ReadModelLayoutOutdatedError,
  type ApplyBatchResult,
  type ReadModelStore,
} from '@lib/read-models';
import {
  counterReading,
  createMetricsRegistry,
  gaugeReading,
  startWorkerHttp,
  type WorkerHttpServer,
} from '@lib/worker-runtime';
import { inConsumerSpan } from '@lib/tracing';
import { recordedEventOf } from './cloud-event-to-recorded';
import { type ProjectorConfig } from './projector-config';

type ProjectorState = 'running' | 'stopping' | 'stopped' | 'crashed';

interface ProjectorStatus {
  readonly state: ProjectorState;
  readonly groupId: string;
  /** Events whose changes were committed to the read models. */
  readonly applied: number;
  /** Redelivered events (revision already applied): no effect. */
  readonly skipped: number;
  readonly deadLettered: number;
  /** Events of quarantined streams passed over. */
  readonly quarantined: number;
  /** Streams this projector quarantined (the read models' checkpoint counts every quarantined stream). */
  readonly streamsQuarantined: number;
  /** Read-model transactions committed. */
  readonly transactions: number;
  readonly transientFailures: number;
  readonly lastPosition: string | null;
  readonly lastRecordedAt: string | null;
  /** now − recordedAt of the last applied event, when it was applied: the end-to-end lag. */
  readonly lagMs: number | null;
  readonly lastError: string | null;
}

interface ProjectorOptions {
  readonly logger?: Logger;
  /** A store to write into instead of opening the configured one (the caller closes it). */
  readonly store?: ReadModelStore;
  /** Called after each committed read-model transaction (the benchmark measures lag with it). */
  readonly onApplied?: (events: readonly RecordedEvent[], result: ApplyBatchResult) => void;
  readonly onDeadLetter?: (deadLetter: { topic: string; offset: string; reason: string; error: string }) => void;
}

export interface ProjectorHandle {
  readonly httpPort: number;
  status(): ProjectorStatus;
  /** Graceful: finishes the chunk in hand, commits processed offsets, leaves the group. Idempotent. */
  stop(): Promise<void>;
}

/** Attempts to record a quarantine (the read-model database may blip) before the batch fails and is fetched again. */
const QUARANTINE_ATTEMPTS = 3;
/** Upper bounds (seconds) of the end-to-end lag histogram: recordedAt in the event store → committed here. */
const LAG_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createProjectorLogger(config: Pick<ProjectorConfig, 'logLevel'>): Logger {
  return pino(
    { level: config.logLevel, base: { service: 'projector' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false }),
  );
}

export async function startProjector(
  config: ProjectorConfig,
  options: ProjectorOptions = {},
): Promise<ProjectorHandle> {
  const logger = options.logger ?? createProjectorLogger(config);
  const store = options.store ?? (await createReadModelStore(config.readModels));
  try {
    // Read models of another layout (an older release's tables) are not projected into: `policyctl rebuild` first.
    const layout = await store.layout();
    if (!layout.upToDate) throw new ReadModelLayoutOutdatedError(layout);
  } catch (error) {
    if (options.store === undefined) await store.close().catch(() => undefined);
    throw error;
  }
  const projector = new Projector(config, options, logger, store, options.store === undefined);
  try {
    await projector.start();
  } catch (error) {
    await projector.stop().catch(() => undefined);
    throw error;
  }
  return projector;
}

class Projector implements ProjectorHandle {
  private readonly runner: ConsumerRunner;
  /** The projector's families (counters read from its status at scrape time) and the process's runtime metrics. */
  private readonly registry: Registry;
  private readonly endToEndLag: Histogram;
  private http: WorkerHttpServer | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  private state: ProjectorState = 'running';
  private applied = 0;
  private skipped = 0;
  private deadLettered = 0;
  private quarantined = 0;
  private streamsQuarantined = 0;
  private transactions = 0;
  private transientFailures = 0;
  private lastPosition: string | null = null;
  private lastRecordedAt: string | null = null;
  private lagMs: number | null = null;
  private lastError: string | null = null;
  private appliedAtLastProgress = 0;

  constructor(
    private readonly config: ProjectorConfig,
    private readonly options: ProjectorOptions,
    private readonly logger: Logger,
    private readonly store: ReadModelStore,
    private readonly ownsStore: boolean,
  ) {
    [this.registry, this.endToEndLag] = this.createMetrics();
    const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'projector', logger, logLevel: 'error' });
    this.runner = new ConsumerRunner(kafka, {
      groupId: config.groupId,
      topics: Object.values(config.topics),
      // Normally the relay created them; a projector started first must not fail to subscribe.
      ensureTopics: { partitions: config.topicPartitions },
      handleBatch: (batch) => this.project(batch),
      batchSize: config.batchSize,
      // The events' fault; anything else (the database is unreachable) is retried and never dead-letters.
      isPoison: (error) => error instanceof ProjectionError || error instanceof MalformedCloudEventError,
      maxAttempts: config.maxAttempts,
      retryBackoffMs: config.retryBackoffMs,
      commitIntervalMs: config.commitIntervalMs,
      partitionsConcurrently: config.partitionsConcurrently,
      sessionTimeoutMs: config.sessionTimeoutMs,
      maxWaitTimeMs: 500,
      // A fetched partition batch of up to ~4 MB (thousands of events) is cut into read-model transactions.
      maxBytesPerPartition: 4 * 1024 * 1024,
      onHandlerError: ({ error, kind, failures, batch }) => {
        if (kind === 'poison') {
          if (batch.length === 1)
            this.logger.warn({ err: error, eventId: batch[0].event.id }, 'event cannot be projected');
          return;
        }
        this.transientFailures++;
        this.lastError = describe(error);
        this.logger.warn({ err: error, failures, events: batch.length }, 'read-model transaction failed: retrying');
      },
      onDeadLetter: async ({ message, event, deadLetterTopic, reason, attempts, error }) => {
        this.deadLettered++;
        const { topic, partition, offset } = message;
        this.logger.error(
          { topic, partition, offset, deadLetterTopic, reason, attempts, error: error.message },
          'message dead-lettered',
        );
        this.options.onDeadLetter?.({ topic, offset, reason, error: error.message });
        if (event !== undefined && error instanceof ProjectionError)
          await this.quarantine(recordedEventOf(event), error);
      },
      onCrash: (error, restarting) => {
        this.lastError = describe(error);
        // kafkajs restarts a consumer after a retriable crash: that is a warning; a crash it gives up on is an error.
        if (restarting) this.logger.warn({ err: error, restart: true }, 'the consumer crashed and restarts');
        else this.logger.error({ err: error, restart: false }, 'the consumer crashed');
        if (!restarting) this.state = 'crashed';
      },
    });
  }

  get httpPort(): number {
    return this.http?.port ?? 0;
  }

  async start(): Promise<void> {
    this.http = await startWorkerHttp(this.config.httpPort, {
      health: () => {
        const status = this.status();
        return { healthy: status.state === 'running', body: { status: status.state, ...status } };
      },
      metrics: () => this.registry.metrics(),
    });
    await this.runner.start();
    this.progressTimer = setInterval(() => this.logProgress(), this.config.progressIntervalMs).unref();
    this.logger.info(
      {
        groupId: this.config.groupId,
        topics: this.config.topics,
        readModels: this.store.kind,
        httpPort: this.http.port,
      },
      'projector started',
    );
  }

  status(): ProjectorStatus {
    return {
      state: this.state,
      groupId: this.config.groupId,
      applied: this.applied,
      skipped: this.skipped,
      deadLettered: this.deadLettered,
      quarantined: this.quarantined,
      streamsQuarantined: this.streamsQuarantined,
      transactions: this.transactions,
      transientFailures: this.transientFailures,
      lastPosition: this.lastPosition,
      lastRecordedAt: this.lastRecordedAt,
      lagMs: this.lagMs,
      lastError: this.lastError,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.state === 'running') this.state = 'stopping';
      clearInterval(this.progressTimer);
      // The runner lets the chunk in hand finish, commits the processed offsets and leaves the group.
      await this.runner
        .stop()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'consumer disconnect failed'));
      if (this.ownsStore) await this.store.close().catch(() => undefined);
      await this.http?.close();
      this.state = 'stopped';
      this.logger.info(
        { applied: this.applied, skipped: this.skipped, deadLettered: this.deadLettered },
        'projector stopped',
      );
    })();
    return this.stopping;
  }

  /**
   * One read-model transaction for the chunk; a ProjectionError names the events' fault. Traced as one consumer span
   * in the trace of the command whose events these are, or linked to each command's trace (libs/tracing).
   */
  private async project(batch: readonly ParsedMessage[]): Promise<void> {
    const { topic, partition } = batch[0].message;
    await inConsumerSpan(
      `process ${topic}`,
      () => batch.map(({ event }) => event.traceparent),
      {
        attributes: () => ({
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.consumer.group.name': this.config.groupId,
          'messaging.batch.message_count': batch.length,
        }),
      },
      async () => {
        const events = batch.map(({ event }) => recordedEventOf(event));
        const result = await this.store.applyBatch(events);
        this.account(events, result);
      },
    );
  }

  /**
   * The dead-lettered event's stream: its later events are passed over until a rebuild. The checkpoint stays (the
   * message's position is only as good as its sender). A database failure is retried a few times here, so that it
   * does not send the message to the DLQ again through a redelivery.
   */
  private async quarantine(event: RecordedEvent, error: ProjectionError): Promise<void> {
    const quarantined = await retry(() => this.store.quarantineStream(event, error.reason), {
      policy: { initialDelayMs: this.config.retryBackoffMs, maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs },
      shouldRetry: (_failure, failures) => failures < QUARANTINE_ATTEMPTS,
      onRetry: (failure, attempt) =>
        this.logger.warn({ err: failure, streamId: event.streamId, attempt }, 'quarantining a stream failed; retrying'),
    });
    if (!quarantined) return;
    this.streamsQuarantined++;
    this.logger.error(
      { streamId: event.streamId, revision: event.revision, eventType: event.type, reason: error.reason },
      'stream quarantined: its later events are passed over until the read models are rebuilt',
    );
  }

  private account(events: readonly RecordedEvent[], result: ApplyBatchResult): void {
    this.applied += result.applied;
    this.skipped += result.skipped;
    this.quarantined += result.quarantined;
    this.transactions++;
    const committedAt = Date.now();
    for (const event of events) {
      const recordedAt = event.metadata.recordedAt;
      const recordedAtMs = typeof recordedAt === 'string' ? Date.parse(recordedAt) : NaN;
      if (!Number.isNaN(recordedAtMs)) this.endToEndLag.observe(Math.max(0, committedAt - recordedAtMs) / 1000);
    }
    const last = events[events.length - 1];
    this.lastPosition = last.position;
    const recordedAt = last.metadata.recordedAt;
    if (typeof recordedAt === 'string') {
      this.lastRecordedAt = recordedAt;
      this.lagMs = Math.max(0, Date.now() - Date.parse(recordedAt));
    }
    this.options.onApplied?.(events, result);
  }

  private logProgress(): void {
    const applied = this.applied - this.appliedAtLastProgress;
    this.appliedAtLastProgress = this.applied;
    this.logger.info(
      {
        applied: this.applied,
        ratePerSecond: Math.round((applied * 1000) / this.config.progressIntervalMs),
        skipped: this.skipped,
        deadLettered: this.deadLettered,
        position: this.lastPosition,
        lagMs: this.lagMs,
      },
      'projector progress',
    );
  }

  private createMetrics(): [Registry, Histogram] {
    const registry = createMetricsRegistry();
    const endToEndLag = new Histogram({
      name: 'projector_end_to_end_lag_seconds',
      help: 'recordedAt in the event store → read-model commit, per applied event.',
      buckets: LAG_BUCKETS_SECONDS,
      registers: [registry],
    });
    const counter = (name: string, help: string, read: () => number) => counterReading(registry, name, help, read);
    counter('projector_events_applied_total', 'Events applied to the read models.', () => this.applied);
    counter('projector_events_skipped_total', 'Redelivered events skipped.', () => this.skipped);
    counter('projector_dead_lettered_total', 'Messages sent to a dead-letter topic.', () => this.deadLettered);
    counter('projector_events_quarantined_total', 'Events of quarantined streams passed over.', () => this.quarantined);
    counter(
      'projector_streams_quarantined_total',
      'Streams quarantined after one of their events was dead-lettered.',
      () => this.streamsQuarantined,
    );
    counter('projector_transactions_total', 'Read-model transactions committed.', () => this.transactions);
    counter(
      'projector_transient_failures_total',
      'Failed read-model transactions (retried).',
      () => this.transientFailures,
    );
    gaugeReading(
      registry,
      'projector_lag_seconds',
      'now − recordedAt of the last applied event.',
      () => (this.lagMs ?? 0) / 1000,
    );
    return [registry, endToEndLag];
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
