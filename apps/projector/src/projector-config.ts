import { DEFAULT_TOPICS, InvalidBrokerListError, parseBrokerList, type TopicNames } from '@lib/kafka';
import { isPostgresUrl, type ReadModelStoreConfig } from '@lib/read-models';
import { EnvReader, type Env, type LogLevel } from '@lib/config';
import { readTracingConfig, type TracingConfig } from '@lib/tracing';

/** The consumer group of DESIGN 5; one group per read-model deployment. */
const DEFAULT_PROJECTOR_GROUP_ID = 'reporting-projector';

export interface ProjectorConfig {
  readonly kafkaBrokers: readonly string[];
  readonly topics: TopicNames;
  /** Partitions of the topics when the projector finds them missing and creates them (as the relay would). */
  readonly topicPartitions: number;
  readonly groupId: string;
  /** PostgreSQL (READ_MODEL_URL, READ_MODEL_SCHEMA) or the embedded SQLite file under DATA_DIR. */
  readonly readModels: ReadModelStoreConfig;
  /** Most events per read-model transaction. */
  readonly batchSize: number;
  /** Attempts for an event that cannot be projected before it goes to `<topic>.dlq`. */
  readonly maxAttempts: number;
  readonly retryBackoffMs: number;
  /** Offsets are committed after each fetched batch, and within a long one at most this often. */
  readonly commitIntervalMs: number;
  /**
   * Partitions processed at once, each in its own transaction: one decodes while another waits for the database.
   * Safe because a stream's events all live in one partition.
   */
  readonly partitionsConcurrently: number;
  /** How long the group waits for a silent member (a killed projector) before handing its partitions on. */
  readonly sessionTimeoutMs: number;
  /** GET /health and /metrics; 0 picks a free port (tests). */
  readonly httpPort: number;
  readonly logLevel: LogLevel;
  readonly progressIntervalMs: number;
  /** OpenTelemetry (OTEL_*): a consumer span per read-model transaction; off unless an exporter is configured. */
  readonly tracing: TracingConfig;
}

/**
 * Reads and validates the projector's environment:
 * KAFKA_BROKERS (required), KAFKA_TOPIC_PARTITIONS (6), KAFKA_POLICY_TOPIC / KAFKA_AGENT_TOPIC / KAFKA_PRODUCT_TOPIC,
 * PROJECTOR_GROUP_ID (reporting-projector), READ_MODEL_URL (postgres://…; unset → SQLite in DATA_DIR),
 * READ_MODEL_SCHEMA (read_models), PROJECTOR_BATCH_SIZE (1000), PROJECTOR_MAX_ATTEMPTS (3),
 * PROJECTOR_RETRY_BACKOFF_MS (200), PROJECTOR_COMMIT_INTERVAL_MS (1000), PROJECTOR_PARTITIONS_CONCURRENTLY (2),
 * PROJECTOR_SESSION_TIMEOUT_MS (30000), HTTP_PORT (3000), LOG_LEVEL (info), PROJECTOR_PROGRESS_INTERVAL_MS (10000),
 * OTEL_* (tracing, see libs/tracing).
 * @throws ConfigError listing every problem
 */
export function loadProjectorConfig(env: Env = process.env): ProjectorConfig {
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

  const groupId = read.string('PROJECTOR_GROUP_ID') ?? DEFAULT_PROJECTOR_GROUP_ID;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(groupId)) {
    read.problems.push(`PROJECTOR_GROUP_ID must be 1–249 of [A-Za-z0-9._-], got ${JSON.stringify(groupId)}`);
  }
  const readModelUrl = read.string('READ_MODEL_URL');
  if (readModelUrl !== undefined && !isPostgresUrl(readModelUrl)) {
    read.problems.push('READ_MODEL_URL must be a postgres:// or postgresql:// URL');
  }
  const schema = read.string('READ_MODEL_SCHEMA') === undefined ? undefined : read.identifier('READ_MODEL_SCHEMA', '');

  const config: ProjectorConfig = {
    kafkaBrokers,
    topics,
    topicPartitions: read.integer('KAFKA_TOPIC_PARTITIONS', 6, 1, 1000),
    groupId,
    readModels: { readModelUrl, schema, dataDir: read.string('DATA_DIR') },
    batchSize: read.integer('PROJECTOR_BATCH_SIZE', 1000, 1, 100_000),
    maxAttempts: read.integer('PROJECTOR_MAX_ATTEMPTS', 3, 1, 100),
    retryBackoffMs: read.integer('PROJECTOR_RETRY_BACKOFF_MS', 200, 0, 60_000),
    commitIntervalMs: read.integer('PROJECTOR_COMMIT_INTERVAL_MS', 1000, 0, 3_600_000),
    partitionsConcurrently: read.integer('PROJECTOR_PARTITIONS_CONCURRENTLY', 2, 1, 64),
    sessionTimeoutMs: read.integer('PROJECTOR_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    httpPort: read.integer('HTTP_PORT', 3000, 0, 65535),
    logLevel: read.logLevel(),
    progressIntervalMs: read.integer('PROJECTOR_PROGRESS_INTERVAL_MS', 10_000, 100, 3_600_000),
    tracing: readTracingConfig(read, 'projector'),
  };
  read.check();
  return config;
}
