/**
 * Real Kafka and PostgreSQL for the projection e2e suites. Each suite works on its own topics, consumer group and
 * PostgreSQL schemas (random suffixes), so suites run in parallel on the shared broker and database.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type RecordedEvent } from '@lib/event-sourcing';
import { createKafka, parseBrokerList, type KafkaAdmin, type KafkaClient } from '@lib/kafka';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const POSTGRES_URL =
  process.env.READ_MODEL_TEST_URL || process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Registers the suite when Kafka and PostgreSQL accept connections. Otherwise: when CI, KAFKA_BROKERS or
 * READ_MODEL_TEST_URL promised them, one failing test says what is missing; on a bare laptop one line says the
 * suite is skipped.
 */
export function describeWithKafkaAndPostgres(name: string, suite: () => void): void {
  const missing = [
    ...parseBrokerList(KAFKA_BROKERS)
      .filter((address) => !accepts(address))
      .map((address) => `Kafka at ${address}`),
    ...(accepts(postgresAddress(POSTGRES_URL)) ? [] : [`PostgreSQL at ${postgresAddress(POSTGRES_URL)}`]),
  ];
  if (missing.length === 0) {
    describe(name, suite);
    return;
  }
  const hint = `${missing.join(' and ')} unreachable (scripts/kafka.sh start; READ_MODEL_TEST_URL)`;
  if (process.env.CI || process.env.KAFKA_BROKERS || process.env.READ_MODEL_TEST_URL) {
    describe(name, () => {
      it('has Kafka and PostgreSQL to run against', () => {
        throw new Error(`Projection e2e suite cannot run: ${hint}`);
      });
    });
    return;
  }
  process.stderr.write(`Projection e2e suite skipped: ${hint}\n`);
  // Skipped, not passed: no Kafka/PostgreSQL here and none was promised (CI unset); under CI the suite fails instead.
  describe.skip(name, suite);
}

function postgresAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}

/** Jest registers suites synchronously: a TCP connect in a child process. */
function accepts(address: string): boolean {
  const colon = address.lastIndexOf(':');
  const script = `const s = require('node:net').connect({ host: ${JSON.stringify(address.slice(0, colon))}, port: ${Number(address.slice(colon + 1))} });
    s.setTimeout(1500); s.on('connect', () => process.exit(0)); s.on('error', () => process.exit(1)); s.on('timeout', () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', script], { timeout: 5000 }).status === 0;
}

export function uniqueSuffix(): string {
  return randomUUID().slice(0, 8);
}

export function testKafka(): KafkaClient {
  return createKafka({ brokers: KAFKA_BROKERS, clientId: 'projection-e2e' });
}

/** Best-effort clean-up of a suite's schemas (psql; `pg` belongs to libs/read-models only). */
export function dropSchemas(prefix: string): Promise<void> {
  const sql =
    `DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE '${prefix}%' ` +
    `LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$;`;
  return new Promise((done) => execFile('psql', [POSTGRES_URL, '-q', '-c', sql], { timeout: 15_000 }, () => done()));
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  description: string,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${description}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function messageCount(admin: KafkaAdmin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
}

/** The sum over partitions of the group's committed offsets on the topic (messages consumed and committed). */
export async function committedMessages(admin: KafkaAdmin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets.partitions.reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
}

interface TopicMessage {
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Every message of the topic up to its current end, read with a throwaway consumer group. */
export async function readTopic(kafka: KafkaClient, topic: string): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const expected = await messageCount(admin, topic).finally(() => admin.disconnect());
  if (expected === 0) return [];
  const consumer = kafka.consumer({ groupId: `read-topic.${uniqueSuffix()}`, maxWaitTimeInMs: 250 });
  const messages: TopicMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = String(Array.isArray(value) ? value[value.length - 1] : value);
        }
        messages.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
      },
    });
    await waitFor(() => messages.length >= expected, `${expected} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

export function isPublishedStream(event: RecordedEvent): boolean {
  return ['policy-', 'agent-', 'product-'].some((prefix) => event.streamId.startsWith(prefix));
}
