import {
  START,
  UnavailableError,
  type AllStreamSubscription,
  type Position as EsdbPosition,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { SubscriptionError, type AllSubscription, type RecordedEvent } from '@lib/event-sourcing';
import { pause, retryDelayMs } from '@lib/feed-runtime';
import {
  compareEsdbPositions,
  describeEsdbError,
  encodePosition,
  fromEsdbEvent,
  isTransientError,
} from './esdb-mapping';

export interface ResubscribeOptions {
  /** Delay before the first resubscription after a drop; doubled per consecutive failure. Default 500 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound of that delay. Default 10 s. */
  readonly maxDelayMs?: number;
  /**
   * Consecutive failed attempts after which the error ends the iteration (the process should then fail loudly and
   * restart from its durable checkpoint). Reset only when a subscription made progress: it passed an event after the
   * resume position, or caught up with the head of $all. A confirmation alone does not count: the server confirms
   * before it finds that it cannot serve the subscription. Default 10.
   */
  readonly maxAttempts?: number;
  /** Told about every drop that will be retried, e.g. to log it. */
  readonly onDropped?: (error: unknown, attempt: number) => void;
}

export interface ResubscribingSubscriptionOptions extends ResubscribeOptions {
  /** Opens a catch-up subscription on $all from a position (the client's subscribeToAll). */
  readonly subscribe: (from: ReadPosition) => AllStreamSubscription;
  /** Deliver only events strictly after this position. */
  readonly after?: EsdbPosition;
  /** Which events are delivered; the others are passed over (but still advance the resume position). Called once per event. */
  readonly accepts: (event: EsdbRecordedEvent) => boolean;
  readonly onClose?: () => void;
}

/**
 * How an $all subscription ended other than by close(): a non-transient error at once (not retried), or transient
 * errors `attempts` times in a row without progress. The process should fail loudly (and exit non-zero) rather than
 * carry on without its feed; a restart resubscribes from its durable checkpoint. It is the port's SubscriptionError,
 * so a reader tells a permanent end from a transient one without knowing this adapter.
 */
export class EsdbSubscriptionError extends SubscriptionError {
  override readonly name = 'EsdbSubscriptionError';
  constructor(
    /** True when the server was unreachable (or similar) every time: a restart may succeed later. */
    transient: boolean,
    /** Subscriptions opened, the failed ones included. */
    readonly attempts: number,
    /** Where the subscription was resuming from (the port's position), or undefined for the start of $all. */
    readonly resumeAfter: string | undefined,
    cause: unknown,
  ) {
    const from = resumeAfter === undefined ? 'the start of $all' : `after position ${resumeAfter}`;
    super(
      transient,
      transient
        ? `The EventStoreDB $all subscription (from ${from}) failed ${attempts} times in a row without progress; giving up: ${describeEsdbError(cause)}`
        : `The EventStoreDB $all subscription (from ${from}) ended with an error that is not retried: ${describeEsdbError(cause)}`,
      { cause },
    );
  }
}

/**
 * A catch-up subscription on $all that survives dropped connections: it resubscribes from the last position it
 * passed and skips anything at or before it, so each event is delivered once and in order.
 */
export class ResubscribingAllSubscription implements AllSubscription {
  #closed = false;
  #iterated = false;
  #current: AllStreamSubscription | undefined;
  readonly #stop = new AbortController();

  constructor(private readonly options: ResubscribingSubscriptionOptions) {}

  /** One iteration per subscription; once it is closed, iterating again yields nothing. */
  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.#iterated && !this.#closed) throw new Error('An $all subscription can be iterated only once');
    this.#iterated = true;
    return this.#deliver();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    if (this.#current) await this.#release(this.#current);
    this.options.onClose?.();
  }

  async *#deliver(): AsyncGenerator<RecordedEvent> {
    const { initialDelayMs = 500, maxDelayMs = 10_000, maxAttempts = 10 } = this.options;
    let last = this.options.after;
    let failures = 0;
    let attempts = 0;
    try {
      while (!this.#closed) {
        const subscription = this.options.subscribe(last ?? START);
        attempts += 1;
        this.#current = subscription;
        subscription.on('caughtUp', () => (failures = 0));
        let dropped: unknown;
        try {
          for await (const resolved of subscription) {
            const event = resolved.event;
            // The server may repeat the event at the resume position; never deliver anything twice.
            if (!event || (last && compareEsdbPositions(event.position, last) <= 0)) continue;
            failures = 0;
            if (!this.options.accepts(event)) {
              last = event.position;
              continue;
            }
            const recorded = fromEsdbEvent(event);
            last = event.position;
            yield recorded;
          }
          dropped = new UnavailableError(undefined, 'EventStoreDB ended the $all subscription');
        } catch (error) {
          dropped = error;
        } finally {
          await this.#release(subscription);
        }
        if (this.#closed) return;
        failures += 1;
        const transient = isTransientError(dropped);
        if (!transient || failures >= maxAttempts) {
          throw new EsdbSubscriptionError(transient, attempts, last && encodePosition(last), dropped);
        }
        this.options.onDropped?.(dropped, failures);
        await pause(retryDelayMs({ initialDelayMs, maxDelayMs }, failures), this.#stop.signal);
      }
    } finally {
      this.#closed = true;
      this.#stop.abort();
      this.options.onClose?.();
    }
  }

  /**
   * Ends the local stream first (so a pending read returns at once), then cancels the gRPC call. Only the current
   * subscription is released, so close() and the iteration's own clean-up never release one twice.
   */
  async #release(subscription: AllStreamSubscription): Promise<void> {
    if (this.#current !== subscription) return;
    this.#current = undefined;
    subscription.on('error', ignoreLateError);
    subscription.destroy();
    await subscription.unsubscribe().catch(() => undefined);
  }
}

/** The client emits errors on its stream even after we let go of it; unheard, they would crash the process. */
export function ignoreLateError(): void {}
