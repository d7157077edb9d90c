/**
 * The production projection feed end to end, every part a real process: commands through the API (embedded SQLite
 * store) → event relay → Kafka → projector → PostgreSQL. The relay and projector are killed with SIGKILL to show
 * that a crash at the worst moment loses nothing and double-counts nothing (servicing_activity is a counter table,
 * so a redelivered event applied twice would show).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KafkaAdmin, type KafkaClient } from '@lib/kafka';
import { createReadModelStore, type ReadModelStore } from '@lib/read-models';
import { expectProcessMetrics } from '@lib/worker-runtime/testing';
import { freePort, startChildApp, type ChildApp } from './support/child-app';
import { freshRebuild, policyIdsOf, readAllEvents, snapshotReadModels } from './support/read-model-snapshot';
import {
  API_KEYS,
  LAPSING_POLICY,
  MONTH_POLICIES,
  runBulkServicing,
  runScriptedMonth,
  ServicingApi,
} from './support/servicing-api';
import {
  committedMessages,
  describeWithKafkaAndPostgres,
  dropSchemas,
  isPublishedStream,
  KAFKA_BROKERS,
  messageCount,
  POSTGRES_URL,
  readTopic,
  testKafka,
  uniqueSuffix,
  waitFor,
} from './support/services';

jest.setTimeout(120_000);

describeWithKafkaAndPostgres('projection feed: API → relay → Kafka → projector → PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const topics = {
    policy: `e2e-${suffix}.policy.events.v1`,
    agent: `e2e-${suffix}.agent.events.v1`,
    product: `e2e-${suffix}.product.events.v1`,
  };
  const groupId = `e2e-${suffix}.reporting-projector`;
  const schemaPrefix = `e2e_feed_${suffix}`;
  const liveSchema = `${schemaPrefix}_live`;
  let dataDir: string;
  let eventsFile: string;
  let api: ChildApp;
  let relay: ChildApp;
  let projector: ChildApp;
  let client: ServicingApi;
  let store: ReadModelStore;
  let kafka: KafkaClient;
  let admin: KafkaAdmin;

  const kafkaEnv = {
    KAFKA_BROKERS,
    KAFKA_POLICY_TOPIC: topics.policy,
    KAFKA_AGENT_TOPIC: topics.agent,
    KAFKA_PRODUCT_TOPIC: topics.product,
    KAFKA_TOPIC_PARTITIONS: '3',
  };
  const startRelay = (extra: Record<string, string> = {}) =>
    startChildApp('event-relay', {
      ...kafkaEnv,
      DATA_DIR: dataDir,
      READ_MODEL_URL: POSTGRES_URL,
      RELAY_CHECKPOINT_SCHEMA: `${schemaPrefix}_relay`,
      RELAY_POLL_INTERVAL_MS: '50',
      HTTP_PORT: '0',
      ...extra,
    });
  const startProjector = (extra: Record<string, string> = {}) =>
    startChildApp('projector', {
      ...kafkaEnv,
      READ_MODEL_URL: POSTGRES_URL,
      READ_MODEL_SCHEMA: liveSchema,
      PROJECTOR_GROUP_ID: groupId,
      // A killed member's partitions move on after this long (the broker's minimum).
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      HTTP_PORT: '0',
      ...extra,
    });

  /** Waits until the read models applied every policy and agent event of the store; returns those events. */
  async function converged() {
    const events = (await readAllEvents(eventsFile)).filter(isPublishedStream);
    await waitFor(
      async () => (await store.checkpoint()).eventsApplied >= events.length,
      `the read models to apply all ${events.length} events`,
      60_000,
    );
    expect((await store.checkpoint()).eventsApplied).toBe(events.length);
    return events;
  }

  async function committedOnBothTopics(): Promise<number> {
    let committed = 0;
    for (const topic of Object.values(topics)) committed += await committedMessages(admin, groupId, topic);
    return committed;
  }

  /** Messages on the policy, agent and product topics. */
  async function messagesOnTopics(): Promise<number> {
    let messages = 0;
    for (const topic of Object.values(topics)) messages += await messageCount(admin, topic);
    return messages;
  }

  /** The live read models equal a fresh rebuild from the event store, report by report, row for row. */
  async function expectEqualToFreshRebuild(): Promise<void> {
    const events = await readAllEvents(eventsFile);
    const rebuilt = await freshRebuild(POSTGRES_URL, `${schemaPrefix}_rb${Date.now() % 100_000}`, eventsFile);
    try {
      const policyIds = policyIdsOf(events);
      expect(await snapshotReadModels(store, policyIds)).toEqual(await snapshotReadModels(rebuilt, policyIds));
    } finally {
      await rebuilt.close();
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'projection-e2e-'));
    eventsFile = join(dataDir, 'events.sqlite');
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    api = await startChildApp('policy-api', {
      DATA_DIR: dataDir,
      API_KEYS,
      METRICS_PUBLIC: 'true',
      HTTP_PORT: '0',
      GRPC_PORT: String(await freePort()),
    });
    client = new ServicingApi(`http://127.0.0.1:${api.port}`);
    [relay, projector] = await Promise.all([startRelay(), startProjector()]);
    store = await createReadModelStore({ readModelUrl: POSTGRES_URL, schema: liveSchema });
  });

  afterAll(async () => {
    await Promise.all([relay, projector, api].map((child) => child?.stop()));
    await store?.close();
    await admin
      ?.deleteTopics({ topics: [...Object.values(topics), ...Object.values(topics).map((t) => `${t}.dlq`)] })
      .catch(() => undefined);
    await admin?.disconnect();
    await dropSchemas(schemaPrefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a scripted month of servicing through the API shows up in every report', async () => {
    await runScriptedMonth(client);
    await converged();
    const january = { from: '2023-01-01', to: '2023-01-31' } as const;

    const due = await store.premiumsDue({ ...january, asOf: '2023-01-31', limit: 100 });
    expect(
      due.rows.map((row) => [row.policyId, row.installmentNo, row.dueDate, row.status, row.paidOn, row.overdue]),
    ).toEqual(
      MONTH_POLICIES.map((policyId, index) =>
        index < 10
          ? [policyId, 2, '2023-01-15', 'PAID', '2023-01-12', false]
          : [policyId, 2, '2023-01-15', 'REMINDED', null, true],
      ),
    );
    const dueInShanghai = await store.premiumsDue({ ...january, asOf: '2023-01-31', branchCode: 'SH-001' });
    // M-009 moved to BJ-002 on 01-20: reports show the policy's branch now.
    expect(dueInShanghai.rows.map((row) => row.policyId)).toEqual(MONTH_POLICIES.slice(0, 8));

    const activity = await store.servicingActivity({ ...january, limit: 100 });
    expect(
      activity.rows.map((row) => [row.activityDate, row.branchCode, row.transactionType, row.transactions]),
    ).toEqual([
      ['2023-01-02', 'BJ-002', 'PremiumReminderSent', 3],
      ['2023-01-02', 'SH-001', 'PremiumReminderSent', 9],
      ['2023-01-05', 'BJ-002', 'PolicyLapsed', 1],
      ['2023-01-12', 'BJ-002', 'PremiumPaid', 1],
      ['2023-01-12', 'SH-001', 'PremiumPaid', 9],
      ['2023-01-16', 'SH-001', 'SurvivalBenefitPaid', 1],
      ['2023-01-20', 'SH-001', 'PolicyTransferred', 1],
    ]);

    const benefits = await store.survivalBenefits(january);
    expect(benefits.rows).toEqual([
      expect.objectContaining({
        policyId: 'M-003',
        periodNo: 1,
        status: 'PAID',
        paidOn: '2023-01-16',
        amount: 1_000_000,
      }),
    ]);
    const lapses = await store.lapses(january);
    expect(lapses.rows).toEqual([
      expect.objectContaining({ policyId: LAPSING_POLICY, lapsedOn: '2023-01-05', status: 'LAPSED', installmentNo: 2 }),
    ]);
    const transfers = await store.transfers(january);
    expect(transfers.rows).toEqual([
      expect.objectContaining({
        policyId: 'M-009',
        effectiveDate: '2023-01-20',
        fromBranchCode: 'SH-001',
        toBranchCode: 'BJ-002',
        fromAgentId: 'AG-2',
        toAgentId: 'AG-3',
      }),
    ]);
    const workload = await store.agentWorkload({ asOf: '2023-01-31' });
    expect(workload.rows.map((row) => [row.agentId, row.status, row.policies, row.orphans])).toEqual([
      ['AG-1', 'ACTIVE', 6, 0],
      ['AG-2', 'DEPARTED', 2, 2],
      ['AG-3', 'ACTIVE', 5, 0],
    ]);
    // The reports say how far they have caught up.
    expect(due.checkpoint.lastRecordedAt).not.toBeNull();
  });

  it("each process's /metrics: strict Prometheus text with its own families and the process's runtime metrics", async () => {
    const [apiMetrics, relayMetrics, projectorMetrics] = await Promise.all(
      [api, relay, projector].map((child) => child.scrape()),
    );
    expect(
      apiMetrics.value('policy_api_commands_total', { command: 'IssuePolicy', outcome: 'created' }),
    ).toBeGreaterThanOrEqual(MONTH_POLICIES.length);
    expect(apiMetrics.value('policy_api_event_store_ready', { mode: 'embedded-sqlite' })).toBe(1);
    expect(relayMetrics.value('relay_events_published_total')).toBeGreaterThan(0);
    expect(relayMetrics.value('relay_waiting_for_kafka')).toBe(0);
    expect(projectorMetrics.value('projector_events_applied_total')).toBeGreaterThan(0);
    expect(projectorMetrics.value('projector_end_to_end_lag_seconds_count')).toBeGreaterThan(0);
    for (const parsed of [apiMetrics, relayMetrics, projectorMetrics]) expectProcessMetrics(parsed);
    // A month of servicing through the API has made garbage to collect.
    const collections = apiMetrics
      .samples('nodejs_gc_duration_seconds_count')
      .reduce((sum, { value }) => sum + value, 0);
    expect(collections).toBeGreaterThan(0);
  });

  it('a projector killed after applying messages but before committing their offsets loses and doubles nothing', async () => {
    await projector.kill();
    const committedBefore = await committedOnBothTopics();
    const appliedBefore = (await store.checkpoint()).eventsApplied;

    // A backlog on the topics while no projector runs.
    await runBulkServicing(client, 'K', 120);
    const backlog = (await readAllEvents(eventsFile)).filter(isPublishedStream).length;
    await waitFor(async () => (await messagesOnTopics()) >= backlog, 'the relay to publish the backlog');

    // Small transactions and no offset commit before the end of a fetched batch: a kill now lands after some
    // messages were applied and before their offsets were committed.
    projector = await startProjector({ PROJECTOR_BATCH_SIZE: '5', PROJECTOR_COMMIT_INTERVAL_MS: '600000' });
    await waitFor(
      async () => (await store.checkpoint()).eventsApplied >= appliedBefore + 20,
      'the projector to apply some of the backlog',
      30_000,
      5,
    );
    await projector.kill();
    const appliedAtKill = (await store.checkpoint()).eventsApplied - appliedBefore;
    const committedAtKill = (await committedOnBothTopics()) - committedBefore;
    expect(appliedAtKill).toBeGreaterThan(committedAtKill);

    projector = await startProjector();
    await converged();
    // The uncommitted messages came again and were recognised as already applied.
    expect((await projector.metrics()).projector_events_skipped_total).toBeGreaterThanOrEqual(
      appliedAtKill - committedAtKill,
    );
    await expectEqualToFreshRebuild();
  });

  it('a relay killed mid-stream republishes from its checkpoint: no event missing on the topics, duplicates harmless', async () => {
    expect(await relay.stop()).toBe(0);
    // This relay saves its checkpoint once, after its first batch, and then not for ten minutes: the kill below
    // sends its successor back to that checkpoint, so it republishes what this one had published.
    relay = await startRelay({ RELAY_BATCH_SIZE: '10', RELAY_CHECKPOINT_INTERVAL_MS: '600000' });
    const load = runBulkServicing(client, 'R', 120, 4);
    await waitFor(
      async () => (await relay.metrics()).relay_events_published_total >= 60,
      'the relay to publish',
      30_000,
      10,
    );
    await relay.kill();
    relay = await startRelay();
    await load;

    const events = await converged();
    const onTopics = [
      ...(await readTopic(kafka, topics.policy)),
      ...(await readTopic(kafka, topics.agent)),
      ...(await readTopic(kafka, topics.product)),
    ].map((message) => JSON.parse(message.value!) as { id: string });
    const ids = onTopics.map((cloudEvent) => cloudEvent.id);
    expect(new Set(ids)).toEqual(new Set(events.map((event) => event.eventId)));
    expect(ids.length).toBeGreaterThan(new Set(ids).size);
    await expectEqualToFreshRebuild();
  });

  it('a malformed message and an unprojectable event go to the DLQ, and the group keeps projecting', async () => {
    const quarantinedBefore = (await projector.metrics()).projector_streams_quarantined_total;
    const producer = kafka.producer();
    await producer.connect();
    try {
      // Same key as the policy issued next, so the garbage sits in front of it on the same partition.
      await producer.send({ topic: topics.policy, acks: -1, messages: [{ key: 'policy-D-0001', value: '{not json' }] });
      const unprojectable = {
        specversion: '1.0',
        id: '00000000-0000-4000-8000-00000000dead',
        source: '/policy-servicing',
        type: 'policy.PremiumPaid.v1',
        subject: 'policy-D-0001',
        time: '2023-01-10T08:00:00.000Z',
        datacontenttype: 'application/json',
        data: { installmentNo: 2 },
        streamrevision: 0,
        position: '00000000000000000001',
      };
      await producer.send({
        topic: topics.policy,
        acks: -1,
        messages: [{ key: 'policy-D-0001', value: JSON.stringify(unprojectable) }],
      });
    } finally {
      await producer.disconnect();
    }
    await client.issue('D-0001');
    await converged();
    expect(await store.policySummary('D-0001')).toEqual(expect.objectContaining({ status: 'IN_FORCE' }));

    const deadLetters = await waitFor(async () => {
      const messages = await readTopic(kafka, `${topics.policy}.dlq`);
      return messages.length >= 2 ? messages : undefined;
    }, 'two dead letters');
    expect(
      deadLetters.map((message) => [
        message.value?.slice(0, 9),
        message.headers['dlq.reason'],
        message.headers['dlq.group.id'],
      ]),
    ).toEqual([
      ['{not json', 'malformed', groupId],
      ['{"specver', 'handler-failed', groupId],
    ]);
    expect(deadLetters[1].headers['dlq.error']).toMatch(/ProjectionError/);
    expect(deadLetters[1].headers['dlq.attempts']).toBe('3');
    // The dead-lettered event quarantined its stream at revision 0; the stream's genuine revision 0 then applied and
    // released it, so the policy is projected and no stream is left in quarantine.
    expect((await projector.metrics()).projector_streams_quarantined_total).toBe(quarantinedBefore + 1);
    expect(await store.quarantinedStreams()).toEqual([]);
    expect((await store.checkpoint()).quarantinedStreams).toBe(0);
  });

  it('a graceful stop (SIGTERM) commits every processed offset and leaves the group', async () => {
    expect(await projector.stop()).toBe(0);
    const onTopics = await messagesOnTopics();
    expect(await committedOnBothTopics()).toBe(onTopics);
  });
});
