/**
 * Tracing for tests: the SDK registered with an in-memory exporter that takes each span as it ends. Not part of the
 * public entry; suites import it as `@lib/tracing/testing` and shut it down after (it registers process globals).
 */
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing } from '../tracing-sdk';

export { SpanKind } from '@opentelemetry/api';

export interface InMemoryTracing {
  /** The spans ended so far, in the order they ended. */
  finishedSpans(): ReadableSpan[];
  /** Unregisters the SDK (the next suite may start its own). */
  shutdown(): Promise<void>;
}

export function startInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const handle = startTracing(
    {
      enabled: true,
      serviceName: 'test',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      batch: { scheduledDelayMillis: 5000, maxQueueSize: 2048, maxExportBatchSize: 512 },
      linkCountLimit: 128,
    },
    { spanProcessor: new SimpleSpanProcessor({ exporter }) },
  );
  return { finishedSpans: () => exporter.getFinishedSpans(), shutdown: () => handle.shutdown() };
}
