/**
 * A rebuild of every read model from the event log (DESIGN 5): fresh tables (`beginRebuild`, stamped with the current
 * layout), every event of `$all` applied page by page, then swapped in (`completeRebuild`). `policyctl rebuild` runs
 * it, and the embedded API when it finds the read models in an older layout.
 */
import { type EventStore, type Position, type RecordedEvent } from '@lib/event-sourcing';
import { ProjectionError } from './projections/projection-event';
import { RebuildBehindLiveError, type ReadModelStore, type RebuildingReadModelStore } from './read-model-store';

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

/** Applies a page; an event that cannot be projected is found by applying the page event by event and quarantined. */
async function applyPage(
  rebuild: RebuildingReadModelStore,
  page: readonly RecordedEvent[],
  onQuarantine: RebuildFromLogOptions['onQuarantine'],
): Promise<void> {
  try {
    await rebuild.applyBatch(page);
    return;
  } catch (error) {
    if (!(error instanceof ProjectionError)) throw error;
  }
  for (const event of page) {
    try {
      await rebuild.applyBatch([event]);
    } catch (error) {
      if (!(error instanceof ProjectionError)) throw error;
      await rebuild.quarantineStream(event, error.reason, { moveCheckpoint: true });
      onQuarantine?.(event, error.reason);
    }
  }
}

/**
 * Rebuilds the read models of `store` from `events` and swaps them in.
 * @returns the events read from the log.
 * @throws RebuildBehindLiveError when the live read models kept moving on through every swap attempt (the live
 * tables stay); whatever `checkStop` throws. Either way the fresh tables are dropped.
 */
export async function rebuildFromLog(
  events: EventStore,
  store: ReadModelStore,
  options: RebuildFromLogOptions = {},
): Promise<{ readonly events: number }> {
  const { batchSize = 1000, maxSwapAttempts = 10, checkStop, onProgress, onQuarantine } = options;
  const rebuild = await store.beginRebuild();
  let swapped = false;
  let after: Position | undefined;
  let read = 0;
  try {
    for (let attempt = 1; !swapped; attempt++) {
      for (;;) {
        checkStop?.();
        const page = await events.readAll({ ...(after === undefined ? {} : { after }), maxCount: batchSize });
        if (page.length === 0) break;
        await applyPage(rebuild, page, onQuarantine);
        after = page[page.length - 1].position;
        read += page.length;
        onProgress?.(read);
      }
      try {
        await rebuild.completeRebuild();
        swapped = true;
      } catch (error) {
        if (!(error instanceof RebuildBehindLiveError) || attempt >= maxSwapAttempts) throw error;
      }
    }
    return { events: read };
  } finally {
    if (!swapped) await rebuild.abandonRebuild().catch(() => undefined);
  }
}
