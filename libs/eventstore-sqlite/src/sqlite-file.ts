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
 * Settings of a connection that only reads (the store's reader): journal_mode is a property of the file (the writer
 * sets it), synchronous and the checkpoint interval only matter to a connection that commits.
 */
export const SQLITE_READER_PRAGMAS = `
  PRAGMA busy_timeout = 10000;
  PRAGMA cache_size = -16000;
`;

/**
 * The schema's version, kept in `PRAGMA user_version`. The writer compares it and writes the schema only when it
 * differs, so opening an up-to-date file writes nothing (a process can start on a full disk, DESIGN 7).
 * 1: events. 2: write_probe.
 */
export const SQLITE_SCHEMA_VERSION = 2;

/**
 * One row per event. `position` is the global order ($all): SQLite assigns max + 1 inside the writer's transaction
 * and transactions commit one after another, so positions become visible in order, without gaps a reader could
 * overtake. (stream_id, revision) is unique, which makes "exactly one append wins a revision" a database fact too.
 *
 * write_probe stays empty: after a refused write (disk full, I/O error) the writer checks whether writes work again
 * by inserting and deleting a row of it in one committed transaction, which needs fresh pages and a WAL commit like
 * an append, without touching events.
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
  CREATE TABLE IF NOT EXISTS write_probe (filler BLOB NOT NULL) STRICT;
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
