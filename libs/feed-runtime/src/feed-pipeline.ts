/**
 * The one pipeline every feed runs (DESIGN 5): batches from a source go to a sink in one call each (one read-model
 * transaction); a failure is either the items' fault (poison: isolated, bounded, then quarantined) or the
 * infrastructure's (transient: retried with the one retry policy until it works or the feed stops).
 *
 * - A batch of several that fails with a poison error is handed over again one item at a time, so that the items
 *   around the culprit(s) are applied.
 * - A single item that fails with a poison error gets `poisonAttempts` attempts, then goes to the sink's quarantine
 *   (a dead-letter topic, a quarantined stream) and the feed moves past it.
 * - A transient error is retried with backoff, `transientAttempts` times in all (default: until it works).
 * - A stop between attempts abandons the batch: it is not acknowledged, so the source delivers it again.
 *
 * The checkpoint contract: a source batch is acknowledged (its checkpoint advanced) only once every item of it was
 * applied or quarantined, in order, and never after an abandoned one. Sinks make a redelivery harmless: the
 * read-model stores skip a revision a stream already applied, in the transaction that writes the rows.
 */
import { asError, DEFAULT_RETRY_POLICY, retry, retryDelayMs, RetryStopped, type RetryPolicy } from './retry';

export interface FeedSink<Item> {
  /** Applies the batch as a whole (one transaction) or fails as a whole. */
  handle(batch: readonly Item[]): Promise<void>;
  /** Whether a handler error is the items' fault (isolated, bounded, quarantined) rather than the infrastructure's. */
  isPoison(error: Error): boolean;
  /**
   * Takes an item that kept failing out of the feed (dead-letter it, quarantine its stream). A failure here fails
   * the batch (it is not acknowledged, and delivered again).
   */
  quarantine(item: Item, error: Error, attempts: number): Promise<void>;
}

/** A failed handler call, reported before the pipeline retries, isolates, quarantines or gives up. */
export interface FeedFailure<Item> {
  readonly error: Error;
  readonly kind: 'poison' | 'transient';
  /** Consecutive failures of this handler call so far, of either kind (1, 2, …). */
  readonly failures: number;
  readonly batch: readonly Item[];
  /** The pause before the call is tried again; null when it is not (a batch isolated, an item quarantined). */
  readonly retryInMs: number | null;
}

interface FeedPipelineOptions<Item> {
  readonly sink: FeedSink<Item>;
  /** Default DEFAULT_RETRY_POLICY. */
  readonly retryPolicy?: RetryPolicy;
  /** Attempts of a single item failing with a poison error before it is quarantined; default 3. */
  readonly poisonAttempts?: number;
  /** Attempts of a handler call failing with any other error before that error is thrown; default unbounded. */
  readonly transientAttempts?: number;
  /** Called after each failed handler call (log it, count it). */
  readonly onFailure?: (failure: FeedFailure<Item>) => void;
}

/** How the caller stops a feed and keeps its source alive while the pipeline waits. */
export interface FeedControl {
  /** Aborting ends a pause at once; the batch in hand is then abandoned. */
  readonly signal?: AbortSignal;
  /** Checked around every pause and before each quarantine: false abandons the batch (a lost Kafka partition). */
  readonly continueIf?: () => boolean;
  /** Awaited before each retry (a Kafka heartbeat); its failure is ignored: the broker may be what is down. */
  readonly beforeRetry?: () => Promise<void>;
}

/** Each handler call ends handled, abandoned (stopped), or poisoned (the error, after the attempts it got). */
type Outcome = 'handled' | 'abandoned' | { readonly error: Error; readonly attempts: number };

export class FeedPipeline<Item> {
  private readonly sink: FeedSink<Item>;
  private readonly retryPolicy: RetryPolicy;
  private readonly poisonAttempts: number;
  private readonly transientAttempts: number;

  constructor(private readonly options: FeedPipelineOptions<Item>) {
    this.sink = options.sink;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.poisonAttempts = options.poisonAttempts ?? 3;
    this.transientAttempts = options.transientAttempts ?? Infinity;
    if (!Number.isInteger(this.poisonAttempts) || this.poisonAttempts < 1) {
      throw new RangeError('poisonAttempts must be a positive integer');
    }
    if (!(this.transientAttempts >= 1)) throw new RangeError('transientAttempts must be at least 1');
  }

  /**
   * Applies the batch, isolating and quarantining poison items.
   * @returns `settled` when every item was applied or quarantined; `abandoned` when the feed stopped first.
   * @throws a transient error after `transientAttempts`; whatever the sink's quarantine throws.
   */
  async process(batch: readonly Item[], control: FeedControl = {}): Promise<'settled' | 'abandoned'> {
    if (batch.length === 0) return 'settled';
    if (batch.length > 1) {
      // A poison error is not retried as a batch: the culprit is found item by item.
      const outcome = await this.call(batch, control, 1);
      if (outcome === 'handled') return 'settled';
      if (outcome === 'abandoned') return 'abandoned';
    }
    for (const item of batch) {
      const outcome = await this.call([item], control, this.poisonAttempts);
      if (outcome === 'handled') continue;
      // Stopping, or a Kafka consumer that lost the partition: the verdict is left to whoever delivers it next.
      if (outcome === 'abandoned' || stopped(control)) return 'abandoned';
      await this.sink.quarantine(item, outcome.error, outcome.attempts);
    }
    return 'settled';
  }

  /** One handler call, retried while it fails transiently, and up to `poisonAttempts` times while it is poisoned. */
  private async call(batch: readonly Item[], control: FeedControl, poisonAttempts: number): Promise<Outcome> {
    let poisonFailures = 0;
    try {
      await retry(
        async (attempt) => {
          if (attempt > 1) await control.beforeRetry?.().catch(() => undefined);
          await this.sink.handle(batch);
        },
        {
          policy: this.retryPolicy,
          signal: control.signal,
          continueIf: control.continueIf,
          shouldRetry: (error, failures) => {
            const poison = this.sink.isPoison(error);
            const retrying = poison ? ++poisonFailures < poisonAttempts : failures < this.transientAttempts;
            const retryInMs = retrying ? retryDelayMs(this.retryPolicy, failures) : null;
            this.options.onFailure?.({ error, kind: poison ? 'poison' : 'transient', failures, batch, retryInMs });
            return retrying;
          },
        },
      );
      return 'handled';
    } catch (caught) {
      if (caught instanceof RetryStopped) return 'abandoned';
      const error = asError(caught);
      if (!this.sink.isPoison(error)) throw error;
      return { error, attempts: poisonFailures };
    }
  }
}

/** A batch from a source, with how to advance the source's checkpoint past it. */
export interface SourceBatch<Item> {
  readonly items: readonly Item[];
  /**
   * Advances the checkpoint past the batch (a Kafka offset). Absent where the sink advances it itself, in the
   * transaction that applies the items (the read-model stores' checkpoint).
   */
  acknowledge?(): Promise<void>;
}

/**
 * Runs a source through the pipeline until the source ends or the feed stops: each batch processed, then
 * acknowledged; an abandoned batch ends the run unacknowledged (ending the source's iteration as well).
 * @returns `ended` when the source ran dry, `stopped` when the feed stopped.
 */
export async function runFeed<Item>(
  source: AsyncIterable<SourceBatch<Item>>,
  pipeline: FeedPipeline<Item>,
  control: FeedControl = {},
): Promise<'ended' | 'stopped'> {
  for await (const batch of source) {
    if (stopped(control)) return 'stopped';
    if ((await pipeline.process(batch.items, control)) === 'abandoned') return 'stopped';
    await batch.acknowledge?.();
  }
  return stopped(control) ? 'stopped' : 'ended';
}

function stopped(control: FeedControl): boolean {
  return control.signal?.aborted === true || (control.continueIf !== undefined && !control.continueIf());
}
