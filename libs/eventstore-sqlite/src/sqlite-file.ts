/**
 * File settings and schema of events.sqlite, shared by the writer worker, the reader connection and the benchmark's
 * raw reference (so both measure the same physical work).
 */

/**
 * WAL lets readers run beside the single writer; synchronous=FULL fsyncs the WAL at every commit, so a commit that
 * returned is on disk (DESIGN 7). busy_timeout covers another process holding the write lock for a moment.
 * A larger auto-checkpoint interval (about 40 MB of WAL instead of 4 MB) copies hot index pages back into the
 * database less often: about +20 % appends/s measured, for both grouped and raw batched commits.
 */
export const SQLITE_FILE_PRAGMAS = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = FULL;
  PRAGMA busy_timeout = 10000;
  PRAGMA cache_size = -16000;
  PRAGMA wal_autocheckpoint = 10000;
`;

/**
 * One row per event. `position` is the global order ($all): SQLite assigns max + 1 inside the writer's transaction
 * and transactions commit one after another, so positions become visible in order, without gaps a reader could
 * overtake. (stream_id, revision) is unique, which makes "exactly one append wins a revision" a database fact too.
 */
export const SQLITE_EVENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL CHECK (revision >= 0),
    event_id  TEXT    NOT NULL UNIQUE,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  ) STRICT;
  PRAGMA user_version = 1;
`;

/** Positions are the global sequence as fixed-width decimals, so plain string comparison orders them. */
const POSITION_WIDTH = 20;

export function encodePosition(sequence: number): string {
  return String(sequence).padStart(POSITION_WIDTH, '0');
}

export function decodePosition(position: string): number {
  if (!/^\d{1,20}$/.test(position)) throw new TypeError(`Not a position of this store: ${JSON.stringify(position)}`);
  const sequence = Number(position);
  if (!Number.isSafeInteger(sequence)) throw new TypeError(`Position out of range: ${position}`);
  return sequence;
}
