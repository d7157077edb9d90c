/**
 * Kafka unreachable while commands arrive: the commands still succeed (they only touch the event store), the relay
 * keeps retrying with backoff without advancing its checkpoint, and once Kafka is reachable again it catches up and
 * the reports converge.
 *
 * How the outage is made: the shared broker serves other suites in parallel, so it is never stopped. The relay is
 * configured with KAFKA_BROKERS = a local port where, at first, nothing listens (connection refused: exactly what a
 * client sees of a broker that is down). "Kafka returns" = this test starts a TCP forwarder on that port to the
 * real broker, and the same relay process, still retrying, connects and publishes its backlog. (After bootstrap,
 * kafkajs talks to the broker's advertised address directly; the forwarder is only the way in.) This relay keeps
 * its checkpoint in the embedded SQLite file ($DATA_DIR/relay-checkpoint.sqlite), the other suite in PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBrokerList, type KafkaAdmin } from '@lib/kafka';
import { createReadModelStore, type ReadModelStore } from '@lib/read-models';
import { freePort, startChildApp, type ChildApp } from './support/child-app';
import { freshRebuild, policyIdsOf, readAllEvents, snapshotReadModels } from './support/read-model-snapshot';
import { API_KEYS, runScriptedMonth, ServicingApi } from './support/servicing-api';
import {
  describeWithKafkaAndPostgres,
  dropSchemas,
  isPublishedStream,
  KAFKA_BROKERS,
  messageCount,
  POSTGRES_URL,
  testKafka,
  uniqueSuffix,
  waitFor,
} from './support/services';

jest.setTimeout(120_000);

/** A TCP forwarder from `port` to the real broker, started on demand. */
function forwarderTo(broker: string) {
  const colon = broker.lastIndexOf(':');
  const target = { host: broker.slice(0, colon), port: Number(broker.slice(colon + 1)) };
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    listen: (port: number) =>
      new Promise<void>((resolve, reject) => {
        server = createServer((client) => {
          const upstream = createConnection(target);
          for (const socket of [client, upstream]) {
            sockets.add(socket);
            socket.on('close', () => sockets.delete(socket));
            socket.on('error', () => socket.destroy());
          }
          client.pipe(upstream).pipe(client);
        });
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        if (server) server.close(() => resolve());
        else resolve();
      }),
  };
}

describeWithKafkaAndPostgres('Kafka down while commands arrive', () => {
  const suffix = uniqueSuffix();
  const topics = {
    policy: `e2e-${suffix}.policy.events.v1`,
    agent: `e2e-${suffix}.agent.events.v1`,
    product: `e2e-${suffix}.product.events.v1`,
  };
  const schemaPrefix = `e2e_outage_${suffix}`;
  const liveSchema = `${schemaPrefix}_live`;
  const forwarder = forwarderTo(parseBrokerList(KAFKA_BROKERS)[0]);
  let dataDir: string;
  let eventsFile: string;
  let kafkaPort: number;
  let api: ChildApp;
  let relay: ChildApp;
  let projector: ChildApp;
  let store: ReadModelStore;
  let admin: KafkaAdmin;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'projection-outage-'));
    eventsFile = join(dataDir, 'events.sqlite');
    kafkaPort = await freePort();
    admin = testKafka().admin();
    await admin.connect();
    const kafkaEnv = {
      KAFKA_POLICY_TOPIC: topics.policy,
      KAFKA_AGENT_TOPIC: topics.agent,
      KAFKA_PRODUCT_TOPIC: topics.product,
      KAFKA_TOPIC_PARTITIONS: '2',
    };
    [api, relay, projector] = await Promise.all([
      startChildApp('policy-api', {
        DATA_DIR: dataDir,
        API_KEYS,
        HTTP_PORT: '0',
        GRPC_PORT: String(await freePort()),
        // No sample products: before the scripted month the log is empty, so nothing can be checkpointed.
        SAMPLE_CATALOGUE: 'false',
      }),
      startChildApp('event-relay', {
        ...kafkaEnv,
        KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
        DATA_DIR: dataDir,
        RELAY_POLL_INTERVAL_MS: '50',
        HTTP_PORT: '0',
      }),
      startChildApp('projector', {
        ...kafkaEnv,
        KAFKA_BROKERS,
        READ_MODEL_URL: POSTGRES_URL,
        READ_MODEL_SCHEMA: liveSchema,
        PROJECTOR_GROUP_ID: `e2e-${suffix}.reporting-projector`,
        PROJECTOR_SESSION_TIMEOUT_MS: '6000',
        HTTP_PORT: '0',
      }),
    ]);
    store = await createReadModelStore({ readModelUrl: POSTGRES_URL, schema: liveSchema });
  });

  afterAll(async () => {
    await Promise.all([relay, projector, api].map((child) => child?.stop()));
    await forwarder.close();
    await store?.close();
    await admin
      ?.deleteTopics({ topics: [...Object.values(topics), ...Object.values(topics).map((t) => `${t}.dlq`)] })
      .catch(() => undefined);
    await admin?.disconnect();
    await dropSchemas(schemaPrefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('commands succeed during the outage; when Kafka returns the relay catches up and the reports converge', async () => {
    const client = new ServicingApi(`http://127.0.0.1:${api.port}`);
    await runScriptedMonth(client); // every command answered 201 (ServicingApi throws otherwise)
    expect(client.commands).toBeGreaterThan(30);

    const waiting = await waitFor(async () => {
      const health = (await (await relay.get('/health')).json()) as { status: string; publishFailures: number };
      return health.status === 'waiting-for-kafka' && health.publishFailures > 0 ? health : undefined;
    }, 'the relay to report that Kafka does not answer');
    expect(waiting).toEqual(expect.objectContaining({ published: 0, savedCheckpoint: null }));
    for (const topic of Object.values(topics)) expect(await messageCount(admin, topic)).toBe(0);
    expect((await store.checkpoint()).eventsApplied).toBe(0);

    await forwarder.listen(kafkaPort); // Kafka is back

    const events = (await readAllEvents(eventsFile)).filter(isPublishedStream);
    await waitFor(
      async () => (await store.checkpoint()).eventsApplied === events.length,
      `the read models to apply all ${events.length} events`,
      60_000,
    );
    // The relay saves its checkpoint on an interval after Kafka acknowledged, so it may trail the read models briefly.
    const lastPosition = (await readAllEvents(eventsFile)).at(-1)!.position;
    const health = await waitFor(async () => {
      const current = (await (await relay.get('/health')).json()) as { status: string; savedCheckpoint: string };
      return current.savedCheckpoint === lastPosition ? current : undefined;
    }, `the relay to save its checkpoint at ${lastPosition}`);
    expect(health.status).toBe('running');
    expect(health.savedCheckpoint).toBe(lastPosition);

    const rebuilt = await freshRebuild(POSTGRES_URL, `${schemaPrefix}_rebuild`, eventsFile);
    try {
      const policyIds = policyIdsOf(events);
      expect(await snapshotReadModels(store, policyIds)).toEqual(await snapshotReadModels(rebuilt, policyIds));
    } finally {
      await rebuilt.close();
    }
  });
});
