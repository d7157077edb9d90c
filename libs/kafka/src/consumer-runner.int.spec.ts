import { type Admin, type Kafka } from 'kafkajs';
import { type PolicyServicingCloudEvent, type TopicNames } from './cloud-events';
import { ConsumerRunner, DEAD_LETTER_HEADERS, type CloudEventHandler, type DeadLetter } from './consumer-runner';
import { EventPublisher } from './event-publisher';
import { deadLetterTopicFor, ensureTopics } from './kafka-client';
import {
  committedOffsets,
  describeWithKafka,
  messageCount,
  readTopic,
  recordedEvent,
  testKafka,
  uniqueName,
  waitFor,
} from './testing/kafka-test-support';

describeWithKafka('ConsumerRunner against a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let publisher: EventPublisher;
  const createdTopics: string[] = [];
  const runners: ConsumerRunner[] = [];

  beforeAll(async () => {
    kafka = testKafka('consumer-runner-int');
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await publisher?.disconnect();
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: createdTopics }).catch(() => undefined);
    await admin?.disconnect();
  });

  /** A fresh one-partition policy topic (+ .dlq) per test, so offsets and order are easy to state. */
  async function freshPolicyTopic(): Promise<string> {
    const topic = uniqueName('test.policy.events');
    await ensureTopics(admin, [{ topic, partitions: 1 }]);
    createdTopics.push(topic, deadLetterTopicFor(topic));
    const topics: TopicNames = { policy: topic, agent: `${topic}.unused` };
    publisher = new EventPublisher(kafka, { topics });
    return topic;
  }

  async function publishPremiumPaid(count: number, firstRevision = 0): Promise<void> {
    const events = Array.from({ length: count }, (_, index) =>
      recordedEvent(
        'policy-P-3001',
        firstRevision + index,
        'PremiumPaid',
        { installmentNo: firstRevision + index },
        100 + firstRevision + index,
      ),
    );
    await publisher.publishBatch(events);
  }

  function newRunner(
    topic: string,
    groupId: string,
    handle: CloudEventHandler,
    onDeadLetter?: (deadLetter: DeadLetter) => void,
  ): ConsumerRunner {
    const runner = new ConsumerRunner(kafka, { groupId, topics: [topic], handle, retryBackoffMs: 20, onDeadLetter });
    runners.push(runner);
    return runner;
  }

  async function startRunner(...args: Parameters<typeof newRunner>): Promise<ConsumerRunner> {
    const runner = newRunner(...args);
    await runner.start();
    return runner;
  }

  it('sends a malformed message to <topic>.dlq with the error at once, and the group moves on', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(1);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'policy-P-3001', value: 'this is not a CloudEvent', headers: { origin: 'int-spec' } }],
    });
    await producer.disconnect();
    await publishPremiumPaid(1, 1);

    const handled: PolicyServicingCloudEvent[] = [];
    const deadLetters: DeadLetter[] = [];
    const groupId = uniqueName('test.dlq-group');
    const runner = await startRunner(
      topic,
      groupId,
      async (event) => {
        handled.push(event);
      },
      (deadLetter) => deadLetters.push(deadLetter),
    );
    await waitFor(() => handled.length === 2, 'both well-formed messages');
    await runner.stop();

    expect(handled.map((event) => event.streamrevision)).toEqual([0, 1]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ reason: 'malformed', attempts: 0, deadLetterTopic: `${topic}.dlq` });

    const [parked] = await readTopic(kafka, admin, `${topic}.dlq`);
    expect(parked.key?.toString()).toBe('policy-P-3001');
    expect(parked.value?.toString()).toBe('this is not a CloudEvent');
    const headers = Object.fromEntries(
      Object.entries(parked.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    expect(headers).toMatchObject({
      origin: 'int-spec',
      [DEAD_LETTER_HEADERS.reason]: 'malformed',
      [DEAD_LETTER_HEADERS.attempts]: '0',
      [DEAD_LETTER_HEADERS.groupId]: groupId,
      [DEAD_LETTER_HEADERS.originalTopic]: topic,
      [DEAD_LETTER_HEADERS.originalPartition]: '0',
      [DEAD_LETTER_HEADERS.originalOffset]: '1',
    });
    expect(headers[DEAD_LETTER_HEADERS.error]).toMatch(/^MalformedCloudEventError: Malformed CloudEvent: not JSON/);
    expect(await committedOffsets(admin, groupId, topic)).toEqual({ 0: 3 });
  });

  it('retries a handler that fails twice and then succeeds, without dead-lettering', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(2);

    const attemptsByRevision = new Map<number, number>();
    const handled: number[] = [];
    await startRunner(topic, uniqueName('test.retry-group'), async (event) => {
      const attempt = (attemptsByRevision.get(event.streamrevision) ?? 0) + 1;
      attemptsByRevision.set(event.streamrevision, attempt);
      if (event.streamrevision === 0 && attempt <= 2) throw new Error(`read model busy (attempt ${attempt})`);
      handled.push(event.streamrevision);
    });
    await waitFor(() => handled.length === 2, 'both messages handled');

    expect(handled).toEqual([0, 1]);
    expect(Object.fromEntries(attemptsByRevision)).toEqual({ 0: 3, 1: 1 });
    expect(await messageCount(admin, `${topic}.dlq`)).toBe(0);
  });

  it('dead-letters a message whose handler keeps failing, after maxAttempts, and handles the next one', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(2);

    let attempts = 0;
    const handled: number[] = [];
    const groupId = uniqueName('test.poison-group');
    await startRunner(topic, groupId, async (event) => {
      if (event.streamrevision === 0) {
        attempts++;
        throw new TypeError('cannot read installmentNo of undefined');
      }
      handled.push(event.streamrevision);
    });
    await waitFor(() => handled.length === 1, 'the message after the poison one');

    expect(attempts).toBe(3);
    const [parked] = await readTopic(kafka, admin, `${topic}.dlq`);
    const headers = Object.fromEntries(
      Object.entries(parked.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    expect(headers).toMatchObject({
      [DEAD_LETTER_HEADERS.error]: 'TypeError: cannot read installmentNo of undefined',
      [DEAD_LETTER_HEADERS.reason]: 'handler-failed',
      [DEAD_LETTER_HEADERS.attempts]: '3',
      [DEAD_LETTER_HEADERS.originalOffset]: '0',
      ce_type: 'policy.PremiumPaid.v1',
    });
  });

  it('stop() commits what was processed; a new member of the group resumes right after it', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(5);
    const groupId = uniqueName('test.resume-group');

    const firstMember: number[] = [];
    let stopping: Promise<void> | undefined;
    const first = newRunner(topic, groupId, async (event) => {
      firstMember.push(event.streamrevision);
      // Shut down while the batch of five is in hand: the third message is finished, the last two are not started.
      if (event.streamrevision === 2) stopping = first.stop();
    });
    await first.start();
    await waitFor(() => stopping !== undefined, 'the third message');
    await stopping;

    expect(firstMember).toEqual([0, 1, 2]);
    expect(await committedOffsets(admin, groupId, topic)).toEqual({ 0: 3 });

    await publishPremiumPaid(1, 5);
    const secondMember: number[] = [];
    await startRunner(topic, groupId, async (event) => {
      secondMember.push(event.streamrevision);
    });
    await waitFor(() => secondMember.length === 3, 'the unprocessed and the new messages');

    expect(secondMember).toEqual([3, 4, 5]);
  });
});
