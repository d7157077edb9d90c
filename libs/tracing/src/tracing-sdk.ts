/**
 * The process-wide OpenTelemetry SDK: a tracer provider with the configured sampler, the OTLP/HTTP (protobuf)
 * exporter behind a batch processor, the AsyncLocalStorage context manager and the W3C trace-context propagator,
 * registered as the API's globals. Started once by an app's main (policy-api, projector), before it serves; a
 * process that does not start it (or whose configuration has no exporter) runs the API's no-op tracer.
 */
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { setTracingActive } from './spans';
import { type TracingConfig } from './tracing-config';

interface TracingHandle {
  /** Whether spans are recorded and exported (false: nothing was registered). */
  readonly enabled: boolean;
  /**
   * Exports the spans still queued (waiting at most SHUTDOWN_EXPORT_MS for an unreachable collector) and unregisters
   * the SDK. Idempotent.
   */
  shutdown(): Promise<void>;
}

/** Where the SDK's own problems go (an export the collector refused, a full queue): the app's logger. */
interface DiagnosticsLogger {
  warn(fields: object, message: string): void;
}

interface StartTracingOptions {
  readonly logger?: DiagnosticsLogger;
  /** Instead of the OTLP exporter behind a batch processor (tests: an in-memory exporter, exporting at once). */
  readonly spanProcessor?: SpanProcessor;
}

const DISABLED: TracingHandle = { enabled: false, shutdown: () => Promise.resolve() };

/** At most one log line of the SDK's own problems this often. */
const DIAGNOSTICS_INTERVAL_MS = 60_000;
/** How long a stopping process waits for its last spans to be exported. */
const SHUTDOWN_EXPORT_MS = 5_000;

/** Registers the SDK when the configuration enables tracing (or a test passes a span processor). */
export function startTracing(config: TracingConfig, options: StartTracingOptions = {}): TracingHandle {
  if (!config.enabled && options.spanProcessor === undefined) return DISABLED;
  const { logger } = options;
  if (logger !== undefined) {
    // An unreachable collector fails every export: one line per DIAGNOSTICS_INTERVAL_MS, with how many were held back.
    let lastReport = -Infinity;
    let heldBack = 0;
    const report = (message: string, ...args: unknown[]) => {
      const now = Date.now();
      if (now - lastReport < DIAGNOSTICS_INTERVAL_MS) {
        heldBack++;
        return;
      }
      const problem = [message, ...args.map(String)].join(' ');
      logger.warn({ opentelemetry: problem, heldBack }, 'tracing: the OpenTelemetry SDK reports a problem');
      lastReport = now;
      heldBack = 0;
    };
    const ignore = () => undefined;
    diag.setLogger({ error: report, warn: report, info: ignore, debug: ignore, verbose: ignore }, DiagLogLevel.WARN);
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
    sampler: samplerOf(config),
    spanLimits: { linkCountLimit: config.linkCountLimit },
    spanProcessors: [
      options.spanProcessor ?? new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...config.batch }),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  setTracingActive(true);

  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown() {
      stopped ??= (async () => {
        setTracingActive(false);
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            provider.shutdown(),
            new Promise<void>((done) => {
              timer = setTimeout(done, SHUTDOWN_EXPORT_MS).unref();
            }),
          ]);
        } finally {
          clearTimeout(timer);
          trace.disable();
          propagation.disable();
          context.disable();
          diag.disable();
        }
      })();
      return stopped;
    },
  };
}

function samplerOf(config: Pick<TracingConfig, 'sampler' | 'samplerRatio'>): Sampler {
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(config.samplerRatio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.samplerRatio) });
  }
}
