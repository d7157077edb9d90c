import type { AllSubscription, RecordedEvent } from '@lib/event-sourcing';

interface AllSubscriptionSource<E extends { readonly position: string } = RecordedEvent> {
  /** Events strictly after `after` (a global sequence), at most `maxCount`, in position order. */
  readPage(after: number, maxCount: number): E[];
  /** Calls `wake` after the next commit of this process's writer; returns a function that cancels the wait. */
  onNextCommit(wake: () => void): () => void;
  readonly pollIntervalMs: number;
}

const PAGE_SIZE = 500;

/**
 * Catch-up subscription on $all: pages of history after the checkpoint, then live events. Positions become visible
 * in commit order (one writer at a time), so "everything after the last delivered position" never skips or repeats
 * an event. It waits for this process's commits, and polls slowly for writers in other processes.
 * `E` is what a page holds: RecordedEvent (the EventStore port) or the raw form (`data` as stored JSON text).
 */
export class SqliteAllSubscription<E extends { readonly position: string } = RecordedEvent>
  implements AsyncIterable<E>, Pick<AllSubscription, 'close'>
{
  private page: E[] = [];
  /** Index of the next event of `page` to deliver (no Array#shift per event). */
  private pageIndex = 0;
  private closed = false;
  private stopWaiting: (() => void) | undefined;

  constructor(
    private readonly source: AllSubscriptionSource<E>,
    private checkpoint: number,
    private readonly decodeSequence: (position: string) => number,
    private readonly onClose: (subscription: SqliteAllSubscription<E>) => void,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.page = [];
    this.pageIndex = 0;
    this.stopWaiting?.();
    this.onClose(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<E>> {
    while (!this.closed) {
      if (this.pageIndex < this.page.length) {
        const event = this.page[this.pageIndex++];
        this.checkpoint = this.decodeSequence(event.position);
        return { done: false, value: event };
      }
      this.page = this.source.readPage(this.checkpoint, PAGE_SIZE);
      this.pageIndex = 0;
      if (this.page.length === 0) await this.waitForNewEvents();
    }
    return { done: true, value: undefined };
  }

  private waitForNewEvents(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), this.source.pollIntervalMs);
      const cancelCommitWait = this.source.onNextCommit(() => finish());
      const finish = () => {
        clearTimeout(timer);
        cancelCommitWait();
        this.stopWaiting = undefined;
        resolve();
      };
      this.stopWaiting = finish;
    });
  }
}
