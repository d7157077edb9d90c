// @ts-check
'use strict';
/*
 * The single writer of an events.sqlite file, run in a worker thread so that fsync never blocks the API's event
 * loop. It is plain CommonJS on purpose: Node loads it as-is from the sources (under Jest) and from dist (swc copies
 * it through), with no transpiler in between.
 *
 * Protocol (see sqlite-writer.ts): the main thread posts `{ kind: 'batch', appends }` with every append queued at
 * that moment; the worker runs them in ONE transaction (group commit), each append checked and applied on its own so
 * that a failing append never fails its neighbours, commits (WAL + synchronous=FULL: durable on return) and answers
 * `{ kind: 'batch-done', results }` in the same order. Nothing is acknowledged before COMMIT has returned.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');

if (!parentPort) throw new Error('writer.worker.js must run in a worker thread');
const port = parentPort;

/** @type {{ path: string; pragmas: string; schema: string }} */
const settings = workerData;
const db = new DatabaseSync(settings.path);
db.exec(settings.pragmas);
db.exec(settings.schema);

const lastRevisionOf = db.prepare('SELECT max(revision) AS revision FROM events WHERE stream_id = ?');
const insertEvent = db.prepare(
  'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
);
const eventsFrom = db.prepare(
  'SELECT revision, event_id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
);
const eventById = db.prepare('SELECT stream_id, revision FROM events WHERE event_id = ?');

/**
 * @typedef {[eventId: string, type: string, data: string, metadata: string]} EncodedEvent
 * @typedef {{ streamId: string; expected: 'no_stream' | 'any' | number; events: EncodedEvent[] }} AppendRequest
 * @typedef {{ ok: true; nextExpectedRevision: number; position: number }
 *   | { ok: false; conflict: number | 'no_stream' }
 *   | { ok: false; error: string }} AppendOutcome
 */

/**
 * When the same events (same ids, in order) already sit in the stream from `firstRevision` on, the append is a retry
 * of one that succeeded: answer what that one answered.
 * @param {AppendRequest} append
 * @param {number} firstRevision
 * @returns {AppendOutcome | undefined}
 */
function earlierIdenticalAppend(append, firstRevision) {
  const stored = /** @type {{ revision: number; event_id: string; position: number }[]} */ (
    eventsFrom.all(append.streamId, firstRevision, append.events.length)
  );
  if (stored.length !== append.events.length) return undefined;
  for (let i = 0; i < stored.length; i++) if (stored[i].event_id !== append.events[i][0]) return undefined;
  const last = stored[stored.length - 1];
  return { ok: true, nextExpectedRevision: last.revision, position: last.position };
}

/**
 * @param {AppendRequest} append
 * @returns {AppendOutcome}
 */
function appendOne(append) {
  const { streamId, expected, events } = append;
  const current = /** @type {{ revision: number | null }} */ (lastRevisionOf.get(streamId)).revision;
  if (expected === 'any') {
    const known = /** @type {{ stream_id: string; revision: number } | undefined} */ (eventById.get(events[0][0]));
    if (known !== undefined && known.stream_id === streamId) {
      const earlier = earlierIdenticalAppend(append, known.revision);
      if (earlier) return earlier;
    }
  } else if (expected === 'no_stream' ? current !== null : current !== expected) {
    const earlier = earlierIdenticalAppend(append, expected === 'no_stream' ? 0 : expected + 1);
    return earlier ?? { ok: false, conflict: current ?? 'no_stream' };
  }

  // One statement is atomic by itself; several need a savepoint so that a failure takes back only this append.
  const needsSavepoint = events.length > 1;
  if (needsSavepoint) db.exec('SAVEPOINT append_one');
  let revision = current === null ? 0 : current + 1;
  let position = 0;
  try {
    for (const [eventId, type, data, metadata] of events) {
      position = Number(insertEvent.run(streamId, revision, eventId, type, data, metadata).lastInsertRowid);
      revision++;
    }
    if (needsSavepoint) db.exec('RELEASE append_one');
  } catch (error) {
    if (!db.isTransaction) throw error; // SQLite gave up the whole transaction (I/O error, disk full): batch fails.
    if (needsSavepoint) db.exec('ROLLBACK TO append_one; RELEASE append_one');
    return { ok: false, error: describeFailure(error, append) };
  }
  return { ok: true, nextExpectedRevision: revision - 1, position };
}

/**
 * @param {unknown} error
 * @param {AppendRequest} append
 */
function describeFailure(error, append) {
  const message = error instanceof Error ? error.message : String(error);
  if (/UNIQUE constraint failed: events\.event_id/.test(message)) {
    const clash = append.events.find(([eventId]) => eventById.get(eventId) !== undefined);
    return `Event id ${clash ? clash[0] : '(one of the batch)'} is already used by another event (stream ${append.streamId})`;
  }
  return message;
}

/**
 * @param {AppendRequest[]} appends
 * @returns {AppendOutcome[]}
 */
function commitBatch(appends) {
  try {
    db.exec('BEGIN IMMEDIATE');
    const outcomes = appends.map(appendOne);
    db.exec('COMMIT');
    return outcomes;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    const message = `Batch not committed: ${error instanceof Error ? error.message : String(error)}`;
    return appends.map(() => ({ ok: false, error: message }));
  }
}

/** @typedef {{ kind: 'batch'; appends: AppendRequest[] } | { kind: 'settings' } | { kind: 'close' }} Request */
port.on('message', (/** @type {Request} */ message) => {
  if (message.kind === 'batch') {
    port.postMessage({ kind: 'batch-done', results: commitBatch(message.appends) });
  } else if (message.kind === 'settings') {
    const { journal_mode: journalMode } = /** @type {{ journal_mode: string }} */ (
      db.prepare('PRAGMA journal_mode').get()
    );
    const { synchronous } = /** @type {{ synchronous: number }} */ (db.prepare('PRAGMA synchronous').get());
    port.postMessage({ kind: 'settings', journalMode, synchronous });
  } else if (message.kind === 'close') {
    db.close();
    port.postMessage({ kind: 'closed' });
    port.close();
  }
});
port.postMessage({ kind: 'ready' });
