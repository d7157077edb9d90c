import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  ConcurrencyError,
  StreamNotFoundError,
  type AllSubscription,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RawRecordedEvent,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '@lib/event-sourcing';
import { SqliteAllSubscription } from './sqlite-all-subscription';
import { decodePosition, encodePosition, SQLITE_FILE_PRAGMAS } from './sqlite-file';
import { SqliteWriter, type EncodedEvent, type GroupCommitStats, type WriterFileSettings } from './sqlite-writer';

export interface SqliteEventStoreOptions {
  /** The database file, e.g. `$DATA_DIR/events.sqlite`; its folder is created when missing. */
  readonly path: string;
  /** How often an idle live subscription looks for events appended by other processes. Default 250 ms. */
  readonly pollIntervalMs?: number;
}

interface StreamRow {
  position: number;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** `subscribeToAllRaw`: the `$all` catch-up subscription (same semantics as subscribeToAll) of raw events. */
export interface RawAllSubscription extends AsyncIterable<RawRecordedEvent> {
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** SQLite's "no limit" for LIMIT ?. */
const NO_LIMIT = -1;

/**
 * The embedded EventStore on `node:sqlite` (DESIGN 1). Appends go to one writer connection in a worker thread that
 * commits them in groups (see SqliteWriter); an append resolves only after its group's commit returned, with the
 * WAL fsync'd (synchronous=FULL). Reads run on a connection of the calling thread: in WAL mode they see every
 * committed append and never wait for the writer.
 */
export class SqliteEventStore implements EventStore {
  private readonly subscriptions = new Set<{ close(): Promise<void> }>();
  private readonly statements: {
    streamForwards: StatementSync;
    streamBackwards: StatementSync;
    streamExists: StatementSync;
    allAfter: StatementSync;
    countAfter: StatementSync;
    countAll: StatementSync;
  };
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly writer: SqliteWriter,
    private readonly reader: DatabaseSync,
    private readonly commits: CommitSignal,
    private readonly pollIntervalMs: number,
  ) {
    const columns = 'position, stream_id, revision, event_id, type, data, metadata';
    // A stream read knows its stream id: one string column less to copy out of SQLite per row.
    const streamColumns = 'position, revision, event_id, type, data, metadata';
    this.statements = {
      streamForwards: reader.prepare(
        `SELECT ${streamColumns} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      ),
      streamBackwards: reader.prepare(
        `SELECT ${streamColumns} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      streamExists: reader.prepare('SELECT 1 FROM events WHERE stream_id = ? LIMIT 1'),
      allAfter: reader.prepare(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
      countAfter: reader.prepare('SELECT count(*) AS events FROM events WHERE position > ?'),
      // Without a bound SQLite counts the narrowest index instead of walking the table's (wide) rows: ~3× faster.
      countAll: reader.prepare('SELECT count(*) AS events FROM events'),
    };
  }

  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
    const commits = new CommitSignal();
    // The writer creates the schema; the reader opens after it, so it always finds the table.
    const writer = await SqliteWriter.start(options.path, () => commits.notify());
    const reader = new DatabaseSync(options.path);
    reader.exec(SQLITE_FILE_PRAGMAS);
    reader.exec('PRAGMA query_only = ON');
    return new SqliteEventStore(writer, reader, commits, options.pollIntervalMs ?? 250);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const encoded = encodeAppend(streamId, events, expectedRevision);
    const outcome = await this.writer.append({ streamId, expected: expectedRevision, events: encoded });
    if (outcome.ok)
      return { nextExpectedRevision: outcome.nextExpectedRevision, position: encodePosition(outcome.position) };
    if ('conflict' in outcome) throw new ConcurrencyError(streamId, expectedRevision, outcome.conflict);
    throw new Error(outcome.error);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.maxCount ?? NO_LIMIT;
    const { fromRevision } = options;
    const rows = (options.direction === 'backwards'
      ? this.statements.streamBackwards.all(streamId, fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
      : this.statements.streamForwards.all(streamId, fromRevision ?? 0, limit)) as unknown as StreamRow[];
    if (rows.length === 0) {
      // Revisions run from 0 without gaps: a read that covers revision 0 and finds nothing proves the stream has
      // no events. A read from later on (or of no rows at all) may have found an empty page of a stream: ask.
      const coversRevisionZero =
        limit !== 0 && (options.direction === 'backwards' ? (fromRevision ?? 0) >= 0 : (fromRevision ?? 0) <= 0);
      if (coversRevisionZero || this.statements.streamExists.get(streamId) === undefined)
        throw streamNotFound(streamId);
    }
    const recorded: RecordedEvent[] = new Array(rows.length);
    for (let index = 0; index < rows.length; index++) recorded[index] = toStreamEvent(streamId, rows[index]);
    return recorded;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const after = options.after === undefined ? 0 : decodePosition(options.after);
    return this.readAllPage(after, options.maxCount ?? NO_LIMIT, toRecordedEvent);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    return this.subscribe(options, (after, maxCount) => this.readAllPage(after, maxCount, toRecordedEvent));
  }

  /**
   * readAll with each event's `data` left as the stored JSON text (not part of the EventStore port): for a reader
   * that only forwards `data`, e.g. the event relay. Same order, paging and positions as readAll.
   */
  async readAllRaw(options: ReadAllOptions = {}): Promise<RawRecordedEvent[]> {
    this.assertOpen();
    const after = options.after === undefined ? 0 : decodePosition(options.after);
    return this.readAllPage(after, options.maxCount ?? NO_LIMIT, toRawRecordedEvent);
  }

  /** subscribeToAll of raw events (see readAllRaw): the event relay's catch-up subscription. */
  subscribeToAllRaw(options: SubscribeToAllOptions = {}): RawAllSubscription {
    return this.subscribe(options, (after, maxCount) => this.readAllPage(after, maxCount, toRawRecordedEvent));
  }

  /**
   * How many events readAll would return after `after` (default: all of $all), without reading them (not part of the
   * EventStore port): `policyctl rebuild` sizes its progress bar with it.
   */
  async countAll(options: Pick<ReadAllOptions, 'after'> = {}): Promise<number> {
    this.assertOpen();
    const row =
      options.after === undefined
        ? this.statements.countAll.get()
        : this.statements.countAfter.get(decodePosition(options.after));
    return Number((row as { events: number | bigint }).events);
  }

  /** Commits and appends so far: how well concurrent appends share commits (for tests and the benchmark). */
  groupCommitStats(): GroupCommitStats {
    return this.writer.groupCommitStats();
  }

  /** The durability settings of the writer connection (WAL, synchronous=FULL), for health checks and tests. */
  writerFileSettings(): Promise<WriterFileSettings> {
    return this.writer.fileSettings();
  }

  /** Finishes queued appends, ends open subscriptions, stops the writer and closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writer.close();
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      this.reader.close();
    })();
    return this.closing;
  }

  private subscribe<E extends { readonly position: string }>(
    options: SubscribeToAllOptions,
    readPage: (after: number, maxCount: number) => E[],
  ): SqliteAllSubscription<E> {
    this.assertOpen();
    const checkpoint = options.after === undefined ? 0 : decodePosition(options.after);
    const subscription = new SqliteAllSubscription<E>(
      { readPage, onNextCommit: (wake) => this.commits.once(wake), pollIntervalMs: this.pollIntervalMs },
      checkpoint,
      decodePosition,
      (closed) => this.subscriptions.delete(closed),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  private readAllPage<E>(after: number, maxCount: number, map: (row: EventRow) => E): E[] {
    if (!this.reader.isOpen) return [];
    const rows = this.statements.allAfter.all(after, maxCount) as unknown as EventRow[];
    const events: E[] = new Array(rows.length);
    for (let index = 0; index < rows.length; index++) events[index] = map(rows[index]);
    return events;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('The event store is closed');
  }
}

/** Wakes idle live subscriptions when this process's writer committed something. */
class CommitSignal {
  private waiters = new Set<() => void>();

  once(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    waiters.forEach((wake) => wake());
  }
}

function encodeAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): EncodedEvent[] {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (events.length === 0) throw new TypeError(`Append to ${streamId} needs at least one event`);
  if (expected !== 'any' && expected !== 'no_stream' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new TypeError(`Invalid expected revision ${String(expected)}`);
  }
  return events.map((event) => {
    if (!UUID.test(event.eventId)) throw new TypeError(`Event id ${event.eventId} is not a UUID`);
    return [event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)];
  });
}

/**
 * A missing stream is an expected answer (every new policy starts with one), not a fault: its error skips the
 * stack capture, about 10 µs each under async stack traces.
 */
function streamNotFound(streamId: string): StreamNotFoundError {
  const { stackTraceLimit } = Error;
  Error.stackTraceLimit = 0;
  try {
    return new StreamNotFoundError(streamId);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function toStreamEvent(streamId: string, row: StreamRow): RecordedEvent {
  return {
    streamId,
    revision: row.revision,
    position: encodePosition(row.position),
    eventId: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}

function toRawRecordedEvent(row: EventRow): RawRecordedEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: encodePosition(row.position),
    eventId: row.event_id,
    type: row.type,
    dataJson: row.data,
    metadata: JSON.parse(row.metadata),
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: encodePosition(row.position),
    eventId: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}
