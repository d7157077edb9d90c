import type { Decider } from './decider';
import { decodeRecordedEvent, type EventCodec } from './event-codec';
import { idempotencySlot, type AggregateCache, type KeyedEvent } from './aggregate-cache';
import {
  ConcurrencyError,
  StreamNotFoundError,
  type AppendResult,
  type EventStore,
  type JsonObject,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from './event-store';
import { readEventMetadata, toJsonMetadata, type CommandMetadata } from './metadata';

/** Injected time and identity sources, so the kernel stays deterministic under test. */
export interface Clock {
  /** ISO-8601 UTC instant. */
  now(): string;
}
export interface IdGenerator {
  /** A new UUID. */
  newId(): string;
}

export interface Aggregate<Command, Event, State> {
  readonly decider: Decider<Command, Event, State>;
  readonly codec: EventCodec<Event>;
}

/** A stream's state and the revision it was folded up to. */
export interface CurrentState<State> {
  readonly state: State;
  /** Revision of the last event folded, or `'no_stream'`. */
  readonly revision: number | 'no_stream';
}

export interface LoadedState<State> extends CurrentState<State> {
  readonly events: readonly RecordedEvent[];
}

export interface LoadOptions {
  /** Fold only events up to and including this revision. */
  readonly toRevision?: number;
  /** Fold only events recorded at or before this ISO instant ("what did we know at time T"). */
  readonly asOf?: string;
}

/** Reads a stream and folds it; a missing stream is the decider's initial state with revision `'no_stream'`. */
export async function loadAggregate<Command, Event, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  options: LoadOptions = {},
): Promise<LoadedState<State>> {
  let recorded: RecordedEvent[];
  try {
    recorded = await store.readStream(streamId);
  } catch (error) {
    if (error instanceof StreamNotFoundError)
      return { state: aggregate.decider.initialState(), revision: 'no_stream', events: [] };
    throw error;
  }
  const asOf = options.asOf === undefined ? undefined : Date.parse(options.asOf);
  let state = aggregate.decider.initialState();
  let revision: number | 'no_stream' = 'no_stream';
  const folded: RecordedEvent[] = [];
  for (const event of recorded) {
    if (options.toRevision !== undefined && event.revision > options.toRevision) break;
    const metadata = readEventMetadata(event.metadata);
    if (asOf !== undefined && metadata.recordedAt !== undefined && Date.parse(metadata.recordedAt) > asOf) break;
    state = aggregate.decider.evolve(state, decodeRecordedEvent(aggregate.codec, event));
    revision = event.revision;
    folded.push(event);
  }
  return { state, revision, events: folded };
}

export interface HandleCommandOptions {
  readonly metadata: CommandMetadata;
  /**
   * The revision the caller saw (If-Match). When given, a different current revision fails at once with
   * ConcurrencyError and nothing is retried: the caller decided on stale state.
   */
  readonly expectedRevision?: number;
  /** Attempts in total when a concurrent writer wins the race (re-read and re-decide each time). Default 5. */
  readonly maxAttempts?: number;
  /**
   * The error an earlier execution under the same idempotency key was rejected with (the caller recorded it): it is
   * thrown again instead of deciding anew, so a retry gets the first answer, unless the stream holds events of that
   * key after all (a concurrent execution that succeeded wins: those are replayed).
   */
  readonly rejection?: Error;
}

export interface AppendedEvent extends NewEvent {
  readonly revision: number;
}

export interface CommandResult<State> {
  readonly streamId: string;
  /** The events this command appended (empty when the decider decided nothing needs to happen). */
  readonly events: readonly AppendedEvent[];
  /** Position of the last appended event, when something was appended. */
  readonly position?: Position;
  /**
   * True when the stream already held this actor's events for the command's idempotency key: nothing was decided
   * or written, and `events` are the ones the first execution appended.
   */
  readonly replayed: boolean;
  /** Revision of the stream's last event after the command. */
  readonly revision: number | 'no_stream';
  readonly state: State;
}

export interface CommandHandlerDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Optional: keeps folded state per stream, so a command reads only the events appended since. */
  readonly cache?: AggregateCache;
}

/** What the loop decides on: the state, its revision, and the events appended under idempotency keys so far. */
interface Snapshot<State> {
  readonly revision: number | 'no_stream';
  readonly state: State;
  readonly keyed: ReadonlyMap<string, readonly KeyedEvent[]>;
}

const NO_KEYED_EVENTS: ReadonlyMap<string, readonly KeyedEvent[]> = new Map();

/** The slot of an event's idempotency key (see `idempotencySlot`), or undefined when it carries none. */
function slotOf(metadata: JsonObject): string | undefined {
  const key = metadata.idempotencyKey;
  if (typeof key !== 'string') return undefined;
  const actor = metadata.actor;
  const actorId =
    actor !== null && typeof actor === 'object' && !Array.isArray(actor) ? (actor as JsonObject).id : undefined;
  return typeof actorId === 'string' ? idempotencySlot(actorId, key) : undefined;
}

/** Adds events with idempotency keys to a copy of `keyed` (the original may be shared through the cache). */
function withKeyedEvents(
  keyed: ReadonlyMap<string, readonly KeyedEvent[]>,
  events: readonly KeyedEvent[],
): ReadonlyMap<string, readonly KeyedEvent[]> {
  let copy: Map<string, readonly KeyedEvent[]> | undefined;
  for (const event of events) {
    const slot = slotOf(event.metadata);
    if (slot === undefined) continue;
    copy ??= new Map(keyed);
    copy.set(slot, [...(copy.get(slot) ?? []), event]);
  }
  return copy ?? keyed;
}

/** Folds recorded events (in revision order, following `base`) into a new snapshot. */
function foldRecorded<Command, Event, State>(
  aggregate: Aggregate<Command, Event, State>,
  base: Snapshot<State>,
  recorded: readonly RecordedEvent[],
): Snapshot<State> {
  let state = base.state;
  for (const event of recorded) {
    state = aggregate.decider.evolve(state, decodeRecordedEvent(aggregate.codec, event));
  }
  return {
    state,
    revision: recorded.length === 0 ? base.revision : recorded[recorded.length - 1].revision,
    keyed: withKeyedEvents(base.keyed, recorded),
  };
}

async function readWholeStream<Command, Event, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
): Promise<Snapshot<State>> {
  const initial: Snapshot<State> = {
    state: aggregate.decider.initialState(),
    revision: 'no_stream',
    keyed: NO_KEYED_EVENTS,
  };
  try {
    return foldRecorded(aggregate, initial, await store.readStream(streamId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return initial;
    throw error;
  }
}

/**
 * The stream's current snapshot. With a cache: the cached fold plus the events appended since its revision (read
 * from the store every time, so writers that bypass this cache are seen); without: the whole stream, folded.
 */
async function readSnapshot<Command, Event, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  cache: AggregateCache | undefined,
): Promise<Snapshot<State>> {
  const cached = cache?.get<State>(aggregate, streamId);
  if (cache === undefined || cached === undefined) {
    const snapshot = await readWholeStream(store, aggregate, streamId);
    remember(cache, aggregate, streamId, snapshot);
    return snapshot;
  }
  let newer: RecordedEvent[];
  try {
    newer = await store.readStream(streamId, { fromRevision: cached.revision + 1 });
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
    // The stream is gone (a store reset under a long-lived cache): nothing cached about it holds any more.
    cache.forget(streamId);
    return readWholeStream(store, aggregate, streamId);
  }
  if (newer.length === 0) return cached;
  if (newer[0].revision !== cached.revision + 1) {
    cache.forget(streamId);
    const snapshot = await readWholeStream(store, aggregate, streamId);
    remember(cache, aggregate, streamId, snapshot);
    return snapshot;
  }
  const snapshot = foldRecorded(aggregate, cached, newer);
  remember(cache, aggregate, streamId, snapshot);
  return snapshot;
}

function remember<State>(
  cache: AggregateCache | undefined,
  aggregate: object,
  streamId: string,
  snapshot: Snapshot<State>,
): void {
  if (cache === undefined || snapshot.revision === 'no_stream') return;
  cache.remember(streamId, { aggregate, revision: snapshot.revision, state: snapshot.state, keyed: snapshot.keyed });
}

/**
 * The current state of a stream (a missing stream is the initial state with revision `'no_stream'`). With a cache,
 * reads only the events appended since the cached revision.
 */
export async function loadCurrentState<Command, Event, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  cache?: AggregateCache,
): Promise<CurrentState<State>> {
  const { state, revision } = await readSnapshot(store, aggregate, streamId, cache);
  return { state, revision };
}

/**
 * The generic command-handling loop: read → fold → decide → append with the revision read. When another writer
 * appended in between, the loop re-reads and re-decides, so the rules are checked again against the newer state.
 * Domain errors thrown by `decide` propagate unchanged; nothing is written for a rejected command.
 *
 * With a cache (`deps.cache`) the read is the cached state plus the events appended since; with its freshness
 * `'check-at-append'`, the cached state alone, which the append's revision check confirms (any other outcome is
 * first confirmed by catching up from the store).
 *
 * Idempotency: the events this actor appended earlier under the same key are looked up on every attempt, inside
 * the read → append cycle, so two racing requests with one key cannot both write: the loser's append conflicts, it
 * re-reads, and finds the winner's events.
 */
export async function handleCommand<Command, Event, State>(
  deps: CommandHandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  command: Command,
  options: HandleCommandOptions,
): Promise<CommandResult<State>> {
  const maxAttempts = options.maxAttempts ?? 5;
  const { metadata } = options;
  const slot =
    metadata.idempotencyKey === undefined ? undefined : idempotencySlot(metadata.actor.id, metadata.idempotencyKey);
  const trusted = deps.cache?.freshness === 'check-at-append' ? deps.cache.get<State>(aggregate, streamId) : undefined;
  let loaded: Snapshot<State> = trusted ?? (await readSnapshot(deps.store, aggregate, streamId, deps.cache));
  /** False while `loaded` is a cached state not yet checked against the store (see CacheFreshness). */
  let fresh = trusted === undefined;
  /** Catches up a cached state; true when the store had newer events (decide again on them). */
  const caughtUp = async (): Promise<boolean> => {
    if (fresh) return false;
    const newer = await readSnapshot(deps.store, aggregate, streamId, deps.cache);
    fresh = true;
    const changed = newer.revision !== loaded.revision;
    loaded = newer;
    return changed;
  };
  for (let attempt = 1; ;) {
    // Events appended under this key are durable facts: a replay is right however old the cached state is.
    const earlier = slot === undefined ? undefined : loaded.keyed.get(slot);
    if (earlier !== undefined && earlier.length > 0) {
      return {
        streamId,
        events: earlier.map(({ eventId, type, data, metadata: eventMetadata, revision }) => ({
          eventId,
          type,
          data,
          metadata: eventMetadata,
          revision,
        })),
        revision: earlier[earlier.length - 1].revision,
        state: loaded.state,
        replayed: true,
      };
    }
    if (options.rejection !== undefined) {
      // Only on the store's word: a cached state may not show the key's events yet.
      if (await caughtUp()) continue;
      throw options.rejection;
    }
    if (options.expectedRevision !== undefined && loaded.revision !== options.expectedRevision) {
      if (await caughtUp()) continue;
      throw new ConcurrencyError(streamId, options.expectedRevision, loaded.revision);
    }
    let decided: Event[];
    try {
      decided = aggregate.decider.decide(command, loaded.state);
    } catch (error) {
      if (await caughtUp()) continue;
      throw error;
    }
    if (decided.length === 0) {
      if (await caughtUp()) continue;
      return { streamId, events: [], revision: loaded.revision, state: loaded.state, replayed: false };
    }

    const recordedAt = deps.clock.now();
    const newEvents = decided.map((event) => {
      const encoded = aggregate.codec.encode(event);
      const eventId = deps.ids.newId();
      return {
        eventId,
        type: encoded.type,
        data: encoded.data,
        metadata: toJsonMetadata({
          eventId,
          correlationId: metadata.correlationId,
          causationId: metadata.causationId ?? metadata.correlationId,
          actor: metadata.actor,
          channel: metadata.channel,
          idempotencyKey: metadata.idempotencyKey,
          recordedAt,
          schemaVersion: encoded.schemaVersion,
        }),
      };
    });
    const expected: ExpectedRevision = loaded.revision;
    let result: AppendResult;
    try {
      result = await deps.store.append(streamId, newEvents, expected);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      // A cached state that was never checked: the conflict only shows it was stale. Catch up and decide again.
      if (!fresh) {
        await caughtUp();
        continue;
      }
      if (options.expectedRevision !== undefined || attempt >= maxAttempts) throw error;
      attempt++;
      loaded = await readSnapshot(deps.store, aggregate, streamId, deps.cache);
      continue;
    }
    const firstRevision = result.nextExpectedRevision - newEvents.length + 1;
    const events = newEvents.map((event, index) => ({ ...event, revision: firstRevision + index }));
    // Decided events are plain JSON data (what the store will read back), so folding them gives the stored state.
    const state = decided.reduce(aggregate.decider.evolve, loaded.state);
    remember(deps.cache, aggregate, streamId, {
      revision: result.nextExpectedRevision,
      state,
      keyed: withKeyedEvents(loaded.keyed, events),
    });
    return {
      streamId,
      events,
      position: result.position,
      revision: result.nextExpectedRevision,
      state,
      replayed: false,
    };
  }
}
