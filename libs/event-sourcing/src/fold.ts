import { idempotencySlot, type KeyedEvent } from './aggregate-cache';
import type { Aggregate } from './decider';
import { decodeStoredEvent } from './event-codec';
import { readEventMetadata, type EventMetadata } from './metadata';

/** Events with an idempotency key, by `idempotencySlot(actorId, key)`, in stream order. */
export type KeyedEvents = ReadonlyMap<string, readonly KeyedEvent[]>;

/**
 * A stream folded up to `revision`: its state, and its events that carry an idempotency key (what an idempotent
 * replay answers with). What a command decides on, and what the aggregate cache keeps per stream.
 */
export interface Snapshot<State> {
  /** Revision of the last event folded, or `'no_stream'`. */
  readonly revision: number | 'no_stream';
  readonly state: State;
  readonly keyed: KeyedEvents;
}

/**
 * What a fold starts from: a state at a revision and the keyed events up to it; `keyed` undefined: none are
 * indexed (a plain load, which answers no command).
 */
export interface FoldBase<State, Keyed extends KeyedEvents | undefined> {
  readonly revision: number | 'no_stream';
  readonly state: State;
  readonly keyed: Keyed;
}

/** What a fold comes to, and the events it folded (all those given, unless a limit stopped it early). */
export interface FoldResult<State, Keyed extends KeyedEvents | undefined, Stored extends KeyedEvent> extends FoldBase<
  State,
  Keyed
> {
  readonly events: readonly Stored[];
}

export interface LoadOptions {
  /** Fold only events up to and including this revision. */
  readonly toRevision?: number;
  /** Fold only events recorded at or before this ISO instant ("what did we know at time T"). */
  readonly asOf?: string;
}

const NO_KEYED_EVENTS: KeyedEvents = new Map();

/** The snapshot of a stream without events: the decider's initial state. */
export function initialSnapshot<State>(aggregate: Aggregate<unknown, unknown, State>): Snapshot<State> {
  return { state: aggregate.decider.initialState(), revision: 'no_stream', keyed: NO_KEYED_EVENTS };
}

/**
 * The one fold: evolves `base` by the events that follow it in `streamId` (in revision order) and, when `base`
 * has keyed events, adds those of the new events that carry an idempotency key, in a copy. Every state the kernel
 * builds comes from here: whole-stream loads (with `limit`), catching a cached state up, and the state after an
 * append. `decided` are the events' domain form when the caller has it (the events it just appended: what decoding
 * their stored form gives), so they are not decoded again. `base` is never changed (it may be a cached entry that
 * concurrent commands share).
 */
export function foldEvents<Command, Event, State, Keyed extends KeyedEvents | undefined, Stored extends KeyedEvent>(
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  base: FoldBase<State, Keyed>,
  events: readonly Stored[],
  decided?: readonly Event[],
  limit?: LoadOptions,
): FoldResult<State, Keyed, Stored> {
  const toRevision = limit?.toRevision;
  const asOf = limit?.asOf === undefined ? undefined : Date.parse(limit.asOf);
  let state = base.state;
  let revision = base.revision;
  let keyed: Map<string, readonly KeyedEvent[]> | undefined;
  let folded = 0;
  for (; folded < events.length; folded++) {
    const event = events[folded];
    if (toRevision !== undefined && event.revision > toRevision) break;
    const metadata = readEventMetadata(event.metadata);
    if (asOf !== undefined && metadata.recordedAt !== undefined && Date.parse(metadata.recordedAt) > asOf) break;
    const domainEvent =
      decided === undefined
        ? decodeStoredEvent(aggregate.codec, streamId, event.revision, {
            type: event.type,
            data: event.data,
            schemaVersion: metadata.schemaVersion,
          })
        : decided[folded];
    state = aggregate.decider.evolve(state, domainEvent);
    revision = event.revision;
    const slot = base.keyed === undefined ? undefined : slotOf(metadata);
    if (slot !== undefined) {
      keyed ??= new Map(base.keyed);
      keyed.set(slot, [...(keyed.get(slot) ?? []), event]);
    }
  }
  return {
    state,
    revision,
    keyed: (keyed ?? base.keyed) as Keyed,
    events: folded === events.length ? events : events.slice(0, folded),
  };
}

/** The slot of an event's idempotency key (see `idempotencySlot`), or undefined when it carries none. */
function slotOf(metadata: Partial<EventMetadata>): string | undefined {
  // Events written by other tools may hold anything here: only a string key of an actor with a string id counts.
  const key: unknown = metadata.idempotencyKey;
  if (typeof key !== 'string') return undefined;
  const actorId: unknown = (metadata.actor as { readonly id?: unknown } | null | undefined)?.id;
  return typeof actorId === 'string' ? idempotencySlot(actorId, key) : undefined;
}
