import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  ConcurrencyError,
  EventStoreUnavailableError,
  StreamNotFoundError,
  type AllSubscription,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RawAllSubscription,
  type RawRecordedEvent,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '@lib/event-sourcing';
import { SqliteAllSubscription } from './sqlite-all-subscription';
import { decodePosition, encodePosition, SQLITE_READER_PRAGMAS } from './sqlite-file';
import {
  SqliteWriter,
  type AppendOutcome,
  type EncodedEvent,
  type GroupCommitStats,
  type WriterFileSettings,
} from './sqlite-writer';

interface SqliteEventStoreOptions {
  /** The database file, e.g. `$DATA_DIR/events.sqlite`; its folder is created when missing. */
  readonly path: string;
  /** How often an idle live subscription looks for events appended by other processes. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /**
   * A cap on the file's size in pages (SQLite `max_page_count` of the writer connection, 4 KiB pages): appends that
   * would grow the file beyond it are refused as on a full disk. A hard quota, and how the tests fill the "disk"
   * without root. Default: none. `setMaxPageCount` changes it while the store is open.
   */
  readonly maxPageCount?: number;
  /** Told when the store starts refusing writes (and why), and when it takes writes again: one log line per change. */
  readonly onWritabilityChange?: (change: WritabilityChange) => void;
}

/** A change of whether the store takes writes (see SqliteEventStore.checkWritable). */
export type WritabilityChange =
  { readonly writable: true } | { readonly writable: false; readonly refusal: EventStoreUnavailableError };

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** SQLite's "no limit" for LIMIT ?. */
const NO_LIMIT = -1;
const DEFAULT_POLL_INTERVAL_MS = 250;
/**
 * While writes are refused, checkWritable probes at most this often (callers in between get the last refusal), so a
 * readiness check per request costs no write per request.
 */
const PROBE_INTERVAL_MS = 1_000;
/** A writer that stopped is started again by the next write or check, at most this often. */
const RESTART_INTERVAL_MS = 1_000;

/**
 * The embedded EventStore on `node:sqlite` (DESIGN 1). Appends go to one writer connection in a worker thread that
 * commits them in groups (see SqliteWriter); an append resolves only after its group's commit returned, with the
 * WAL fsync'd (synchronous=FULL). Reads run on a connection of the calling thread: in WAL mode they see every
 * committed append and never wait for the writer.
 *
 * A write the file cannot take now (disk full, I/O error, read-only file, writer stopped) fails with
 * EventStoreUnavailableError and nothing of it is written; the store then refuses until a write goes through again
 * (an append, or the probe of checkWritable). Opening writes nothing when the schema is current, and a file whose
 * writer cannot start is still opened for reads: on a full disk the store serves reads and refuses writes.
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
  /** Why writes are refused now; undefined while they go through (or nothing was tried yet). */
  private refusal: EventStoreUnavailableError | undefined;
  /** A write (append or probe) went through since the store opened or last refused one. */
  private confirmedWritable = false;
  private probing: Promise<void> | undefined;
  private lastProbeAt = Number.NEGATIVE_INFINITY;
  private restarting: Promise<SqliteWriter> | undefined;
  private lastRestartAt = Number.NEGATIVE_INFINITY;
  private maxPageCount: number | undefined;

  private constructor(
    private writer: SqliteWriter | undefined,
    private readonly reader: DatabaseSync,
    private readonly commits: CommitSignal,
    private readonly options: SqliteEventStoreOptions,
    startRefusal: EventStoreUnavailableError | undefined,
    /** Opened by openForReading: no writer, now or later. */
    private readonly readOnly = false,
  ) {
    this.maxPageCount = options.maxPageCount;
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
    if (startRefusal !== undefined) this.noteRefusal(startRefusal);
  }

  /**
   * Opens the file, creating it (and its folder) when missing. When the writer cannot start for a reason that may
   * pass (full disk, I/O error, read-only file), the store still opens for reads and refuses writes until the writer
   * can start; it fails only when the file cannot be read either.
   */
  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
    const commits = new CommitSignal();
    let writer: SqliteWriter | undefined;
    let refusal: EventStoreUnavailableError | undefined;
    try {
      // The writer creates the schema; the reader opens after it, so it finds the table.
      ({ writer, refusal } = await SqliteWriter.start(options.path, () => commits.notify(), options));
    } catch (error) {
      if (!(error instanceof EventStoreUnavailableError)) throw error;
      refusal = error;
    }
    let reader: DatabaseSync | undefined;
    try {
      reader = openReader(options.path);
      return new SqliteEventStore(writer, reader, commits, options, refusal);
    } catch (error) {
      reader?.close();
      await writer?.close();
      const cause = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Cannot open the event store ${options.path}: ${cause}${refusal === undefined ? '' : ` (${refusal.message})`}`,
        { cause: error },
      );
    }
  }

  /**
   * Opens an existing file for reading only — readAll, readStream, subscriptions; appends are refused — with its own
   * connection: for a reader in another thread than the writer's process-side store (the embedded projection's
   * worker). Its live subscriptions learn of new events by polling every `pollIntervalMs`, the commits being
   * another store's.
   */
  static openForReading(options: Pick<SqliteEventStoreOptions, 'path' | 'pollIntervalMs'>): SqliteEventStore {
    return new SqliteEventStore(undefined, openReader(options.path), new CommitSignal(), options, undefined, true);
  }

  /** The database file. */
  get file(): string {
    return this.options.path;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const encoded = encodeAppend(streamId, events, expectedRevision);
    let outcome: AppendOutcome;
    try {
      const running = this.writer !== undefined && !this.writer.stopped ? this.writer : undefined;
      const writer = running ?? (await this.runningWriter());
      outcome = await writer.append({ streamId, expected: expectedRevision, events: encoded });
    } catch (error) {
      throw this.refused(error);
    }
    if (outcome.ok) {
      this.wrote();
      return { nextExpectedRevision: outcome.nextExpectedRevision, position: encodePosition(outcome.position) };
    }
    if ('conflict' in outcome) throw new ConcurrencyError(streamId, expectedRevision, outcome.conflict);
    if (outcome.unavailable !== undefined) {
      throw this.refused(
        new EventStoreUnavailableError(outcome.unavailable, `Append to ${streamId} refused: ${outcome.error}`),
      );
    }
    throw new Error(outcome.error);
  }

  /**
   * Resolves when the store takes writes; rejects with EventStoreUnavailableError (why not) otherwise. Cheap: once a
   * write went through it only checks that the writer runs; before that, or while writes are refused, it commits a
   * small probe transaction (at most once a second, concurrent callers share it; in between the last refusal is the
   * answer). So readiness turns false with a refused write and true again with the first write that goes through.
   */
  checkWritable(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('The event store is closed'));
    const running = this.writer !== undefined && !this.writer.stopped;
    if (running && this.confirmedWritable && this.refusal === undefined) return Promise.resolve();
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  /**
   * Changes the `max_page_count` cap of the writer connection (see the option); resolves with the cap SQLite applied
   * (never below the file's current size). Lowering it to 1 makes the store full at its current size.
   */
  async setMaxPageCount(pages: number): Promise<number> {
    const writer = await this.runningWriter();
    this.maxPageCount = pages;
    return writer.setMaxPageCount(pages);
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

  /** The EventStore port's optional raw subscription: subscribeToAll of raw events (see readAllRaw). */
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

  /** Commits and appends so far of the current writer: how well concurrent appends share commits (tests, benchmark). */
  groupCommitStats(): GroupCommitStats {
    if (this.writer === undefined) {
      return { commits: 0, appends: 0, largestBatch: 0, headQueries: 0, writerBusy: NO_ACTIVITY };
    }
    return this.writer.groupCommitStats();
  }

  /** The durability settings of the writer connection (WAL, synchronous=FULL), for health checks and tests. */
  async writerFileSettings(): Promise<WriterFileSettings> {
    return (await this.runningWriter()).fileSettings();
  }

  /** Finishes queued appends, ends open subscriptions, stops the writer and closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.restarting?.catch(() => undefined);
      await this.writer?.close();
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
      {
        readPage,
        onNextCommit: (wake) => this.commits.once(wake),
        pollIntervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      },
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

  /** The writer, started again when it stopped (at most once per RESTART_INTERVAL_MS). */
  private runningWriter(): Promise<SqliteWriter> {
    if (this.closing) return Promise.reject(new Error('The event store is closed'));
    if (this.readOnly) return Promise.reject(new Error('The event store was opened for reading only'));
    if (this.writer !== undefined && !this.writer.stopped) return Promise.resolve(this.writer);
    this.restarting ??= this.restartWriter().finally(() => {
      this.restarting = undefined;
    });
    return this.restarting;
  }

  private async restartWriter(): Promise<SqliteWriter> {
    const notRunning =
      this.refusal ?? new EventStoreUnavailableError('writer-stopped', 'The SQLite writer is not running');
    if (performance.now() - this.lastRestartAt < RESTART_INTERVAL_MS) throw notRunning;
    this.lastRestartAt = performance.now();
    const { writer, refusal } = await SqliteWriter.start(this.options.path, () => this.commits.notify(), {
      maxPageCount: this.maxPageCount,
    });
    if (this.closing) {
      await writer.close();
      throw new Error('The event store is closed');
    }
    this.writer = writer;
    if (refusal !== undefined) this.noteRefusal(refusal);
    return writer;
  }

  private async probe(): Promise<void> {
    if (this.refusal !== undefined && performance.now() - this.lastProbeAt < PROBE_INTERVAL_MS) throw this.refusal;
    this.lastProbeAt = performance.now();
    try {
      await (await this.runningWriter()).probeWrite();
    } catch (error) {
      throw this.refused(error);
    }
    this.wrote();
  }

  /** A write went through: the store takes writes (again). */
  private wrote(): void {
    this.confirmedWritable = true;
    if (this.refusal === undefined) return;
    this.refusal = undefined;
    this.options.onWritabilityChange?.({ writable: true });
  }

  /**
   * Records a refused write and returns the error to throw. A failure of the writer itself (it could not start or
   * restart, or stopped mid-request) is the store being unavailable too — a 503 with Retry-After, never a 500 — and,
   * recorded as the refusal, it keeps the write probe to one attempt per interval.
   */
  private refused(error: unknown): EventStoreUnavailableError {
    const refusal =
      error instanceof EventStoreUnavailableError
        ? error
        : new EventStoreUnavailableError(
            'writer-stopped',
            `The SQLite writer failed: ${error instanceof Error ? error.message : String(error)}`,
          );
    this.noteRefusal(refusal);
    return refusal;
  }

  private noteRefusal(refusal: EventStoreUnavailableError): void {
    const changed = this.refusal === undefined || this.refusal.reason !== refusal.reason;
    this.refusal = refusal;
    this.confirmedWritable = false;
    if (changed) this.options.onWritabilityChange?.({ writable: false, refusal });
  }
}

const NO_ACTIVITY = { idle: 0, active: 0, utilization: 0 };

/**
 * The reader connection. It never writes (query_only); when the file cannot be opened for writing (a read-only
 * file or file system) it is opened read-only.
 */
function openReader(file: string): DatabaseSync {
  let reader: DatabaseSync;
  try {
    reader = new DatabaseSync(file);
  } catch {
    reader = new DatabaseSync(file, { readOnly: true });
  }
  try {
    reader.exec(SQLITE_READER_PRAGMAS);
    reader.exec('PRAGMA query_only = ON');
  } catch (error) {
    reader.close();
    throw error;
  }
  return reader;
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
