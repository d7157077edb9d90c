/** libs/kafka: the only importer of kafkajs. CloudEvents mapping, relay producer, consumer runner with DLQ. */
export type { Admin, Kafka } from 'kafkajs';
export * from './cloud-events';
export * from './kafka-client';
export * from './event-publisher';
export * from './consumer-runner';
