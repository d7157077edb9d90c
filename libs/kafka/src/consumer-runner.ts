/**
 * A consumer-group runner for the projection feed (DESIGN 5): the Kafka source of the feed runtime
 * (libs/feed-runtime). At-least-once: a message's offset is resolved, and so committed, only after the pipeline
 * settled it (handled, or written to `<topic>.dlq`). Handlers therefore see a message again after a crash or
 * rebalance and must be idempotent (the projector skips revisions it applied).
 *
 * Two modes, one engine: `handle` gets one message at a time; `handleBatch` gets each fetched partition batch cut
 * into even chunks of at most `batchSize` messages (one database transaction per chunk, say).
 * - A value that is not one of our CloudEvents goes to `<topic>.dlq` at once: retrying cannot fix the bytes.
 * - The rest is the runtime's pipeline: a handler error that `isPoison` calls the messages' fault isolates the
 *   culprit(s) of a chunk one message at a time; a single message gets `maxAttempts` attempts, then goes to the DLQ
 *   (the pipeline's quarantine) with the error in its headers, and the group moves on.
 * - Any other handler error (the database is unreachable) is retried with the runtime's backoff until it works, or
 *   until the runner stops or loses the partition (the chunk is then left unresolved for the next owner); never
 *   dead-lettered.
 */
import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import {
  DEFAULT_RETRY_POLICY,
  evenChunks,
  FeedPipeline,
  runFeed,
  type FeedControl,
  type FeedFailure,
  type SourceBatch,
} from '@lib/feed-runtime';
import { MalformedCloudEventError, parseCloudEvent, type PolicyServicingCloudEvent } from './cloud-events';
import { deadLetterTopicFor, ensureTopics } from './kafka-client';

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** Header values decoded as UTF-8 (the last value of a repeated header). */
  readonly headers: Readonly<Record<string, string>>;
  /** Broker or producer timestamp, epoch milliseconds as a string. */
  readonly timestamp: string;
}

/** A consumed message whose value parsed as one of our CloudEvents. */
export interface ParsedMessage {
  readonly event: PolicyServicingCloudEvent;
  readonly message: ConsumedMessage;
}

export type CloudEventHandler = (event: PolicyServicingCloudEvent, message: ConsumedMessage) => Promise<void>;

/** Handles a chunk of one partition, in offset order; resolving means every message of it is done. */
type CloudEventBatchHandler = (batch: readonly ParsedMessage[]) => Promise<void>;

export interface DeadLetter {
  readonly message: ConsumedMessage;
  /** The message's CloudEvent; absent for a malformed message. */
  readonly event?: PolicyServicingCloudEvent;
  readonly groupId: string;
  readonly deadLetterTopic: string;
  readonly reason: 'malformed' | 'handler-failed';
  readonly error: Error;
  /** Handler attempts made (0 for a malformed message). */
  readonly attempts: number;
}

/** A failed handler call, reported before the runner retries, isolates or dead-letters (the runtime's FeedFailure). */
export type HandlerFailure = FeedFailure<ParsedMessage>;

interface CommonOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Attempts for a message failing with a poison error before it is dead-lettered; default 3. */
  readonly maxAttempts?: number;
  /** Wait before the second attempt, doubled before each further one (the runtime's policy, at most 5 s); default 200 ms. */
  readonly retryBackoffMs?: number;
  /**
   * Whether a handler error is the messages' fault (bounded attempts, then the DLQ) rather than the
   * infrastructure's (retried with backoff, never dead-lettered). Default: every error is poison.
   */
  readonly isPoison?: (error: Error) => boolean;
  /** Where a group without committed offsets starts; default true (a new projection reads the whole topic). */
  readonly fromBeginning?: boolean;
  /** Default 30 000 ms (kafkajs); the heartbeat runs between chunks and between attempts. */
  readonly sessionTimeoutMs?: number;
  /**
   * Longest wait of an idle fetch; default 1000 ms (kafkajs: 5000). New messages end the wait at once, so this
   * bounds how long `stop()` waits for an idle fetch, not the projection's latency.
   */
  readonly maxWaitTimeMs?: number;
  /** Most bytes fetched per partition at once; default 1 MiB (kafkajs). */
  readonly maxBytesPerPartition?: number;
  /** Partitions handled at once (each in its own handler call); default 1. */
  readonly partitionsConcurrently?: number;
  /** Offsets are committed after each fetched batch, and within a long one at most this often; default: kafkajs. */
  readonly commitIntervalMs?: number;
  /**
   * Creates missing topics (and their `.dlq`) with this many partitions before subscribing, so a consumer started
   * before the producer does not fail; an existing topic with another partition count fails `start()`.
   */
  readonly ensureTopics?: { readonly partitions: number };
  /**
   * Called after a message was written to its dead-letter topic (log it, count it, record it). Awaited before the
   * message's offset is resolved: if it throws, the batch fails and is fetched again (the message may then reach the
   * dead-letter topic twice).
   */
  readonly onDeadLetter?: (deadLetter: DeadLetter) => void | Promise<void>;
  /** Called after each failed handler call (log it, count it). */
  readonly onHandlerError?: (failure: HandlerFailure) => void;
  /** The consumer crashed; kafkajs restarts it when `restarting` (otherwise the runner consumes no more). */
  readonly onCrash?: (error: Error, restarting: boolean) => void;
}

interface MessageHandlerOptions extends CommonOptions {
  readonly handle: CloudEventHandler;
  readonly handleBatch?: never;
  readonly batchSize?: never;
}

export interface BatchHandlerOptions extends CommonOptions {
  readonly handleBatch: CloudEventBatchHandler;
  /** Most messages per handler call; default 1000. */
  readonly batchSize?: number;
  readonly handle?: never;
}

type ConsumerRunnerOptions = MessageHandlerOptions | BatchHandlerOptions;

/** Headers the runner adds to a dead-lettered message; the original key, value and headers are kept as they were. */
export const DEAD_LETTER_HEADERS = {
  error: 'dlq.error',
  reason: 'dlq.reason',
  attempts: 'dlq.attempts',
  groupId: 'dlq.group.id',
  originalTopic: 'dlq.original.topic',
  originalPartition: 'dlq.original.partition',
  originalOffset: 'dlq.original.offset',
  originalTimestamp: 'dlq.original.timestamp',
} as const;

const MAX_ERROR_HEADER_LENGTH = 4_096;

/** A parsed message with its raw form, which a dead letter copies as it was. */
interface InFlight extends ParsedMessage {
  readonly raw: KafkaMessage;
}

export class ConsumerRunner {
  private readonly consumer: Consumer;
  private readonly deadLetterProducer: Producer;
  private readonly pipeline: FeedPipeline<InFlight>;
  private readonly batchSize: number;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerRunnerOptions,
  ) {
    if (options.topics.length === 0) throw new RangeError('ConsumerRunner needs at least one topic');
    const maxAttempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError('maxAttempts must be a positive integer');
    }
    let handleBatch: CloudEventBatchHandler;
    if (options.handleBatch !== undefined) {
      handleBatch = options.handleBatch;
      this.batchSize = options.batchSize ?? 1000;
      if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
        throw new RangeError('batchSize must be a positive integer');
      }
    } else {
      const handle = options.handle;
      handleBatch = ([{ event, message }]) => handle(event, message);
      this.batchSize = 1;
    }
    const isPoison = options.isPoison ?? (() => true);
    this.pipeline = new FeedPipeline<InFlight>({
      sink: {
        handle: (batch) => handleBatch(batch),
        isPoison,
        quarantine: ({ raw, message, event }, error, attempts) =>
          this.deadLetter(raw, message, 'handler-failed', error, attempts, event),
      },
      retryPolicy: {
        initialDelayMs: options.retryBackoffMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
        maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs,
      },
      poisonAttempts: maxAttempts,
      onFailure: options.onHandlerError,
    });
    const sessionTimeout = options.sessionTimeoutMs;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout,
      heartbeatInterval: sessionTimeout === undefined ? undefined : Math.min(3_000, Math.floor(sessionTimeout / 3)),
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1000,
      maxBytesPerPartition: options.maxBytesPerPartition,
      allowAutoTopicCreation: false,
    });
    this.deadLetterProducer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  /** Connects, joins the group and starts consuming in the background. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`ConsumerRunner ${this.options.groupId} was already started`);
    this.state = 'running';
    if (this.options.ensureTopics !== undefined) await this.ensureTopics(this.options.ensureTopics.partitions);
    await this.deadLetterProducer.connect();
    await this.consumer.connect();
    const { onCrash } = this.options;
    if (onCrash !== undefined) {
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => onCrash(payload.error, payload.restart));
    }
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      // Offsets are resolved here, chunk by chunk; kafkajs commits resolved offsets only (after each batch, on
      // errors, on rebalance and on stop, and every autoCommitInterval via commitOffsetsIfNecessary).
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: this.options.commitIntervalMs,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  /**
   * Graceful shutdown: lets the chunk in hand finish, commits every processed offset, leaves the group and
   * disconnects. Messages not yet processed stay uncommitted for the next member.
   */
  stop(): Promise<void> {
    if (this.state === 'idle') this.state = 'stopped';
    if (this.state === 'stopped') return Promise.resolve();
    this.state = 'stopping';
    this.stopped ??= this.consumer
      .disconnect()
      .finally(() => this.deadLetterProducer.disconnect())
      .finally(() => {
        this.state = 'stopped';
      });
    return this.stopped;
  }

  private async ensureTopics(partitions: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        this.options.topics.map((topic) => ({ topic, partitions })),
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** One fetched partition batch: the source of the runtime's pipeline, chunk by chunk, resolving offsets as it goes. */
  private async consumeBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const control: FeedControl = {
      continueIf: () => this.state === 'running' && isRunning() && !isStale(),
      beforeRetry: heartbeat,
    };
    const { topic, partition } = batch;
    const chunks = evenChunks(batch.messages, this.batchSize);
    const source = async function* (this: ConsumerRunner): AsyncGenerator<SourceBatch<InFlight>> {
      for (const chunk of chunks) {
        // Checked before the chunk's malformed messages are dead-lettered, not only before it is handled.
        if (!control.continueIf?.()) return;
        yield {
          items: await this.parseOrDeadLetter(topic, partition, chunk),
          // Resolved once every message of the chunk was handled or dead-lettered; never for an abandoned chunk
          // (stopping or rebalancing while the handler kept failing), which is then redelivered.
          acknowledge: async () => {
            resolveOffset(chunk[chunk.length - 1].offset);
            await commitOffsetsIfNecessary();
            await heartbeat();
          },
        };
      }
    };
    await runFeed(source.call(this), this.pipeline, control);
  }

  /** The chunk's CloudEvents; a malformed value goes to the dead-letter topic at once (retrying cannot fix it). */
  private async parseOrDeadLetter(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
  ): Promise<InFlight[]> {
    const parsed: InFlight[] = [];
    for (const raw of messages) {
      const message = toConsumedMessage(topic, partition, raw);
      try {
        parsed.push({ event: parseCloudEvent(raw.value), message, raw });
      } catch (error) {
        if (!(error instanceof MalformedCloudEventError)) throw error;
        await this.deadLetter(raw, message, 'malformed', error, 0);
      }
    }
    return parsed;
  }

  /** Resolves once the dead-letter topic acknowledged; if that fails the batch fails and is fetched again. */
  private async deadLetter(
    message: KafkaMessage,
    consumed: ConsumedMessage,
    reason: DeadLetter['reason'],
    error: Error,
    attempts: number,
    event?: PolicyServicingCloudEvent,
  ): Promise<void> {
    const deadLetterTopic = deadLetterTopicFor(consumed.topic);
    const headers: IHeaders = {
      ...message.headers,
      [DEAD_LETTER_HEADERS.error]: truncate(`${error.name}: ${error.message}`, MAX_ERROR_HEADER_LENGTH),
      [DEAD_LETTER_HEADERS.reason]: reason,
      [DEAD_LETTER_HEADERS.attempts]: String(attempts),
      [DEAD_LETTER_HEADERS.groupId]: this.options.groupId,
      [DEAD_LETTER_HEADERS.originalTopic]: consumed.topic,
      [DEAD_LETTER_HEADERS.originalPartition]: String(consumed.partition),
      [DEAD_LETTER_HEADERS.originalOffset]: consumed.offset,
      [DEAD_LETTER_HEADERS.originalTimestamp]: consumed.timestamp,
    };
    await this.deadLetterProducer.send({
      topic: deadLetterTopic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    await this.options.onDeadLetter?.({
      message: consumed,
      ...(event === undefined ? {} : { event }),
      groupId: this.options.groupId,
      deadLetterTopic,
      reason,
      error,
      attempts,
    });
  }
}

function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return new LazyConsumedMessage(topic, partition, message);
}

/** Decodes key and headers when first read: a batch handler that never looks at them pays nothing per message. */
class LazyConsumedMessage implements ConsumedMessage {
  private decodedHeaders: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly raw: KafkaMessage,
  ) {}

  get offset(): string {
    return this.raw.offset;
  }

  get timestamp(): string {
    return this.raw.timestamp;
  }

  get key(): string | null {
    return this.raw.key ? this.raw.key.toString('utf8') : null;
  }

  get headers(): Readonly<Record<string, string>> {
    this.decodedHeaders ??= decodeHeaders(this.raw.headers);
    return this.decodedHeaders;
  }

  /** What a log line or `JSON.stringify` shows: the decoded fields, not the raw buffers. */
  toJSON(): ConsumedMessage {
    const { topic, partition, offset, key, headers, timestamp } = this;
    return { topic, partition, offset, key, headers, timestamp };
  }
}

function decodeHeaders(raw: IHeaders | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) headers[name] = last.toString();
  }
  return headers;
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
