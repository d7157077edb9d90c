/** The kafkajs client, its logging and explicit topic creation: everything else in this lib starts here. */
import { Kafka, logLevel as KafkaJsLogLevel, type Admin, type LogEntry, type logCreator } from 'kafkajs';

/** Where kafkajs log lines go: structurally a pino logger (`logger.warn(context, message)`). */
export interface KafkaLogSink {
  error(context: object, message: string): void;
  warn(context: object, message: string): void;
  info(context: object, message: string): void;
  debug(context: object, message: string): void;
}

type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

interface KafkaClientOptions {
  /** `KAFKA_BROKERS` as configured: `"host:9092,host2:9092"`, or the list itself. */
  readonly brokers: string | readonly string[];
  readonly clientId: string;
  /** Default: silent. Apps pass their pino logger; tests pass nothing and get no console noise. */
  readonly logger?: KafkaLogSink;
  /** Lowest level forwarded to the logger; default `'warn'`. */
  readonly logLevel?: KafkaLogLevel;
  /** Default 3000 ms. */
  readonly connectionTimeoutMs?: number;
}

export class InvalidBrokerListError extends Error {
  override readonly name = 'InvalidBrokerListError';
  constructor(readonly brokers: string) {
    super(`KAFKA_BROKERS must be a comma-separated list of host:port, got ${JSON.stringify(brokers)}`);
  }
}

const BROKER_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `"a:9092, b:9092"` → `['a:9092', 'b:9092']`. @throws InvalidBrokerListError */
export function parseBrokerList(brokers: string): string[] {
  const list = brokers
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  const valid = list.every((broker) => {
    const match = BROKER_PATTERN.exec(broker);
    return match !== null && Number(match[2]) > 0 && Number(match[2]) < 65536;
  });
  if (list.length === 0 || !valid) throw new InvalidBrokerListError(brokers);
  return list;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  const brokers = typeof options.brokers === 'string' ? parseBrokerList(options.brokers) : [...options.brokers];
  if (brokers.length === 0) throw new InvalidBrokerListError('');
  return new Kafka({
    clientId: options.clientId,
    brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    logLevel: options.logger ? KAFKA_LOG_LEVELS[options.logLevel ?? 'warn'] : KafkaJsLogLevel.NOTHING,
    logCreator: options.logger ? kafkaLogCreator(options.logger) : () => () => {},
  });
}

const KAFKA_LOG_LEVELS: Readonly<Record<KafkaLogLevel, KafkaJsLogLevel>> = {
  error: KafkaJsLogLevel.ERROR,
  warn: KafkaJsLogLevel.WARN,
  info: KafkaJsLogLevel.INFO,
  debug: KafkaJsLogLevel.DEBUG,
};

/**
 * Adapts kafkajs' log entries to a pino-style sink: `{ kafka: namespace, ...extra }, message`. kafkajs logs at ERROR
 * what it is about to retry (see `isRetriedByKafkaJs`); those go to warn, so error means that an operation failed.
 */
export function kafkaLogCreator(sink: KafkaLogSink): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const {
        message,
        timestamp: _timestamp,
        logger: _logger,
        ...extra
      } = log as LogEntry['log'] & {
        logger?: string;
      };
      const context = { kafka: namespace, ...extra };
      switch (level) {
        case KafkaJsLogLevel.ERROR:
          if (isRetriedByKafkaJs(namespace, extra)) sink.warn(context, message);
          else sink.error(context, message);
          break;
        case KafkaJsLogLevel.WARN:
          sink.warn(context, message);
          break;
        case KafkaJsLogLevel.INFO:
          sink.info(context, message);
          break;
        case KafkaJsLogLevel.DEBUG:
          sink.debug(context, message);
          break;
        case KafkaJsLogLevel.NOTHING:
          break;
      }
    };
}

/**
 * Whether kafkajs logged an ERROR entry on its way to retrying: its retrier and the consumer's restart attach the
 * attempt (`retryCount`, `retryTime`: "Failed to connect to seed broker, trying another broker", "Restarting the
 * consumer in 300ms", a consumer crash on exhausted retries, which it restarts from); and a broker connection's
 * errors ("Connection error: connect ECONNREFUSED", "Connection timeout", an error response such as
 * LEADER_NOT_AVAILABLE) are what the request that used it retries or reports to its caller, whose own failure our
 * code logs at error.
 */
function isRetriedByKafkaJs(namespace: string, extra: Record<string, unknown>): boolean {
  return namespace === 'Connection' || extra.retryCount !== undefined || extra.retryTime !== undefined;
}

/** `<topic>.dlq`: where the consumer runner parks messages it cannot process (DESIGN 5). */
export function deadLetterTopicFor(topic: string): string {
  return `${topic}.dlq`;
}

interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Also create `<topic>.dlq` (one partition); default true. */
  readonly deadLetterTopic?: boolean;
}

export class TopicPartitionMismatchError extends Error {
  override readonly name = 'TopicPartitionMismatchError';
  constructor(
    readonly topic: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `Topic ${topic} has ${actual} partitions, configured ${expected}: changing it moves keys to other partitions ` +
        'and breaks per-stream order, so it is an explicit operation, not a start-up side effect',
    );
  }
}

/**
 * Creates the topics (and their dead-letter topics) that do not exist yet, with the broker's default replication
 * factor; safe to call on every start and from several processes at once. Existing topics are left as they are,
 * but a partition count other than the configured one is an error.
 * @throws TopicPartitionMismatchError
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const wanted = new Map<string, number>();
  const checked = new Set<string>();
  for (const spec of specs) {
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new RangeError(`Topic ${spec.topic}: partitions must be a positive integer`);
    }
    wanted.set(spec.topic, spec.partitions);
    checked.add(spec.topic);
    if (spec.deadLetterTopic ?? true) wanted.set(deadLetterTopicFor(spec.topic), 1);
  }
  if (wanted.size === 0) return;

  const existing = new Set(await admin.listTopics());
  const missing = [...wanted].filter(([topic]) => !existing.has(topic));
  if (missing.length > 0) {
    // Resolves false when another process created them first (TOPIC_ALREADY_EXISTS): that is fine.
    await admin.createTopics({
      topics: missing.map(([topic, partitions]) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  }

  const { topics } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
  for (const { name, partitions } of topics) {
    const expected = wanted.get(name);
    if (expected !== undefined && checked.has(name) && partitions.length !== expected) {
      throw new TopicPartitionMismatchError(name, expected, partitions.length);
    }
  }
}
