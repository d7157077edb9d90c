/**
 * The input of a projection: a stored event decoded into its current domain shape (upcast with the domain's codec)
 * plus where it sits in the log. Streams of other categories are not projected.
 */
import { readEventMetadata, type Position, type RecordedEvent } from '@lib/event-sourcing';
import {
  agentEventCodec,
  agentIdFromStreamId,
  policyEventCodec,
  policyIdFromStreamId,
  productCodeFromStreamId,
  productEventCodec,
  type AgentEvent,
  type PolicyEvent,
  type ProductEvent,
} from '@lib/policy-domain';

interface EventPlace {
  readonly streamId: string;
  readonly revision: number;
  readonly position: Position;
  readonly eventId: string;
  /** When the event store recorded the event (metadata `recordedAt`), or null when the writer did not say. */
  readonly recordedAt: string | null;
}

export interface PolicyProjectionEvent extends EventPlace {
  readonly category: 'policy';
  readonly policyId: string;
  readonly event: PolicyEvent;
}

export interface AgentProjectionEvent extends EventPlace {
  readonly category: 'agent';
  readonly agentId: string;
  readonly event: AgentEvent;
}

export interface ProductProjectionEvent extends EventPlace {
  readonly category: 'product';
  readonly productCode: string;
  readonly event: ProductEvent;
}

export type ProjectionEvent = PolicyProjectionEvent | AgentProjectionEvent | ProductProjectionEvent;

/** A stored event that the read models cannot interpret; the batch is not applied (send it to the DLQ). */
export class ProjectionError extends Error {
  override readonly name = 'ProjectionError';
  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly eventType: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot project ${eventType} at ${streamId}@${revision}: ${reason}`, options);
  }
}

/**
 * Whether the read models project a stream: policy, agent and product streams. Every other stream (idempotency-key index,
 * process checkpoints and plans) is ignored by the projector and never published by the Kafka relay, so whoever asks
 * "have the read models caught up?" must not wait for those.
 */
export function isProjectedStream(streamId: string): boolean {
  return (
    policyIdFromStreamId(streamId) !== null ||
    agentIdFromStreamId(streamId) !== null ||
    productCodeFromStreamId(streamId) !== null
  );
}

/** When the event store recorded the event (metadata `recordedAt`), or null when the writer did not say. */
export function recordedAtOf(event: Pick<RecordedEvent, 'metadata'>): string | null {
  const recordedAt = event.metadata.recordedAt;
  return typeof recordedAt === 'string' ? recordedAt : null;
}

/** Decodes a recorded event of a policy, agent or product stream; null for any other stream (nothing to project). */
export function decodeForProjection(recorded: RecordedEvent): ProjectionEvent | null {
  const metadata = readEventMetadata(recorded.metadata);
  const stored = { type: recorded.type, data: recorded.data, schemaVersion: metadata.schemaVersion };
  const place: EventPlace = {
    streamId: recorded.streamId,
    revision: recorded.revision,
    position: recorded.position,
    eventId: recorded.eventId,
    recordedAt: recordedAtOf(recorded),
  };
  try {
    const policyId = policyIdFromStreamId(recorded.streamId);
    if (policyId !== null) {
      return { ...place, category: 'policy', policyId, event: policyEventCodec.decode(stored) };
    }
    const agentId = agentIdFromStreamId(recorded.streamId);
    if (agentId !== null) return { ...place, category: 'agent', agentId, event: agentEventCodec.decode(stored) };
    const productCode = productCodeFromStreamId(recorded.streamId);
    if (productCode !== null) {
      return { ...place, category: 'product', productCode, event: productEventCodec.decode(stored) };
    }
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProjectionError(recorded.streamId, recorded.revision, recorded.type, reason, { cause: error });
  }
}
