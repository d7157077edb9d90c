import type { EventCodec } from './event-codec';

/**
 * A decider is three plain functions (Emmett style). `decide` throws a typed domain error to reject a command;
 * it never reads the clock or generates ids: time and ids enter through the command.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** A decider and the codec of its events: what the kernel folds streams and handles commands with. */
export interface Aggregate<Command, Event, State> {
  readonly decider: Decider<Command, Event, State>;
  readonly codec: EventCodec<Event>;
}
