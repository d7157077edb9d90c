/**
 * Pure mapping between the EventStore port and @eventstore/db-client: positions, revisions, events, metadata and
 * errors. No I/O here, so all of it is unit-tested against the client's real classes.
 */
import {
  ANY,
  CancelledError,
  DeadlineExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  convertToCommandError,
  isSystemStream,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type Position as EsdbPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import {
  ConcurrencyError,
  StreamNotFoundError,
  UnreadableEventError,
  type ExpectedRevision,
  type JsonObject,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '@lib/event-sourcing';

// ---------------------------------------------------------------------------------------------------------------
// Positions: ESDB's { commit, prepare } are unsigned 64-bit integers (at most 20 decimal digits). Zero-padding both
// to 20 digits makes plain string comparison (comparePositions) agree with ESDB's (commit, prepare) order.

const POSITION_DIGITS = 20;
const POSITION_FORMAT = /^(\d{20})-(\d{20})$/;
const UINT64_MAX = 2n ** 64n - 1n;

export function encodePosition(position: EsdbPosition): Position {
  return `${encodeUint64(position.commit)}-${encodeUint64(position.prepare)}`;
}

export function decodePosition(position: Position): EsdbPosition {
  const match = POSITION_FORMAT.exec(position);
  const commit = match ? BigInt(match[1]) : -1n;
  const prepare = match ? BigInt(match[2]) : -1n;
  if (!match || commit > UINT64_MAX || prepare > UINT64_MAX) {
    throw new RangeError(`Not an EventStoreDB position: ${JSON.stringify(position)}`);
  }
  return { commit, prepare };
}

export function compareEsdbPositions(a: EsdbPosition, b: EsdbPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Whether a position is one the server knows (it sends -1, the uint64 maximum, or none at all when it does not). */
export function hasKnownPosition(position: EsdbPosition | undefined): position is EsdbPosition {
  return position !== undefined && position.commit !== UINT64_MAX && position.prepare !== UINT64_MAX;
}

function encodeUint64(value: bigint): string {
  if (value < 0n || value > UINT64_MAX) throw new RangeError(`Position part out of range: ${value}`);
  return value.toString(10).padStart(POSITION_DIGITS, '0');
}

// ---------------------------------------------------------------------------------------------------------------
// Revisions: bigint on the wire, number in the port.

export function toRevisionNumber(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`Stream revision ${revision} cannot be represented exactly as a number`);
  }
  return Number(revision);
}

export function toEsdbRevision(revision: number): bigint {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new RangeError(`A stream revision is a non-negative integer, got ${revision}`);
  }
  return BigInt(revision);
}

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return toEsdbRevision(expected);
}

// ---------------------------------------------------------------------------------------------------------------
// Events. The wire type is the port's type unchanged (`PolicyIssued`); the schema version stays in our metadata
// (`schemaVersion`), exactly as in SQLite, so upcasters see the same { type, data, schemaVersion } from both stores.
// Metadata gets `$correlationId`/`$causationId` copies so EventStoreDB's own tooling ($by_correlation_id, the UI)
// links the events; they are stripped again on read, so the round trip is exact.

const LINK_FIELDS = [
  ['correlationId', '$correlationId'],
  ['causationId', '$causationId'],
] as const;

const UUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toEventData(event: NewEvent): EventData {
  // EventStoreDB event ids are UUIDs; keeping ours is what makes a re-append idempotent on the server.
  if (!UUID_FORMAT.test(event.eventId)) throw new TypeError(`EventStoreDB event ids are UUIDs, got ${event.eventId}`);
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: withEsdbLinks(event.metadata) });
}

function withEsdbLinks(metadata: JsonObject): JsonObject {
  const linked: JsonObject = { ...metadata };
  for (const [field, esdbField] of LINK_FIELDS) {
    const value = metadata[field];
    if (typeof value === 'string' && !(esdbField in metadata)) linked[esdbField] = value;
  }
  return linked;
}

function withoutEsdbLinks(metadata: JsonObject): JsonObject {
  const plain: JsonObject = { ...metadata };
  for (const [field, esdbField] of LINK_FIELDS) {
    if (esdbField in plain && plain[esdbField] === plain[field]) delete plain[esdbField];
  }
  return plain;
}

/** Maps an event read from a stream or $all; `foreignShapeOf(event)` must be undefined (the project's own shape). */
export function fromEsdbEvent(event: EsdbRecordedEvent): RecordedEvent {
  const where = `${event.streamId}@${event.revision}`;
  const foreign = foreignShapeOf(event);
  // In a stream read (one of our own streams, by name) an event of another shape is one this version cannot read:
  // the API answers 503 EVENT_VERSION_UNSUPPORTED for that stream only. $all reads pass such events over first.
  if (foreign !== undefined) {
    const metadata = event.metadata as { schemaVersion?: unknown } | undefined;
    const version = typeof metadata?.schemaVersion === 'number' ? metadata.schemaVersion : 1;
    throw new UnreadableEventError(event.streamId, toRevisionNumber(event.revision), event.type, version);
  }
  // Stream reads carry a position on servers >= 22.6 (older ones are not supported); a server that does not know it
  // (an event of a legacy explicit transaction) sends -1, which arrives as the uint64 maximum.
  if (!hasKnownPosition(event.position)) {
    throw new TypeError(`Event ${where} was read without its $all position`);
  }
  return {
    eventId: event.id,
    type: event.type,
    data: event.data as JsonObject,
    metadata: event.metadata === undefined ? {} : withoutEsdbLinks(event.metadata as JsonObject),
    streamId: event.streamId,
    revision: toRevisionNumber(event.revision),
    position: encodePosition(event.position),
  };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Why an event is not of this application's shape, or undefined when it is: JSON (`application/json`) whose data is
 * a JSON object and whose metadata is absent or a JSON object — what `toEventData` writes, and what the port's
 * RecordedEvent can carry. Any other application writing to a shared server can put other things in a user stream:
 * an array or a string body (also malformed JSON text, which the client passes on as a string), binary data.
 */
export function foreignShapeOf(event: EsdbRecordedEvent): string | undefined {
  if (!event.isJson) return 'not JSON (content type application/octet-stream)';
  if (!isJsonObject(event.data)) return 'JSON data that is not an object';
  if (event.metadata !== undefined && !isJsonObject(event.metadata)) return 'metadata that is not a JSON object';
  return undefined;
}

/** Where an event read from $all belongs, for the adapter's filter. */
type EventOrigin =
  /** One of ours: decoded and delivered. */
  | 'ours'
  /** A system stream or type (`$…`), or a stream outside the configured prefixes: passed over silently. */
  | 'elsewhere'
  /** In one of our (user) streams, but not of our shape (`foreignShapeOf`): passed over and counted. */
  | 'foreign';

export function originOf(event: EsdbRecordedEvent, streamPrefixes?: readonly string[]): EventOrigin {
  if (isSystemStream(event.streamId) || event.type.startsWith('$')) return 'elsewhere';
  if (streamPrefixes && !streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) return 'elsewhere';
  return foreignShapeOf(event) === undefined ? 'ours' : 'foreign';
}

/** Whether an event from $all is one of ours (see `originOf`). */
export function isOwnEvent(event: EsdbRecordedEvent, streamPrefixes?: readonly string[]): boolean {
  return originOf(event, streamPrefixes) === 'ours';
}

// ---------------------------------------------------------------------------------------------------------------
// Errors.

export function mapAppendError(streamId: string, expected: ExpectedRevision, error: unknown): unknown {
  const converted = toCommandError(error);
  if (converted instanceof WrongExpectedVersionError) {
    const actual = converted.actualVersion;
    return new ConcurrencyError(streamId, expected, actual === NO_STREAM ? 'no_stream' : toRevisionNumber(actual));
  }
  return converted;
}

/** A missing stream, and a deleted one (no events left to read), are the port's StreamNotFoundError. */
export function mapReadStreamError(streamId: string, error: unknown): unknown {
  const converted = toCommandError(error);
  if (converted instanceof EsdbStreamNotFoundError || converted instanceof StreamDeletedError) {
    return new StreamNotFoundError(streamId);
  }
  return converted;
}

/**
 * Errors after which an operation or a subscription is worth trying again: the connection dropped or was refused,
 * the node went away or stepped down, the server cancelled the call or timed it out, or the HTTP/2 stream was reset
 * under the call (gRPC INTERNAL, e.g. "RST_STREAM" from a proxy or a restarting server; RESOURCE_EXHAUSTED, an
 * overloaded server). Everything else is permanent and retrying it repeats it: access denied, a request the server
 * refuses (INVALID_ARGUMENT, e.g. a subscription from a position that is not an event boundary), an exception in the
 * server's handler (UNKNOWN, e.g. "Unexpected ReadAllResult: InvalidPosition" on reads). The client folds all of those
 * into its catch-all UnknownError, so the gRPC status code decides.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof Error && 'transient' in error && typeof error.transient === 'boolean') return error.transient;
  const converted = toCommandError(error);
  if (converted instanceof UnknownError) return TRANSIENT_UNKNOWN_CODES.has(converted.code as number);
  return (
    converted instanceof UnavailableError ||
    converted instanceof CancelledError ||
    converted instanceof DeadlineExceededError ||
    converted instanceof TimeoutError ||
    converted instanceof NotLeaderError
  );
}

const TRANSIENT_UNKNOWN_CODES: ReadonlySet<number> = new Set([status.INTERNAL, status.RESOURCE_EXHAUSTED]);

/** "INVALID_ARGUMENT: Trying to read from an invalid position." — the status and what the server said, for messages. */
export function describeEsdbError(error: unknown): string {
  const converted = toCommandError(error);
  if (!(converted instanceof Error)) return String(converted);
  const code = (converted as { code?: unknown }).code;
  const name = typeof code === 'number' ? status[code] : undefined;
  const details = (converted as { details?: unknown }).details;
  const text = typeof details === 'string' && details !== '' ? details : converted.message;
  return name === undefined ? text : `${name}: ${text.replace(/^\d+ [A-Z_]+: /, '')}`;
}

/** Some client paths reject with the raw gRPC ServiceError; classify it like the client does. */
function toCommandError(error: unknown): unknown {
  return error instanceof Error ? convertToCommandError(error) : error;
}
