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
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import {
  ConcurrencyError,
  StreamNotFoundError,
  type AllSubscription,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '@lib/event-sourcing';
import {
  compareEsdbPositions,
  decodePosition,
  fromEsdbEvent,
  isOwnEvent,
  mapAppendError,
  mapReadStreamError,
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
}

/**
 * The EventStore port on EventStoreDB.
 *
 * Server semantics worth knowing:
 * - Appends keep our event ids, so re-appending the same events with the same expected revision is acknowledged
 *   without writing. With `'any'` the server's duplicate check is best effort only (a recent-id cache).
 * - Reads have no gRPC deadline in this client (it sets none for streaming reads); a dead connection is detected by
 *   the keep-alive settings of the connection string instead.
 */
export class EsdbEventStore implements EventStore {
  readonly #subscriptions = new Set<AllSubscription>();
  #closed = false;

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

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    this.#assertOpen();
    if (typeof streamId !== 'string' || streamId.length === 0)
      throw new TypeError('streamId must be a non-empty string');
    if (events.length === 0) throw new TypeError(`Append to ${streamId} needs at least one event`);
    let appended;
    try {
      appended = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
        deadline: this.options.appendDeadlineMs,
      });
    } catch (error) {
      throw mapAppendError(streamId, expectedRevision, error);
    }
    // Only with `throwOnAppendFailure=false` in the connection string; the client then reports no usable revision.
    if (!appended.success) throw new ConcurrencyError(streamId, expectedRevision, await this.#lastRevision(streamId));

    const nextExpectedRevision = toRevisionNumber(appended.nextExpectedRevision);
    // The server's append position describes the whole write (and is absent for an idempotent re-append), not the
    // $all position of its last event, which the port promises: read that event back.
    // On the leader: a follower may not have the write yet (nodePreference=follower/random).
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

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.#readStream(streamId, options, false);
  }

  async #readStream(streamId: string, options: ReadStreamOptions, requiresLeader: boolean): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const read = this.client.readStream(streamId, {
      direction: forwards ? FORWARDS : BACKWARDS,
      fromRevision:
        options.fromRevision === undefined ? (forwards ? START : END) : toEsdbRevision(options.fromRevision),
      maxCount: options.maxCount,
      resolveLinkTos: false,
      requiresLeader,
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const { event } of read) if (event) events.push(fromEsdbEvent(event));
    } catch (error) {
      throw mapReadStreamError(streamId, error);
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const after = options.after === undefined ? undefined : decodePosition(options.after);
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    if (limit <= 0) return events;
    // This client version sends no server-side filter on $all reads, so filter here and read on until `limit` of
    // our events are found.
    const read = this.client.readAll({ fromPosition: after ?? START, direction: FORWARDS, resolveLinkTos: false });
    try {
      for await (const { event } of read) {
        // fromPosition is inclusive; the port's `after` is not.
        if (!event || (after && compareEsdbPositions(event.position, after) <= 0) || !this.#isOwn(event)) continue;
        events.push(fromEsdbEvent(event));
        if (events.length >= limit) break;
      }
    } finally {
      // Stops the server's stream when we left early; a no-op after the end.
      read.on('error', ignoreLateError);
      await read.cancel().catch(() => undefined);
    }
    return events;
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
    const timeoutMs = this.options.readinessTimeoutMs ?? 2_000;
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeadlineExceededError(undefined, `EventStoreDB did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const drained = (async () => {
      for await (const _event of read) {
        // The head of $all (or nothing, on an empty store): either way the server answered.
      }
    })();
    try {
      await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
      drained.catch(() => undefined);
      read.on('error', ignoreLateError);
      read.cancel().catch(() => undefined);
    }
  }

  async isReady(): Promise<boolean> {
    return this.ping().then(
      () => true,
      () => false,
    );
  }

  /** Ends every open subscription, then cancels the client's calls. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  #isOwn(event: EsdbRecordedEvent): boolean {
    return isOwnEvent(event, this.options.streamPrefixes);
  }

  #serverFilter(): Filter {
    const prefixes = this.options.streamPrefixes;
    return prefixes ? streamNameFilter({ prefixes: [...prefixes] }) : excludeSystemEvents();
  }

  async #lastRevision(streamId: string): Promise<number | 'no_stream'> {
    try {
      const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
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
