/**
 * The EventStore port: what the command loop, the projections and the relay need from an event store.
 * Adapters: libs/eventstore-sqlite (embedded) and libs/eventstore-esdb (EventStoreDB). Both pass the same
 * contract suite (libs/event-sourcing/src/testing).
 */

type JsonPrimitive = string | number | boolean | null;
type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A position in the store-wide log ($all). Opaque to callers, but ordered: positions of later events compare
 * greater with `comparePositions` (plain string comparison; adapters encode them so that this holds).
 */
export type Position = string;

export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An event to append. `eventId` is a UUID chosen by the writer; re-appending it is idempotent (see append). */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 0-based revision within the stream. */
  readonly revision: number;
  readonly position: Position;
}

/**
 * A recorded event whose `data` is still the JSON text the store holds (EventStore.subscribeToAllRaw): the relay
 * publishes it without parsing and re-serialising `data`. `dataJson` is the text of a JSON object.
 */
export interface RawRecordedEvent extends Omit<RecordedEvent, 'data'> {
  readonly dataJson: string;
}

/**
 * `'no_stream'`: the stream must not exist. `'any'`: no check. A number: the revision of the stream's last event
 * (the first event of a stream is revision 0).
 */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream (pass it as the next expected revision). */
  readonly nextExpectedRevision: number;
  /** Position of the last event appended (or found, for an idempotent re-append). */
  readonly position: Position;
}

type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Default `'forwards'`. */
  readonly direction?: ReadDirection;
  /** First revision to return (inclusive). Default: the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  /** Default: no limit. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this position; default: from the very beginning. */
  readonly after?: Position;
  /** Default: no limit. */
  readonly maxCount?: number;
}

export interface SubscribeToAllOptions {
  /** Deliver events strictly after this checkpoint; default: from the very beginning. */
  readonly after?: Position;
}

/**
 * A catch-up subscription on $all: first the history after the checkpoint, then live events, each exactly once and
 * in position order. Iterate it with `for await`; `close()` ends the iteration. An iteration that ends by itself
 * throws why; a SubscriptionError says whether subscribing again from the checkpoint can help (see there).
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/** An AllSubscription of raw events (EventStore.subscribeToAllRaw): the same events, `data` as stored JSON text. */
export interface RawAllSubscription extends AsyncIterable<RawRecordedEvent> {
  close(): Promise<void>;
}

/**
 * How a subscription on $all ended by itself (its iteration throws it; adapters may throw a subclass).
 * `transient`: the store was out of reach, so a new subscription from the same checkpoint may succeed later — the
 * reader resubscribes after a pause. Otherwise the store refused the subscription (e.g. a checkpoint that is not an
 * event boundary) and will refuse it again: the reader stops and says why instead of retrying for ever.
 */
export class SubscriptionError extends Error {
  override readonly name: string = 'SubscriptionError';
  constructor(
    readonly transient: boolean,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An error that subscribing again from the same checkpoint would meet again (a SubscriptionError, not transient). */
export function isPermanentSubscriptionError(error: unknown): error is SubscriptionError {
  return error instanceof SubscriptionError && !error.transient;
}

export interface EventStore {
  /**
   * Appends atomically: all events or none.
   * Idempotent: appending events whose ids were already appended by an identical earlier call (same stream, same
   * expected revision) succeeds again without writing, and returns the same result.
   * @throws ConcurrencyError when the stream's revision is not the expected one.
   */
  append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;

  /** @throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** The store-wide log of user events (no system events), forwards in position order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * @throws at once (before any iteration) when `after` is not a position of this store, e.g. another store's
   * checkpoint: subscribing again cannot help either.
   */
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;

  /**
   * Optional capability: subscribeToAll (the same events, order, positions and errors) with each event's `data` left
   * as the JSON text the store holds, for a reader that only forwards `data` (the event relay splices it into the
   * CloudEvent, without JSON.parse and JSON.stringify per event). A store that holds no such text leaves it out
   * (EventStoreDB: its client hands out parsed data); callers then use subscribeToAll.
   */
  subscribeToAllRaw?(options?: SubscribeToAllOptions): RawAllSubscription;

  close(): Promise<void>;
}

/**
 * `subscribeToAll` from a reader's checkpoint (null: the start of $all). A checkpoint the store cannot read at all
 * (another store's position, after a change of store) is a permanent SubscriptionError, as one it refuses later is.
 */
export function subscribeFromCheckpoint(
  store: Pick<EventStore, 'subscribeToAll'>,
  checkpoint: Position | null,
): AllSubscription {
  try {
    return store.subscribeToAll(checkpoint === null ? {} : { after: checkpoint });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SubscriptionError(false, `The event store cannot subscribe after checkpoint ${checkpoint}: ${reason}`, {
      cause: error,
    });
  }
}

export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or `'no_stream'`. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFoundError extends Error {
  override readonly name = 'StreamNotFoundError';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} not found`);
  }
}

/** Why a store cannot take an operation right now (see EventStoreUnavailableError). */
export type StoreUnavailableReason =
  /** The disk (or the file's size limit) is full. */
  | 'disk-full'
  /** The operating system reported an I/O error. */
  | 'io-error'
  /** The file, its folder or the file system is read-only. */
  | 'read-only'
  /** Another writer held the write lock for longer than the store waits. */
  | 'busy'
  /** The store's writer is not running (it stopped, or could not open the file). */
  | 'writer-stopped'
  /** The server cannot be reached (EventStoreDB). */
  | 'unreachable';

/**
 * The store refused or could not take an operation through no fault of the request: a full disk, an I/O error, a
 * writer that stopped, a server out of reach. Nothing was written; the same request may succeed later. The API
 * answers it 503 with Retry-After (gRPC UNAVAILABLE), never 500. It is an expected condition, not a bug, so it
 * carries no stack: one log line says everything.
 */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(
    readonly reason: StoreUnavailableReason,
    message: string,
  ) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}
