/**
 * A command's trace, REST to read models, with the real parts in one process and one in-memory span exporter: the
 * policy API (REST server span → `traceparent` in the event metadata), the relay's publisher (event store → the
 * CloudEvent's `traceparent` attribute on Kafka: what the relay does with each batch it reads) and this projector
 * (its consumer span per read-model transaction). Needs a broker (KAFKA_BROKERS, default 127.0.0.1:9092).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type RecordedEvent } from '@lib/event-sourcing';
import { createKafka, EventPublisher, STREAM_CATEGORIES, type KafkaClient } from '@lib/kafka';
import { describeWithKafka, TEST_BROKERS, uniqueName, waitFor } from '@lib/kafka/testing';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '@lib/policy-app';
import { bearer, issuePolicyBody, startTestApi, type TestApi } from '@lib/policy-app/testing';
import { SpanKind, startInMemoryTracing, type InMemoryTracing } from '@lib/tracing/testing';
import { startProjector, type ProjectorHandle } from './projector';
import { loadProjectorConfig } from './projector-config';

jest.setTimeout(60_000);

const traceparentOf = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const CALLER_A = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const CALLER_B = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
const CALLER_C = { traceId: '5e1d2c3b4a5968778695a4b3c2d1e0f1', spanId: '1a2b3c4d5e6f7081' };

describeWithKafka('projector tracing: REST → event metadata → CloudEvent on Kafka → projector span', () => {
  const topics = {
    policy: uniqueName('trace.policy.events.v1'),
    agent: uniqueName('trace.agent.events.v1'),
    product: uniqueName('trace.product.events.v1'),
  };
  let tracing: InMemoryTracing;
  let api: TestApi;
  let kafka: KafkaClient;
  let publisher: EventPublisher;
  let projector: ProjectorHandle;
  let readModelDir: string;
  /** Event ids the projector committed to the read models. */
  const applied = new Set<string>();
  /** Events already handed to the publisher (each test publishes what the store has beyond them). */
  let published = 0;

  beforeAll(async () => {
    tracing = startInMemoryTracing();
    api = await startTestApi();
    readModelDir = mkdtempSync(join(tmpdir(), 'projector-tracing-'));
    const config = loadProjectorConfig({
      KAFKA_BROKERS: TEST_BROKERS,
      KAFKA_POLICY_TOPIC: topics.policy,
      KAFKA_AGENT_TOPIC: topics.agent,
      KAFKA_PRODUCT_TOPIC: topics.product,
      KAFKA_TOPIC_PARTITIONS: '1',
      PROJECTOR_GROUP_ID: uniqueName('trace.projector'),
      DATA_DIR: readModelDir,
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    // The projector creates the topics it consumes (before the relay's publisher writes to them).
    projector = await startProjector(config, {
      logger: pino({ level: 'silent' }),
      onApplied: (events) => events.forEach((event) => applied.add(event.eventId)),
    });
    kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'projector-tracing-spec' });
    publisher = new EventPublisher(kafka, { topics });
  });

  afterAll(async () => {
    await projector?.stop();
    await publisher?.disconnect().catch(() => undefined);
    const admin = kafka?.admin();
    if (admin) {
      await admin.connect();
      const names = [...Object.values(topics), ...Object.values(topics).map((topic) => `${topic}.dlq`)];
      await admin.deleteTopics({ topics: names }).catch(() => undefined);
      await admin.disconnect();
    }
    await api?.close();
    await tracing?.shutdown();
    if (api) rmSync(api.dataDir, { recursive: true, force: true });
    if (readModelDir) rmSync(readModelDir, { recursive: true, force: true });
  });

  /** What the relay does with the store's new events: one batch to Kafka. Resolves once they are in the read models. */
  async function relayAndProject(): Promise<RecordedEvent[]> {
    const store = api.app.get<EventStoreHandle>(EVENT_STORE_HANDLE).store;
    const all = await store.readAll();
    const events = all
      .slice(published)
      .filter((event) => STREAM_CATEGORIES.some((category) => event.streamId.startsWith(`${category}-`)));
    published = all.length;
    await publisher.publishBatch(events);
    await waitFor(() => events.every((event) => applied.has(event.eventId)), `${events.length} events projected`);
    return events;
  }

  const issue = (policyId: string, caller: { traceId: string; spanId: string }) =>
    api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .set('traceparent', traceparentOf(caller.traceId, caller.spanId))
      .send(issuePolicyBody(policyId));

  /** The REST server span of the request its caller traced as `caller`. */
  const serverSpanOf = (caller: { traceId: string; spanId: string }) =>
    tracing
      .finishedSpans()
      .find((span) => span.kind === SpanKind.SERVER && span.parentSpanContext?.spanId === caller.spanId)!;

  const consumerSpansOn = (topic: string) =>
    tracing.finishedSpans().filter((span) => span.kind === SpanKind.CONSUMER && span.name === `process ${topic}`);

  it("one command: the projector's span is a child of the command's server span, in the caller's trace", async () => {
    expect((await issue('TRC-0001', CALLER_A)).status).toBe(201);
    const command = serverSpanOf(CALLER_A);
    expect(command.spanContext().traceId).toBe(CALLER_A.traceId);

    const events = await relayAndProject();
    expect(events.filter((event) => event.streamId === 'policy-TRC-0001').length).toBeGreaterThan(0);

    const [projection] = consumerSpansOn(topics.policy);
    expect(projection.spanContext().traceId).toBe(CALLER_A.traceId);
    expect(projection.parentSpanContext).toMatchObject({
      traceId: CALLER_A.traceId,
      spanId: command.spanContext().spanId,
      isRemote: true,
    });
    expect(projection.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topics.policy,
      'messaging.operation.type': 'process',
    });
  });

  it("two commands in one read-model transaction: the projector's span links to both traces", async () => {
    expect((await issue('TRC-0002', CALLER_B)).status).toBe(201);
    expect((await issue('TRC-0003', CALLER_C)).status).toBe(201);
    const commands = [serverSpanOf(CALLER_B), serverSpanOf(CALLER_C)];

    // One publish request: both commands' events are one record batch, fetched and applied together.
    await relayAndProject();

    const projection = consumerSpansOn(topics.policy).at(-1)!;
    expect(projection.parentSpanContext).toBeUndefined();
    expect(projection.links.map(({ context }) => [context.traceId, context.spanId])).toEqual(
      commands.map((command) => [command.spanContext().traceId, command.spanContext().spanId]),
    );
  });
});
