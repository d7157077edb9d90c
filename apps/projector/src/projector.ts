/**
 * The projector (DESIGN 5): consumer group `reporting-projector` on the policy and agent topics → every read model.
 *
 * Exactly-once effect: each fetched partition batch is cut into chunks of PROJECTOR_BATCH_SIZE events; a chunk goes
 * to `ReadModelStore.applyBatch`, which writes the row changes, each stream's last applied revision and the
 * checkpoint in one transaction and skips revisions a stream already applied. Offsets are resolved after that
 * transaction committed and committed to Kafka after it, so a crash in between only redelivers events the store
 * then skips; duplicates the relay wrote to the topic are skipped the same way.
 *
 * Poison messages: a value that is not one of our CloudEvents goes straight to `<topic>.dlq`. When a chunk fails
 * with a ProjectionError its events are applied one by one to find the culprit, which goes to the DLQ after
 * PROJECTOR_MAX_ATTEMPTS attempts, with the error in its headers; the group keeps moving. Any other error (the
 * database is unreachable) is retried with backoff and never dead-letters anything.
 *
 * Graceful stop: the chunk in hand finishes, processed offsets are committed, the member leaves the group.
 */
import pino, { type Logger } from 'pino';
import { type RecordedEvent } from '@lib/event-sourcing';
import {
  createKafka,
  DEAD_LETTER_HEADERS,
  deadLetterTopicFor,
  ensureTopics,
  MalformedCloudEventError,
  parseCloudEvent,
  type Kafka,
} from '@lib/kafka';
import { createReadModelStore, ProjectionError, type ApplyBatchResult, type ReadModelStore } from '@lib/read-models';
import { recordedEventOf } from './cloud-event-to-recorded';
import { type ProjectorConfig } from './projector-config';
import { prometheusText, startWorkerHttp, type WorkerHttpServer } from './worker-http';

type Consumer = ReturnType<Kafka['consumer']>;
type Producer = ReturnType<Kafka['producer']>;
type EachBatchPayload = Parameters<NonNullable<NonNullable<Parameters<Consumer['run']>[0]>['eachBatch']>>[0];
type KafkaMessage = EachBatchPayload['batch']['messages'][number];

export type ProjectorState = 'running' | 'stopping' | 'stopped' | 'crashed';

export interface ProjectorStatus {
  readonly state: ProjectorState;
  readonly groupId: string;
  /** Events whose changes were committed to the read models. */
  readonly applied: number;
  /** Redelivered events (revision already applied): no effect. */
  readonly skipped: number;
  readonly deadLettered: number;
  /** Read-model transactions committed. */
  readonly transactions: number;
  readonly transientFailures: number;
  readonly lastPosition: string | null;
  readonly lastRecordedAt: string | null;
  /** now − recordedAt of the last applied event, when it was applied: the end-to-end lag. */
  readonly lagMs: number | null;
  readonly lastError: string | null;
}

export interface ProjectorOptions {
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

const MAX_BACKOFF_MS = 5_000;
/** Upper bounds (seconds) of the end-to-end lag histogram: recordedAt in the event store → committed here. */
const LAG_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const MAX_ERROR_HEADER_LENGTH = 4_096;

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
  const projector = new Projector(config, options, logger, store, options.store === undefined);
  try {
    await projector.start();
  } catch (error) {
    await projector.stop().catch(() => undefined);
    throw error;
  }
  return projector;
}

interface Consumed {
  readonly message: KafkaMessage;
  readonly event: RecordedEvent;
}

class Projector implements ProjectorHandle {
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private readonly deadLetterProducer: Producer;
  private http: WorkerHttpServer | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  private state: ProjectorState = 'running';
  private applied = 0;
  private skipped = 0;
  private deadLettered = 0;
  private transactions = 0;
  private transientFailures = 0;
  private lastPosition: string | null = null;
  private lastRecordedAt: string | null = null;
  private lagMs: number | null = null;
  private lastError: string | null = null;
  private appliedAtLastProgress = 0;
  private readonly lagBuckets = new Array<number>(LAG_BUCKETS_SECONDS.length + 1).fill(0);
  private lagSumSeconds = 0;

  constructor(
    private readonly config: ProjectorConfig,
    private readonly options: ProjectorOptions,
    private readonly logger: Logger,
    private readonly store: ReadModelStore,
    private readonly ownsStore: boolean,
  ) {
    this.kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'projector', logger, logLevel: 'error' });
    this.consumer = this.kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(config.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: 500,
      // A fetched partition batch of up to ~4 MB (thousands of events) is cut into read-model transactions.
      maxBytesPerPartition: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    this.deadLetterProducer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
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
      metrics: () => this.metrics(),
    });
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Normally the relay created them; a projector started first must not fail to subscribe.
      await ensureTopics(admin, [
        { topic: this.config.topics.policy, partitions: this.config.topicPartitions },
        { topic: this.config.topics.agent, partitions: this.config.topicPartitions },
      ]);
    } finally {
      await admin.disconnect();
    }
    await this.deadLetterProducer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.lastError = describe(payload.error);
      this.logger.error({ err: payload.error, restart: payload.restart }, 'the consumer crashed');
      if (!payload.restart) this.state = 'crashed';
    });
    await this.consumer.subscribe({
      topics: [this.config.topics.policy, this.config.topics.agent],
      fromBeginning: true,
    });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: this.config.commitIntervalMs,
      partitionsConsumedConcurrently: this.config.partitionsConcurrently,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
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
      // kafkajs lets the eachBatch in hand return (it checks isRunning between chunks), commits the resolved
      // offsets and leaves the group.
      await this.consumer
        .disconnect()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'consumer disconnect failed'));
      await this.deadLetterProducer.disconnect().catch(() => undefined);
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

  private async consumeBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const shouldContinue = () => this.state === 'running' && isRunning() && !isStale();
    const { messages } = batch;
    // Even chunks (1 100 messages → 550 + 550, not 1 000 + 100): fewer, fuller transactions.
    const chunkSize = Math.ceil(messages.length / Math.ceil(messages.length / this.config.batchSize));
    for (let start = 0; start < messages.length; start += chunkSize) {
      if (!shouldContinue()) return;
      const chunk = messages.slice(start, start + chunkSize);
      const done = await this.projectChunk(batch.topic, batch.partition, chunk, heartbeat, shouldContinue);
      // Abandoned (stopping or rebalancing while the database was unreachable): not resolved, so redelivered.
      if (!done) return;
      resolveOffset(chunk[chunk.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** True once every message of the chunk was applied, skipped or dead-lettered. */
  private async projectChunk(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    heartbeat: () => Promise<void>,
    shouldContinue: () => boolean,
  ): Promise<boolean> {
    const consumed: Consumed[] = [];
    for (const message of messages) {
      try {
        consumed.push({ message, event: recordedEventOf(parseCloudEvent(message.value)) });
      } catch (error) {
        if (!(error instanceof MalformedCloudEventError)) throw error;
        // Retrying cannot fix the bytes.
        await this.deadLetter(topic, partition, message, 'malformed', error, 0);
      }
    }
    if (consumed.length === 0) return true;

    const outcome = await this.applyWithRetry(consumed, heartbeat, shouldContinue);
    if (outcome === 'applied') return true;
    if (outcome === 'abandoned') return false;
    // Some event of the chunk cannot be projected: apply them one by one to dead-letter only the culprit(s).
    for (const item of consumed) {
      for (let attempt = 1; ; attempt++) {
        const single = await this.applyWithRetry([item], heartbeat, shouldContinue);
        if (single === 'applied') break;
        if (single === 'abandoned') return false;
        if (attempt >= this.config.maxAttempts) {
          await this.deadLetter(topic, partition, item.message, 'handler-failed', single, attempt);
          break;
        }
        await sleep(this.backoffMs(attempt));
        if (!shouldContinue()) return false;
        await heartbeat();
      }
    }
    return true;
  }

  /**
   * One read-model transaction for the events. A ProjectionError is the events' fault (returned); anything else is
   * the infrastructure's, retried with backoff until it works or the partition must be given up ('abandoned').
   */
  private async applyWithRetry(
    items: readonly Consumed[],
    heartbeat: () => Promise<void>,
    shouldContinue: () => boolean,
  ): Promise<'applied' | 'abandoned' | ProjectionError> {
    const events = items.map((item) => item.event);
    for (let failures = 0; ;) {
      try {
        const result = await this.store.applyBatch(events);
        this.account(events, result);
        return 'applied';
      } catch (error) {
        if (error instanceof ProjectionError) {
          if (items.length === 1)
            this.logger.warn({ err: error, eventId: events[0].eventId }, 'event cannot be projected');
          return error;
        }
        failures++;
        this.transientFailures++;
        this.lastError = describe(error);
        this.logger.warn({ err: error, failures, events: events.length }, 'read-model transaction failed: retrying');
        if (!shouldContinue()) return 'abandoned';
        await sleep(this.backoffMs(failures));
        if (!shouldContinue()) return 'abandoned';
        await heartbeat().catch(() => undefined);
      }
    }
  }

  private account(events: readonly RecordedEvent[], result: ApplyBatchResult): void {
    this.applied += result.applied;
    this.skipped += result.skipped;
    this.transactions++;
    const committedAt = Date.now();
    for (const event of events) {
      const recordedAt = event.metadata.recordedAt;
      if (typeof recordedAt !== 'string') continue;
      const lagSeconds = Math.max(0, committedAt - Date.parse(recordedAt)) / 1000;
      let bucket = 0;
      while (bucket < LAG_BUCKETS_SECONDS.length && lagSeconds > LAG_BUCKETS_SECONDS[bucket]) bucket++;
      this.lagBuckets[bucket]++;
      this.lagSumSeconds += lagSeconds;
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

  /** Resolves once the dead-letter topic acknowledged (acks = all); a failure fails the batch, which is refetched. */
  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: 'malformed' | 'handler-failed',
    error: Error,
    attempts: number,
  ): Promise<void> {
    const deadLetterTopic = deadLetterTopicFor(topic);
    await this.deadLetterProducer.send({
      topic: deadLetterTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [DEAD_LETTER_HEADERS.error]: truncate(`${error.name}: ${error.message}`, MAX_ERROR_HEADER_LENGTH),
            [DEAD_LETTER_HEADERS.reason]: reason,
            [DEAD_LETTER_HEADERS.attempts]: String(attempts),
            [DEAD_LETTER_HEADERS.groupId]: this.config.groupId,
            [DEAD_LETTER_HEADERS.originalTopic]: topic,
            [DEAD_LETTER_HEADERS.originalPartition]: String(partition),
            [DEAD_LETTER_HEADERS.originalOffset]: message.offset,
            [DEAD_LETTER_HEADERS.originalTimestamp]: message.timestamp,
          },
        },
      ],
    });
    this.deadLettered++;
    this.logger.error(
      { topic, partition, offset: message.offset, deadLetterTopic, reason, attempts, error: error.message },
      'message dead-lettered',
    );
    this.options.onDeadLetter?.({ topic, offset: message.offset, reason, error: error.message });
  }

  private backoffMs(attempt: number): number {
    return Math.min(this.config.retryBackoffMs * 2 ** Math.min(attempt - 1, 10), MAX_BACKOFF_MS);
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

  private metrics(): string {
    let cumulative = 0;
    const buckets = [...LAG_BUCKETS_SECONDS.map(String), '+Inf'].map((bound, index) => {
      cumulative += this.lagBuckets[index];
      return `projector_end_to_end_lag_seconds_bucket{le="${bound}"} ${cumulative}`;
    });
    const histogram = [
      '# HELP projector_end_to_end_lag_seconds recordedAt in the event store → read-model commit, per applied event.',
      '# TYPE projector_end_to_end_lag_seconds histogram',
      ...buckets,
      `projector_end_to_end_lag_seconds_sum ${this.lagSumSeconds}`,
      `projector_end_to_end_lag_seconds_count ${cumulative}`,
    ].join('\n');
    return (
      histogram +
      '\n' +
      prometheusText([
        {
          name: 'projector_events_applied_total',
          kind: 'counter',
          help: 'Events applied to the read models.',
          value: this.applied,
        },
        {
          name: 'projector_events_skipped_total',
          kind: 'counter',
          help: 'Redelivered events skipped.',
          value: this.skipped,
        },
        {
          name: 'projector_dead_lettered_total',
          kind: 'counter',
          help: 'Messages sent to a dead-letter topic.',
          value: this.deadLettered,
        },
        {
          name: 'projector_transactions_total',
          kind: 'counter',
          help: 'Read-model transactions committed.',
          value: this.transactions,
        },
        {
          name: 'projector_transient_failures_total',
          kind: 'counter',
          help: 'Failed read-model transactions (retried).',
          value: this.transientFailures,
        },
        {
          name: 'projector_lag_seconds',
          kind: 'gauge',
          help: 'now − recordedAt of the last applied event.',
          value: (this.lagMs ?? 0) / 1000,
        },
      ])
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
