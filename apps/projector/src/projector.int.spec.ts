/**
 * The projector in-process against a real broker and an embedded (SQLite) read-model store: what its /metrics shows
 * after it applied events, one of them delivered twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type RecordedEvent } from '@lib/event-sourcing';
import { ensureTopics, EventPublisher, type KafkaAdmin } from '@lib/kafka';
import { describeWithKafka, TEST_BROKERS, testKafka, uniqueName, waitFor } from '@lib/kafka/testing';
import { agentDecider, agentEventCodec, agentStreamId } from '@lib/policy-domain';
import { expectProcessMetrics, parseExposition } from '@lib/worker-runtime/testing';
import { startProjector, type ProjectorHandle } from './projector';
import { loadProjectorConfig } from './projector-config';

/** An AgentRegistered event as the event store records it, recorded `ageMs` ago. */
function agentRegistered(agentId: string, position: number, ageMs: number): RecordedEvent {
  const [event] = agentDecider.decide(
    {
      type: 'RegisterAgent',
      data: { agentId, name: `Agent ${agentId}`, role: 'SERVICING', branchCode: 'BJ01', region: 'NORTH' },
      context: { today: '2024-01-01' },
    },
    agentDecider.initialState(),
  );
  const { type, data, schemaVersion } = agentEventCodec.encode(event);
  const eventId = `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`;
  return {
    streamId: agentStreamId(agentId),
    revision: 0,
    position: String(position).padStart(20, '0'),
    eventId,
    type,
    data,
    metadata: {
      eventId,
      correlationId: eventId,
      causationId: eventId,
      actor: { id: 'projector-int-spec', roles: ['system'] },
      channel: 'PROCESS',
      recordedAt: new Date(Date.now() - ageMs).toISOString(),
      schemaVersion,
    },
  };
}

describeWithKafka('projector against a real broker', () => {
  const kafka = testKafka('projector-int');
  const topics = {
    policy: uniqueName('projector-int.policy'),
    agent: uniqueName('projector-int.agent'),
    product: uniqueName('projector-int.product'),
  };
  let admin: KafkaAdmin;
  let dataDir: string;
  let projector: ProjectorHandle | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'projector-int-'));
  });
  afterAll(async () => {
    await projector?.stop();
    await admin
      .deleteTopics({ topics: [...Object.values(topics), ...Object.values(topics).map((topic) => `${topic}.dlq`)] })
      .catch(() => undefined);
    await admin.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('GET /metrics: its counters, the end-to-end lag histogram and the process metrics', async () => {
    await ensureTopics(admin, [
      { topic: topics.policy, partitions: 1 },
      { topic: topics.agent, partitions: 1 },
    ]);
    const first = agentRegistered('A-1', 1, 1_500);
    const publisher = new EventPublisher(kafka, { topics });
    try {
      // The first event twice (a relay that republished after a crash): applied once, then skipped.
      await publisher.publishBatch([first, agentRegistered('A-2', 2, 1_500), first]);
    } finally {
      await publisher.disconnect();
    }

    const running = await startProjector(
      loadProjectorConfig({
        KAFKA_BROKERS: TEST_BROKERS,
        KAFKA_POLICY_TOPIC: topics.policy,
        KAFKA_AGENT_TOPIC: topics.agent,
        KAFKA_PRODUCT_TOPIC: topics.product,
        KAFKA_TOPIC_PARTITIONS: '1',
        PROJECTOR_GROUP_ID: uniqueName('projector-int'),
        DATA_DIR: dataDir,
        HTTP_PORT: '0',
      }),
      { logger: pino({ level: 'silent' }) },
    );
    projector = running;
    await waitFor(
      () => running.status().applied === 2 && running.status().skipped === 1,
      'two events applied, one skipped',
      30_000,
    );

    const response = await fetch(`http://127.0.0.1:${running.httpPort}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(await response.text());
    const { transactions } = running.status();
    const counters = {
      projector_events_applied_total: 2,
      projector_events_skipped_total: 1,
      projector_dead_lettered_total: 0,
      projector_events_quarantined_total: 0,
      projector_streams_quarantined_total: 0,
      projector_transactions_total: transactions,
      projector_transient_failures_total: 0,
    };
    for (const [name, value] of Object.entries(counters)) {
      expect({ name, type: parsed.families.get(name)?.type, value: parsed.value(name) }).toEqual({
        name,
        type: 'counter',
        value,
      });
    }
    expect(transactions).toBeGreaterThan(0);
    expect(parsed.families.get('projector_lag_seconds')?.type).toBe('gauge');
    expect(parsed.value('projector_lag_seconds')).toBeGreaterThanOrEqual(1.5);
    // Every event of a committed transaction, recorded 1.5 s before: none within a second, all within a minute.
    expect(parsed.families.get('projector_end_to_end_lag_seconds')?.type).toBe('histogram');
    expect(parsed.value('projector_end_to_end_lag_seconds_count')).toBe(3);
    expect(parsed.value('projector_end_to_end_lag_seconds_bucket', { le: '1' })).toBe(0);
    expect(parsed.value('projector_end_to_end_lag_seconds_bucket', { le: '60' })).toBe(3);
    expect(parsed.value('projector_end_to_end_lag_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(parsed.value('projector_end_to_end_lag_seconds_sum')).toBeGreaterThanOrEqual(4.5);
    expectProcessMetrics(parsed);
  });
});
