import type { JsonObject, RecordedEvent } from './event-store';
import { readEventMetadata } from './metadata';

/**
 * Event schema versions and upcasters. A released event shape never changes: a new shape is a new version, and
 * an upcaster turns data of version n into version n + 1. Reading applies the chain up to the current version, so
 * the domain only ever sees current shapes.
 */
type Upcaster = (data: JsonObject) => JsonObject;

interface EventSchema {
  readonly currentVersion: number;
  /** `upcasters[n]` turns version n into version n + 1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

export type EventSchemas<Type extends string = string> = Readonly<Record<Type, EventSchema>>;

/** The stored form of a domain event: its type name, its data and the schema version of that data. */
export interface StoredEventShape {
  readonly type: string;
  readonly data: JsonObject;
  readonly schemaVersion: number;
}

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
  constructor(readonly type: string) {
    super(`Unknown event type ${type}`);
  }
}

export class UnsupportedSchemaVersionError extends Error {
  override readonly name = 'UnsupportedSchemaVersionError';
  constructor(
    readonly type: string,
    readonly version: number,
  ) {
    super(`No upcaster path for ${type} v${version}`);
  }
}

export function upcast(schemas: EventSchemas, stored: StoredEventShape): JsonObject {
  const schema = schemas[stored.type];
  if (!schema) throw new UnknownEventTypeError(stored.type);
  let data = stored.data;
  for (let version = stored.schemaVersion; version < schema.currentVersion; version++) {
    const step = schema.upcasters?.[version];
    if (!step) throw new UnsupportedSchemaVersionError(stored.type, stored.schemaVersion);
    data = step(data);
  }
  if (stored.schemaVersion > schema.currentVersion)
    throw new UnsupportedSchemaVersionError(stored.type, stored.schemaVersion);
  return data;
}

export interface EventCodec<Event> {
  encode(event: Event): StoredEventShape;
  decode(stored: StoredEventShape): Event;
}

/** Codec for events shaped `{ type, data }` whose data is plain JSON (primitives, ISO strings, integer money). */
export function createEventCodec<Event extends { readonly type: string; readonly data: object }>(
  schemas: EventSchemas<Event['type']>,
): EventCodec<Event> {
  return {
    encode: (event) => {
      const schema = (schemas as EventSchemas)[event.type];
      if (!schema) throw new UnknownEventTypeError(event.type);
      return { type: event.type, data: event.data as JsonObject, schemaVersion: schema.currentVersion };
    },
    decode: (stored) => ({ type: stored.type, data: upcast(schemas, stored) }) as unknown as Event,
  };
}

/**
 * A recorded event this version of the code cannot read: its type is unknown here, or its schema version is newer
 * than the code knows (a newer release wrote it, e.g. during a rolling upgrade). Its stream cannot be folded until
 * the code that knows it runs; every other stream is unaffected. The API answers 503 EVENT_VERSION_UNSUPPORTED.
 */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(`Stream ${streamId} revision ${revision}: this version cannot read event ${type} schema v${schemaVersion}`);
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * Decodes a recorded event with its schema version from the metadata (upcast to the current shape). An event this
 * code cannot read fails with UnreadableEventError naming its stream and revision; other codec errors pass through.
 */
export function decodeRecordedEvent<Event>(codec: EventCodec<Event>, recorded: RecordedEvent): Event {
  const { schemaVersion } = readEventMetadata(recorded.metadata);
  return decodeStoredEvent(codec, recorded.streamId, recorded.revision, {
    type: recorded.type,
    data: recorded.data,
    schemaVersion,
  });
}

/** decodeRecordedEvent for the stored shape of the event at `revision` of `streamId`, its metadata already read. */
export function decodeStoredEvent<Event>(
  codec: EventCodec<Event>,
  streamId: string,
  revision: number,
  stored: StoredEventShape,
): Event {
  try {
    return codec.decode(stored);
  } catch (error) {
    if (error instanceof UnknownEventTypeError || error instanceof UnsupportedSchemaVersionError)
      throw new UnreadableEventError(streamId, revision, stored.type, stored.schemaVersion);
    throw error;
  }
}
