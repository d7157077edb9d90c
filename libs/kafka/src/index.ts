/** libs/kafka: the only importer of kafkajs. CloudEvents mapping, relay producer, consumer runner with DLQ. */
import { type createKafka } from './kafka-client';

export * from './cloud-events';
export * from './kafka-client';
export * from './event-publisher';
export * from './consumer-runner';

/**
 * The connected client `createKafka` returns, named by this lib so callers need no kafkajs import: hand it to
 * `EventPublisher` and `ConsumerRunner`; its `admin()` feeds `ensureTopics`.
 */
export type KafkaClient = ReturnType<typeof createKafka>;
/** `KafkaClient.admin()`: topic set-up, and offsets for tests and benchmarks. */
export type KafkaAdmin = ReturnType<KafkaClient['admin']>;
