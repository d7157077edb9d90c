/**
 * A rebuild of every read model from the event log (DESIGN 5): fresh tables (`beginRebuild`, stamped with the current
 * layout), every event of `$all` applied page by page, then swapped in (`completeRebuild`). `policyctl rebuild` runs
 * it, and the embedded API when it finds the read models in an older layout. It is the feed runtime with a bounded
 * scan of `$all` as its source and the fresh tables as its sink.
 */
import { type EventStore, type Position, type RecordedEvent } from '@lib/event-sourcing';
import { logScanSource, retry, runFeed } from '@lib/feed-runtime';
import { readModelPipeline } from './read-model-feed';
import { RebuildBehindLiveError, type ReadModelStore } from './read-model-store';

interface RebuildFromLogOptions {
  /** Events read and applied per page; default 1000. */
  readonly batchSize?: number;
  /**
   * Swap attempts (default 10): each failed one means the live read models moved on while the rebuild finished (a
   * live projector writes them); the rebuild reads on and tries again. The last failure is thrown.
   */
  readonly maxSwapAttempts?: number;
  /** Called before every page: throw to stop (the fresh tables are dropped, the live ones stay). */
  readonly checkStop?: () => void;
  /** Called after every page with the number of events read so far. */
  readonly onProgress?: (eventsRead: number) => void;
  /** An event the projections cannot apply: its stream is quarantined in the rebuilt read models. */
  readonly onQuarantine?: (event: RecordedEvent, reason: string) => void;
}

/** Reading on after a failed swap starts at once: the live tables are only a few events ahead. */
const SWAP_RETRY = { initialDelayMs: 0, maxDelayMs: 0 } as const;

/**
 * Rebuilds the read models of `store` from `events` and swaps them in.
 * @returns the events read from the log.
 * @throws RebuildBehindLiveError when the live read models kept moving on through every swap attempt (the live
 * tables stay); whatever `checkStop` throws; a failed transaction (an operator command fails fast, and is run
 * again). Either way the fresh tables are dropped.
 */
export async function rebuildFromLog(
  events: EventStore,
  store: ReadModelStore,
  options: RebuildFromLogOptions = {},
): Promise<{ readonly events: number }> {
  const { batchSize = 1000, maxSwapAttempts = 10, checkStop, onProgress, onQuarantine } = options;
  const rebuild = await store.beginRebuild();
  // The log is read in order, once: an event that fails to project fails again, so it is quarantined at once.
  const pipeline = readModelPipeline(rebuild, {
    poisonAttempts: 1,
    transientAttempts: 1,
    onQuarantine: (event, error) => onQuarantine?.(event, error.reason),
  });
  let swapped = false;
  let after: Position | undefined;
  let read = 0;
  try {
    await retry(
      async () => {
        const scan = logScanSource(events, {
          after,
          pageSize: batchSize,
          beforePage: checkStop,
          onPage: (last, pageEvents) => {
            after = last;
            read += pageEvents;
            onProgress?.(read);
          },
        });
        await runFeed(scan, pipeline);
        await rebuild.completeRebuild();
        swapped = true;
      },
      {
        policy: SWAP_RETRY,
        shouldRetry: (error, attempts) => error instanceof RebuildBehindLiveError && attempts < maxSwapAttempts,
      },
    );
    return { events: read };
  } finally {
    if (!swapped) await rebuild.abandonRebuild().catch(() => undefined);
  }
}
