/**
 * The relay in-process against a real broker and a real embedded event store: what it does with events that can
 * never be CloudEvents, and with a topic it must not repartition.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { JsonObject, NewEvent } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { ensureTopics, type KafkaAdmin } from '@lib/kafka';
import {
  describeWithKafka,
  messageCount,
  readTopic,
  TEST_BROKERS,
  testKafka,
  uniqueName,
  waitFor,
} from '@lib/kafka/testing';
import { expectProcessMetrics, parseExposition } from '@lib/worker-runtime/testing';
import { startRelay, type RelayHandle } from './relay';
import { loadRelayConfig } from './relay-config';

function event(type: string, metadata: JsonObject): NewEvent {
  const eventId = randomUUID();
  return { eventId, type, data: {}, metadata: { eventId, schemaVersion: 1, ...metadata } };
}

describeWithKafka('event relay against a real broker', () => {
  const kafka = testKafka('relay-int');
  let admin: KafkaAdmin;
  let dataDir: string;
  let relay: RelayHandle | undefined;
  let topics: { policy: string; agent: string; product: string };
  const created: string[] = [];

  const config = (partitions: number) =>
    loadRelayConfig({
      KAFKA_BROKERS: TEST_BROKERS,
      KAFKA_POLICY_TOPIC: topics.policy,
      KAFKA_AGENT_TOPIC: topics.agent,
      KAFKA_PRODUCT_TOPIC: topics.product,
      KAFKA_TOPIC_PARTITIONS: String(partitions),
      DATA_DIR: dataDir,
      HTTP_PORT: '0',
      RELAY_POLL_INTERVAL_MS: '20',
    });

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'relay-int-'));
    topics = {
      policy: uniqueName('relay-int.policy'),
      agent: uniqueName('relay-int.agent'),
      product: uniqueName('relay-int.product'),
    };
    created.push(...Object.values(topics).flatMap((topic) => [topic, `${topic}.dlq`]));
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  });

  it('an event that cannot be a CloudEvent is left out and counted; the events after it are published', async () => {
    const store = await SqliteEventStore.open({ path: join(dataDir, 'events.sqlite') });
    const recordedAt = '2026-06-15T08:00:00.000Z';
    try {
      await store.append(
        'policy-U-0001',
        [event('PolicyIssued', { recordedAt }), event('PremiumPaid', {}), event('PremiumPaid', { recordedAt })],
        'no_stream',
      );
      await store.append('policy-U-0002', [event('PolicyIssued', { recordedAt })], 'no_stream');
    } finally {
      await store.close();
    }

    const running = await startRelay(config(2), { logger: pino({ level: 'silent' }) });
    relay = running;
    await waitFor(() => running.status().published === 3, 'three events published');

    expect(running.status()).toMatchObject({ state: 'running', unpublishable: 1 });
    const published = (await readTopic(kafka, admin, topics.policy)).map(
      (message) => JSON.parse(message.value!.toString()) as { subject: string; streamrevision: number },
    );
    expect(published.map(({ subject, streamrevision }) => `${subject}@${streamrevision}`).sort()).toEqual([
      'policy-U-0001@0',
      'policy-U-0001@2',
      'policy-U-0002@0',
    ]);
    // The checkpoint passed it: a restart does not try again.
    await waitFor(() => running.status().savedCheckpoint === running.status().position, 'the checkpoint saved');

    // GET /metrics: the relay's families, read from its status, and the process's runtime metrics.
    const response = await fetch(`http://127.0.0.1:${running.httpPort}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(await response.text());
    const { batches } = running.status();
    expect(batches).toBeGreaterThan(0);
    const counters = {
      relay_events_published_total: 3,
      relay_events_not_published_total: 0,
      relay_events_unpublishable_total: 1,
      relay_foreign_events_total: 0,
      relay_batches_total: batches,
      relay_publish_failures_total: 0,
    };
    for (const [name, value] of Object.entries(counters)) {
      expect({ name, type: parsed.families.get(name)?.type, value: parsed.value(name) }).toEqual({
        name,
        type: 'counter',
        value,
      });
    }
    expect(parsed.families.get('relay_waiting_for_kafka')?.type).toBe('gauge');
    expect(parsed.value('relay_waiting_for_kafka')).toBe(0);
    expect(parsed.value('relay_last_recorded_at_seconds')).toBe(Date.parse(recordedAt) / 1000);
    expect(parsed.value('relay_lag_seconds')).toBeGreaterThan(0);
    expectProcessMetrics(parsed);
  });

  it('a topic with another partition count stops the relay (failed, reported once) instead of retrying', async () => {
    await ensureTopics(admin, [{ topic: topics.agent, partitions: 1 }]);
    const store = await SqliteEventStore.open({ path: join(dataDir, 'events.sqlite') });
    try {
      await store.append(
        'agent-A-1',
        [event('AgentRegistered', { recordedAt: '2026-06-15T08:00:00.000Z' })],
        'no_stream',
      );
    } finally {
      await store.close();
    }
    const failures: unknown[] = [];

    const running = await startRelay(config(3), {
      logger: pino({ level: 'silent' }),
      onFailed: (error) => failures.push(error),
    });
    relay = running;
    await waitFor(() => failures.length > 0, 'the relay to fail');

    expect(running.status().state).toBe('failed');
    expect(failures).toEqual([expect.objectContaining({ name: 'TopicPartitionMismatchError' })]);
    expect(await messageCount(admin, topics.agent)).toBe(0);
  });
});
