/**
 * Dialect-neutral bookkeeping both stores share: the checkpoint row, the layout stamp, the rebuild's catch-up check
 * before a swap, and the clock they take quarantine times and rebuild ids from.
 */
import { comparePositions, type Clock, type Position } from '@lib/event-sourcing';
import { READ_MODEL_LAYOUT_VERSION } from '../read-model-layout';
import { RebuildBehindLiveError, type ReadModelCheckpoint, type ReadModelLayout } from '../read-model-store';

/** The wall clock: the default of both stores (tests inject their own). */
export const systemClock: Clock = { now: () => new Date().toISOString() };

/** A type alias, not an interface: the PostgreSQL driver wants row types with an index signature. */
export type CheckpointRow = {
  position: string | null;
  last_recorded_at: string | null;
  events_applied: number;
  quarantined_streams?: number;
};

export function toCheckpoint(row: CheckpointRow | undefined): ReadModelCheckpoint {
  return {
    position: row?.position ?? null,
    lastRecordedAt: row?.last_recorded_at ?? null,
    eventsApplied: Number(row?.events_applied ?? 0),
    quarantinedStreams: Number(row?.quarantined_streams ?? 0),
  };
}

/** The layout of tables stamped `stored` (null or absent: tables from before layout versions). */
export function layoutOf(stored: string | null | undefined): ReadModelLayout {
  const version = stored ?? null;
  return { stored: version, current: READ_MODEL_LAYOUT_VERSION, upToDate: version === READ_MODEL_LAYOUT_VERSION };
}

/** @throws RebuildBehindLiveError when the rebuild has not applied the live position yet. */
export function assertRebuildCaughtUp(rebuilt: Position | null, live: Position | null): void {
  if (live !== null && (rebuilt === null || comparePositions(rebuilt, live) < 0)) {
    throw new RebuildBehindLiveError(rebuilt, live);
  }
}
