/**
 * The one retry helper of the feeds (and of everything else that waits and tries again): exponential backoff,
 * capped, cut short by an abort signal. Which errors are retried, and how often, is the caller's one predicate.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** The pause after the first failure; doubled after each further one. */
  readonly initialDelayMs: number;
  /** Upper bound of the pause. */
  readonly maxDelayMs: number;
}

/** 0.2 s, 0.4 s, 0.8 s, … at most 5 s: a database or broker blip is bridged at once, an outage is not hammered. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 5_000 };

/** The pause after `failures` consecutive failures (1, 2, …): initial × 2^(failures − 1), at most the maximum. */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
  // The exponent is clamped so that a long outage never overflows to Infinity (and then NaN for 0 × Infinity).
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
}

/** Waits `ms`; resolves false at once (or early) when `signal` aborts, true when the whole pause passed. */
export async function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  try {
    await sleep(ms, undefined, signal === undefined ? undefined : { signal });
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}

/** The retries were given up because the caller stopped (signal or `continueIf`); `cause` is the last failure. */
export class RetryStopped extends Error {
  override readonly name = 'RetryStopped';
  constructor(cause: unknown) {
    super('stopped while retrying', { cause });
  }
}

interface RetryOptions {
  readonly policy: RetryPolicy;
  /**
   * Whether to try again after this failure (`failures`: consecutive failures so far, 1, 2, …); default: always.
   * When false, the error is thrown as it is.
   */
  readonly shouldRetry?: (error: Error, failures: number) => boolean;
  /** Told about each failure that will be retried, before the pause (log it, count it). */
  readonly onRetry?: (error: Error, failures: number, delayMs: number) => void;
  /** Ends the pause at once and the retries with RetryStopped. */
  readonly signal?: AbortSignal;
  /** Checked before and after each pause: false ends the retries with RetryStopped (a lost Kafka partition). */
  readonly continueIf?: () => boolean;
}

/**
 * Calls `operation` until it resolves; after a failure that `shouldRetry` accepts it pauses for
 * `retryDelayMs(policy, failures)` and tries again. `attempt` counts from 1; a long-running operation (a
 * subscription) calls `progressed()` when it got somewhere, so that its next failure counts as the first again.
 * @throws the failure `shouldRetry` refused; RetryStopped when stopped between attempts.
 */
export async function retry<Result>(
  operation: (attempt: number, progressed: () => void) => Promise<Result>,
  { policy, shouldRetry = () => true, onRetry, signal, continueIf = () => true }: RetryOptions,
): Promise<Result> {
  let failures = 0;
  const progressed = () => {
    failures = 0;
  };
  for (;;) {
    try {
      return await operation(failures + 1, progressed);
    } catch (caught) {
      const error = asError(caught);
      failures++;
      if (!shouldRetry(error, failures)) throw error;
      const delayMs = retryDelayMs(policy, failures);
      onRetry?.(error, failures, delayMs);
      if (signal?.aborted || !continueIf()) throw new RetryStopped(error);
      if (!(await pause(delayMs, signal)) || !continueIf()) throw new RetryStopped(error);
    }
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
