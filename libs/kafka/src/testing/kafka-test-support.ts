/**
 * Helpers for integration suites that run against a real broker (scripts/kafka.sh start): this lib's and the
 * relay's. Not part of the public entry; tests import it as `@lib/kafka/testing`. Every suite works on its own randomly named topics and groups, so suites and
 * repeated runs can share one broker in parallel.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type RecordedEvent } from '@lib/event-sourcing';
import { type Admin, type Kafka, type KafkaMessage } from 'kafkajs';
import { createKafka, parseBrokerList } from '../kafka-client';

export const TEST_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/**
 * Registers the suite when a broker answers on TEST_BROKERS. Without one it must not pass silently: when
 * KAFKA_BROKERS or CI is set a broker was promised, so the suite fails with one test saying what is missing;
 * otherwise (a laptop without Kafka) it prints one line and skips.
 */
export function describeWithKafka(name: string, suite: () => void): void {
  const probe = probeBrokers(TEST_BROKERS);
  if (probe.reachable) {
    describe(name, suite);
    return;
  }
  const hint = `no broker at ${TEST_BROKERS} (${probe.detail}); run scripts/kafka.sh start`;
  if (process.env.KAFKA_BROKERS !== undefined || process.env.CI !== undefined) {
    describe(name, () => {
      it('has a Kafka broker to run against', () => {
        throw new Error(
          `Kafka integration suite cannot run (KAFKA_BROKERS or CI is set, so a broker is required): ${hint}`,
        );
      });
    });
    return;
  }
  process.stderr.write(`Kafka suites skipped: ${hint}\n`);
  // Skipped, not passed: no broker on this machine and none was promised (neither KAFKA_BROKERS nor CI is set).
  describe.skip(name, suite);
}

/**
 * Jest registers suites synchronously, so the TCP probe runs in a child process (about 50 ms). It only checks that
 * something accepts connections; a port held by something other than Kafka makes the suite fail, not skip.
 */
function probeBrokers(brokers: string): { reachable: boolean; detail: string } {
  let addresses: string[];
  try {
    addresses = parseBrokerList(brokers);
  } catch (error) {
    return { reachable: false, detail: (error as Error).message };
  }
  const script = `
    const net = require('node:net');
    const addresses = ${JSON.stringify(addresses)};
    let pending = addresses.length;
    for (const address of addresses) {
      const colon = address.lastIndexOf(':');
      const host = address.slice(0, colon).replace(/^\\[|\\]$/g, '');
      const socket = net.connect({ host, port: Number(address.slice(colon + 1)) });
      socket.setTimeout(1500);
      socket.on('connect', () => process.exit(0));
      const failed = () => { socket.destroy(); if (--pending === 0) process.exit(1); };
      socket.on('error', failed);
      socket.on('timeout', failed);
    }`;
  const result = spawnSync(process.execPath, ['-e', script], { timeout: 5000 });
  return { reachable: result.status === 0, detail: result.status === 0 ? 'ok' : 'connection refused or timed out' };
}

/** `<prefix>.<8 random hex chars>`: topics and groups of one test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

export function testKafka(clientId: string): Kafka {
  return createKafka({ brokers: TEST_BROKERS, clientId });
}

/** A recorded event as the event store would hand it to the relay. */
export function recordedEvent(
  streamId: string,
  revision: number,
  type: string,
  data: RecordedEvent['data'],
  position: number,
): RecordedEvent {
  const eventId = randomUUID();
  return {
    streamId,
    revision,
    position: String(position).padStart(20, '0'),
    eventId,
    type,
    data,
    metadata: {
      eventId,
      correlationId: `corr-${streamId}`,
      causationId: `cause-${streamId}-${revision}`,
      actor: { id: 'kafka-int-spec', roles: ['system'] },
      channel: 'PROCESS',
      recordedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, position)).toISOString(),
      schemaVersion: 1,
    },
  };
}

export async function waitFor(condition: () => boolean, description: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Reads a whole topic (up to its current end) with a throwaway consumer group. */
export async function readTopic(kafka: Kafka, admin: Admin, topic: string): Promise<KafkaMessage[]> {
  const expected = await messageCount(admin, topic);
  if (expected === 0) return [];
  const consumer = kafka.consumer({ groupId: uniqueName('read-topic'), maxWaitTimeInMs: 250 });
  const messages: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
      },
    });
    await waitFor(() => messages.length >= expected, `${expected} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

export async function messageCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
}

/** The group's committed offset per partition of the topic (-1: nothing committed). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Record<number, number>> {
  const [topicOffsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(topicOffsets.partitions.map(({ partition, offset }) => [partition, Number(offset)]));
}
