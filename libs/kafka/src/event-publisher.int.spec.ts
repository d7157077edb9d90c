import { type Admin, type Kafka } from 'kafkajs';
import {
  CloudEventMappingError,
  UnknownStreamCategoryError,
  toCloudEvent,
  type PolicyServicingCloudEvent,
  type TopicNames,
} from './cloud-events';
import { ConsumerRunner, type ConsumedMessage } from './consumer-runner';
import { EventPublisher } from './event-publisher';
import { TopicPartitionMismatchError, ensureTopics } from './kafka-client';
import {
  describeWithKafka,
  messageCount,
  recordedEvent,
  testKafka,
  uniqueName,
  waitFor,
} from './testing/kafka-test-support';

describeWithKafka('EventPublisher against a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let publisher: EventPublisher;
  const topics: TopicNames = {
    policy: uniqueName('test.policy.events'),
    agent: uniqueName('test.agent.events'),
    product: uniqueName('test.product.events'),
  };

  beforeAll(async () => {
    kafka = testKafka('event-publisher-int');
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { topic: topics.policy, partitions: 3 },
      { topic: topics.agent, partitions: 1 },
    ]);
    publisher = new EventPublisher(kafka, { topics, source: '/policy-servicing/int-spec' });
  });

  afterAll(async () => {
    await publisher?.disconnect();
    const created = Object.values(topics).flatMap((topic) => [topic, `${topic}.dlq`]);
    await admin?.deleteTopics({ topics: created }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('delivers a published batch to a consumer group: stream id as key, CloudEvent as value, per-stream order', async () => {
    const interleaved = [
      recordedEvent('policy-P-1001', 0, 'PolicyIssued', { policyId: 'P-1001' }, 1),
      recordedEvent('agent-A-7', 0, 'AgentRegistered', { agentId: 'A-7' }, 2),
      recordedEvent('policy-P-1002', 0, 'PolicyIssued', { policyId: 'P-1002' }, 3),
      recordedEvent('policy-P-1001', 1, 'PremiumPaid', { installmentNo: 1 }, 4),
      recordedEvent('policy-P-1003', 0, 'PolicyIssued', { policyId: 'P-1003' }, 5),
      recordedEvent('policy-P-1002', 1, 'PremiumPaid', { installmentNo: 1 }, 6),
      recordedEvent('policy-P-1001', 2, 'PremiumPaid', { installmentNo: 2 }, 7),
      recordedEvent('agent-A-7', 1, 'AgentTransferred', { agentId: 'A-7' }, 8),
      recordedEvent('policy-P-1001', 3, 'PolicyLapsed', {}, 9),
    ];

    const receipt = await publisher.publishBatch(interleaved);
    expect(receipt.messageCount).toBe(interleaved.length);

    const received: { event: PolicyServicingCloudEvent; message: ConsumedMessage }[] = [];
    const runner = new ConsumerRunner(kafka, {
      groupId: uniqueName('test.publisher-group'),
      topics: [topics.policy, topics.agent],
      handle: async (event, message) => {
        received.push({ event, message });
      },
    });
    await runner.start();
    try {
      await waitFor(() => received.length >= interleaved.length, 'the published batch');
    } finally {
      await runner.stop();
    }
    expect(received).toHaveLength(interleaved.length);

    for (const published of interleaved) {
      const delivery = received.find(({ event }) => event.id === published.eventId);
      expect(delivery?.event).toEqual(toCloudEvent(published, { source: '/policy-servicing/int-spec' }));
      expect(delivery?.message).toMatchObject({
        topic: published.streamId.startsWith('agent-') ? topics.agent : topics.policy,
        key: published.streamId,
      });
      // Structured mode: the content type is the one header; id and type are read from the value.
      expect(delivery?.message.headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=UTF-8' });
    }

    // Per key: one partition, and the consumer saw the stream's revisions in order.
    const revisionsByStream: Record<string, number[]> = {};
    const partitionsByStream: Record<string, Set<number>> = {};
    for (const { event, message } of received) {
      (revisionsByStream[event.subject] ??= []).push(event.streamrevision);
      (partitionsByStream[event.subject] ??= new Set()).add(message.partition);
    }
    expect(Object.values(partitionsByStream).map((partitions) => partitions.size)).toEqual([1, 1, 1, 1]);
    expect(revisionsByStream).toEqual({
      'policy-P-1001': [0, 1, 2, 3],
      'policy-P-1002': [0, 1],
      'policy-P-1003': [0],
      'agent-A-7': [0, 1],
    });
  });

  it('publishes a raw event (data as stored JSON text) as the same CloudEvent as its parsed form', async () => {
    const event = recordedEvent('policy-P-1501', 0, 'PolicyIssued', { policyId: 'P-1501', note: 'ä "q"' }, 15);
    const { data, ...rest } = event;
    await publisher.publishBatch([{ ...rest, dataJson: JSON.stringify(data) }]);

    const received: PolicyServicingCloudEvent[] = [];
    const runner = new ConsumerRunner(kafka, {
      groupId: uniqueName('test.raw-group'),
      topics: [topics.policy],
      handle: async (cloudEvent) => {
        if (cloudEvent.id === event.eventId) received.push(cloudEvent);
      },
    });
    await runner.start();
    try {
      await waitFor(() => received.length >= 1, 'the raw event');
    } finally {
      await runner.stop();
    }
    expect(received).toEqual([toCloudEvent(event, { source: '/policy-servicing/int-spec' })]);
  });

  it('sends nothing when one event of the batch cannot be published', async () => {
    const before = await messageCount(admin, topics.policy);
    const batch = [
      recordedEvent('policy-P-2001', 0, 'PolicyIssued', { policyId: 'P-2001' }, 20),
      recordedEvent('customer-C-1', 0, 'CustomerMoved', {}, 21),
    ];

    await expect(publisher.publishBatch(batch)).rejects.toThrow(UnknownStreamCategoryError);
    expect(await messageCount(admin, topics.policy)).toBe(before);
  });

  it('with onUnpublishable, an event that cannot be a CloudEvent is handed over and the rest is published', async () => {
    const before = await messageCount(admin, topics.policy);
    const good = recordedEvent('policy-P-2101', 0, 'PolicyIssued', { policyId: 'P-2101' }, 30);
    const { recordedAt: _dropped, ...withoutRecordedAt } = good.metadata;
    const bad = { ...recordedEvent('policy-P-2101', 1, 'PremiumPaid', {}, 31), metadata: withoutRecordedAt };
    const later = recordedEvent('policy-P-2101', 2, 'PremiumPaid', {}, 32);
    const leftOut: string[] = [];

    const receipt = await publisher.publishBatch([good, bad, later], {
      onUnpublishable: (event, error) => leftOut.push(`${event.eventId} ${error.name}`),
    });

    expect(leftOut).toEqual([`${bad.eventId} CloudEventMappingError`]);
    expect(receipt.messageCount).toBe(2);
    expect(await messageCount(admin, topics.policy)).toBe(before + 2);
    // Without it the same batch fails whole, as before.
    await expect(publisher.publishBatch([good, bad])).rejects.toThrow(CloudEventMappingError);
  });

  it('ensureTopics is idempotent, creates the dead-letter topics and refuses a silent repartitioning', async () => {
    await ensureTopics(admin, [{ topic: topics.policy, partitions: 3 }]);

    const existing = await admin.listTopics();
    expect(existing).toEqual(expect.arrayContaining([`${topics.policy}.dlq`, `${topics.agent}.dlq`]));
    await expect(ensureTopics(admin, [{ topic: topics.policy, partitions: 6 }])).rejects.toThrow(
      TopicPartitionMismatchError,
    );
  });
});
