import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { SubscriptionError, type AllSubscription, type Position, type RecordedEvent } from '@lib/event-sourcing';
import { DEFAULT_RETRY_POLICY, pause, retryDelayMs, type LingerOptions } from '@lib/feed-runtime';
import { startWorkerThread } from '@lib/worker-runtime';
import type { Logger } from 'pino';
import type { EmbeddedProjectorState } from './embedded-feed';

/** What the worker is given (workerData). */
export interface ProjectionWorkerData {
  /** The event store's SQLite file, read with a connection of the worker's own. */
  readonly eventsFile: string;
  /** DATA_DIR: the read models' SQLite file is opened there, with a connection of the worker's own. */
  readonly dataDir: string;
  readonly batching: LingerOptions;
  /** How often the worker's idle subscription looks for new events (the API thread's writer commits them). */
  readonly pollIntervalMs: number;
  /** The API logger's level: lines below it are not even sent. */
  readonly logLevel: string;
}

/** Worker → API thread. `log` carries one pino line of the worker, logged again by the API's logger. */
export type ProjectionWorkerMessage =
  | { readonly kind: 'state'; readonly state: EmbeddedProjectorState }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'feed-event'; readonly id: number; readonly event: RecordedEvent }
  | { readonly kind: 'feed-ended'; readonly id: number; readonly transient: boolean; readonly reason: string }
  | { readonly kind: 'stopped' };

/** API thread → worker. */
export type ProjectionWorkerRequest =
  | {
      readonly kind: 'subscribe';
      readonly id: number;
      readonly after: Position | null;
      readonly eventTypes: readonly string[];
    }
  | { readonly kind: 'unsubscribe'; readonly id: number }
  | { readonly kind: 'stop' };

const WORKER_SCRIPT = path.join(__dirname, 'projection.worker');
/** A worker that does not confirm its stop within this time is terminated (its transaction rolls back). */
const STOP_TIMEOUT_MS = 10_000;

interface ProjectionThreadOptions extends Omit<ProjectionWorkerData, 'logLevel'> {
  readonly logger: Logger;
  readonly onState: (state: EmbeddedProjectorState) => void;
  readonly onFailed: (reason: string) => void;
}

/**
 * The embedded feed (EmbeddedFeed) in a worker thread of its own (projection.worker.ts), with its own connections to
 * the event store's file and the read models' file: the projection's SQLite upserts and its reading and parsing of
 * `$all` use the second core instead of the API's event loop. The worker's log lines, state and a permanent failure
 * come back here; a worker that dies (it should not: the feed retries every failure itself) is started again after
 * the feed runtime's pause.
 */
export class ProjectionThread {
  private worker: Worker | undefined;
  private stopping: Promise<void> | undefined;
  /** Ends the pause before a restart when the thread is stopped. */
  private readonly stopSignal = new AbortController();
  private restarts = 0;
  private readonly forwarded = new Map<number, ForwardedSubscription>();
  private lastForwardedId = 0;

  constructor(private readonly options: ProjectionThreadOptions) {}

  /**
   * `$all` after `checkpoint`, read in the worker, of which only the events of `eventTypes` are delivered (their
   * positions are the log's): for a reader that wants a few rare events, whose search through the whole log then
   * costs this thread nothing. It ends with a transient SubscriptionError when the worker stops.
   */
  subscribeToAll(checkpoint: Position | null, eventTypes: readonly string[]): AllSubscription {
    this.start();
    const id = ++this.lastForwardedId;
    const subscription = new ForwardedSubscription(() => {
      this.forwarded.delete(id);
      this.worker?.postMessage({ kind: 'unsubscribe', id } satisfies ProjectionWorkerRequest);
    });
    if (this.worker === undefined) {
      subscription.end(new SubscriptionError(true, 'The projection worker is stopping'));
      return subscription;
    }
    this.forwarded.set(id, subscription);
    this.worker.postMessage({ kind: 'subscribe', id, after: checkpoint, eventTypes } satisfies ProjectionWorkerRequest);
    return subscription;
  }

  start(): void {
    if (this.worker !== undefined || this.stopping !== undefined) return;
    const { logger, onState: _onState, onFailed: _onFailed, ...data } = this.options;
    const workerData: ProjectionWorkerData = { ...data, logLevel: logger.level };
    const worker = startWorkerThread(WORKER_SCRIPT, { workerData });
    this.worker = worker;
    // Like the event store's writer: the server's lifetime is not the projection's (a stop is asked for, see stop).
    worker.unref();
    worker.on('message', (message: ProjectionWorkerMessage) => this.received(message));
    worker.on('error', (error) => logger.error({ err: error }, 'embedded projection worker failed'));
    worker.on('exit', (code) => {
      this.worker = undefined;
      for (const subscription of this.forwarded.values()) {
        subscription.end(new SubscriptionError(true, 'The projection worker stopped'));
      }
      this.forwarded.clear();
      if (this.stopping !== undefined) return;
      this.options.onState('retrying');
      const delayMs = retryDelayMs(DEFAULT_RETRY_POLICY, ++this.restarts);
      logger.error({ exitCode: code, retryInMs: delayMs }, 'embedded projection worker stopped; starting it again');
      void pause(delayMs, this.stopSignal.signal).then((paused) => paused && this.start());
    });
  }

  /** Asks the worker to stop its feed and close its connections; resolves once it has exited. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopSignal.abort();
      const worker = this.worker;
      if (worker === undefined) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ kind: 'stop' } satisfies ProjectionWorkerRequest);
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  private received(message: ProjectionWorkerMessage): void {
    switch (message.kind) {
      case 'state':
        if (message.state === 'running') this.restarts = 0;
        this.options.onState(message.state);
        return;
      case 'failed':
        this.options.onFailed(message.reason);
        return;
      case 'log':
        relayLogLine(this.options.logger, message.line);
        return;
      case 'feed-event':
        this.forwarded.get(message.id)?.deliver(message.event);
        return;
      case 'feed-ended':
        this.forwarded.get(message.id)?.end(new SubscriptionError(message.transient, message.reason));
        this.forwarded.delete(message.id);
        return;
      case 'stopped':
        return;
      default: {
        const _exhaustive: never = message;
        return _exhaustive;
      }
    }
  }
}

/** The API thread's end of a subscription forwarded by the worker: the events it posted, in order. */
class ForwardedSubscription implements AllSubscription {
  private readonly queue: RecordedEvent[] = [];
  private ended: { readonly error?: Error } | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly onClose: () => void) {}

  deliver(event: RecordedEvent): void {
    this.queue.push(event);
    this.wakeUp();
  }

  /** Ends the iteration once the events delivered so far are taken; with `error`, the iteration throws it. */
  end(error: Error): void {
    this.ended ??= { error };
    this.wakeUp();
  }

  async close(): Promise<void> {
    if (this.ended !== undefined) return;
    this.ended = {};
    this.queue.length = 0;
    this.onClose();
    this.wakeUp();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    for (;;) {
      const event = this.queue.shift();
      if (event !== undefined) {
        yield event;
        continue;
      }
      if (this.ended !== undefined) {
        if (this.ended.error !== undefined) throw this.ended.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Logs a pino line of the worker with the API's logger (its own time, pid and hostname are the API's). */
function relayLogLine(logger: Logger, line: string): void {
  const {
    level,
    msg,
    time: _time,
    pid: _pid,
    hostname: _hostname,
    ...fields
  } = JSON.parse(line) as {
    level: number;
    msg?: string;
    [field: string]: unknown;
  };
  const label = logger.levels.labels[level] as 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | undefined;
  logger[label ?? 'info'](fields, msg);
}
