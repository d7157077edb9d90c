import type { JsonObject } from './event-store';

export type Channel = 'REST' | 'GRPC' | 'SCHEDULER' | 'PROCESS' | 'CLI';

export interface Actor {
  readonly id: string;
  readonly roles: readonly string[];
}

/** Metadata stored with every event (DESIGN 2.6). `eventId` is the event's own id, repeated for auditors. */
export interface EventMetadata {
  readonly eventId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly idempotencyKey?: string;
  /**
   * W3C trace context (`00-<trace id>-<span id>-<flags>`) of the request that caused the event: the relay publishes
   * it with the event, so the projector's work joins the request's trace. Carried as given, never interpreted here.
   */
  readonly traceparent?: string;
  /** ISO-8601 UTC instant at which the event was recorded. */
  readonly recordedAt: string;
  readonly schemaVersion: number;
}

/** What the caller of a command supplies; the loop adds eventId, recordedAt and schemaVersion per event. */
export interface CommandMetadata {
  readonly correlationId: string;
  /** Defaults to the correlation id (a command that starts a conversation). */
  readonly causationId?: string;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly idempotencyKey?: string;
  /** The request's W3C traceparent, recorded with each event (EventMetadata.traceparent). */
  readonly traceparent?: string;
}

export function toJsonMetadata(metadata: EventMetadata): JsonObject {
  const json: JsonObject = {
    eventId: metadata.eventId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    actor: { id: metadata.actor.id, roles: [...metadata.actor.roles] },
    channel: metadata.channel,
    recordedAt: metadata.recordedAt,
    schemaVersion: metadata.schemaVersion,
  };
  if (metadata.idempotencyKey !== undefined) json.idempotencyKey = metadata.idempotencyKey;
  if (metadata.traceparent !== undefined) json.traceparent = metadata.traceparent;
  return json;
}

/** Event metadata as read back from the store: whatever fields it has, and its schema version. */
type StoredMetadata = Partial<EventMetadata> & { readonly schemaVersion: number };

/**
 * Reads our metadata back from a stored event; tolerant of events written by other tools (missing fields; no
 * numeric schema version reads as version 1). The one reader of stored metadata: folds call it for every event, so
 * it does not copy metadata that already carries its version (the result is read-only either way).
 */
export function readEventMetadata(metadata: JsonObject): StoredMetadata {
  if (typeof metadata.schemaVersion === 'number') return metadata as unknown as StoredMetadata;
  return { ...(metadata as Partial<EventMetadata>), schemaVersion: 1 };
}
