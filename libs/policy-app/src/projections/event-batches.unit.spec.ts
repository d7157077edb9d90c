import { batchEvents } from './event-batches';

/** A source that yields what is pushed, waiting (like a live subscription) while nothing is pending. */
class PushSource implements AsyncIterable<number> {
  private readonly queue: number[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  returned = false;

  push(...items: number[]): void {
    this.queue.push(...items);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<number> {
    return {
      next: async () => {
        while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
        const item = this.queue.shift();
        return item === undefined ? { done: true, value: undefined } : { done: false, value: item };
      },
      return: async () => {
        this.returned = true;
        this.ended = true;
        this.wake?.();
        return { done: true, value: undefined };
      },
    };
  }
}

async function* fromArray(items: number[]): AsyncGenerator<number> {
  for (const item of items) yield item;
}

describe('batchEvents', () => {
  it('items at hand (a catch-up page) fill batches up to the maximum, in order', async () => {
    const batches: number[][] = [];
    for await (const batch of batchEvents(fromArray([1, 2, 3, 4, 5, 6, 7]), { maxBatchSize: 3, maxWaitMs: 1000 })) {
      batches.push(batch);
    }
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('a live trickle is applied after the wait, and an item arriving later starts the next batch', async () => {
    const source = new PushSource();
    const iterator = batchEvents(source, { maxBatchSize: 100, maxWaitMs: 20 })[Symbol.asyncIterator]();
    source.push(1, 2);
    expect(await iterator.next()).toEqual({ done: false, value: [1, 2] });
    const next = iterator.next();
    setTimeout(() => source.push(3), 5);
    setTimeout(() => source.push(4), 10);
    expect(await next).toEqual({ done: false, value: [3, 4] });
    source.push(5);
    expect(await iterator.next()).toEqual({ done: false, value: [5] });
    source.end();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('stopping the consumer ends the source (the subscription closes)', async () => {
    const source = new PushSource();
    source.push(1);
    for await (const batch of batchEvents(source, { maxBatchSize: 10, maxWaitMs: 5 })) {
      expect(batch).toEqual([1]);
      break;
    }
    expect(source.returned).toBe(true);
  });
});
