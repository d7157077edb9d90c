import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_TOPICS, InvalidBrokerListError, parseBrokerList, type TopicNames } from '@lib/kafka';
import {
  DEFAULT_CHECKPOINT_SCHEMA,
  SQLITE_RELAY_CHECKPOINT_FILE,
  isPostgresUrl,
  type CheckpointStoreConfig,
} from '@lib/read-models';
import { EnvReader, type Env, type LogLevel } from '@lib/config';

type RelayEventStoreConfig =
  { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'esdb'; readonly connectionString: string };

export interface RelayConfig {
  readonly kafkaBrokers: readonly string[];
  readonly topics: TopicNames;
  /** Partitions of the topics when the relay creates them (an existing topic must already have this many). */
  readonly topicPartitions: number;
  readonly eventStore: RelayEventStoreConfig;
  readonly checkpointStore: CheckpointStoreConfig;
  /** The checkpoint's name: one per relay deployment reading one store into one set of topics. */
  readonly checkpointName: string;
  /** Most events per Kafka publish (and per checkpoint advance). */
  readonly batchSize: number;
  /** How long a batch waits for more events after its first one. */
  readonly lingerMs: number;
  /**
   * Save the (acknowledged) checkpoint at most this often; 0: after every batch. Always on a graceful stop. A crash
   * republishes at most this much more than the batch in hand; at 20 000 events/s that is ~2 000 duplicates.
   */
  readonly checkpointIntervalMs: number;
  /** How often an idle subscription on the embedded store looks for events written by the API process. */
  readonly pollIntervalMs: number;
  /** GET /health and /metrics; 0 picks a free port (tests). */
  readonly httpPort: number;
  readonly logLevel: LogLevel;
  /** A progress line (rate, checkpoint, lag) this often. */
  readonly progressIntervalMs: number;
}

/**
 * Reads and validates the relay's environment:
 * KAFKA_BROKERS (required), KAFKA_TOPIC_PARTITIONS (6), KAFKA_POLICY_TOPIC / KAFKA_AGENT_TOPIC / KAFKA_PRODUCT_TOPIC
 * (policy.events.v1 / agent.events.v1 / product.events.v1), EVENTSTORE_CONNECTION_STRING (esdb://…) or DATA_DIR (./data, embedded
 * events.sqlite), READ_MODEL_URL (postgres://… → checkpoint in PostgreSQL schema RELAY_CHECKPOINT_SCHEMA, else
 * $DATA_DIR/relay-checkpoint.sqlite), RELAY_CHECKPOINT_NAME (event-relay), RELAY_BATCH_SIZE (1000),
 * RELAY_LINGER_MS (20), RELAY_CHECKPOINT_INTERVAL_MS (100), RELAY_POLL_INTERVAL_MS (100), HTTP_PORT (3000),
 * LOG_LEVEL (info), RELAY_PROGRESS_INTERVAL_MS (10000).
 * @throws ConfigError listing every problem
 */
export function loadRelayConfig(env: Env = process.env, cwd: string = process.cwd()): RelayConfig {
  const read = new EnvReader(env);

  const rawBrokers = read.required('KAFKA_BROKERS', 'host:9092,host2:9092');
  let kafkaBrokers: string[] = [];
  if (rawBrokers !== '') {
    try {
      kafkaBrokers = parseBrokerList(rawBrokers);
    } catch (error) {
      if (!(error instanceof InvalidBrokerListError)) throw error;
      read.problems.push(error.message);
    }
  }
  const topics: TopicNames = {
    policy: read.topic('KAFKA_POLICY_TOPIC', DEFAULT_TOPICS.policy),
    agent: read.topic('KAFKA_AGENT_TOPIC', DEFAULT_TOPICS.agent),
    product: read.topic('KAFKA_PRODUCT_TOPIC', DEFAULT_TOPICS.product),
  };
  if (new Set(Object.values(topics)).size !== Object.keys(topics).length) {
    read.problems.push('KAFKA_POLICY_TOPIC, KAFKA_AGENT_TOPIC and KAFKA_PRODUCT_TOPIC must differ');
  }
  const topicPartitions = read.integer('KAFKA_TOPIC_PARTITIONS', 6, 1, 1000);

  const rawDataDir = read.string('DATA_DIR') ?? './data';
  const dataDir = isAbsolute(rawDataDir) ? rawDataDir : resolve(cwd, rawDataDir);
  const connectionString = read.string('EVENTSTORE_CONNECTION_STRING');
  let eventStore: RelayEventStoreConfig = { kind: 'sqlite', path: join(dataDir, 'events.sqlite') };
  if (connectionString !== undefined) {
    if (/^esdb(\+discover)?:\/\/\S+$/.test(connectionString)) {
      eventStore = { kind: 'esdb', connectionString };
    } else {
      read.problems.push(
        'EVENTSTORE_CONNECTION_STRING must be an EventStoreDB URL (esdb://host:2113?tls=false or esdb+discover://…)',
      );
    }
  }

  const readModelUrl = read.string('READ_MODEL_URL');
  const checkpointSchema = read.identifier('RELAY_CHECKPOINT_SCHEMA', DEFAULT_CHECKPOINT_SCHEMA);
  let checkpointStore: CheckpointStoreConfig = { kind: 'sqlite', path: join(dataDir, SQLITE_RELAY_CHECKPOINT_FILE) };
  if (readModelUrl !== undefined) {
    if (isPostgresUrl(readModelUrl))
      checkpointStore = { kind: 'postgres', url: readModelUrl, schema: checkpointSchema };
    else read.problems.push('READ_MODEL_URL must be a postgres:// or postgresql:// URL');
  }
  const checkpointName = read.string('RELAY_CHECKPOINT_NAME') ?? 'event-relay';
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(checkpointName)) {
    read.problems.push(`RELAY_CHECKPOINT_NAME must be 1–100 of [A-Za-z0-9._:-], got ${JSON.stringify(checkpointName)}`);
  }

  const config: RelayConfig = {
    kafkaBrokers,
    topics,
    topicPartitions,
    eventStore,
    checkpointStore,
    checkpointName,
    batchSize: read.integer('RELAY_BATCH_SIZE', 1000, 1, 100_000),
    lingerMs: read.integer('RELAY_LINGER_MS', 20, 0, 60_000),
    checkpointIntervalMs: read.integer('RELAY_CHECKPOINT_INTERVAL_MS', 100, 0, 3_600_000),
    pollIntervalMs: read.integer('RELAY_POLL_INTERVAL_MS', 100, 1, 60_000),
    httpPort: read.integer('HTTP_PORT', 3000, 0, 65535),
    logLevel: read.logLevel(),
    progressIntervalMs: read.integer('RELAY_PROGRESS_INTERVAL_MS', 10_000, 100, 3_600_000),
  };
  read.check();
  return config;
}
