/**
 * libs/tracing: OpenTelemetry for the apps (the only importer of @opentelemetry/*). The configuration from the
 * standard OTEL_* variables, the SDK an app's main starts, and the spans of a command's way with the W3C
 * `traceparent` that links them across processes (the kernel only carries that string in the event metadata).
 */
export { readTracingConfig, type TracingConfig } from './tracing-config';
export { startTracing } from './tracing-sdk';
export { inConsumerSpan, inServerSpan, type SpanAttributes, type TraceCarrier } from './spans';
