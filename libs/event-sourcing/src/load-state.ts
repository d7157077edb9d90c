import type { AggregateCache } from './aggregate-cache';
import type { Aggregate } from './decider';
import { StreamNotFoundError, type EventStore, type RecordedEvent } from './event-store';
import {
  foldEvents,
  initialSnapshot,
  type FoldBase,
  type FoldResult,
  type KeyedEvents,
  type LoadOptions,
  type Snapshot,
} from './fold';

/** A stream's state and the revision it was folded up to. */
export interface CurrentState<State> {
  readonly state: State;
  /** Revision of the last event folded, or `'no_stream'`. */
  readonly revision: number | 'no_stream';
}

export interface LoadedState<State> extends CurrentState<State> {
  readonly events: readonly RecordedEvent[];
}

/** Reads a stream and folds it; a missing stream is the decider's initial state with revision `'no_stream'`. */
export async function loadAggregate<Command, Event, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  options: LoadOptions = {},
): Promise<LoadedState<State>> {
  // A load answers no command: it indexes no keyed events.
  const base = { state: aggregate.decider.initialState(), revision: 'no_stream', keyed: undefined } as const;
  const { state, revision, events } = await foldWholeStream(store, aggregate, streamId, base, options);
  return { state, revision, events };
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
 * The stream's current snapshot, read from the store. With a cache: the cached fold plus the events appended since
 * its revision (read every time, so writers that bypass this cache are seen); without: the whole stream, folded.
 */
export async function readSnapshot<Command, Event, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  cache: AggregateCache | undefined,
): Promise<Snapshot<State>> {
  const cached = cache?.get<State>(aggregate, streamId);
  if (cache === undefined || cached === undefined)
    return rememberSnapshot(
      cache,
      aggregate,
      streamId,
      await foldWholeStream(store, aggregate, streamId, initialSnapshot(aggregate)),
    );
  let newer: RecordedEvent[];
  try {
    newer = await store.readStream(streamId, { fromRevision: cached.revision + 1 });
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
    // The stream is gone (a store reset under a long-lived cache): nothing cached about it holds any more.
    cache.forget(streamId);
    return foldWholeStream(store, aggregate, streamId, initialSnapshot(aggregate));
  }
  if (newer.length === 0) return cached;
  if (newer[0].revision !== cached.revision + 1) {
    cache.forget(streamId);
    return rememberSnapshot(
      cache,
      aggregate,
      streamId,
      await foldWholeStream(store, aggregate, streamId, initialSnapshot(aggregate)),
    );
  }
  return rememberSnapshot(cache, aggregate, streamId, foldEvents(aggregate, streamId, cached, newer));
}

/** Keeps a snapshot of an existing stream in the cache (see AggregateCache.remember); returns it. */
export function rememberSnapshot<Kept extends Snapshot<unknown>>(
  cache: AggregateCache | undefined,
  aggregate: object,
  streamId: string,
  snapshot: Kept,
): Kept {
  if (cache !== undefined && snapshot.revision !== 'no_stream')
    cache.remember(streamId, { aggregate, revision: snapshot.revision, state: snapshot.state, keyed: snapshot.keyed });
  return snapshot;
}

/** The whole stream folded onto `base` (up to `limit`); a missing stream has no events. */
async function foldWholeStream<Command, Event, State, Keyed extends KeyedEvents | undefined>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  base: FoldBase<State, Keyed>,
  limit?: LoadOptions,
): Promise<FoldResult<State, Keyed, RecordedEvent>> {
  let recorded: RecordedEvent[];
  try {
    recorded = await store.readStream(streamId);
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
    recorded = [];
  }
  return foldEvents(aggregate, streamId, base, recorded, undefined, limit);
}
