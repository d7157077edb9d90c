import type { Decider } from './decider';
import { type EventCodec } from './event-codec';
import {
  ConcurrencyError,
  StreamNotFoundError,
  type EventStore,
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

export interface LoadedState<State> {
  readonly state: State;
  /** Revision of the last event folded, or `'no_stream'`. */
  readonly revision: number | 'no_stream';
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
    state = aggregate.decider.evolve(
      state,
      aggregate.codec.decode({ type: event.type, data: event.data, schemaVersion: metadata.schemaVersion }),
    );
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
}

/**
 * Events this actor appended earlier under the same idempotency key. Checked on every attempt, inside the
 * read → append cycle, so two racing requests with one key cannot both write: the loser's append conflicts, it
 * re-reads, and finds the winner's events here.
 */
function findIdempotentEvents(events: readonly RecordedEvent[], metadata: CommandMetadata): AppendedEvent[] {
  const key = metadata.idempotencyKey;
  if (key === undefined) return [];
  return events
    .filter((event) => {
      const stored = readEventMetadata(event.metadata);
      return stored.idempotencyKey === key && stored.actor?.id === metadata.actor.id;
    })
    .map(({ eventId, type, data, metadata: eventMetadata, revision }) => ({
      eventId,
      type,
      data,
      metadata: eventMetadata,
      revision,
    }));
}

/**
 * The generic command-handling loop: read → fold → decide → append with the revision read. When another writer
 * appended in between, the loop re-reads and re-decides, so the rules are checked again against the newer state.
 * Domain errors thrown by `decide` propagate unchanged; nothing is written for a rejected command.
 */
export async function handleCommand<Command, Event, State>(
  deps: CommandHandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  command: Command,
  options: HandleCommandOptions,
): Promise<CommandResult<State>> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadAggregate(deps.store, aggregate, streamId);
    const earlier = findIdempotentEvents(loaded.events, options.metadata);
    if (earlier.length > 0) {
      return {
        streamId,
        events: earlier,
        revision: earlier[earlier.length - 1].revision,
        state: loaded.state,
        replayed: true,
      };
    }
    if (options.expectedRevision !== undefined && loaded.revision !== options.expectedRevision) {
      throw new ConcurrencyError(streamId, options.expectedRevision, loaded.revision);
    }
    const decided = aggregate.decider.decide(command, loaded.state);
    if (decided.length === 0)
      return { streamId, events: [], revision: loaded.revision, state: loaded.state, replayed: false };

    const recordedAt = deps.clock.now();
    const { metadata } = options;
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
    try {
      const result = await deps.store.append(streamId, newEvents, expected);
      const firstRevision = result.nextExpectedRevision - newEvents.length + 1;
      const events = newEvents.map((event, index) => ({ ...event, revision: firstRevision + index }));
      const state = decided.reduce(aggregate.decider.evolve, loaded.state);
      return {
        streamId,
        events,
        position: result.position,
        revision: result.nextExpectedRevision,
        state,
        replayed: false,
      };
    } catch (error) {
      const retryable = error instanceof ConcurrencyError && options.expectedRevision === undefined;
      if (!retryable || attempt >= maxAttempts) throw error;
    }
  }
}
