import { type Admin, type Kafka } from 'kafkajs';
import { CLOUD_EVENTS_CONTENT_TYPE, type PolicyServicingCloudEvent, type TopicNames } from './cloud-events';
import {
  ConsumerRunner,
  DEAD_LETTER_HEADERS,
  type BatchHandlerOptions,
  type CloudEventHandler,
  type DeadLetter,
  type HandlerFailure,
} from './consumer-runner';
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
    const topics: TopicNames = { policy: topic, agent: `${topic}.unused`, product: `${topic}.unused-product` };
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

  function newBatchRunner(
    topic: string,
    options: Omit<BatchHandlerOptions, 'topics' | 'retryBackoffMs'>,
  ): ConsumerRunner {
    const runner = new ConsumerRunner(kafka, { topics: [topic], retryBackoffMs: 20, ...options });
    runners.push(runner);
    return runner;
  }

  async function startBatchRunner(...args: Parameters<typeof newBatchRunner>): Promise<ConsumerRunner> {
    const runner = newBatchRunner(...args);
    await runner.start();
    return runner;
  }

  async function publishGarbage(topic: string): Promise<void> {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'policy-P-3001', value: 'this is not a CloudEvent' }] });
    await producer.disconnect();
  }

  function headersOf(message: { headers?: Record<string, unknown> }): Record<string, string> {
    return Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  }

  /** What a read-model store throws for an event it cannot project: the events' fault, not the database's. */
  class UnprojectableEventError extends Error {
    override readonly name = 'UnprojectableEventError';
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
      'content-type': CLOUD_EVENTS_CONTENT_TYPE,
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
  it('batch mode: hands over chunks of at most batchSize in offset order and commits after them', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(10);
    const chunks: number[][] = [];
    const groupId = uniqueName('test.batch-group');
    const runner = await startBatchRunner(topic, {
      groupId,
      batchSize: 4,
      handleBatch: async (batch) => {
        chunks.push(batch.map(({ event }) => event.streamrevision));
      },
    });
    await waitFor(() => chunks.flat().length === 10, 'all ten messages');

    expect(chunks.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(4);
    await runner.stop();
    expect(await committedOffsets(admin, groupId, topic)).toEqual({ 0: 10 });
  });

  it('batch mode: a poison message is isolated and dead-lettered after maxAttempts; a malformed one at once; the rest is handled', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(3);
    await publishGarbage(topic);
    await publishPremiumPaid(3, 3);

    const handled: number[] = [];
    let poisonAttempts = 0;
    const deadLetters: DeadLetter[] = [];
    const groupId = uniqueName('test.batch-poison-group');
    const runner = await startBatchRunner(topic, {
      groupId,
      batchSize: 100,
      maxAttempts: 2,
      isPoison: (error) => error instanceof UnprojectableEventError,
      handleBatch: async (batch) => {
        const revisions = batch.map(({ event }) => event.streamrevision);
        if (revisions.includes(4)) {
          if (batch.length === 1) poisonAttempts++;
          throw new UnprojectableEventError('revision 4 cannot be projected');
        }
        handled.push(...revisions);
      },
      onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
    });
    await waitFor(() => deadLetters.length === 2 && handled.length === 5, 'the poison message and the rest');
    await runner.stop();

    expect(handled).toEqual([0, 1, 2, 3, 5]);
    expect(poisonAttempts).toBe(2);
    expect(deadLetters.map(({ reason, attempts, message }) => [reason, attempts, message.offset])).toEqual([
      ['malformed', 0, '3'],
      ['handler-failed', 2, '5'],
    ]);
    // The handler's CloudEvent comes with a dead letter (none for the malformed one: there is none to give).
    expect(deadLetters.map(({ event }) => event?.streamrevision)).toEqual([undefined, 4]);
    const parked = (await readTopic(kafka, admin, `${topic}.dlq`)).map(headersOf);
    expect(parked[1]).toMatchObject({
      [DEAD_LETTER_HEADERS.error]: 'UnprojectableEventError: revision 4 cannot be projected',
      [DEAD_LETTER_HEADERS.reason]: 'handler-failed',
      [DEAD_LETTER_HEADERS.attempts]: '2',
      [DEAD_LETTER_HEADERS.groupId]: groupId,
      [DEAD_LETTER_HEADERS.originalOffset]: '5',
      'content-type': CLOUD_EVENTS_CONTENT_TYPE,
    });
    expect(await committedOffsets(admin, groupId, topic)).toEqual({ 0: 7 });
  });

  it('batch mode: an infrastructure error is retried with backoff past maxAttempts and never dead-letters', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(3);

    let calls = 0;
    const handled: number[] = [];
    const failures: HandlerFailure[] = [];
    await startBatchRunner(topic, {
      groupId: uniqueName('test.batch-transient-group'),
      maxAttempts: 1,
      isPoison: (error) => error instanceof UnprojectableEventError,
      handleBatch: async (batch) => {
        if (++calls <= 4) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        handled.push(...batch.map(({ event }) => event.streamrevision));
      },
      onHandlerError: (failure) => failures.push(failure),
    });
    await waitFor(() => handled.length === 3, 'the messages once the database is back');

    expect(handled).toEqual([0, 1, 2]);
    expect(failures.map((failure) => [failure.kind, failure.failures])).toEqual([
      ['transient', 1],
      ['transient', 2],
      ['transient', 3],
      ['transient', 4],
    ]);
    expect(await messageCount(admin, `${topic}.dlq`)).toBe(0);
  });

  it('batch mode: stop() while the database is down commits only the chunks handled before', async () => {
    const topic = await freshPolicyTopic();
    await publishPremiumPaid(6);
    const groupId = uniqueName('test.batch-stop-group');

    const handled: number[] = [];
    let stopping: Promise<void> | undefined;
    const runner: ConsumerRunner = newBatchRunner(topic, {
      groupId,
      batchSize: 3,
      isPoison: () => false,
      handleBatch: async (batch) => {
        const revisions = batch.map(({ event }) => event.streamrevision);
        if (revisions[0] === 0) {
          handled.push(...revisions);
          return;
        }
        // The database goes away for the second chunk: the runner retries it until it is told to stop.
        stopping ??= runner.stop();
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
    await runner.start();
    await waitFor(() => stopping !== undefined, 'the second chunk');
    await stopping;

    expect(handled).toEqual([0, 1, 2]);
    expect(await committedOffsets(admin, groupId, topic)).toEqual({ 0: 3 });
    expect(await messageCount(admin, `${topic}.dlq`)).toBe(0);
  });
});
