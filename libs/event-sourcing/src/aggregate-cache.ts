import type { NewEvent } from './event-store';

/** An event a command appended under an idempotency key, as the command result reports it. */
export interface KeyedEvent extends NewEvent {
  readonly revision: number;
}

/**
 * One stream's folded state, exact for `revision`: the fold of every event up to and including it, and every event
 * up to it that carries an idempotency key. An entry is replaced, never changed, so a command holding one keeps a
 * consistent view while another command on the same stream moves the cache on.
 */
export interface CachedStream<State> {
  /** The aggregate (decider + codec) that folded the state; a lookup with another aggregate is a miss. */
  readonly aggregate: object;
  readonly revision: number;
  readonly state: State;
  /** Events with an idempotency key, by `idempotencySlot(actorId, key)`, in stream order. */
  readonly keyed: ReadonlyMap<string, readonly KeyedEvent[]>;
}

/**
 * When a command checks that the cached state is still the stream's state:
 * - `'read-before-decide'`: read the events appended since the cached revision, then decide. One small read per
 *   command; right when several instances write the same streams, so a stale cache costs no failed append.
 * - `'check-at-append'`: decide on the cached state and let the append's revision check find out: no read on the
 *   hot path. A command that meets a newer stream (a conflict), a rule rejection, a no-op decision or a different
 *   If-Match revision first catches up from the store and decides again, so no outcome rests on a stale state. Right
 *   when one instance does (nearly) all writes, as in the embedded mode.
 */
export type CacheFreshness = 'read-before-decide' | 'check-at-append';

interface AggregateCacheOptions {
  /** How many streams to keep; the least recently used is dropped first. */
  readonly maxStreams: number;
  /** Default `'read-before-decide'`. */
  readonly freshness?: CacheFreshness;
}

/** The key of an actor's idempotency key in `CachedStream.keyed`. */
export function idempotencySlot(actorId: string, idempotencyKey: string): string {
  return JSON.stringify([actorId, idempotencyKey]);
}

/**
 * Folded aggregate state per stream, bounded LRU by stream count: the command loop reads at most the events after
 * the cached revision instead of the whole stream (see CacheFreshness). It never stands in for the store's revision
 * check: every command still appends with the revision it decided on, so several API instances (or any other
 * writer) stay correct, and a command that loses a race catches up from the store and decides again. The state objects are shared between
 * requests: deciders and views must treat state as immutable (they do: `evolve` returns new objects).
 */
export class AggregateCache {
  /**
   * Two generations instead of a strict recency list (moving an entry on every hit showed in the profile): hits
   * and new entries go to `recent`; when it is full, it becomes `older` and the previous `older` is dropped. An
   * entry hit in `older` moves back to `recent`. So at most `maxStreams` streams are held, the least recently used
   * go first, and a hit in `recent` costs one map lookup.
   */
  private recent = new Map<string, CachedStream<unknown>>();
  private older = new Map<string, CachedStream<unknown>>();
  private readonly generationSize: number;
  private readonly keepsOlder: boolean;
  readonly freshness: CacheFreshness;

  constructor(options: AggregateCacheOptions) {
    if (!Number.isSafeInteger(options.maxStreams) || options.maxStreams < 1)
      throw new RangeError(`maxStreams must be a positive integer, got ${options.maxStreams}`);
    this.generationSize = Math.max(1, Math.floor(options.maxStreams / 2));
    this.keepsOlder = this.generationSize * 2 <= options.maxStreams;
    this.freshness = options.freshness ?? 'read-before-decide';
  }

  /** Streams held now. */
  get size(): number {
    return this.recent.size + this.older.size;
  }

  /** Whether the stream is held, without marking it used. */
  has(streamId: string): boolean {
    return this.recent.has(streamId) || this.older.has(streamId);
  }

  /** The entry of a stream folded by this aggregate (and marks it recently used), or undefined. */
  get<State>(aggregate: object, streamId: string): CachedStream<State> | undefined {
    let entry = this.recent.get(streamId);
    if (entry === undefined) {
      entry = this.older.get(streamId);
      if (entry === undefined) return undefined;
      this.older.delete(streamId);
      this.keepRecent(streamId, entry);
    }
    return entry.aggregate === aggregate ? (entry as CachedStream<State>) : undefined;
  }

  /** Keeps an entry unless the cache already holds a later revision of the stream. */
  remember<State>(streamId: string, entry: CachedStream<State>): void {
    const held = this.recent.get(streamId) ?? this.older.get(streamId);
    if (held !== undefined && held.aggregate === entry.aggregate && held.revision >= entry.revision) return;
    this.older.delete(streamId);
    this.keepRecent(streamId, entry);
  }

  forget(streamId: string): void {
    this.recent.delete(streamId);
    this.older.delete(streamId);
  }

  clear(): void {
    this.recent.clear();
    this.older.clear();
  }

  private keepRecent(streamId: string, entry: CachedStream<unknown>): void {
    if (!this.recent.has(streamId) && this.recent.size >= this.generationSize) {
      this.older = this.keepsOlder ? this.recent : new Map();
      this.recent = new Map();
    }
    this.recent.set(streamId, entry);
  }
}
