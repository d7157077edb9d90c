import { idempotencySlot, type KeyedEvent } from './aggregate-cache';
import type { CommandResult, DecideStep } from './command-loop';
import type { Snapshot } from './fold';
import type { CommandMetadata } from './metadata';

/**
 * Idempotent replay, as middleware around a decision step. A command whose actor already has events under its
 * idempotency key in the snapshot is answered with those events, `replayed`: nothing is decided or written. Else a
 * rejection the caller recorded for the key (`options.rejection`) is thrown again instead of deciding anew. Else
 * `next` decides.
 *
 * It runs on every attempt of the loop, inside the read → append cycle, so two racing requests with one key cannot
 * both write: the loser's append conflicts, it reads again, and finds the winner's events here. Events under a key
 * are durable facts, so a replay is right on any snapshot, however old; a recorded rejection must be confirmed by
 * the store when the snapshot was not read from it (see withCacheFreshness).
 */
export function replayingIdempotently(next: DecideStep): DecideStep {
  return (run, loaded) => {
    const earlier = eventsUnderKey(run.options.metadata, loaded);
    if (earlier !== undefined) return replayOf(run.streamId, loaded, earlier);
    if (run.options.rejection !== undefined) throw run.options.rejection;
    return next(run, loaded);
  };
}

/** The events this command's actor appended under its idempotency key, if any. */
function eventsUnderKey(metadata: CommandMetadata, loaded: Snapshot<unknown>): readonly KeyedEvent[] | undefined {
  if (metadata.idempotencyKey === undefined || loaded.keyed.size === 0) return undefined;
  const earlier = loaded.keyed.get(idempotencySlot(metadata.actor.id, metadata.idempotencyKey));
  return earlier !== undefined && earlier.length > 0 ? earlier : undefined;
}

function replayOf<State>(
  streamId: string,
  loaded: Snapshot<State>,
  earlier: readonly KeyedEvent[],
): CommandResult<State> {
  return {
    streamId,
    events: earlier.map(({ eventId, type, data, metadata, revision }) => ({ eventId, type, data, metadata, revision })),
    revision: earlier[earlier.length - 1].revision,
    state: loaded.state,
    replayed: true,
  };
}
