import { ConfigError, EnvReader, type Env } from '@lib/config';
import { readTracingConfig } from './tracing-config';

function read(env: Env, serviceName = 'policy-api') {
  const reader = new EnvReader(env);
  const config = readTracingConfig(reader, serviceName);
  return { config, problems: reader.problems };
}

describe('readTracingConfig', () => {
  it('is off with nothing configured: no exporter (unlike the OpenTelemetry default of otlp to localhost)', () => {
    const { config, problems } = read({});
    expect(problems).toEqual([]);
    expect(config).toEqual({
      enabled: false,
      serviceName: 'policy-api',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      batch: { scheduledDelayMillis: 5000, maxQueueSize: 2048, maxExportBatchSize: 512 },
      linkCountLimit: 128,
    });
  });

  it.each<[string, Env]>([
    ['OTEL_TRACES_EXPORTER=otlp', { OTEL_TRACES_EXPORTER: 'otlp' }],
    ['an OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    ['an OTLP traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' }],
  ])('is on with %s', (_case, env) => {
    expect(read(env).config.enabled).toBe(true);
  });

  it.each<[string, Env]>([
    [
      'OTEL_TRACES_EXPORTER=none, even with an endpoint',
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
    ],
    ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
  ])('is off with %s', (_case, env) => {
    expect(read(env)).toMatchObject({ config: { enabled: false }, problems: [] });
  });

  it('takes the service name, resource attributes, sampler, batch sizes and link limit from the standard variables', () => {
    const { config, problems } = read(
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_SERVICE_NAME: 'projector-eu',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=servicing%20desk',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '1000',
        OTEL_BSP_MAX_QUEUE_SIZE: '8192',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1024',
        OTEL_SPAN_LINK_COUNT_LIMIT: '1000',
      },
      'projector',
    );
    expect(problems).toEqual([]);
    expect(config).toEqual({
      enabled: true,
      serviceName: 'projector-eu',
      resourceAttributes: { 'deployment.environment': 'prod', team: 'servicing desk' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      batch: { scheduledDelayMillis: 1000, maxQueueSize: 8192, maxExportBatchSize: 1024 },
      linkCountLimit: 1000,
    });
  });

  it('names every wrong variable, so the app stops with one ConfigError', () => {
    const reader = new EnvReader({
      OTEL_SDK_DISABLED: 'maybe',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_RESOURCE_ATTRIBUTES: 'no-equals-sign',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
    });
    readTracingConfig(reader, 'policy-api');
    expect(reader.problems).toEqual([
      'OTEL_SDK_DISABLED must be true or false, got "maybe"',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "collector:4318"',
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf, got "grpc"',
      'OTEL_TRACES_EXPORTER must be otlp or none, got "zipkin"',
      'OTEL_TRACES_SAMPLER must be one of always_on, always_off, traceidratio, parentbased_always_on, ' +
        'parentbased_always_off, parentbased_traceidratio, got "sometimes"',
      'OTEL_RESOURCE_ATTRIBUTES must be key=value pairs separated by commas (values percent-encoded), got "no-equals-sign"',
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE must not exceed OTEL_BSP_MAX_QUEUE_SIZE',
    ]);
    expect(() => reader.check()).toThrow(ConfigError);
  });

  it('refuses a sampler ratio outside 0–1', () => {
    expect(read({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }).problems).toEqual([
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (the share of traces sampled), got "1.5"',
    ]);
  });
});
