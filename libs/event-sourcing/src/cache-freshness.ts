import {
  appendedResult,
  isEventList,
  readLatest,
  toNewEvents,
  unchanged,
  type CommandLoop,
  type CommandResult,
  type CommandRun,
  type DecideStep,
} from './command-loop';
import { ConcurrencyError, type AppendResult } from './event-store';
import type { Snapshot } from './fold';

/** Handles a command, deciding at most `maxAttempts` times on the store's state. */
type RunCommand = <Command, Event, State>(
  run: CommandRun<Command, Event, State>,
  maxAttempts: number,
) => Promise<CommandResult<State>>;

/**
 * Cache freshness around the command loop (see CacheFreshness). Without a cache, with `'read-before-decide'`, or
 * when the stream is not cached, the loop reads before it decides (the cached fold plus the events appended since).
 *
 * `'check-at-append'` with the stream cached: the first decision is made on the cached state, without a read, and
 * the append's revision check confirms that state. Nothing else is concluded from an unconfirmed state: a conflict
 * at the append, a rejection (the decider's, a recorded one, a stale If-Match) or a decision that nothing needs to
 * happen first catches up from the store; when the append conflicted or the store had newer events, the loop
 * decides again on the store's state, with its usual attempts. A replay stands (events under an idempotency key
 * are durable facts), as do failures of the store itself.
 */
export function withCacheFreshness(decide: DecideStep, loop: CommandLoop): RunCommand {
  return <Command, Event, State>(run: CommandRun<Command, Event, State>, maxAttempts: number) => {
    const { cache } = run.deps;
    const cached = cache?.freshness === 'check-at-append' ? cache.get<State>(run.aggregate, run.streamId) : undefined;
    if (cached === undefined) return loop(run, undefined, maxAttempts);
    return decideOnCachedState(decide, loop, run, cached, maxAttempts);
  };
}

/** One decision and append on the cached state, without reading first; see withCacheFreshness. */
async function decideOnCachedState<Command, Event, State>(
  decide: DecideStep,
  loop: CommandLoop,
  run: CommandRun<Command, Event, State>,
  cached: Snapshot<State>,
  maxAttempts: number,
): Promise<CommandResult<State>> {
  let decision;
  try {
    decision = decide(run, cached);
  } catch (error) {
    const newer = await newerThan(run, cached);
    if (newer === undefined) throw error;
    return loop(run, newer, maxAttempts);
  }
  if (!isEventList(decision)) return decision;
  if (decision.length === 0) {
    const newer = await newerThan(run, cached);
    return newer === undefined ? unchanged(run, cached) : loop(run, newer, maxAttempts);
  }
  const newEvents = toNewEvents(run, decision);
  let appended: AppendResult;
  try {
    appended = await run.deps.store.append(run.streamId, newEvents, cached.revision);
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    // The cached state was stale: this is no attempt of the loop's, only the catch-up before its first one.
    return loop(run, await readLatest(run), maxAttempts);
  }
  return appendedResult(run, cached, decision, newEvents, appended);
}

/** The store's snapshot when it differs from `cached` (decide again on it), or undefined when `cached` is current. */
async function newerThan<State>(
  run: CommandRun<unknown, unknown, State>,
  cached: Snapshot<State>,
): Promise<Snapshot<State> | undefined> {
  const current = await readLatest(run);
  return current.revision === cached.revision ? undefined : current;
}
