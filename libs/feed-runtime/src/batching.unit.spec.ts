import { evenChunks, lingerBatches } from './batching';

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

describe('lingerBatches', () => {
  it('items at hand (a catch-up page) fill batches up to the maximum, in order', async () => {
    const batches: number[][] = [];
    for await (const batch of lingerBatches(fromArray([1, 2, 3, 4, 5, 6, 7]), { maxBatchSize: 3, maxWaitMs: 1000 })) {
      batches.push(batch);
    }
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('a live trickle is applied after the wait, and an item arriving later starts the next batch', async () => {
    const source = new PushSource();
    const iterator = lingerBatches(source, { maxBatchSize: 100, maxWaitMs: 20 })[Symbol.asyncIterator]();
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
    for await (const batch of lingerBatches(source, { maxBatchSize: 10, maxWaitMs: 5 })) {
      expect(batch).toEqual([1]);
      break;
    }
    expect(source.returned).toBe(true);
  });
});

describe('lingerBatches, as the relay reads ahead', () => {
  it('the next batch is gathered while the current one is handled; an idle source is waited for however long', async () => {
    const source = new PushSource();
    const iterator = lingerBatches(source, { maxBatchSize: 10, maxWaitMs: 5 })[Symbol.asyncIterator]();
    source.push(1);
    const first = await iterator.next();
    // Read-ahead: asked for before the first batch is done with; nothing arrives for 40 ms (ten lingers).
    const second = iterator.next();
    setTimeout(() => source.push(2, 3), 40);
    expect(first).toEqual({ done: false, value: [1] });
    expect(await second).toEqual({ done: false, value: [2, 3] });
  });

  it('a maximum batch size that is not a positive integer is refused', async () => {
    const batches = lingerBatches(new PushSource(), { maxBatchSize: 0, maxWaitMs: 5 });
    await expect(batches.next()).rejects.toThrow(RangeError);
  });
});

describe('evenChunks', () => {
  it('1 100 items by at most 1 000 → two chunks of 550 (not 1 000 + 100), in order', () => {
    const items = Array.from({ length: 1100 }, (_, index) => index);
    const chunks = evenChunks(items, 1000);
    expect(chunks.map((chunk) => chunk.length)).toEqual([550, 550]);
    expect(chunks.flat()).toEqual(items);
  });

  it('10 items by at most 4 → 4 + 4 + 2 (ceil(10 / ceil(10 / 4)) = 4); none → no chunk; size 1 → one each', () => {
    expect(evenChunks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
    expect(evenChunks([], 4)).toEqual([]);
    expect(evenChunks(['a', 'b'], 1)).toEqual([['a'], ['b']]);
    expect(() => evenChunks([1], 0)).toThrow(RangeError);
  });
});
