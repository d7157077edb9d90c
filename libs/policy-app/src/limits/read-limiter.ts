import type { ReadLimitsConfig } from './read-limits-config';

/** Why a read was refused, and when the caller may try again. */
export interface ReadRefusal {
  readonly admitted: false;
  /** `concurrency`: the key has `concurrency` reads in progress; `rate`: it asked for too many rows lately. */
  readonly reason: 'concurrency' | 'rate';
  /** Whole seconds (≥ 1), for Retry-After. */
  readonly retryAfterSeconds: number;
  readonly limits: ReadLimitsConfig;
}

/** An admitted read holds one of its key's slots until `release` (idempotent). */
export interface ReadAdmission {
  readonly admitted: true;
  readonly release: () => void;
}

interface KeyState {
  inProgress: number;
  /** Token bucket: rows the key may ask for now; refilled at `rowsPerSecond` up to `burstRows`. */
  tokens: number;
  refilledAt: number;
}

/** Above this many tracked keys, idle keys with a full bucket (nothing to remember) are dropped. */
const PRUNE_ABOVE_KEYS = 1_000;

/**
 * Per-key admission of expensive reads: at most `concurrency` in progress (a slot is held until the response is
 * sent, so a client that pipelines pages or does not read its responses holds its own slots, not everyone's memory)
 * and a token bucket of `burstRows` rows refilled at `rowsPerSecond`, from which each read takes the rows it asks
 * for (a full page costs ten default ones). A refused read takes nothing: it is answered at once. Keys are
 * independent, so one busy key never delays another's reads.
 */
export class ReadLimiter {
  private readonly keys = new Map<string, KeyState>();

  /** `now` in milliseconds from a monotonic clock (injected by the unit tests). */
  constructor(
    readonly limits: ReadLimitsConfig,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** `rows`: the page size the read asks for (1 to MAX_READ_PAGE_ROWS). */
  admit(keyId: string, rows: number): ReadAdmission | ReadRefusal {
    const cost = Math.min(Math.max(rows, 1), this.limits.burstRows);
    const now = this.now();
    const state = this.stateOf(keyId, now);
    if (state.inProgress >= this.limits.concurrency) {
      // Nothing says when a slot frees up; a page takes well under a second.
      return { admitted: false, reason: 'concurrency', retryAfterSeconds: 1, limits: this.limits };
    }
    if (state.tokens < cost) {
      const secondsUntilAffordable = (cost - state.tokens) / this.limits.rowsPerSecond;
      return {
        admitted: false,
        reason: 'rate',
        retryAfterSeconds: Math.max(1, Math.ceil(secondsUntilAffordable)),
        limits: this.limits,
      };
    }
    state.tokens -= cost;
    state.inProgress++;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        state.inProgress--;
      },
    };
  }

  /** Reads of the key in progress now (for tests). */
  inProgress(keyId: string): number {
    return this.keys.get(keyId)?.inProgress ?? 0;
  }

  private stateOf(keyId: string, now: number): KeyState {
    let state = this.keys.get(keyId);
    if (state === undefined) {
      if (this.keys.size >= PRUNE_ABOVE_KEYS) this.pruneIdle(now);
      state = { inProgress: 0, tokens: this.limits.burstRows, refilledAt: now };
      this.keys.set(keyId, state);
      return state;
    }
    this.refill(state, now);
    return state;
  }

  private refill(state: KeyState, now: number): void {
    const elapsedSeconds = Math.max(0, now - state.refilledAt) / 1000;
    state.tokens = Math.min(this.limits.burstRows, state.tokens + elapsedSeconds * this.limits.rowsPerSecond);
    state.refilledAt = now;
  }

  private pruneIdle(now: number): void {
    for (const [keyId, state] of this.keys) {
      this.refill(state, now);
      if (state.inProgress === 0 && state.tokens >= this.limits.burstRows) this.keys.delete(keyId);
    }
  }
}
