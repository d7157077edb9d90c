// @ts-check
'use strict';
/*
 * The single writer of an events.sqlite file, run in a worker thread so that fsync never blocks the API's event
 * loop. It is plain CommonJS on purpose: Node loads it as-is from the sources (under Jest) and from dist (swc copies
 * it through), with no transpiler in between.
 *
 * Protocol (see sqlite-writer.ts): the main thread posts `{ kind: 'batch', count, fields }` with every append queued
 * at that moment, flattened into one array (structured clone copies a flat array of strings much faster than one
 * object per append); the worker runs them in ONE transaction (group commit), each append checked and applied on its
 * own so that a failing append never fails its neighbours, commits (WAL + synchronous=FULL: durable on return) and
 * answers `{ kind: 'batch-done', outcomes, errors, headQueries }` in the same order, `outcomes` being a transferred Float64Array.
 * Nothing is acknowledged before COMMIT has returned.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');

if (!parentPort) throw new Error('writer.worker.js must run in a worker thread');
const port = parentPort;

/**
 * @type {{
 *   path: string;
 *   pragmas: string;
 *   schema: string;
 *   schemaVersion: number;
 *   headsCacheLimit: number;
 *   maxPageCount: number | undefined;
 *   probeBytes: number;
 * }}
 */
const settings = workerData;

/*
 * SQLite primary result codes (errcode & 0xff) after which the same write may succeed later: the store is full,
 * the disk failed an I/O, the file became read-only or cannot be opened, another writer held the lock too long.
 * The store turns them into EventStoreUnavailableError (the API answers 503, not 500).
 */
/** @type {Map<number, string>} */
const UNAVAILABLE_REASONS = new Map([
  [13, 'disk-full'], // SQLITE_FULL (also: max_page_count reached)
  [10, 'io-error'], // SQLITE_IOERR
  [14, 'io-error'], // SQLITE_CANTOPEN
  [8, 'read-only'], // SQLITE_READONLY
  [5, 'busy'], // SQLITE_BUSY
  [6, 'busy'], // SQLITE_LOCKED
  [15, 'busy'], // SQLITE_PROTOCOL (WAL lock contention)
]);

/**
 * @param {unknown} error
 * @returns {string | null} why a write cannot be done now, or null for any other failure
 */
function unavailableReason(error) {
  const errcode = error !== null && typeof error === 'object' && 'errcode' in error ? error.errcode : undefined;
  return typeof errcode === 'number' ? (UNAVAILABLE_REASONS.get(errcode & 0xff) ?? null) : null;
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens the file. Nothing is written when the file is already at the current schema version (journal_mode = WAL is
 * then already set, and user_version is only written when it changes), so the writer starts on a full disk; if the
 * schema must be written and cannot be, the writer still starts over a file that has events (it is then refusing,
 * and its write probe retries the schema), so the process can serve reads.
 * @returns {{ db: DatabaseSync; schemaCurrent: boolean; refusal: { message: string; reason: string | null } | null }}
 */
function open() {
  const db = new DatabaseSync(settings.path);
  db.exec(settings.pragmas);
  if (settings.maxPageCount !== undefined) db.exec(`PRAGMA max_page_count = ${Math.trunc(settings.maxPageCount)}`);
  const version = /** @type {{ user_version: number }} */ (db.prepare('PRAGMA user_version').get()).user_version;
  if (version >= settings.schemaVersion) return { db, schemaCurrent: true, refusal: null };
  try {
    db.exec('BEGIN IMMEDIATE');
    writeSchema(db);
    db.exec('COMMIT');
    return { db, schemaCurrent: true, refusal: null };
  } catch (error) {
    rollbackQuietly(db);
    const reason = unavailableReason(error);
    if (reason === null || !hasEventsTable(db)) {
      db.close();
      throw error;
    }
    return { db, schemaCurrent: false, refusal: { message: messageOf(error), reason } };
  }
}

/** @param {DatabaseSync} db */
function writeSchema(db) {
  db.exec(settings.schema);
  db.exec(`PRAGMA user_version = ${Math.trunc(settings.schemaVersion)}`);
}

/** @param {DatabaseSync} db */
function hasEventsTable(db) {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'").get() !== undefined;
}

/** @param {DatabaseSync} db */
function rollbackQuietly(db) {
  try {
    if (db.isTransaction) db.exec('ROLLBACK');
  } catch {
    // SQLite already gave the transaction up (it does on some I/O errors); nothing is left to take back.
  }
}

/** @type {ReturnType<typeof open>} */
let opened;
try {
  opened = open();
} catch (error) {
  port.postMessage({ kind: 'failed', message: messageOf(error), reason: unavailableReason(error) });
  process.exit(0);
}
const db = opened.db;
let schemaCurrent = opened.schemaCurrent;

const lastRevisionOf = db.prepare('SELECT max(revision) AS revision FROM events WHERE stream_id = ?');
const insertEvent = db.prepare(
  'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
);
const eventsFrom = db.prepare(
  'SELECT revision, event_id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
);
const eventById = db.prepare('SELECT stream_id, revision FROM events WHERE event_id = ?');
const dataVersionOf = db.prepare('PRAGMA data_version');
dataVersionOf.setReturnArrays(true);

/*
 * Wire format, shared with sqlite-writer.ts (keep both in step).
 * Request fields, per append: streamId, expected ('no_stream' | 'any' | revision), event count n, then n times
 * eventId, type, data (JSON text), metadata (JSON text).
 * Outcomes: two float64 per append. [revision >= 0, position]: appended; [CONFLICT, current revision]: the stream
 * is at another revision; [NO_STREAM, 0]: the stream does not exist; [ERROR, 0]: failed, message and (for a write
 * that may succeed later) the reason in `errors`.
 */
const FIELDS_PER_APPEND = 3;
const FIELDS_PER_EVENT = 4;
const CONFLICT = -1;
const NO_STREAM = -2;
const ERROR = -3;

/*
 * Stream heads: streamId → revision of its last committed event (-1: no events). They spare the expected-revision
 * check its query. Only this connection's committed writes update them (merged from `batchHeads` once COMMIT has
 * returned); writes by any other connection to the file change `PRAGMA data_version`, read under the write lock at
 * the start of every batch, and clear them. Whatever goes wrong (a failed insert, a failed batch) forgets the heads
 * concerned, which only costs a query next time.
 */
/** @type {Map<string, number>} */
const heads = new Map();
/** Heads as this batch's transaction sees them; merged into `heads` after COMMIT, dropped on rollback. */
/** @type {Map<string, number>} */
const batchHeads = new Map();
/** @type {number | bigint | undefined} */
let dataVersion;
const headsCacheLimit = settings.headsCacheLimit;
/** Heads that had to be queried (cache misses), reported with every batch for the statistics. */
let headQueries = 0;

/** @param {string} streamId */
function headOf(streamId) {
  let head = batchHeads.get(streamId);
  if (head !== undefined) return head;
  head = heads.get(streamId);
  if (head !== undefined) return head;
  headQueries++;
  const revision = /** @type {{ revision: number | null }} */ (lastRevisionOf.get(streamId)).revision;
  head = revision === null ? -1 : revision;
  batchHeads.set(streamId, head);
  return head;
}

/** @param {string} streamId */
function forgetHead(streamId) {
  batchHeads.delete(streamId);
  heads.delete(streamId);
}

function adoptBatchHeads() {
  for (const [streamId, head] of batchHeads) {
    heads.delete(streamId); // re-inserted last: the oldest streams are evicted first
    heads.set(streamId, head);
  }
  batchHeads.clear();
  if (heads.size > headsCacheLimit) {
    let excess = heads.size - headsCacheLimit;
    for (const streamId of heads.keys()) {
      if (excess-- <= 0) break;
      heads.delete(streamId);
    }
  }
}

/**
 * The batch's request fields and where each result goes.
 * @typedef {{
 *   fields: Array<string | number>;
 *   outcomes: Float64Array;
 *   errors: Array<[index: number, message: string, reason: string | null]>;
 * }} Batch
 */

/**
 * When the same events (same ids, in order) already sit in the stream from `firstRevision` on, the append is a retry
 * of one that succeeded: answer what that one answered.
 * @param {Batch} batch
 * @param {number} at index of the append's first field
 * @param {number} firstRevision
 * @param {number} index of the append in the batch
 * @returns {boolean} whether the outcome was written
 */
function answeredByEarlierIdenticalAppend(batch, at, firstRevision, index) {
  const { fields } = batch;
  const streamId = /** @type {string} */ (fields[at]);
  const count = /** @type {number} */ (fields[at + 2]);
  const stored = /** @type {{ revision: number; event_id: string; position: number }[]} */ (
    eventsFrom.all(streamId, firstRevision, count)
  );
  if (stored.length !== count) return false;
  for (let i = 0; i < count; i++) {
    if (stored[i].event_id !== fields[at + FIELDS_PER_APPEND + i * FIELDS_PER_EVENT]) return false;
  }
  const last = stored[count - 1];
  batch.outcomes[2 * index] = last.revision;
  batch.outcomes[2 * index + 1] = last.position;
  return true;
}

/**
 * Checks and applies one append, writing its outcome.
 * @param {Batch} batch
 * @param {number} at index of the append's first field
 * @param {number} index of the append in the batch
 */
function appendOne(batch, at, index) {
  const { fields, outcomes } = batch;
  const streamId = /** @type {string} */ (fields[at]);
  const expected = /** @type {'no_stream' | 'any' | number} */ (fields[at + 1]);
  const count = /** @type {number} */ (fields[at + 2]);
  const first = at + FIELDS_PER_APPEND;
  const current = headOf(streamId);
  if (expected === 'any') {
    const known = /** @type {{ stream_id: string; revision: number } | undefined} */ (eventById.get(fields[first]));
    if (known !== undefined && known.stream_id === streamId) {
      if (answeredByEarlierIdenticalAppend(batch, at, known.revision, index)) return;
    }
  } else if (expected === 'no_stream' ? current !== -1 : current !== expected) {
    if (answeredByEarlierIdenticalAppend(batch, at, expected === 'no_stream' ? 0 : expected + 1, index)) return;
    outcomes[2 * index] = current === -1 ? NO_STREAM : CONFLICT;
    outcomes[2 * index + 1] = current === -1 ? 0 : current;
    return;
  }

  // One statement is atomic by itself; several need a savepoint so that a failure takes back only this append.
  const needsSavepoint = count > 1;
  if (needsSavepoint) db.exec('SAVEPOINT append_one');
  let revision = current + 1;
  let position = 0;
  try {
    for (let field = first, end = first + count * FIELDS_PER_EVENT; field < end; field += FIELDS_PER_EVENT) {
      const result = insertEvent.run(
        streamId,
        revision,
        fields[field],
        fields[field + 1],
        fields[field + 2],
        fields[field + 3],
      );
      position = Number(result.lastInsertRowid);
      revision++;
    }
    if (needsSavepoint) db.exec('RELEASE append_one');
  } catch (error) {
    forgetHead(streamId);
    if (!db.isTransaction) throw error; // SQLite gave up the whole transaction (I/O error, disk full): batch fails.
    if (needsSavepoint) db.exec('ROLLBACK TO append_one; RELEASE append_one');
    outcomes[2 * index] = ERROR;
    outcomes[2 * index + 1] = 0;
    batch.errors.push([index, describeFailure(error, batch, at), unavailableReason(error)]);
    return;
  }
  batchHeads.set(streamId, revision - 1);
  outcomes[2 * index] = revision - 1;
  outcomes[2 * index + 1] = position;
}

/**
 * @param {unknown} error
 * @param {Batch} batch
 * @param {number} at
 */
function describeFailure(error, batch, at) {
  const message = error instanceof Error ? error.message : String(error);
  if (/UNIQUE constraint failed: events\.event_id/.test(message)) {
    const { fields } = batch;
    const count = /** @type {number} */ (fields[at + 2]);
    let clash = '(one of the batch)';
    for (let i = 0; i < count; i++) {
      const eventId = /** @type {string} */ (fields[at + FIELDS_PER_APPEND + i * FIELDS_PER_EVENT]);
      if (eventById.get(eventId) !== undefined) {
        clash = eventId;
        break;
      }
    }
    return `Event id ${clash} is already used by another event (stream ${fields[at]})`;
  }
  return message;
}

/**
 * @param {number} count appends in the batch
 * @param {Array<string | number>} fields
 * @returns {Batch}
 */
function commitBatch(count, fields) {
  /** @type {Batch} */
  const batch = { fields, outcomes: new Float64Array(2 * count), errors: [] };
  try {
    db.exec('BEGIN IMMEDIATE');
    // Under the write lock: nobody else can write until COMMIT, and any write since our last batch shows here.
    const version = /** @type {[number | bigint]} */ (/** @type {unknown} */ (dataVersionOf.get()))[0];
    if (version !== dataVersion) {
      heads.clear();
      dataVersion = version;
    }
    for (let index = 0, at = 0; index < count; index++) {
      appendOne(batch, at, index);
      at += FIELDS_PER_APPEND + /** @type {number} */ (fields[at + 2]) * FIELDS_PER_EVENT;
    }
    db.exec('COMMIT');
    adoptBatchHeads();
    return batch;
  } catch (error) {
    batchHeads.clear();
    heads.clear();
    rollbackQuietly(db);
    const message = `Batch not committed: ${messageOf(error)}`;
    const reason = unavailableReason(error);
    batch.outcomes.fill(ERROR);
    batch.errors = [];
    for (let index = 0; index < count; index++) batch.errors.push([index, message, reason]);
    return batch;
  }
}

/**
 * Whether the file takes writes now: inserts and deletes a write_probe row of `probeBytes` in one committed
 * transaction (fresh pages, a WAL commit, like an append; events untouched). A schema that could not be written at
 * start is written first.
 * @returns {{ message: string; reason: string | null } | null} why not, or null when the write went through
 */
function probeWrite() {
  try {
    db.exec('BEGIN IMMEDIATE');
    if (!schemaCurrent) writeSchema(db);
    db.prepare('INSERT INTO write_probe (filler) VALUES (zeroblob(?))').run(settings.probeBytes);
    db.exec('DELETE FROM write_probe');
    db.exec('COMMIT');
    schemaCurrent = true;
    return null;
  } catch (error) {
    rollbackQuietly(db);
    return { message: messageOf(error), reason: unavailableReason(error) };
  }
}

/**
 * @typedef {{ kind: 'batch'; count: number; fields: Array<string | number> }
 *   | { kind: 'settings' } | { kind: 'probe' } | { kind: 'limit'; maxPageCount: number } | { kind: 'close' }} Request
 */
port.on('message', (/** @type {Request} */ message) => {
  if (message.kind === 'batch') {
    const { outcomes, errors } = commitBatch(message.count, message.fields);
    port.postMessage({ kind: 'batch-done', outcomes, errors, headQueries }, [
      /** @type {ArrayBuffer} */ (outcomes.buffer),
    ]);
  } else if (message.kind === 'settings') {
    const { journal_mode: journalMode } = /** @type {{ journal_mode: string }} */ (
      db.prepare('PRAGMA journal_mode').get()
    );
    const { synchronous } = /** @type {{ synchronous: number }} */ (db.prepare('PRAGMA synchronous').get());
    port.postMessage({ kind: 'settings', journalMode, synchronous });
  } else if (message.kind === 'probe') {
    port.postMessage({ kind: 'probed', refusal: probeWrite() });
  } else if (message.kind === 'limit') {
    const { max_page_count: maxPageCount } = /** @type {{ max_page_count: number }} */ (
      db.prepare(`PRAGMA max_page_count = ${Math.trunc(message.maxPageCount)}`).get()
    );
    port.postMessage({ kind: 'limited', maxPageCount });
  } else if (message.kind === 'close') {
    db.close();
    port.postMessage({ kind: 'closed' });
    port.close();
  }
});
port.postMessage({ kind: 'ready', refusal: opened.refusal });
