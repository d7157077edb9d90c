import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { EnvReader, wholeNumber, type Env, type LogLevel } from '@lib/config';
import { readTracingConfig, type TracingConfig } from '@lib/tracing';
import { generateAdminKey, parseApiKeys, type ApiKey } from './api-keys';
import { loadSchedulerConfig, type SchedulerConfig } from '../scheduler/scheduler-config';
import { isKnownTimeZone } from '../event-store/system-clock';
import { loadReadLimitsConfig, type ReadLimitsConfig } from '../limits/read-limits-config';

const JURISDICTIONS = ['CN', 'US'] as const;
type Jurisdiction = (typeof JURISDICTIONS)[number];

/** The business time zone of each jurisdiction, used when BUSINESS_TIME_ZONE is unset. */
export const DEFAULT_BUSINESS_TIME_ZONES: Readonly<Record<Jurisdiction, string>> = {
  CN: 'Asia/Shanghai',
  US: 'America/New_York',
};

export interface AppConfig {
  readonly httpPort: number;
  /**
   * HTTP_HOST (default 127.0.0.1): the interface REST listens on. The default keeps the embedded quick start off the
   * network; containers and servers set 0.0.0.0 (all IPv4 interfaces) or one address.
   */
  readonly httpHost: string;
  /** gRPC port (DESIGN 4), beside the REST port. */
  readonly grpcPort: number;
  /** GRPC_HOST (default 127.0.0.1): the interface gRPC listens on, as HTTP_HOST. */
  readonly grpcHost: string;
  /** Absolute path; holds events.sqlite in embedded mode. */
  readonly dataDir: string;
  /** Set → EventStoreDB; unset → the embedded SQLite store. */
  readonly eventStoreConnectionString?: string;
  readonly apiKeys: readonly ApiKey[];
  /** True when API_KEYS was unset and one admin key was generated (printed once at start-up). */
  readonly generatedAdminKey: boolean;
  readonly jurisdiction: Jurisdiction;
  /**
   * IANA time zone of business dates ("today" for DATE_IN_FUTURE, quotes, the scheduler's day). Default: the
   * jurisdiction's (DEFAULT_BUSINESS_TIME_ZONES: CN Asia/Shanghai, US America/New_York).
   */
  readonly businessTimeZone: string;
  /** Overrides the jurisdiction's reinstatement interest rate for new policies (basis points: 500 = 5%). */
  readonly reinstatementInterestBasisPoints?: number;
  readonly logLevel: LogLevel;
  /** READ_MODEL_URL: a postgres:// URL → PostgreSQL read models; unset → SQLite at `$DATA_DIR/read-models.sqlite`. */
  readonly readModelUrl?: string;
  /** READ_MODEL_SCHEMA (PostgreSQL only); the store's default (`read_models`) when unset. */
  readonly readModelSchema?: string;
  /** KAFKA_BROKERS as a list; empty = embedded mode. */
  readonly kafkaBrokers: readonly string[];
  /**
   * Whether this process projects the event store into the read models itself (DESIGN 1: the embedded mode, when
   * KAFKA_BROKERS is unset). With Kafka the projector app does that job and the API only reads the read models.
   */
  readonly embeddedProjection: boolean;
  /** Time-driven servicing and the orphan process manager (DESIGN 6, 2.5): SCHEDULER_* and ORPHAN_REASSIGNMENT_*. */
  readonly scheduler: SchedulerConfig;
  /**
   * SAMPLE_CATALOGUE: publish the sample products (DESIGN 2.8) that are not in the store yet, on start. Default true
   * in the embedded mode (the quick start can issue policies at once), false with EventStoreDB.
   */
  readonly sampleCatalogue: boolean;
  /**
   * METRICS_PUBLIC (default false): serve GET /metrics without an API key, for Prometheus scrapers inside a private
   * network. Otherwise it needs a key with role admin, auditor or reporter.
   */
  readonly metricsPublic: boolean;
  /** READ_LIMIT_*: per-key limits on expensive reads (reports, policy histories); over them 429 / RESOURCE_EXHAUSTED. */
  readonly readLimits: ReadLimitsConfig;
  /**
   * OTEL_*: OpenTelemetry tracing, started by the server's main (a span per command request); off unless an exporter
   * is configured (libs/tracing).
   */
  readonly tracing: TracingConfig;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** A host name such as `localhost` (labels of letters, digits and hyphens). */
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A port number of at most five digits, from `min` to 65535. */
function listenPort(read: EnvReader, name: 'HTTP_PORT' | 'GRPC_PORT', fallback: number, min: number): number {
  return read.parsed(
    name,
    fallback,
    (raw) => (/^\d{1,5}$/.test(raw) ? wholeNumber(raw, min, 65535) : undefined),
    `must be an integer ${min}–65535`,
  );
}

function listenHost(read: EnvReader, name: 'HTTP_HOST' | 'GRPC_HOST'): string {
  return read.parsed(
    name,
    '127.0.0.1',
    (host) => (isIP(host) !== 0 || HOST_NAME.test(host) ? host : undefined),
    'must be an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only) or a host name',
  );
}

/**
 * JURISDICTION (default CN, any case) and BUSINESS_TIME_ZONE (default the jurisdiction's zone), read the same way by
 * the API and by policyctl's commands that need "today".
 */
export function readJurisdiction(read: EnvReader): { jurisdiction: Jurisdiction; businessTimeZone: string } {
  const jurisdiction = read.oneOf('JURISDICTION', JURISDICTIONS, 'CN', 'upper');
  const businessTimeZone = read.parsed(
    'BUSINESS_TIME_ZONE',
    DEFAULT_BUSINESS_TIME_ZONES[jurisdiction],
    (zone) => (isKnownTimeZone(zone) ? zone : undefined),
    'must be an IANA time zone such as Asia/Shanghai',
  );
  return { jurisdiction, businessTimeZone };
}

/**
 * Reads and validates the environment once at start-up. Every problem is collected, so one failed start shows
 * them all. Throws ConfigError.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): AppConfig {
  const read = new EnvReader(env);

  const httpPort = listenPort(read, 'HTTP_PORT', 3000, 0);
  // Unlike HTTP_PORT, 0 (an ephemeral port) is refused: Nest's gRPC transport cannot report the port it got.
  const grpcPort = listenPort(read, 'GRPC_PORT', 50051, 1);

  const httpHost = listenHost(read, 'HTTP_HOST');
  const grpcHost = listenHost(read, 'GRPC_HOST');

  const rawDataDir = read.string('DATA_DIR') ?? './data';
  const dataDir = isAbsolute(rawDataDir) ? rawDataDir : resolve(cwd, rawDataDir);

  const eventStoreConnectionString = read.string('EVENTSTORE_CONNECTION_STRING');
  if (eventStoreConnectionString !== undefined && !/^esdb(\+discover)?:\/\/\S+$/.test(eventStoreConnectionString)) {
    read.problem(
      'EVENTSTORE_CONNECTION_STRING must be an EventStoreDB URL (esdb://host:2113?tls=false or esdb+discover://…)',
    );
  }

  const rawKeys = read.string('API_KEYS');
  let apiKeys: ApiKey[] = [];
  let generatedAdminKey = false;
  if (rawKeys === undefined) {
    if (eventStoreConnectionString !== undefined) {
      read.problem(
        'API_KEYS is required when EVENTSTORE_CONNECTION_STRING is set (a key is generated only in embedded mode)',
      );
    } else {
      apiKeys = [generateAdminKey()];
      generatedAdminKey = true;
    }
  } else {
    const parsed = parseApiKeys(rawKeys);
    for (const error of parsed.errors) read.problem(error);
    apiKeys = parsed.keys;
  }

  const { jurisdiction, businessTimeZone } = readJurisdiction(read);
  const reinstatementInterestBasisPoints = read.parsed(
    'REINSTATEMENT_INTEREST_BASIS_POINTS',
    undefined,
    (raw) => wholeNumber(raw, 0, 10_000),
    'must be a whole number from 0 to 10000 (500 = 5%)',
  );

  const logLevel = read.logLevel();

  const readModelSchema = read.parsed(
    'READ_MODEL_SCHEMA',
    undefined,
    (schema) => (/^[a-z_][a-z0-9_]{0,39}$/.test(schema) ? schema : undefined),
    'must be a lower-case SQL identifier of at most 40 characters',
  );
  const kafkaBrokers = (read.string('KAFKA_BROKERS') ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');

  const readModelUrl = read.string('READ_MODEL_URL');
  if (readModelUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/i.test(readModelUrl)) {
    read.problem('READ_MODEL_URL must be a postgres:// or postgresql:// URL');
  }
  const scheduler = loadSchedulerConfig(read);
  const readLimits = loadReadLimitsConfig(read);

  // Exactly true or false: this switch turns authentication off, so a typo must not guess.
  const metricsPublic = read.strictFlag('METRICS_PUBLIC', false);
  const sampleCatalogue = read.strictFlag('SAMPLE_CATALOGUE', eventStoreConnectionString === undefined);
  const tracing = readTracingConfig(read, 'policy-api');

  read.check();
  return {
    httpPort,
    httpHost,
    grpcPort,
    grpcHost,
    dataDir,
    eventStoreConnectionString,
    apiKeys,
    generatedAdminKey,
    jurisdiction,
    reinstatementInterestBasisPoints,
    businessTimeZone,
    logLevel,
    readModelUrl,
    readModelSchema,
    kafkaBrokers,
    embeddedProjection: kafkaBrokers.length === 0,
    scheduler,
    sampleCatalogue,
    metricsPublic,
    readLimits,
    tracing,
  };
}
