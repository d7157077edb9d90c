/**
 * The SERVER span of a command request (REST or gRPC), child of the caller's W3C trace context; its traceparent goes
 * into the command's RequestContext and from there into the metadata of every event the command writes, which the
 * relay publishes with the event and the projector continues (libs/tracing).
 */
import { inServerSpan, type SpanAttributes, type TraceCarrier } from '@lib/tracing';
import { toApiProblem } from '../problem/error-classification';
import type { RequestContext } from './request-context';

/** A command route's span: its name and fixed attributes (OpenTelemetry HTTP and RPC conventions), built once. */
interface CommandSpan {
  readonly name: string;
  readonly attributes: SpanAttributes;
}

/** `POST /v1/policies/:id/premium-payments`. */
export function restCommandSpan(route: string, operation: string): CommandSpan {
  return {
    name: `POST ${route}`,
    attributes: { 'http.request.method': 'POST', 'http.route': route, 'policy.operation': operation },
  };
}

/** `policy.v1.PolicyCommandService/RecordPremiumPayment`. */
export function grpcCommandSpan(service: string, method: string): CommandSpan {
  return {
    name: `${service}/${method}`,
    attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'policy.operation': method },
  };
}

/** Runs the command in its span; `execute` gets the context with the span's traceparent. */
export function inCommandSpan<T>(
  span: CommandSpan,
  caller: TraceCarrier,
  context: RequestContext,
  execute: (context: RequestContext) => Promise<T>,
): Promise<T> {
  return inServerSpan(
    span.name,
    caller,
    {
      attributes: () => ({
        ...span.attributes,
        'policy.correlation_id': context.correlationId,
        'policy.actor_id': context.actor.id,
      }),
      describeError,
    },
    (traceparent) => execute(traceparent === undefined ? context : { ...context, traceparent }),
  );
}

/** A rejected command is the caller's outcome, not this service's fault: only INTERNAL and UNAVAILABLE are errors. */
function describeError(error: unknown): { type: string; fault: boolean } {
  const problem = toApiProblem(error);
  return { type: problem.code, fault: problem.kind === 'INTERNAL' || problem.kind === 'UNAVAILABLE' };
}
