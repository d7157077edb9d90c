import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type { Actor } from '@lib/event-sourcing';
import type { TraceCarrier } from '@lib/tracing';
import { ApiProblem } from '../problem/api-problem';
import { CORRELATION_ID_PATTERN, parseIdempotencyKey, type RequestContext } from '../common/request-context';
import { CORRELATION_ID_METADATA } from './grpc-errors';

/** What the handlers use of a grpc-js call (unary or server-streaming): its metadata and the response headers. */
export interface GrpcCall {
  readonly metadata: Metadata;
  sendMetadata(responseMetadata: Metadata): void;
}

const IDEMPOTENCY_KEY_METADATA = 'idempotency-key';
const ETAG_METADATA = 'etag';

/** Per-call facts established by the guard (correlation id, actor) and read by handlers and the exception filter. */
interface CallState {
  correlationId?: string;
  actor?: Actor;
}
const callStates = new WeakMap<object, CallState>();

function stateOf(call: object): CallState {
  let state = callStates.get(call);
  if (state === undefined) {
    state = {};
    callStates.set(call, state);
  }
  return state;
}

/** The first value of a metadata entry as a string (binary `-bin` entries are not read here). */
export function metadataValue(metadata: Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Takes the caller's `x-correlation-id` (or generates one) for this call.
 * @throws ApiProblem VALIDATION when the given id is not 1–128 visible ASCII characters.
 */
export function establishCorrelationId(call: GrpcCall): string {
  const state = stateOf(call);
  const given = metadataValue(call.metadata, CORRELATION_ID_METADATA);
  const valid = given !== undefined && CORRELATION_ID_PATTERN.test(given);
  state.correlationId = valid ? given : randomUUID();
  if (given !== undefined && !valid) {
    throw ApiProblem.validation(`${CORRELATION_ID_METADATA} must be 1–128 visible ASCII characters`, [
      { path: CORRELATION_ID_METADATA, message: '1–128 visible ASCII characters' },
    ]);
  }
  return state.correlationId;
}

/** The call's correlation id; generated if the call failed before the guard established it. */
export function correlationIdOf(call: object): string {
  const state = stateOf(call);
  state.correlationId ??= randomUUID();
  return state.correlationId;
}

export function setCallActor(call: object, actor: Actor): void {
  stateOf(call).actor = actor;
}

/**
 * The transport-agnostic RequestContext of a gRPC call (after the guard authenticated it): channel GRPC, the
 * `idempotency-key` metadata entry and the request's `expected_revision`.
 * @throws ApiProblem VALIDATION for a malformed idempotency key.
 */
export function grpcRequestContext(call: GrpcCall, expectedRevision?: number): RequestContext {
  const { actor } = stateOf(call);
  if (actor === undefined) throw new ApiProblem('UNAUTHENTICATED', 'UNAUTHENTICATED', 'A valid API key is required');
  const idempotencyKey = parseIdempotencyKey(
    metadataValue(call.metadata, IDEMPOTENCY_KEY_METADATA),
    IDEMPOTENCY_KEY_METADATA,
  );
  return {
    actor,
    channel: 'GRPC',
    correlationId: correlationIdOf(call),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
  };
}

/** The caller's W3C trace context: the `traceparent` and `tracestate` metadata entries (as HTTP headers). */
export function traceContextOf(call: GrpcCall): TraceCarrier {
  return {
    traceparent: metadataValue(call.metadata, 'traceparent'),
    tracestate: metadataValue(call.metadata, 'tracestate'),
  };
}

/** Response headers of a successful call: the correlation id, the revision as `etag`, and the replay flag. */
export function sendResponseMetadata(call: GrpcCall, revision: number, replayed = false): void {
  const metadata = new Metadata();
  metadata.set(CORRELATION_ID_METADATA, correlationIdOf(call));
  metadata.set(ETAG_METADATA, String(revision));
  if (replayed) metadata.set('idempotent-replayed', 'true');
  call.sendMetadata(metadata);
}
