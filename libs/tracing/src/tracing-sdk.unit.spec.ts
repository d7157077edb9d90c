import { diag, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { inServerSpan } from './spans';
import { startTracing } from './tracing-sdk';
import { type TracingConfig } from './tracing-config';

const CONFIG: TracingConfig = {
  enabled: true,
  serviceName: 'policy-api',
  resourceAttributes: { 'deployment.environment': 'test' },
  sampler: 'parentbased_always_on',
  samplerRatio: 1,
  batch: { scheduledDelayMillis: 5000, maxQueueSize: 2048, maxExportBatchSize: 512 },
  linkCountLimit: 128,
};

function started(config: Partial<TracingConfig> = {}, logger?: { warn: jest.Mock }) {
  const exporter = new InMemorySpanExporter();
  const handle = startTracing(
    { ...CONFIG, ...config },
    { spanProcessor: new SimpleSpanProcessor({ exporter }), logger },
  );
  return { exporter, handle };
}

describe('startTracing', () => {
  it('registers nothing when tracing is off', async () => {
    const handle = startTracing({ ...CONFIG, enabled: false });
    expect(handle.enabled).toBe(false);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    await handle.shutdown();
  });

  it("records spans with the service's resource, and unregisters on shutdown", async () => {
    const { exporter, handle } = started();
    expect(handle.enabled).toBe(true);
    await inServerSpan('POST /v1/policies', {}, {}, () => Promise.resolve());
    const [span] = exporter.getFinishedSpans();
    expect(span.resource.attributes).toMatchObject({
      'service.name': 'policy-api',
      'deployment.environment': 'test',
    });
    await handle.shutdown();
    await handle.shutdown();
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });

  it('samples as configured: always_off records nothing, and says so downstream', async () => {
    const { exporter, handle } = started({ sampler: 'always_off' });
    const traceparent = await inServerSpan('POST /v1/policies', {}, {}, (given) => Promise.resolve(given));
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await handle.shutdown();
  });

  it("logs the SDK's own problems (a failing export) at most once a minute, counting those held back", async () => {
    const logger = { warn: jest.fn() };
    const { handle } = started({}, logger);
    diag.error('OTLPExporterError', new Error('connect ECONNREFUSED 127.0.0.1:4318'));
    diag.error('OTLPExporterError', new Error('connect ECONNREFUSED 127.0.0.1:4318'));
    diag.debug('not logged');
    expect(logger.warn.mock.calls).toEqual([
      [
        { opentelemetry: 'OTLPExporterError Error: connect ECONNREFUSED 127.0.0.1:4318', heldBack: 0 },
        'tracing: the OpenTelemetry SDK reports a problem',
      ],
    ]);
    await handle.shutdown();
  });
});
