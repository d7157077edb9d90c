import {
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  UnavailableError,
  excludeSystemEvents,
  streamNameFilter,
  type Filter,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  ConcurrencyError,
  StreamNotFoundError,
  type AllSubscription,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '@lib/event-sourcing';
import { appendInOrder, disposeInOrder } from './esdb-dispose-order';
import {
  compareEsdbPositions,
  decodePosition,
  encodePosition,
  foreignShapeOf,
  fromEsdbEvent,
  hasKnownPosition,
  mapAppendError,
  mapReadStreamError,
  originOf,
  toEsdbExpectedRevision,
  toEsdbRevision,
  toEventData,
  toRevisionNumber,
} from './esdb-mapping';
import { ignoreLateError, ResubscribingAllSubscription, type ResubscribeOptions } from './esdb-subscription';

export interface EsdbEventStoreOptions {
  /**
   * Stream-name prefixes of our streams (e.g. `['policy-', 'agent-']`): $all reads and subscriptions return only
   * these streams, and subscriptions filter on the server. Default: every non-system stream.
   */
  readonly streamPrefixes?: readonly string[];
  /** gRPC deadline of an append. Default: the connection's `defaultDeadline` (10 s unless set in the string). */
  readonly appendDeadlineMs?: number;
  /** How long `ping()` waits for the server. Default 2 s. */
  readonly readinessTimeoutMs?: number;
  /** How $all subscriptions resubscribe after a dropped connection. */
  readonly resubscribe?: ResubscribeOptions;
  /**
   * Told once about each foreign event $all reads and subscriptions pass over (see `foreignEventsPassedOver`), e.g.
   * to log it and count it in a metric. Default: a process warning for each of the first 20 per store.
   */
  readonly onForeignEvent?: (event: ForeignEvent) => void;
}

/**
 * An event in one of our (user) streams that is not of this application's shape — e.g. another application wrote a
 * JSON array or string, or binary data, to a stream on a shared server. It cannot be decoded as one of ours, so $all
 * reads and subscriptions pass over it (and still move past its position); it does not stop the read side.
 */
export interface ForeignEvent {
  readonly streamId: string;
  readonly revision: number | bigint;
  readonly type: string;
  readonly eventId: string;
  readonly position: Position | undefined;
  /** Why it is not ours, e.g. "JSON data that is not an object". */
  readonly reason: string;
}

/** $all is read in pages of at most this many records, each read to its end (see readAll). */
const READ_ALL_PAGE_MAX = 1_000;
/** ...and at least this many, so a small maxCount does not cost a round trip per system event in between. */
const READ_ALL_PAGE_MIN = 32;
/** How many foreign event ids a store remembers, so that re-reading $all does not count them again. */
const FOREIGN_IDS_REMEMBERED = 10_000;
const FOREIGN_WARNINGS_PER_STORE = 20;
/** How long close() lets reads under way finish before it cancels them. */
const CLOSE_GRACE_MS = 5_000;

/**
 * The EventStore port on EventStoreDB.
 *
 * Server semantics worth knowing:
 * - Appends keep our event ids, so re-appending the same events with the same expected revision is acknowledged
 *   without writing. With `'any'` the server's duplicate check is best effort only (a recent-id cache).
 * - Reads have no gRPC deadline in this client (it sets none for streaming reads); a dead connection is detected by
 *   the keep-alive settings of the connection string instead.
 * - Every read is bounded on the server (maxCount) or wanted whole, and always read to its end: the client's
 *   `dispose()` waits for each call to finish, and a call left early after the server had already completed it
 *   never finishes (its remaining messages stay buffered), so `close()` would never resolve.
 * - One client per process is the safe deployment (see esdb-dispose-order.ts); several are closed in order.
 */
export class EsdbEventStore implements EventStore {
  readonly #subscriptions = new Set<AllSubscription>();
  /** Reads, appends and pings under way: close() lets them finish before it disposes the client. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Read calls being read (see #readToEnd). */
  readonly #reads = new Set<StreamingRead<unknown>>();
  readonly #foreignIds = new Set<string>();
  #foreignEvents = 0;
  #closed = false;
  #disposed = false;

  /**
   * `esdb://host:2113?tls=false`, `esdb://a:2113,b:2113,c:2113?tls=true&tlsCAFile=…`, `esdb+discover://cluster:2113`;
   * keep-alive and deadlines come from its `keepAliveInterval`, `keepAliveTimeout` and `defaultDeadline` options.
   * Connects lazily: a malformed string throws here, an unreachable server shows in `isReady()`.
   */
  static connect(connectionString: string, options: EsdbEventStoreOptions = {}): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EsdbEventStoreOptions = {},
  ) {}

  /** How many distinct foreign events (see ForeignEvent) this store's $all reads and subscriptions passed over. */
  get foreignEventsPassedOver(): number {
    return this.#foreignEvents;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    this.#assertOpen();
    if (typeof streamId !== 'string' || streamId.length === 0)
      throw new TypeError('streamId must be a non-empty string');
    if (events.length === 0) throw new TypeError(`Append to ${streamId} needs at least one event`);
    return this.#track(this.#append(streamId, events, expectedRevision));
  }

  async #append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const eventData = events.map(toEventData);
    let appended;
    try {
      appended = await appendInOrder(() =>
        this.client.appendToStream(streamId, eventData, {
          expectedRevision: toEsdbExpectedRevision(expectedRevision),
          deadline: this.options.appendDeadlineMs,
        }),
      );
    } catch (error) {
      throw mapAppendError(streamId, expectedRevision, error);
    }
    // Only with `throwOnAppendFailure=false` in the connection string; the client then reports no usable revision.
    if (!appended.success) throw new ConcurrencyError(streamId, expectedRevision, await this.#lastRevision(streamId));

    const nextExpectedRevision = toRevisionNumber(appended.nextExpectedRevision);
    // EventStoreDB 24.10 answers with the $all position of the write's last event (24.x writes each event as its own
    // log record, commit = prepare), also for an idempotent re-append (the last of the events found). A server that
    // sends none (older ones did so for idempotent re-appends) costs a read of that event on the leader.
    if (hasKnownPosition(appended.position))
      return { nextExpectedRevision, position: encodePosition(appended.position) };
    const [last] = await this.#readStream(streamId, { fromRevision: nextExpectedRevision, maxCount: 1 }, true);
    if (!last) {
      // The write is durable; only its position is unknown. Unavailable (retryable), not a failed append.
      throw new UnavailableError(
        undefined,
        `Stream ${streamId}: appended revision ${nextExpectedRevision} could not be read back`,
      );
    }
    return { nextExpectedRevision, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    return this.#track(this.#readStream(streamId, options, false));
  }

  async #readStream(streamId: string, options: ReadStreamOptions, requiresLeader: boolean): Promise<RecordedEvent[]> {
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const fromRevision =
      options.fromRevision === undefined ? (forwards ? START : END) : toEsdbRevision(options.fromRevision);
    let resolved: ResolvedEvent[];
    try {
      resolved = await this.#readToEnd(() =>
        this.client.readStream(streamId, {
          direction: forwards ? FORWARDS : BACKWARDS,
          fromRevision,
          maxCount: options.maxCount,
          resolveLinkTos: false,
          requiresLeader,
        }),
      );
    } catch (error) {
      throw mapReadStreamError(streamId, error);
    }
    // Mapped once the call is over: an event that cannot be mapped must not leave the call half read.
    return resolved.flatMap(({ event }) => (event ? [fromEsdbEvent(event)] : []));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    return this.#track(this.#readAll(options));
  }

  /**
   * This client version sends no server-side filter on $all reads, so our events are picked out here: $all is read
   * page by page (`maxCount` on the server), each page to its end, until `maxCount` of our events are found or a
   * short page shows the end of $all. The client's `fromPosition` is inclusive, the port's `after` is not.
   */
  async #readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    if (limit <= 0) return events;
    const pageSize = Math.min(READ_ALL_PAGE_MAX, Math.max(READ_ALL_PAGE_MIN, limit));
    let last = options.after === undefined ? undefined : decodePosition(options.after);
    let from: ReadPosition = last ?? START;
    for (;;) {
      const fromPosition = from;
      const page = await this.#readToEnd(() =>
        this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: pageSize, resolveLinkTos: false }),
      );
      let advanced = false;
      for (const { event } of page) {
        if (!event?.position || (last && compareEsdbPositions(event.position, last) <= 0)) continue;
        last = event.position;
        advanced = true;
        if (!this.#isOwn(event)) continue;
        events.push(fromEsdbEvent(event));
        if (events.length >= limit) return events;
      }
      if (page.length < pageSize || !advanced || last === undefined) return events;
      from = last;
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.#assertOpen();
    const filter = this.#serverFilter();
    const subscription: AllSubscription = new ResubscribingAllSubscription({
      ...this.options.resubscribe,
      after: options.after === undefined ? undefined : decodePosition(options.after),
      subscribe: (fromPosition) => this.client.subscribeToAll({ fromPosition, filter, resolveLinkTos: false }),
      accepts: (event) => this.#isOwn(event),
      onClose: () => this.#subscriptions.delete(subscription),
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /** Resolves when the server answers a read of the head of $all; rejects otherwise. For readiness in /health. */
  async ping(): Promise<void> {
    this.#assertOpen();
    return this.#track(this.#ping());
  }

  async #ping(): Promise<void> {
    const timeoutMs = this.options.readinessTimeoutMs ?? 2_000;
    // The head of $all (or nothing, on an empty store): either way the server answered.
    let read: StreamingRead<ResolvedEvent> | undefined;
    const answered = this.#readToEnd(() => {
      read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
      return read;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), timeoutMs);
    });
    try {
      if ((await Promise.race([answered, timedOut])) !== 'timed out') return;
    } finally {
      clearTimeout(timer);
    }
    answered.catch(() => undefined);
    if (read) await abandon(read, answered);
    throw new DeadlineExceededError(undefined, `EventStoreDB did not answer within ${timeoutMs} ms`);
  }

  async isReady(): Promise<boolean> {
    return this.ping().then(
      () => true,
      () => false,
    );
  }

  /**
   * Ends every open subscription, lets reads and appends under way finish (reads for at most CLOSE_GRACE_MS; an
   * append within its deadline), then disposes the client — once no append of any client in this process is in
   * flight (see esdb-dispose-order.ts) — and fails the reads that were still waiting. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await settledWithin([...this.#inFlight], CLOSE_GRACE_MS);
    this.#disposed = true;
    await disposeInOrder(() => this.client.dispose());
    // Their calls are cancelled now; the client does not end a cancelled read's stream, so its reader would wait.
    for (const read of this.#reads) read.destroy(new Error('The EventStoreDB event store was closed during the read'));
  }

  #track<T>(operation: Promise<T>): Promise<T> {
    this.#inFlight.add(operation);
    const done = () => this.#inFlight.delete(operation);
    operation.then(done, done);
    return operation;
  }

  /**
   * Starts a read call and reads it to its end. Never leave one early: a call the server has already completed keeps
   * its remaining messages buffered until they are read, and the client's dispose() waits for it for ever.
   */
  async #readToEnd<E>(start: () => StreamingRead<E>): Promise<E[]> {
    if (this.#disposed) throw new Error('The EventStoreDB event store is closed');
    const read = start();
    this.#reads.add(read);
    try {
      const items: E[] = [];
      for await (const item of read) items.push(item);
      return items;
    } finally {
      this.#reads.delete(read);
    }
  }

  #isOwn(event: EsdbRecordedEvent): boolean {
    const origin = originOf(event, this.options.streamPrefixes);
    if (origin === 'foreign') this.#passOver(event);
    return origin === 'ours';
  }

  #passOver(event: EsdbRecordedEvent): void {
    if (this.#foreignIds.has(event.id)) return;
    if (this.#foreignIds.size >= FOREIGN_IDS_REMEMBERED)
      this.#foreignIds.delete(this.#foreignIds.values().next().value!);
    this.#foreignIds.add(event.id);
    this.#foreignEvents += 1;
    const foreign: ForeignEvent = {
      streamId: event.streamId,
      revision: event.revision <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(event.revision) : event.revision,
      type: event.type,
      eventId: event.id,
      position: hasKnownPosition(event.position) ? encodePosition(event.position) : undefined,
      reason: foreignShapeOf(event) ?? 'not of this application',
    };
    if (this.options.onForeignEvent) {
      this.options.onForeignEvent(foreign);
    } else if (this.#foreignEvents <= FOREIGN_WARNINGS_PER_STORE) {
      const more = this.#foreignEvents === FOREIGN_WARNINGS_PER_STORE ? ' (further ones are only counted)' : '';
      process.emitWarning(
        `EventStoreDB: passed over a foreign event in ${foreign.streamId}@${String(foreign.revision)} ` +
          `(type ${JSON.stringify(foreign.type)}): ${foreign.reason}${more}`,
        { type: 'EsdbForeignEventWarning', code: 'ESDB_FOREIGN_EVENT' },
      );
    }
  }

  #serverFilter(): Filter {
    const prefixes = this.options.streamPrefixes;
    return prefixes ? streamNameFilter({ prefixes: [...prefixes] }) : excludeSystemEvents();
  }

  async #lastRevision(streamId: string): Promise<number | 'no_stream'> {
    try {
      const [last] = await this.#readStream(streamId, { direction: 'backwards', maxCount: 1 }, true);
      return last.revision;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 'no_stream';
      throw error;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('The EventStoreDB event store is closed');
  }
}

/** Waits until the operations settled, or `ms` passed. */
async function settledWithin(operations: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(operations),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Gives up a read that has not answered: cancels the call, lets a reply that arrived meanwhile run to its end, and
 * then ends the local stream (the client does not end it after a cancellation, so a reader would wait forever).
 */
async function abandon<E>(read: StreamingRead<E>, reading: Promise<unknown>): Promise<void> {
  read.on('error', ignoreLateError);
  await read.cancel().catch(() => undefined);
  const settled = await Promise.race([
    reading.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 100).unref()),
  ]);
  if (!settled) read.destroy();
}
