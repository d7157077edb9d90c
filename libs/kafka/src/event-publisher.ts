/**
 * The relay's producer: recorded events → CloudEvents on their category's topic, keyed by stream id.
 * At-least-once with per-stream order: the relay advances its checkpoint only after `publishBatch` resolved, i.e.
 * after every replica acknowledged (acks = all); the idempotent producer keeps broker-side retries from
 * duplicating or reordering messages within a partition.
 *
 * Messages follow the CloudEvents Kafka binding's structured mode: the whole event is the JSON value and the only
 * header is `content-type: application/cloudevents+json; charset=UTF-8`, which the binding requires of structured
 * messages (it is what tells a CloudEvents SDK the mode). The `ce_id` / `ce_type` headers the relay used to add as
 * well are binary-mode attributes duplicating the value: kafkajs encodes every header as its own small buffer, and
 * the two cost about a tenth of the relay's CPU per event, for filtering no consumer did (the projector and the
 * dead-letter tooling read the value). The one header is a shared Buffer, so it is copied, not UTF-8 encoded, per
 * message.
 */
import {
  Partitioners,
  type ICustomPartitioner,
  type Kafka,
  type Message,
  type Producer,
  type TopicMessages,
} from 'kafkajs';
import {
  CLOUD_EVENTS_CONTENT_TYPE,
  CloudEventMappingError,
  DEFAULT_TOPICS,
  cloudEventJson,
  topicFor,
  type PublishableEvent,
  type TopicNames,
} from './cloud-events';

interface EventPublisherOptions {
  /** CloudEvents `source`; default `/policy-servicing`. */
  readonly source?: string;
  /** Topic per stream category; default `policy.events.v1` / `agent.events.v1` / `product.events.v1`. */
  readonly topics?: TopicNames;
  /** How long the broker may take to acknowledge a request; default 30 000 ms. */
  readonly ackTimeoutMs?: number;
  /**
   * Messages are sent in requests of at most about this many bytes (keys + values), one after the other, so a large
   * catch-up batch stays under the broker's message.max.bytes (1 MiB per partition batch). Default 512 KiB.
   */
  readonly maxRequestBytes?: number;
}

interface PublishedPartition {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first message of this request in the partition. */
  readonly baseOffset: string;
}

interface PublishReceipt {
  readonly messageCount: number;
  readonly partitions: readonly PublishedPartition[];
}

/** The one header of a published message: the structured-mode content type (see the module comment). */
const CLOUD_EVENT_HEADERS = { contentType: 'content-type' } as const;

const CONTENT_TYPE_VALUE = Buffer.from(CLOUD_EVENTS_CONTENT_TYPE, 'utf8');

interface PublishOptions {
  /**
   * An event that cannot be a CloudEvent (CloudEventMappingError: no recordedAt, a type that is no identifier, …) is
   * left out and handed here instead of failing the batch: retrying could never send it.
   */
  readonly onUnpublishable?: (event: PublishableEvent, error: CloudEventMappingError) => void;
}

interface OutgoingMessage {
  readonly topic: string;
  readonly message: Message;
  readonly bytes: number;
}

export class EventPublisher {
  private readonly producer: Producer;
  private readonly topics: TopicNames;
  private readonly source: string | undefined;
  private readonly ackTimeoutMs: number;
  private readonly maxRequestBytes: number;
  private connecting: Promise<void> | undefined;

  constructor(kafka: Kafka, options: EventPublisherOptions = {}) {
    this.producer = kafka.producer({
      // Idempotence needs acks = all (sent below); one request in flight keeps retried batches in order. kafkajs
      // retries a request a few times (its default), then publishBatch fails and the caller retries the batch.
      // Sequence errors (OUT_OF_ORDER_SEQUENCE_NUMBER, an expired producer id) are not retried by kafkajs: the
      // relay then starts a new publisher, which gets a new producer id.
      idempotent: true,
      maxInFlightRequests: 1,
      // Java-compatible murmur2 partitioning: other clients place the same stream on the same partition.
      // (Same partitions as kafkajs's DefaultPartitioner, computed with 32-bit arithmetic: see murmur2Partitioner.)
      createPartitioner: murmur2Partitioner,
      allowAutoTopicCreation: false,
    });
    this.topics = options.topics ?? DEFAULT_TOPICS;
    this.source = options.source;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
  }

  /** Idempotent; `publishBatch` connects on first use too. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /**
   * Publishes the events in order and resolves once Kafka acknowledged all of them. Every event is mapped before
   * anything is sent, so an unpublishable event fails the call without a partial send (unless `onUnpublishable`
   * takes it).
   * On rejection some messages may have been written: the caller retries the whole batch (at-least-once;
   * consumers deduplicate by stream revision).
   */
  async publishBatch(events: readonly PublishableEvent[], options: PublishOptions = {}): Promise<PublishReceipt> {
    const outgoing: OutgoingMessage[] = [];
    for (const event of events) {
      try {
        outgoing.push(this.toMessage(event));
      } catch (error) {
        if (!(error instanceof CloudEventMappingError) || options.onUnpublishable === undefined) throw error;
        options.onUnpublishable(event, error);
      }
    }
    if (outgoing.length === 0) return { messageCount: 0, partitions: [] };
    await this.connect();

    const partitions: PublishedPartition[] = [];
    for (const request of chunkByBytes(outgoing, this.maxRequestBytes)) {
      const metadata = await this.producer.sendBatch({
        topicMessages: groupByTopic(request),
        acks: -1,
        timeout: this.ackTimeoutMs,
      });
      for (const { topicName, partition, baseOffset } of metadata) {
        partitions.push({ topic: topicName, partition, baseOffset: baseOffset ?? '' });
      }
    }
    return { messageCount: outgoing.length, partitions };
  }

  async disconnect(): Promise<void> {
    this.connecting = undefined;
    await this.producer.disconnect();
  }

  private toMessage(event: PublishableEvent): OutgoingMessage {
    const topic = topicFor(event.streamId, this.topics);
    const value = Buffer.from(cloudEventJson(event, { source: this.source }), 'utf8');
    return {
      topic,
      bytes: value.length + Buffer.byteLength(event.streamId),
      message: { key: event.streamId, value, headers: { [CLOUD_EVENT_HEADERS.contentType]: CONTENT_TYPE_VALUE } },
    };
  }
}

/**
 * kafkajs's DefaultPartitioner (Java-compatible murmur2 of the key, positive, modulo the partition count) with the
 * hash in 32-bit integer arithmetic (Math.imul) instead of kafkajs's emulated 64-bit Long, and without its
 * per-message filtering of the partition list: same partition for every key (unit-tested against kafkajs), a few
 * per cent of the relay's CPU less. Messages without a key (not sent by the publisher) go to kafkajs's own.
 */
export const murmur2Partitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key === null || message.key === undefined) return fallback(args);
    return (murmur2(message.key) & 0x7fffffff) % partitionMetadata.length;
  };
};

const MURMUR2_M = 0x5bd1e995;
const MURMUR2_SEED = 0x9747b28c;
const NON_ASCII = /[\u0080-\uffff]/;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils#murmur2) of the key's UTF-8 bytes, as a signed 32-bit int. */
function murmur2(key: Buffer | string): number {
  // Stream ids are ASCII: their char codes are their UTF-8 bytes, no Buffer needed.
  const bytes = typeof key === 'string' && !NON_ASCII.test(key) ? key : Buffer.from(key);
  const at: (index: number) => number =
    typeof bytes === 'string' ? (index) => bytes.charCodeAt(index) : (index) => bytes[index];
  const length = bytes.length;
  let h = MURMUR2_SEED ^ length;
  const whole = length & ~3;
  for (let index = 0; index < whole; index += 4) {
    let k = at(index) | (at(index + 1) << 8) | (at(index + 2) << 16) | (at(index + 3) << 24);
    k = Math.imul(k, MURMUR2_M);
    k ^= k >>> 24;
    k = Math.imul(k, MURMUR2_M);
    h = Math.imul(h, MURMUR2_M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= at(whole + 2) << 16;
  if (rest >= 2) h ^= at(whole + 1) << 8;
  if (rest >= 1) h = Math.imul(h ^ at(whole), MURMUR2_M);
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR2_M);
  h ^= h >>> 15;
  return h | 0;
}

/** Consecutive runs of at most `maxBytes` (a single larger message forms its own run); order is kept. */
function chunkByBytes(messages: readonly OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    if (current.length > 0 && currentBytes + message.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += message.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** One entry per topic; within a topic the messages keep their order (hence per-key order per partition). */
function groupByTopic(messages: readonly OutgoingMessage[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of messages) {
    const list = byTopic.get(topic) ?? [];
    list.push(message);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages }));
}
