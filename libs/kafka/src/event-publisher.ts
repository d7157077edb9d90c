/**
 * The relay's producer: recorded events → CloudEvents on their category's topic, keyed by stream id.
 * At-least-once with per-stream order: the relay advances its checkpoint only after `publishBatch` resolved, i.e.
 * after every replica acknowledged (acks = all); the idempotent producer keeps broker-side retries from
 * duplicating or reordering messages within a partition.
 */
import { type RecordedEvent } from '@lib/event-sourcing';
import { Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import {
  CLOUD_EVENTS_CONTENT_TYPE,
  DEFAULT_TOPICS,
  serializeCloudEvent,
  toCloudEvent,
  topicFor,
  type TopicNames,
} from './cloud-events';

export interface EventPublisherOptions {
  /** CloudEvents `source`; default `/policy-servicing`. */
  readonly source?: string;
  /** Topic per stream category; default `policy.events.v1` / `agent.events.v1`. */
  readonly topics?: TopicNames;
  /** How long the broker may take to acknowledge a request; default 30 000 ms. */
  readonly ackTimeoutMs?: number;
  /**
   * Messages are sent in requests of at most about this many bytes (keys + values), one after the other, so a large
   * catch-up batch stays under the broker's message.max.bytes (1 MiB per partition batch). Default 512 KiB.
   */
  readonly maxRequestBytes?: number;
}

export interface PublishedPartition {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first message of this request in the partition. */
  readonly baseOffset: string;
}

export interface PublishReceipt {
  readonly messageCount: number;
  readonly partitions: readonly PublishedPartition[];
}

/** Headers besides the structured CloudEvent, so routers and tools can filter without parsing the value. */
export const CLOUD_EVENT_HEADERS = { contentType: 'content-type', id: 'ce_id', type: 'ce_type' } as const;

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
      // Idempotence needs acks = all (sent below) and unlimited retries (the kafkajs default when idempotent);
      // one request in flight keeps retried batches in order.
      idempotent: true,
      maxInFlightRequests: 1,
      // Java-compatible murmur2 partitioning: other clients place the same stream on the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
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
   * anything is sent, so an unpublishable event fails the call without a partial send.
   * On rejection some messages may have been written: the caller retries the whole batch (at-least-once;
   * consumers deduplicate by stream revision).
   */
  async publishBatch(events: readonly RecordedEvent[]): Promise<PublishReceipt> {
    const outgoing = events.map((event) => this.toMessage(event));
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

  private toMessage(event: RecordedEvent): OutgoingMessage {
    const topic = topicFor(event.streamId, this.topics);
    const cloudEvent = toCloudEvent(event, { source: this.source });
    const value = serializeCloudEvent(cloudEvent);
    return {
      topic,
      bytes: value.length + Buffer.byteLength(event.streamId),
      message: {
        key: event.streamId,
        value,
        headers: {
          [CLOUD_EVENT_HEADERS.contentType]: CLOUD_EVENTS_CONTENT_TYPE,
          [CLOUD_EVENT_HEADERS.id]: cloudEvent.id,
          [CLOUD_EVENT_HEADERS.type]: cloudEvent.type,
        },
      },
    };
  }
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
