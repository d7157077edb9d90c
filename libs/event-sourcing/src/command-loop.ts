import type { AggregateCache } from './aggregate-cache';
import type { Aggregate } from './decider';
import { ConcurrencyError, type AppendResult, type EventStore, type NewEvent, type Position } from './event-store';
import { foldEvents, type Snapshot } from './fold';
import { readSnapshot, rememberSnapshot } from './load-state';
import { toJsonMetadata, type CommandMetadata } from './metadata';

/** Injected time and identity sources, so the kernel stays deterministic under test. */
export interface Clock {
  /** ISO-8601 UTC instant. */
  now(): string;
}
export interface IdGenerator {
  /** A new UUID. */
  newId(): string;
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

/** One command being handled: what each step of the loop, and each wrapper around it, works on. */
export interface CommandRun<Command, Event, State> {
  readonly deps: CommandHandlerDeps;
  readonly aggregate: Aggregate<Command, Event, State>;
  readonly streamId: string;
  readonly command: Command;
  readonly options: HandleCommandOptions;
}

/** A decision on a snapshot: the events to append, or the command's answer without deciding (a replay). */
type Decision<Event, State> = readonly Event[] | CommandResult<State>;

/**
 * Decides a command on a snapshot, synchronously (no I/O). Middleware wraps one step in another, e.g.
 * `replayingIdempotently(decideCommand)`.
 */
export type DecideStep = <Command, Event, State>(
  run: CommandRun<Command, Event, State>,
  loaded: Snapshot<State>,
) => Decision<Event, State>;

/** The command loop from `loaded` (undefined: the loop reads the stream first), deciding at most `maxAttempts` times. */
export type CommandLoop = <Command, Event, State>(
  run: CommandRun<Command, Event, State>,
  loaded: Snapshot<State> | undefined,
  maxAttempts: number,
) => Promise<CommandResult<State>>;

/** The core decision: the If-Match check against the snapshot's revision, then the decider. */
export const decideCommand: DecideStep = (run, loaded) => {
  const { expectedRevision } = run.options;
  if (expectedRevision !== undefined && loaded.revision !== expectedRevision)
    throw new ConcurrencyError(run.streamId, expectedRevision, loaded.revision);
  return run.aggregate.decider.decide(run.command, loaded.state);
};

/**
 * The command loop on a decision step: read → decide → append with the revision read. When another writer appended
 * in between, it reads again and decides again, so the rules are checked against the newer state; at most
 * `maxAttempts` decisions, and none again when If-Match pinned the revision. Errors of the decision (domain errors)
 * propagate unchanged; nothing is written for a rejected command.
 */
export function commandLoop(decide: DecideStep): CommandLoop {
  return async (run, first, maxAttempts) => {
    let loaded = first ?? (await readLatest(run));
    for (let attempt = 1; ; attempt++) {
      const decision = decide(run, loaded);
      if (!isEventList(decision)) return decision;
      if (decision.length === 0) return unchanged(run, loaded);
      const newEvents = toNewEvents(run, decision);
      let appended: AppendResult;
      try {
        appended = await run.deps.store.append(run.streamId, newEvents, loaded.revision);
      } catch (error) {
        const retry = error instanceof ConcurrencyError && run.options.expectedRevision === undefined;
        if (!retry || attempt >= maxAttempts) throw error;
        loaded = await readLatest(run);
        continue;
      }
      return appendedResult(run, loaded, decision, newEvents, appended);
    }
  };
}

/** The stream's snapshot as the store has it now (through the cache, if any: see readSnapshot). */
export function readLatest<State>(run: CommandRun<unknown, unknown, State>): Promise<Snapshot<State>> {
  return readSnapshot(run.deps.store, run.aggregate, run.streamId, run.deps.cache);
}

export function isEventList<Event, State>(decision: Decision<Event, State>): decision is readonly Event[] {
  return Array.isArray(decision);
}

/** The answer to a command that decided nothing needs to happen: the snapshot as it is. */
export function unchanged<State>(
  run: CommandRun<unknown, unknown, State>,
  loaded: Snapshot<State>,
): CommandResult<State> {
  return { streamId: run.streamId, events: [], revision: loaded.revision, state: loaded.state, replayed: false };
}

/** The decided events as the store keeps them: encoded, with ids, the command's metadata and the clock's time. */
export function toNewEvents<Event>(run: CommandRun<unknown, Event, unknown>, decided: readonly Event[]): NewEvent[] {
  const { deps, aggregate } = run;
  const { metadata } = run.options;
  const recordedAt = deps.clock.now();
  return decided.map((event) => {
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
        traceparent: metadata.traceparent,
        recordedAt,
        schemaVersion: encoded.schemaVersion,
      }),
    };
  });
}

/** The answer to a command whose events were appended after `loaded`; the cache keeps the state they lead to. */
export function appendedResult<Event, State>(
  run: CommandRun<unknown, Event, State>,
  loaded: Snapshot<State>,
  decided: readonly Event[],
  newEvents: readonly NewEvent[],
  appended: AppendResult,
): CommandResult<State> {
  const firstRevision = appended.nextExpectedRevision - newEvents.length + 1;
  const events = newEvents.map((event, index) => ({ ...event, revision: firstRevision + index }));
  // The decided events are what the store will read back (plain JSON data): folded as they are, not decoded again.
  const after = foldEvents(run.aggregate, run.streamId, loaded, events, decided);
  rememberSnapshot(run.deps.cache, run.aggregate, run.streamId, after);
  return {
    streamId: run.streamId,
    events,
    position: appended.position,
    revision: appended.nextExpectedRevision,
    state: after.state,
    replayed: false,
  };
}
