/**
 * A consumer-group runner for the projection feed (DESIGN 5). At-least-once: a message's offset is resolved, and so
 * committed, only after its handler succeeded or after it was written to `<topic>.dlq`. Handlers therefore see a
 * message again after a crash or rebalance and must be idempotent (the projector skips revisions it applied).
 *
 * Two modes, one engine: `handle` gets one message at a time; `handleBatch` gets each fetched partition batch cut
 * into even chunks of at most `batchSize` messages (one database transaction per chunk, say).
 * - A value that is not one of our CloudEvents goes to `<topic>.dlq` at once: retrying cannot fix the bytes.
 * - A handler error that `isPoison` calls the messages' fault: a chunk of several is handed over again one message
 *   at a time to find the culprit(s); a single message gets `maxAttempts` attempts, then goes to the DLQ with the
 *   error in its headers, and the group moves on.
 * - Any other handler error (the database is unreachable) is retried with backoff until it works, or until the
 *   runner stops or loses the partition (the chunk is then left unresolved for the next owner); never dead-lettered.
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

/** A failed handler call, reported before the runner retries, isolates or dead-letters. */
export interface HandlerFailure {
  readonly error: Error;
  /** `poison`: the messages' fault (isPoison): isolated, then bounded. `transient`: retried until it works. */
  readonly kind: 'poison' | 'transient';
  /** Consecutive transient failures of this handler call so far (1, 2, …); 0 for a poison failure. */
  readonly transientFailures: number;
  readonly batch: readonly ParsedMessage[];
}

interface CommonOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Attempts for a message failing with a poison error before it is dead-lettered; default 3. */
  readonly maxAttempts?: number;
  /** Wait before the second attempt, doubled before each further one (at most 5 s); default 200 ms. */
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

const MAX_BACKOFF_MS = 5_000;
const MAX_ERROR_HEADER_LENGTH = 4_096;

/** Each handler call of a chunk ends handled, poisoned (the error), or abandoned (stopping or rebalancing). */
type Settled = 'handled' | 'abandoned' | Error;

interface Chunk {
  readonly topic: string;
  readonly partition: number;
  readonly heartbeat: () => Promise<void>;
  readonly shouldContinue: () => boolean;
}

export class ConsumerRunner {
  private readonly consumer: Consumer;
  private readonly deadLetterProducer: Producer;
  private readonly handleBatch: CloudEventBatchHandler;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private readonly isPoison: (error: Error) => boolean;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerRunnerOptions,
  ) {
    if (options.topics.length === 0) throw new RangeError('ConsumerRunner needs at least one topic');
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryBackoffMs = options.retryBackoffMs ?? 200;
    this.isPoison = options.isPoison ?? (() => true);
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError('maxAttempts must be a positive integer');
    }
    if (options.handleBatch !== undefined) {
      this.handleBatch = options.handleBatch;
      this.batchSize = options.batchSize ?? 1000;
      if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
        throw new RangeError('batchSize must be a positive integer');
      }
    } else {
      const handle = options.handle;
      this.handleBatch = ([{ event, message }]) => handle(event, message);
      this.batchSize = 1;
    }
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

  private async consumeBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const chunk: Chunk = {
      topic: batch.topic,
      partition: batch.partition,
      heartbeat,
      shouldContinue: () => this.state === 'running' && isRunning() && !isStale(),
    };
    const { messages } = batch;
    if (messages.length === 0) return;
    // Even chunks (1 100 messages → 550 + 550, not 1 000 + 100): fewer, fuller handler calls.
    const chunkSize = Math.ceil(messages.length / Math.ceil(messages.length / this.batchSize));
    for (let start = 0; start < messages.length; start += chunkSize) {
      if (!chunk.shouldContinue()) return;
      const slice = messages.slice(start, start + chunkSize);
      // Abandoned (stopping or rebalancing while the handler kept failing): not resolved, so redelivered.
      if (!(await this.consumeChunk(chunk, slice))) return;
      resolveOffset(slice[slice.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** True once every message of the chunk was handled or dead-lettered. */
  private async consumeChunk(chunk: Chunk, messages: readonly KafkaMessage[]): Promise<boolean> {
    const parsed: ParsedMessage[] = [];
    const raw: KafkaMessage[] = [];
    for (const message of messages) {
      const consumed = toConsumedMessage(chunk.topic, chunk.partition, message);
      let event: PolicyServicingCloudEvent;
      try {
        event = parseCloudEvent(message.value);
      } catch (error) {
        if (!(error instanceof MalformedCloudEventError)) throw error;
        await this.deadLetter(message, consumed, 'malformed', error, 0);
        continue;
      }
      parsed.push({ event, message: consumed });
      raw.push(message);
    }
    if (parsed.length === 0) return true;

    if (parsed.length > 1) {
      const settled = await this.handleUntilSettled(chunk, parsed);
      if (settled === 'handled') return true;
      if (settled === 'abandoned') return false;
      // Some message of the chunk is poison: one by one, so that only the culprit(s) go to the DLQ.
    }
    return this.isolate(chunk, parsed, raw);
  }

  private async isolate(
    chunk: Chunk,
    parsed: readonly ParsedMessage[],
    raw: readonly KafkaMessage[],
  ): Promise<boolean> {
    for (let index = 0; index < parsed.length; index++) {
      for (let attempt = 1; ; attempt++) {
        const settled = await this.handleUntilSettled(chunk, [parsed[index]]);
        if (settled === 'handled') break;
        if (settled === 'abandoned') return false;
        if (attempt >= this.maxAttempts) {
          // A consumer that lost the partition meanwhile leaves the verdict to its new owner.
          if (!chunk.shouldContinue()) return false;
          await this.deadLetter(
            raw[index],
            parsed[index].message,
            'handler-failed',
            settled,
            attempt,
            parsed[index].event,
          );
          break;
        }
        await sleep(this.backoffMs(attempt));
        // Stopping or rebalancing: leave the message unresolved; whoever owns the partition next retries it.
        if (!chunk.shouldContinue()) return false;
        await chunk.heartbeat();
      }
    }
    return true;
  }

  /** One handler call, repeated with backoff while it fails with a transient error. */
  private async handleUntilSettled(chunk: Chunk, batch: readonly ParsedMessage[]): Promise<Settled> {
    for (let transientFailures = 0; ;) {
      try {
        await this.handleBatch(batch);
        return 'handled';
      } catch (caught) {
        const error = asError(caught);
        if (this.isPoison(error)) {
          this.options.onHandlerError?.({ error, kind: 'poison', transientFailures: 0, batch });
          return error;
        }
        transientFailures++;
        this.options.onHandlerError?.({ error, kind: 'transient', transientFailures, batch });
        if (!chunk.shouldContinue()) return 'abandoned';
        await sleep(this.backoffMs(transientFailures));
        if (!chunk.shouldContinue()) return 'abandoned';
        // The broker may be the thing that is down: a failed heartbeat must not end the retries.
        await chunk.heartbeat().catch(() => undefined);
      }
    }
  }

  private backoffMs(attempt: number): number {
    return Math.min(this.retryBackoffMs * 2 ** Math.min(attempt - 1, 10), MAX_BACKOFF_MS);
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
