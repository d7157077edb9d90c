import {
  StreamNotFoundError,
  type AllSubscription,
  type AppendResult,
  type EventStore,
  type Position,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '../event-store';

/** What one subscription does: deliver these events, then fail with `failWith` — or, without it, stay live. */
export interface SubscriptionScript {
  readonly events?: readonly RecordedEvent[];
  readonly failWith?: unknown;
}

/**
 * An event store for testing a reader's subscription handling (resubscribe or stop): each `subscribeToAll` plays the
 * next script; once they run out, subscriptions stay live (deliver nothing) until closed. It holds no streams:
 * `readStream` is StreamNotFoundError, `readAll` is empty, `append` is refused.
 */
export class ScriptedSubscriptions implements EventStore {
  /** The `after` of every subscribeToAll call, in order (undefined: from the start). */
  readonly subscribedAfter: (Position | undefined)[] = [];
  readonly #live = new Set<() => void>();

  constructor(private readonly scripts: readonly SubscriptionScript[]) {}

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const script = this.scripts[this.subscribedAfter.length] ?? {};
    this.subscribedAfter.push(options.after);
    let closed = false;
    let wake = () => {};
    const live = this.#live;
    const close = async () => {
      closed = true;
      live.delete(wake);
      wake();
    };
    return {
      close,
      async *[Symbol.asyncIterator]() {
        for (const event of script.events ?? []) {
          if (closed) return;
          yield event;
        }
        if (closed) return;
        if (script.failWith !== undefined) throw script.failWith;
        await new Promise<void>((resolve) => {
          wake = resolve;
          live.add(wake);
        });
      },
    };
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    throw new StreamNotFoundError(streamId);
  }

  async readAll(): Promise<RecordedEvent[]> {
    return [];
  }

  async append(streamId: string): Promise<AppendResult> {
    throw new Error(`ScriptedSubscriptions holds no streams: append to ${streamId} refused`);
  }

  async close(): Promise<void> {
    for (const wake of [...this.#live]) wake();
    this.#live.clear();
  }
}
