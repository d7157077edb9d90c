/**
 * The first hops of a command's trace, with the real app: the caller's W3C `traceparent` (REST header, gRPC
 * metadata) → the command request's server span → the `traceparent` in the metadata of every event it writes (what
 * the relay publishes and the projector continues; those hops: apps/projector/src/projector-tracing.int.spec.ts).
 */
import { SpanKind, startInMemoryTracing, type InMemoryTracing } from '@lib/tracing/testing';
import { issuePolicyBody } from './support/fixtures';
import { protoFields, startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { bearer, removeDataDir } from './support/test-api';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const CALLER = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

interface HistoryEntry {
  readonly type: string;
  readonly metadata: Record<string, unknown>;
}

async function historyOf(api: GrpcTestApi, policyId: string): Promise<HistoryEntry[]> {
  const response = await api.http().get(`/v1/policies/${policyId}/events`).set('Authorization', bearer('auditor'));
  expect(response.status).toBe(200);
  return response.body.events as HistoryEntry[];
}

const issueOverRest = (api: GrpcTestApi, policyId: string, headers: Record<string, string> = {}) =>
  api.http().post('/v1/policies').set('Authorization', bearer('clerk')).set(headers).send(issuePolicyBody(policyId));

describe('command tracing', () => {
  let api: GrpcTestApi;

  beforeAll(async () => {
    api = await startGrpcTestApi();
  });
  afterAll(async () => {
    await api?.close();
    if (api) removeDataDir(api.dataDir);
  });

  describe('with an OpenTelemetry SDK (in-memory exporter)', () => {
    let tracing: InMemoryTracing;

    beforeAll(() => {
      tracing = startInMemoryTracing();
    });
    afterAll(async () => {
      await tracing?.shutdown();
    });

    /** The span of the last request to this route. */
    const lastSpan = (name: string) => {
      const span = tracing
        .finishedSpans()
        .filter((candidate) => candidate.name === name)
        .at(-1);
      if (span === undefined) {
        const seen = tracing.finishedSpans().map((candidate) => candidate.name);
        throw new Error(`no finished span named ${name}; spans: ${JSON.stringify(seen)}`);
      }
      return span;
    };

    it("REST: the server span is the caller's child; every event of the command records the span's traceparent", async () => {
      const response = await issueOverRest(api, 'TR-0001', { traceparent: CALLER, 'X-Correlation-Id': 'corr-tr-1' });
      expect(response.status).toBe(201);

      const span = lastSpan('POST /v1/policies');
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(span.parentSpanContext).toMatchObject({ traceId: CALLER_TRACE, spanId: CALLER_SPAN });
      expect(span.spanContext().traceId).toBe(CALLER_TRACE);
      expect(span.attributes).toEqual({
        'http.request.method': 'POST',
        'http.route': '/v1/policies',
        'policy.operation': 'IssuePolicy',
        'policy.correlation_id': 'corr-tr-1',
        'policy.actor_id': 'clerk-key',
      });
      const events = await historyOf(api, 'TR-0001');
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        expect(event.metadata.traceparent).toBe(`00-${CALLER_TRACE}-${span.spanContext().spanId}-01`);
      }
    });

    it('gRPC: the same from the traceparent metadata entry', async () => {
      const issued = await unary(api.commands, 'IssuePolicy', protoFields(issuePolicyBody('TR-0002')), {
        metadata: { traceparent: CALLER },
      });
      expect(issued.ok).toBe(true);

      const span = lastSpan('policy.v1.PolicyCommandService/IssuePolicy');
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(span.parentSpanContext).toMatchObject({ traceId: CALLER_TRACE, spanId: CALLER_SPAN });
      expect(span.attributes).toMatchObject({
        'rpc.system': 'grpc',
        'rpc.service': 'policy.v1.PolicyCommandService',
        'rpc.method': 'IssuePolicy',
      });
      const [issuedEvent] = await historyOf(api, 'TR-0002');
      expect(issuedEvent.metadata).toMatchObject({
        channel: 'GRPC',
        traceparent: `00-${CALLER_TRACE}-${span.spanContext().spanId}-01`,
      });
    });

    it('a command without a traceparent starts a trace of its own, which its events record', async () => {
      expect((await issueOverRest(api, 'TR-0003')).status).toBe(201);
      const span = lastSpan('POST /v1/policies');
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).not.toBe(CALLER_TRACE);
      const [issuedEvent] = await historyOf(api, 'TR-0003');
      expect(issuedEvent.metadata.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    });

    it("a rejected command is the caller's outcome: error.type is its problem code, the span status no error", async () => {
      const again = await issueOverRest(api, 'TR-0001', { traceparent: CALLER });
      expect(again.status).toBe(409);
      const span = lastSpan('POST /v1/policies');
      expect(span.attributes['error.type']).toBe(again.body.code);
      expect(span.status.code).toBe(0); // SpanStatusCode.UNSET
    });
  });

  describe('without an SDK (tracing off, the default)', () => {
    it("passes the caller's traceparent on to the events unchanged, so a tracing projector still joins the trace", async () => {
      expect((await issueOverRest(api, 'TR-0004', { traceparent: CALLER })).status).toBe(201);
      const [issuedEvent] = await historyOf(api, 'TR-0004');
      expect(issuedEvent.metadata.traceparent).toBe(CALLER);
    });

    it('records no traceparent for a request without one', async () => {
      expect((await issueOverRest(api, 'TR-0005')).status).toBe(201);
      const [issuedEvent] = await historyOf(api, 'TR-0005');
      expect(issuedEvent.metadata).not.toHaveProperty('traceparent');
    });
  });
});
