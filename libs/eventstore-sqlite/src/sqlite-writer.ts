import * as path from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { EventStoreUnavailableError, type StoreUnavailableReason } from '@lib/event-sourcing';
import { SQLITE_EVENTS_SCHEMA, SQLITE_FILE_PRAGMAS, SQLITE_SCHEMA_VERSION } from './sqlite-file';

/** An event as the worker stores it: data and metadata already JSON text (serialised on the caller's thread). */
export type EncodedEvent = [eventId: string, type: string, data: string, metadata: string];

interface AppendRequest {
  readonly streamId: string;
  readonly expected: 'no_stream' | 'any' | number;
  readonly events: EncodedEvent[];
}

export type AppendOutcome =
  | { readonly ok: true; readonly nextExpectedRevision: number; readonly position: number }
  | { readonly ok: false; readonly conflict: number | 'no_stream' }
  /** `unavailable`: why the write may succeed later (disk full, I/O error…); absent for any other failure. */
  | { readonly ok: false; readonly error: string; readonly unavailable?: StoreUnavailableReason };

/** How well appends share commits: `appends / commits` is the mean group size. */
export interface GroupCommitStats {
  /** Write transactions committed (one fsync each). */
  readonly commits: number;
  /** Appends those transactions carried (successful or rejected). */
  readonly appends: number;
  readonly largestBatch: number;
  /**
   * Expected-revision checks that had to query the stream's head; the others were answered by the writer's cache of
   * stream heads (cleared whenever another connection wrote to the file).
   */
  readonly headQueries: number;
  /** The writer thread's event-loop utilisation so far (compare two readings with `performance.eventLoopUtilization`). */
  readonly writerBusy: EventLoopUtilization;
}

/** The writer connection's durability settings, as SQLite reports them. */
export interface WriterFileSettings {
  /** `'wal'`. */
  readonly journalMode: string;
  /** 2 = FULL: the WAL is fsync'd at every commit. */
  readonly synchronous: number;
}

/** What the worker says when a write cannot be done (see writer.worker.js): `reason` null for other failures. */
interface WorkerRefusal {
  readonly message: string;
  readonly reason: StoreUnavailableReason | null;
}

type WorkerMessage =
  | { kind: 'ready'; refusal: WorkerRefusal | null }
  | { kind: 'failed'; message: string; reason: StoreUnavailableReason | null }
  | {
      kind: 'batch-done';
      outcomes: Float64Array;
      errors: Array<[index: number, message: string, reason: StoreUnavailableReason | null]>;
      headQueries: number;
    }
  | ({ kind: 'settings' } & WriterFileSettings)
  | { kind: 'probed'; refusal: WorkerRefusal | null }
  | { kind: 'limited'; maxPageCount: number }
  | { kind: 'closed' };

/** A request to the worker other than a batch; the worker answers each in the order received. */
interface PendingControl {
  resolve(message: WorkerMessage): void;
  reject(error: Error): void;
}

interface WriterStartOptions {
  /** SQLite `max_page_count` of the writer connection (see SqliteEventStoreOptions.maxPageCount). */
  readonly maxPageCount?: number;
}

/** What start() opened: the writer, and why it cannot write yet if its start already found out (schema not written). */
interface StartedWriter {
  readonly writer: SqliteWriter;
  readonly refusal?: EventStoreUnavailableError;
}

interface PendingAppend {
  readonly request: AppendRequest;
  resolve(outcome: AppendOutcome): void;
  reject(error: Error): void;
}

const WORKER_SCRIPT = path.join(__dirname, 'writer.worker.js');
/**
 * What a write probe writes (and deletes in the same transaction): 16 pages of 4 KiB, room for a typical group of
 * appends, so "the probe went through" means appends can go through too.
 */
const PROBE_BYTES = 64 * 1024;
/** Stream heads the writer keeps (about 100 bytes each); the least recently appended streams are forgotten first. */
const HEADS_CACHE_LIMIT = 100_000;

/*
 * Wire format, shared with writer.worker.js (keep both in step). A batch is one flat array, per append: streamId,
 * expected, event count n, then n times eventId, type, data, metadata. Outcomes come back as two float64 per append:
 * [revision >= 0, position] appended, [CONFLICT, current revision], [NO_STREAM, 0], or [ERROR, 0] with the message in
 * `errors`.
 */
const CONFLICT = -1;
const NO_STREAM = -2;
/** Bounds one transaction (and one message) when a burst queues far more appends than a commit takes. */
const MAX_APPENDS_PER_BATCH = 2000;
/**
 * One batch at a time: appends that arrive while it commits form the next group. (Measured: a second batch in flight
 * or splitting groups to overlap the threads gained nothing here, fsync being cheap next to index updates.)
 */
const MAX_BATCHES_IN_FLIGHT = 1;

/**
 * Group commit in front of the writer worker. At most one batch is in flight; appends arriving meanwhile queue here
 * and all go as the next batch, so the commit rate adapts to the load: one append alone is committed at once,
 * 64 concurrent appends share one or two fsyncs.
 */
export class SqliteWriter {
  private readonly queue: PendingAppend[] = [];
  private readonly inFlight: PendingAppend[][] = [];
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;
  private idleWaiters: Array<() => void> = [];
  private readonly control: PendingControl[] = [];
  private stats = { commits: 0, appends: 0, largestBatch: 0, headQueries: 0 };

  private constructor(
    private readonly worker: Worker,
    private readonly onCommitted: () => void,
  ) {
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'batch-done') this.settleBatch(message);
      else if (message.kind === 'settings' || message.kind === 'probed' || message.kind === 'limited') {
        this.control.shift()?.resolve(message);
        if (this.isIdle()) this.becameIdle();
      }
    });
    worker.on('error', (error) =>
      this.fail(new EventStoreUnavailableError('writer-stopped', `The SQLite writer stopped: ${error.message}`)),
    );
    worker.on('exit', (code) =>
      this.fail(new EventStoreUnavailableError('writer-stopped', `The SQLite writer stopped (exit code ${code})`)),
    );
    worker.unref();
  }

  /** True once the worker has stopped (crashed, or closed): this writer takes no more work. */
  get stopped(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Starts the worker; resolves once the file is open with its settings and schema in place. Writes nothing when the
   * schema is current. A file that cannot be opened for writing, or whose schema cannot be written while it has no
   * events table yet, fails the start (EventStoreUnavailableError when a later start may succeed); a file with events
   * whose schema update could not be written starts with `refusal` set.
   */
  static async start(file: string, onCommitted: () => void, options: WriterStartOptions = {}): Promise<StartedWriter> {
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: {
        path: file,
        pragmas: SQLITE_FILE_PRAGMAS,
        schema: SQLITE_EVENTS_SCHEMA,
        schemaVersion: SQLITE_SCHEMA_VERSION,
        headsCacheLimit: HEADS_CACHE_LIMIT,
        maxPageCount: options.maxPageCount,
        probeBytes: PROBE_BYTES,
      },
    });
    const ready = await new Promise<Extract<WorkerMessage, { kind: 'ready' }>>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.kind === 'ready') done(undefined, message);
        if (message.kind === 'failed') done(refusalError('The SQLite writer could not open the file', message));
      };
      const onError = (error: Error) => done(error);
      const onExit = (code: number) => done(new Error(`SQLite writer exited during start-up (exit code ${code})`));
      const done = (error?: Error, message?: Extract<WorkerMessage, { kind: 'ready' }>) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (message) resolve(message);
        else reject(error);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    const writer = new SqliteWriter(worker, onCommitted);
    if (ready.refusal === null) return { writer };
    const { reason, message } = ready.refusal;
    return {
      writer,
      refusal: new EventStoreUnavailableError(
        reason ?? 'io-error',
        `The event store cannot write its schema: ${message}`,
      ),
    };
  }

  append(request: AppendRequest): Promise<AppendOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('The event store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.scheduleFlush();
    });
  }

  groupCommitStats(): GroupCommitStats {
    return { ...this.stats, writerBusy: this.worker.performance.eventLoopUtilization() };
  }

  /** Asks the writer connection itself: journal_mode and synchronous are per connection. */
  async fileSettings(): Promise<WriterFileSettings> {
    const { journalMode, synchronous } = (await this.ask({ kind: 'settings' })) as WriterFileSettings;
    return { journalMode, synchronous };
  }

  /**
   * Whether a write goes through now: the worker commits a small probe transaction (see writer.worker.js).
   * @throws EventStoreUnavailableError when it cannot write (disk full, I/O error, stopped), another Error otherwise.
   */
  async probeWrite(): Promise<void> {
    const { refusal } = (await this.ask({ kind: 'probe' })) as Extract<WorkerMessage, { kind: 'probed' }>;
    if (refusal !== null) throw refusalError('The event store cannot write', refusal);
  }

  /** Sets the writer connection's `max_page_count`; resolves with the limit SQLite applied (never below the size). */
  async setMaxPageCount(pages: number): Promise<number> {
    if (!Number.isSafeInteger(pages) || pages < 1) throw new RangeError(`Invalid page count ${pages}`);
    return ((await this.ask({ kind: 'limit', maxPageCount: pages })) as Extract<WorkerMessage, { kind: 'limited' }>)
      .maxPageCount;
  }

  /** Lets queued appends finish, then stops the worker (which closes its connection). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await new Promise<void>((resolve) => (this.isIdle() ? resolve() : this.idleWaiters.push(resolve)));
      if (this.failure) return;
      this.failure = new Error('The event store is closed');
      this.worker.ref();
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ kind: 'close' });
      await exited;
    })();
    return this.closing;
  }

  private scheduleFlush(): void {
    if (this.inFlight.length >= MAX_BATCHES_IN_FLIGHT || this.flushScheduled || this.queue.length === 0) return;
    this.flushScheduled = true;
    // After the current I/O callbacks and microtasks: every append issued meanwhile joins this batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight.length >= MAX_BATCHES_IN_FLIGHT || this.queue.length === 0 || this.failure) return;
    const batch = this.queue.splice(0, MAX_APPENDS_PER_BATCH);
    this.inFlight.push(batch);
    this.worker.ref();
    const fields: Array<string | number> = [];
    for (const { request } of batch) {
      fields.push(request.streamId, request.expected, request.events.length);
      for (const event of request.events) fields.push(event[0], event[1], event[2], event[3]);
    }
    this.worker.postMessage({ kind: 'batch', count: batch.length, fields });
  }

  private settleBatch(done: Extract<WorkerMessage, { kind: 'batch-done' }>): void {
    const batch = this.inFlight.shift() ?? [];
    this.stats = {
      commits: this.stats.commits + 1,
      appends: this.stats.appends + batch.length,
      largestBatch: Math.max(this.stats.largestBatch, batch.length),
      headQueries: done.headQueries,
    };
    const { outcomes } = done;
    const errors = new Map(done.errors.map(([index, message, reason]) => [index, [message, reason] as const]));
    let anyAppended = false;
    for (let index = 0; index < batch.length; index++) {
      const code = outcomes[2 * index];
      const value = outcomes[2 * index + 1];
      let outcome: AppendOutcome;
      if (code >= 0) {
        outcome = { ok: true, nextExpectedRevision: code, position: value };
        anyAppended = true;
      } else if (code === CONFLICT) outcome = { ok: false, conflict: value };
      else if (code === NO_STREAM) outcome = { ok: false, conflict: 'no_stream' };
      else {
        const [message, reason] = errors.get(index) ?? ['The writer gave no reason', null];
        outcome = reason === null ? { ok: false, error: message } : { ok: false, error: message, unavailable: reason };
      }
      batch[index].resolve(outcome);
    }
    if (anyAppended) this.onCommitted();
    if (this.queue.length > 0) this.scheduleFlush();
    else if (this.isIdle()) this.becameIdle();
  }

  private ask(
    request: { kind: 'settings' | 'probe' } | { kind: 'limit'; maxPageCount: number },
  ): Promise<WorkerMessage> {
    if (this.failure || this.closing) return Promise.reject(this.failure ?? new Error('The event store is closed'));
    return new Promise((resolve, reject) => {
      this.control.push({ resolve, reject });
      this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  private isIdle(): boolean {
    return this.inFlight.length === 0 && this.queue.length === 0 && this.control.length === 0;
  }

  private becameIdle(): void {
    this.worker.unref();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((wake) => wake());
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = this.closing ? new Error('The event store is closed') : error;
    for (const pending of [...this.inFlight.splice(0).flat(), ...this.queue.splice(0)]) pending.reject(this.failure);
    for (const waiter of this.control.splice(0)) waiter.reject(this.failure);
    this.becameIdle();
  }
}

/** The worker's refusal as an error: EventStoreUnavailableError when a later attempt may succeed. */
function refusalError(context: string, refusal: WorkerRefusal): Error {
  const message = `${context}: ${refusal.message}`;
  return refusal.reason === null ? new Error(message) : new EventStoreUnavailableError(refusal.reason, message);
}
