/**
 * The spans of the command's way (REST/gRPC → command loop → event store → relay → Kafka → projector) and the W3C
 * `traceparent` that carries it from one process to the next: the server span of a command request is the parent
 * recorded in the command's event metadata, the relay copies it into the CloudEvent, and the projector's consumer
 * span continues that trace (or links to it, for a batch of events of several commands).
 *
 * With tracing off (no SDK started: the default) nothing is recorded and nothing is allocated per call, but a
 * caller's valid `traceparent` is still passed on to the events unchanged (the W3C "pass-through" of a service that
 * does not trace), so a projector that does trace joins the caller's trace.
 */
import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api';
import { parseTraceParent, W3CTraceContextPropagator } from '@opentelemetry/core';

/** The instrumentation scope of every span of this code base. */
const TRACER_NAME = 'policy-servicing';
const PROPAGATOR = new W3CTraceContextPropagator();

/** Set while a started SDK is registered (tracing-sdk.ts): the only check on the untraced fast path. */
let tracingActive = false;

export function setTracingActive(active: boolean): void {
  tracingActive = active;
}

/** The W3C trace context of a request as its transport carries it (HTTP headers, gRPC metadata). */
export interface TraceCarrier {
  readonly traceparent?: string | readonly string[];
  readonly tracestate?: string | readonly string[];
}

/** Several `traceparent` headers are ambiguous: none is taken. Several `tracestate` headers are one list (W3C). */
const CARRIER_GETTER: TextMapGetter<TraceCarrier> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (carrier, key) => {
    if (key === 'traceparent') return typeof carrier.traceparent === 'string' ? carrier.traceparent : undefined;
    return key === 'tracestate' ? (carrier.tracestate as string | string[] | undefined) : undefined;
  },
};

/** Attributes of a span (OpenTelemetry semantic conventions where one applies). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

interface SpanOptions {
  /** Built only when the span is recorded (nothing is allocated for them with tracing off or sampled out). */
  readonly attributes?: () => SpanAttributes;
  /**
   * How a thrown error shows on the span: its `error.type`, and whether it is this service's fault (status ERROR,
   * exception recorded) rather than the caller's (a rejected command). Default: the error's name, a fault.
   */
  readonly describeError?: (error: unknown) => { readonly type: string; readonly fault: boolean };
}

/**
 * Runs `work` in a SERVER span, the child of the caller's trace context (a new trace without one). `work` gets the
 * span's `traceparent` for the command's metadata: the caller's own with tracing off, undefined when there is none.
 */
export function inServerSpan<T>(
  name: string,
  caller: TraceCarrier,
  options: SpanOptions,
  work: (traceparent: string | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingActive) return work(passedOn(caller));
  const parent = PROPAGATOR.extract(ROOT_CONTEXT, caller, CARRIER_GETTER);
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.SERVER }, parent);
  return runInSpan(span, parent, options, () => work(traceparentOf(span.spanContext())));
}

/**
 * Runs `work` (applying consumed events) in a CONSUMER span. `origins` lists the events' `traceparent`s (read only
 * when tracing is on): when they all name one span (one command's events) the span is its child, in the command's
 * trace; when they name several, the span starts a trace of its own with a link to each (at most the SDK's link
 * limit, OTEL_SPAN_LINK_COUNT_LIMIT).
 */
export function inConsumerSpan<T>(
  name: string,
  origins: () => Iterable<string | undefined>,
  options: SpanOptions,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingActive) return work();
  const contexts = new Map<string, SpanContext>();
  for (const traceparent of origins()) {
    if (traceparent === undefined || contexts.has(traceparent)) continue;
    const spanContext = remoteSpanContextOf(traceparent);
    if (spanContext !== undefined) contexts.set(traceparent, spanContext);
  }
  const single = contexts.size === 1 ? [...contexts.values()][0] : undefined;
  const parent = single === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, single);
  const links = contexts.size > 1 ? [...contexts.values()].map((linked) => ({ context: linked })) : [];
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.CONSUMER, links }, parent);
  return runInSpan(span, parent, options, work);
}

async function runInSpan<T>(span: Span, parent: Context, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  // Sampled out: nothing to record, no context to switch (the traceparent still says "not sampled" downstream).
  if (!span.isRecording()) return work();
  if (options.attributes !== undefined) span.setAttributes(options.attributes());
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    const { type, fault } = options.describeError?.(error) ?? {
      type: error instanceof Error ? error.name : typeof error,
      fault: true,
    };
    span.setAttribute('error.type', type);
    if (fault) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      if (error instanceof Error) span.recordException(error);
    }
    throw error;
  } finally {
    span.end();
  }
}

/** `00-<trace id>-<span id>-<flags>` of a valid span context; undefined for the invalid (no trace). */
function traceparentOf(spanContext: SpanContext): string | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = spanContext.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

function remoteSpanContextOf(traceparent: string): SpanContext | undefined {
  const parsed = parseTraceParent(traceparent);
  if (parsed === null) return undefined;
  const spanContext: SpanContext = { ...parsed, isRemote: true };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** The caller's traceparent in its canonical form, if it is a valid one (one header: several are ambiguous). */
function passedOn(caller: TraceCarrier): string | undefined {
  const { traceparent } = caller;
  if (typeof traceparent !== 'string') return undefined;
  const spanContext = remoteSpanContextOf(traceparent);
  return spanContext === undefined ? undefined : traceparentOf(spanContext);
}
