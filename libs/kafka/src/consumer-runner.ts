/**
 * A consumer-group runner for the projection feed (DESIGN 5). At-least-once: a message's offset is resolved, and so
 * committed, only after its handler succeeded or after it was written to `<topic>.dlq`. Handlers therefore see a
 * message again after a crash or rebalance and must be idempotent (the projector skips revisions it applied).
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
import { deadLetterTopicFor } from './kafka-client';

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

export type CloudEventHandler = (event: PolicyServicingCloudEvent, message: ConsumedMessage) => Promise<void>;

export interface DeadLetter {
  readonly message: ConsumedMessage;
  readonly groupId: string;
  readonly deadLetterTopic: string;
  readonly reason: 'malformed' | 'handler-failed';
  readonly error: Error;
  /** Handler attempts made (0 for a malformed message). */
  readonly attempts: number;
}

export interface ConsumerRunnerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handle: CloudEventHandler;
  /** Handler attempts per message before it is dead-lettered; default 3. */
  readonly maxAttempts?: number;
  /** Wait before the second attempt, doubled before each further one (at most 5 s); default 200 ms. */
  readonly retryBackoffMs?: number;
  /** Where a group without committed offsets starts; default true (a new projection reads the whole topic). */
  readonly fromBeginning?: boolean;
  /** Default 30 000 ms (kafkajs); the handler's heartbeat runs between messages and between attempts. */
  readonly sessionTimeoutMs?: number;
  /**
   * Longest wait of an idle fetch; default 1000 ms (kafkajs: 5000). New messages end the wait at once, so this
   * bounds how long `stop()` waits for an idle fetch, not the projection's latency.
   */
  readonly maxWaitTimeMs?: number;
  /** Called after a message was written to its dead-letter topic (log it, count it). */
  readonly onDeadLetter?: (deadLetter: DeadLetter) => void;
}

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

type Outcome = 'handled' | 'dead-lettered' | 'abandoned';

export class ConsumerRunner {
  private readonly consumer: Consumer;
  private readonly deadLetterProducer: Producer;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private stopped: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerRunnerOptions,
  ) {
    if (options.topics.length === 0) throw new RangeError('ConsumerRunner needs at least one topic');
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryBackoffMs = options.retryBackoffMs ?? 200;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError('maxAttempts must be a positive integer');
    }
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1000,
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
    await this.deadLetterProducer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      // Offsets are resolved here, message by message; kafkajs commits resolved offsets only (after each batch, on
      // errors, on rebalance and on stop, and every autoCommitInterval via commitOffsetsIfNecessary).
      eachBatchAutoResolve: false,
      autoCommit: true,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  /**
   * Graceful shutdown: lets the message in hand finish, commits every processed offset, leaves the group and
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

  private async consumeBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const shouldContinue = () => this.state === 'running' && isRunning() && !isStale();
    for (const message of batch.messages) {
      if (!shouldContinue()) break;
      const outcome = await this.consumeMessage(batch.topic, batch.partition, message, heartbeat, shouldContinue);
      if (outcome === 'abandoned') break;
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private async consumeMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    shouldContinue: () => boolean,
  ): Promise<Outcome> {
    const consumed = toConsumedMessage(topic, partition, message);
    let event: PolicyServicingCloudEvent;
    try {
      event = parseCloudEvent(message.value);
    } catch (error) {
      if (!(error instanceof MalformedCloudEventError)) throw error;
      // Retrying cannot fix the bytes: straight to the dead-letter topic.
      await this.deadLetter(message, consumed, 'malformed', error, 0);
      return 'dead-lettered';
    }

    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(event, consumed);
        return 'handled';
      } catch (error) {
        if (attempt >= this.maxAttempts) {
          await this.deadLetter(message, consumed, 'handler-failed', asError(error), attempt);
          return 'dead-lettered';
        }
        await sleep(Math.min(this.retryBackoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS));
        // Stopping or rebalancing: leave the message unresolved; whoever owns the partition next retries it.
        if (!shouldContinue()) return 'abandoned';
        await heartbeat();
      }
    }
  }

  /** Resolves once the dead-letter topic acknowledged; if that fails the batch fails and is fetched again. */
  private async deadLetter(
    message: KafkaMessage,
    consumed: ConsumedMessage,
    reason: DeadLetter['reason'],
    error: Error,
    attempts: number,
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
    this.options.onDeadLetter?.({
      message: consumed,
      groupId: this.options.groupId,
      deadLetterTopic,
      reason,
      error,
      attempts,
    });
  }
}

function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) headers[name] = last.toString();
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    headers,
    timestamp: message.timestamp,
  };
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
