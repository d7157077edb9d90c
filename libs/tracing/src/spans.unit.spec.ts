import { SpanStatusCode, trace } from '@opentelemetry/api';
import { inConsumerSpan, inServerSpan } from './spans';
import { SpanKind, startInMemoryTracing, type InMemoryTracing } from './testing/in-memory-tracing';

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = '00f067aa0ba902b7';
const CALLER = `00-${TRACE_A}-${CALLER_SPAN}-01`;

const echo = (traceparent: string | undefined) => Promise.resolve(traceparent);

describe('with tracing off (no SDK started)', () => {
  it("passes a caller's valid traceparent on unchanged, so a tracing projector joins the caller's trace", async () => {
    expect(await inServerSpan('POST /v1/x', { traceparent: CALLER }, {}, echo)).toBe(CALLER);
  });

  it.each<[string, string | string[] | undefined]>([
    ['no traceparent', undefined],
    ['a malformed one', '00-abc-def-01'],
    ['upper-case hex (W3C: lower-case only)', CALLER.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`],
    ['several (ambiguous)', [CALLER, CALLER]],
  ])('records none for %s', async (_case, traceparent) => {
    expect(await inServerSpan('POST /v1/x', { traceparent }, {}, echo)).toBeUndefined();
  });

  it("runs a consumer's work without reading the events' traceparents", async () => {
    const origins = jest.fn(() => [CALLER]);
    expect(await inConsumerSpan('process t', origins, {}, () => Promise.resolve('applied'))).toBe('applied');
    expect(origins).not.toHaveBeenCalled();
  });
});

describe('with tracing on', () => {
  let tracing: InMemoryTracing;

  beforeEach(() => {
    tracing = startInMemoryTracing();
  });
  afterEach(async () => {
    await tracing.shutdown();
  });

  const only = () => {
    const spans = tracing.finishedSpans();
    expect(spans).toHaveLength(1);
    return spans[0];
  };

  it("starts a server span as the caller's child; the work gets its traceparent and runs with it active", async () => {
    let active: string | undefined;
    const traceparent = await inServerSpan(
      'POST /v1/policies',
      { traceparent: CALLER, tracestate: 'vendor=42' },
      { attributes: () => ({ 'http.route': '/v1/policies' }) },
      async (given) => {
        active = trace.getActiveSpan()?.spanContext().spanId;
        return given;
      },
    );
    const span = only();
    expect(span).toMatchObject({ name: 'POST /v1/policies', kind: SpanKind.SERVER });
    expect(span.attributes).toEqual({ 'http.route': '/v1/policies' });
    expect(span.parentSpanContext).toMatchObject({ traceId: TRACE_A, spanId: CALLER_SPAN, isRemote: true });
    const { traceId, spanId, traceState } = span.spanContext();
    expect(traceId).toBe(TRACE_A);
    expect(traceState?.get('vendor')).toBe('42');
    expect(traceparent).toBe(`00-${TRACE_A}-${spanId}-01`);
    expect(active).toBe(spanId);
  });

  it('starts a trace of its own without a caller context', async () => {
    const traceparent = await inServerSpan('POST /v1/policies', {}, {}, echo);
    const span = only();
    expect(span.parentSpanContext).toBeUndefined();
    expect(traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('follows a caller that did not sample: nothing recorded, and downstream learns it (flags 00)', async () => {
    const traceparent = await inServerSpan('POST /v1/x', { traceparent: `00-${TRACE_A}-${CALLER_SPAN}-00` }, {}, echo);
    expect(tracing.finishedSpans()).toEqual([]);
    expect(traceparent).toMatch(new RegExp(`^00-${TRACE_A}-[0-9a-f]{16}-00$`));
  });

  it("a rejected request (the caller's fault) is no span error; a fault of the service is, with the exception", async () => {
    const rejected = Object.assign(new Error('policy exists'), { name: 'DomainError' });
    const describeError = (error: unknown) => ({ type: (error as Error).name, fault: error instanceof TypeError });
    await expect(inServerSpan('POST /v1/x', {}, { describeError }, () => Promise.reject(rejected))).rejects.toBe(
      rejected,
    );
    await expect(
      inServerSpan('POST /v1/x', {}, { describeError }, () => Promise.reject(new TypeError('bug'))),
    ).rejects.toThrow('bug');

    const [caller, fault] = tracing.finishedSpans();
    expect(caller.attributes).toEqual({ 'error.type': 'DomainError' });
    expect(caller.status.code).toBe(SpanStatusCode.UNSET);
    expect(fault.attributes).toEqual({ 'error.type': 'TypeError' });
    expect(fault.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bug' });
    expect(fault.events.map((event) => event.name)).toEqual(['exception']);
  });

  it("a consumer span applying one command's events is that command's child, in its trace", async () => {
    await inConsumerSpan(
      'process policy.events.v1',
      () => [CALLER, CALLER, undefined],
      {},
      () => Promise.resolve(),
    );
    const span = only();
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(TRACE_A);
    expect(span.parentSpanContext).toMatchObject({ traceId: TRACE_A, spanId: CALLER_SPAN });
    expect(span.links).toEqual([]);
  });

  it("a consumer span applying several commands' events starts its own trace, linked to each command", async () => {
    const other = `00-${TRACE_B}-b7ad6b7169203331-01`;
    await inConsumerSpan(
      'process policy.events.v1',
      () => [CALLER, other, CALLER, 'garbage'],
      {},
      () => Promise.resolve(),
    );
    const span = only();
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(TRACE_A);
    expect(span.links.map(({ context }) => [context.traceId, context.spanId])).toEqual([
      [TRACE_A, CALLER_SPAN],
      [TRACE_B, 'b7ad6b7169203331'],
    ]);
  });

  it('a failed consumer span is an error (ProjectionError or an unreachable database alike), and the error goes on', async () => {
    const failure = new Error('database unreachable');
    await expect(
      inConsumerSpan(
        'process t',
        () => [],
        {},
        () => Promise.reject(failure),
      ),
    ).rejects.toBe(failure);
    expect(only()).toMatchObject({
      status: { code: SpanStatusCode.ERROR, message: 'database unreachable' },
      attributes: { 'error.type': 'Error' },
    });
  });
});
