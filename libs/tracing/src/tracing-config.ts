/**
 * The tracing configuration of a process, from the standard OpenTelemetry variables (read with the app's EnvReader,
 * so a wrong value is one more line of its ConfigError). Unlike the OpenTelemetry default (`otlp` to
 * localhost:4318), nothing is exported unless configured: OTEL_TRACES_EXPORTER=otlp, or an OTLP endpoint.
 */
import { type EnvReader } from '@lib/config';

/** OTEL_TRACES_SAMPLER values (the `jaeger_remote` and `xray` samplers of the spec are not offered). */
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
type SamplerName = (typeof SAMPLERS)[number];

export interface TracingConfig {
  /** False: no SDK is registered; the trace context of callers is still passed on to the events (see spans.ts). */
  readonly enabled: boolean;
  /** OTEL_SERVICE_NAME; default the process's name (`policy-api`, `projector`). */
  readonly serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES: `key=value,…` (values percent-decoded). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** OTEL_TRACES_SAMPLER (default parentbased_always_on) and its OTEL_TRACES_SAMPLER_ARG ratio (default 1). */
  readonly sampler: SamplerName;
  readonly samplerRatio: number;
  /** OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE (spec defaults 5000, 2048, 512). */
  readonly batch: {
    readonly scheduledDelayMillis: number;
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
  };
  /** OTEL_SPAN_LINK_COUNT_LIMIT (default 128): links of a projector span to the commands of its batch. */
  readonly linkCountLimit: number;
}

/** The one OTLP protocol shipped (`@opentelemetry/exporter-trace-otlp-proto`). */
const OTLP_PROTOCOL = 'http/protobuf';

/**
 * OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER (`otlp` or `none`; unset: `otlp` when OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, else none), the OTLP endpoint and protocol (the exporter reads endpoint,
 * headers, timeout and compression itself; they are checked here), OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*. Problems go to `read` (its check() throws them with the app's own).
 */
export function readTracingConfig(read: EnvReader, defaultServiceName: string): TracingConfig {
  const disabled = read.strictFlag('OTEL_SDK_DISABLED', false);
  const endpoints = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'].filter(
    (name) =>
      read.parsed(name, undefined, (raw) => (isHttpUrl(raw) ? raw : undefined), 'must be an http(s) URL') !== undefined,
  );
  for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) {
    read.parsed(
      name,
      undefined,
      (raw) => (raw === OTLP_PROTOCOL ? raw : undefined),
      `must be ${OTLP_PROTOCOL}`,
      'as set',
    );
  }
  const exporters = read.parsed(
    'OTEL_TRACES_EXPORTER',
    endpoints.length > 0 ? ['otlp'] : [],
    (raw) => {
      const names = raw.split(',').map((name) => name.trim().toLowerCase());
      if (!names.every((name) => name === 'otlp' || name === 'none')) return undefined;
      return names.includes('none') ? [] : ['otlp'];
    },
    'must be otlp or none',
    'as set',
  );
  const sampler = read.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on', 'lower');
  const samplerRatio = sampler.endsWith('traceidratio')
    ? read.parsed('OTEL_TRACES_SAMPLER_ARG', 1, ratio, 'must be a number from 0 to 1 (the share of traces sampled)')
    : 1;
  const resourceAttributes = read.parsed(
    'OTEL_RESOURCE_ATTRIBUTES',
    {},
    keyValuePairs,
    'must be key=value pairs separated by commas (values percent-encoded)',
    'as set',
  );
  const maxQueueSize = read.integer('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1, 1_000_000);
  const batch = {
    scheduledDelayMillis: read.integer('OTEL_BSP_SCHEDULE_DELAY', 5000, 1, 3_600_000),
    maxQueueSize,
    maxExportBatchSize: read.integer('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1, 1_000_000),
  };
  if (batch.maxExportBatchSize > maxQueueSize) {
    read.problem('OTEL_BSP_MAX_EXPORT_BATCH_SIZE must not exceed OTEL_BSP_MAX_QUEUE_SIZE');
  }
  const linkCountLimit = read.integer('OTEL_SPAN_LINK_COUNT_LIMIT', 128, 0, 100_000);
  return {
    enabled: !disabled && exporters.length > 0,
    serviceName: read.string('OTEL_SERVICE_NAME') ?? defaultServiceName,
    resourceAttributes,
    sampler,
    samplerRatio,
    batch,
    linkCountLimit,
  };
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function ratio(raw: string): number | undefined {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  return value >= 0 && value <= 1 ? value : undefined;
}

/** `k1=v1,k2=v2` as the spec's OTEL_RESOURCE_ATTRIBUTES: keys plain, values percent-decoded. */
function keyValuePairs(raw: string): Record<string, string> | undefined {
  const pairs: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const equals = pair.indexOf('=');
    const key = pair.slice(0, equals).trim();
    if (equals <= 0 || key === '') return undefined;
    try {
      pairs[key] = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      return undefined;
    }
  }
  return pairs;
}
