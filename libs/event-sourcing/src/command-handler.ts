import { withCacheFreshness } from './cache-freshness';
import {
  commandLoop,
  decideCommand,
  type CommandHandlerDeps,
  type CommandResult,
  type HandleCommandOptions,
} from './command-loop';
import type { Aggregate } from './decider';
import { replayingIdempotently } from './idempotent-replay';

export type { AppendedEvent, Clock, CommandHandlerDeps, CommandResult, IdGenerator } from './command-loop';
export { loadAggregate, loadCurrentState, type CurrentState, type LoadedState } from './load-state';

const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * How a command is handled, composed from its parts:
 * - the core (command-loop.ts): read → decide (If-Match, then the decider) → append with the revision read; when
 *   another writer appended in between, read again and decide again, a bounded number of times;
 * - idempotent replay (idempotent-replay.ts), around the decision: the events appended earlier under the command's
 *   idempotency key answer it again, as does a rejection the caller recorded for the key;
 * - cache freshness (cache-freshness.ts), around the loop: with `'check-at-append'`, the first decision is made on
 *   the cached state and confirmed by the append's revision check instead of a read.
 * Every state comes from one fold (fold.ts), which reads event metadata with readEventMetadata only.
 */
const decide = replayingIdempotently(decideCommand);
const runCommand = withCacheFreshness(decide, commandLoop(decide));

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
export function handleCommand<Command, Event, State>(
  deps: CommandHandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
  command: Command,
  options: HandleCommandOptions,
): Promise<CommandResult<State>> {
  return runCommand({ deps, aggregate, streamId, command, options }, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
}
