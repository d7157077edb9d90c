import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { generateAdminKey, parseApiKeys, type ApiKey } from './api-keys';
import { loadSchedulerConfig, type SchedulerConfig } from '../scheduler/scheduler-config';
import { isKnownTimeZone } from '../event-store/system-clock';
import { loadReadLimitsConfig, type ReadLimitsConfig } from '../limits/read-limits-config';

export const JURISDICTIONS = ['CN', 'US'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
   * METRICS_PUBLIC (default false): serve GET /metrics without an API key, for Prometheus scrapers inside a private
   * network. Otherwise it needs a key with role admin, auditor or reporter.
   */
  readonly metricsPublic: boolean;
  /** READ_LIMIT_*: per-key limits on expensive reads (reports, policy histories); over them 429 / RESOURCE_EXHAUSTED. */
  readonly readLimits: ReadLimitsConfig;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** A host name such as `localhost` (labels of letters, digits and hyphens). */
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function listenHost(env: Env, name: 'HTTP_HOST' | 'GRPC_HOST', problems: string[]): string {
  const host = present(env[name]) ?? '127.0.0.1';
  if (isIP(host) === 0 && !HOST_NAME.test(host)) {
    problems.push(
      `${name} must be an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only) or a host name, got ${JSON.stringify(host)}`,
    );
  }
  return host;
}

/**
 * Reads and validates the environment once at start-up. Every problem is collected, so one failed start shows
 * them all. Throws ConfigError.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): AppConfig {
  const problems: string[] = [];

  const rawPort = present(env.HTTP_PORT);
  let httpPort = 3000;
  if (rawPort !== undefined) {
    httpPort = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
    if (!(httpPort >= 0 && httpPort <= 65535))
      problems.push(`HTTP_PORT must be an integer 0–65535, got ${JSON.stringify(rawPort)}`);
  }

  const rawGrpcPort = present(env.GRPC_PORT);
  let grpcPort = 50051;
  if (rawGrpcPort !== undefined) {
    grpcPort = /^\d{1,5}$/.test(rawGrpcPort) ? Number(rawGrpcPort) : NaN;
    // Unlike HTTP_PORT, 0 (an ephemeral port) is refused: Nest's gRPC transport cannot report the port it got.
    if (!(grpcPort >= 1 && grpcPort <= 65535))
      problems.push(`GRPC_PORT must be an integer 1–65535, got ${JSON.stringify(rawGrpcPort)}`);
  }

  const httpHost = listenHost(env, 'HTTP_HOST', problems);
  const grpcHost = listenHost(env, 'GRPC_HOST', problems);

  const rawDataDir = present(env.DATA_DIR) ?? './data';
  const dataDir = isAbsolute(rawDataDir) ? rawDataDir : resolve(cwd, rawDataDir);

  const eventStoreConnectionString = present(env.EVENTSTORE_CONNECTION_STRING);
  if (eventStoreConnectionString !== undefined && !/^esdb(\+discover)?:\/\/\S+$/.test(eventStoreConnectionString)) {
    problems.push(
      'EVENTSTORE_CONNECTION_STRING must be an EventStoreDB URL (esdb://host:2113?tls=false or esdb+discover://…)',
    );
  }

  const rawKeys = present(env.API_KEYS);
  let apiKeys: ApiKey[] = [];
  let generatedAdminKey = false;
  if (rawKeys === undefined) {
    if (eventStoreConnectionString !== undefined) {
      problems.push(
        'API_KEYS is required when EVENTSTORE_CONNECTION_STRING is set (a key is generated only in embedded mode)',
      );
    } else {
      apiKeys = [generateAdminKey()];
      generatedAdminKey = true;
    }
  } else {
    const parsed = parseApiKeys(rawKeys);
    problems.push(...parsed.errors);
    apiKeys = parsed.keys;
  }

  const jurisdiction = (present(env.JURISDICTION) ?? 'CN').toUpperCase();
  if (!(JURISDICTIONS as readonly string[]).includes(jurisdiction)) {
    problems.push(`JURISDICTION must be one of ${JURISDICTIONS.join(', ')}, got ${JSON.stringify(env.JURISDICTION)}`);
  }
  const businessTimeZone =
    present(env.BUSINESS_TIME_ZONE) ?? DEFAULT_BUSINESS_TIME_ZONES[jurisdiction as Jurisdiction] ?? 'UTC';
  if (!isKnownTimeZone(businessTimeZone)) {
    problems.push(
      `BUSINESS_TIME_ZONE must be an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(businessTimeZone)}`,
    );
  }
  const rawInterest = present(env.REINSTATEMENT_INTEREST_BASIS_POINTS);
  const reinstatementInterestBasisPoints = rawInterest === undefined ? undefined : Number(rawInterest);
  if (
    reinstatementInterestBasisPoints !== undefined &&
    (!/^\d+$/.test(rawInterest!) || reinstatementInterestBasisPoints > 10_000)
  ) {
    problems.push(
      `REINSTATEMENT_INTEREST_BASIS_POINTS must be a whole number from 0 to 10000 (500 = 5%), got ${JSON.stringify(rawInterest)}`,
    );
  }

  const logLevel = (present(env.LOG_LEVEL) ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }

  const readModelSchema = present(env.READ_MODEL_SCHEMA);
  if (readModelSchema !== undefined && !/^[a-z_][a-z0-9_]{0,39}$/.test(readModelSchema)) {
    problems.push(
      `READ_MODEL_SCHEMA must be a lower-case SQL identifier of at most 40 characters, got ${JSON.stringify(readModelSchema)}`,
    );
  }
  const kafkaBrokers = (present(env.KAFKA_BROKERS) ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');

  const readModelUrl = present(env.READ_MODEL_URL);
  if (readModelUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/i.test(readModelUrl)) {
    problems.push('READ_MODEL_URL must be a postgres:// or postgresql:// URL');
  }
  const scheduler = loadSchedulerConfig(env, problems);
  const readLimits = loadReadLimitsConfig(env, problems);

  // Exactly true or false: this switch turns authentication off, so a typo must not guess.
  const rawMetricsPublic = present(env.METRICS_PUBLIC)?.toLowerCase() ?? 'false';
  if (rawMetricsPublic !== 'true' && rawMetricsPublic !== 'false') {
    problems.push(`METRICS_PUBLIC must be true or false, got ${JSON.stringify(env.METRICS_PUBLIC)}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    httpPort,
    httpHost,
    grpcPort,
    grpcHost,
    dataDir,
    eventStoreConnectionString,
    apiKeys,
    generatedAdminKey,
    jurisdiction: jurisdiction as Jurisdiction,
    reinstatementInterestBasisPoints,
    businessTimeZone,
    logLevel: logLevel as LogLevel,
    readModelUrl,
    readModelSchema,
    kafkaBrokers,
    embeddedProjection: kafkaBrokers.length === 0,
    scheduler,
    metricsPublic: rawMetricsPublic === 'true',
    readLimits,
  };
}
