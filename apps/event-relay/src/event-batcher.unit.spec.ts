import { EventBatcher } from './event-batcher';

/** An async iterator fed by the test: `push` delivers an item, `end` finishes it. */
function feed<T>() {
  const items: T[] = [];
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let ended = false;
  const iterator: AsyncIterator<T> = {
    next: () =>
      new Promise((resolve) => {
        if (items.length > 0) resolve({ done: false, value: items.shift()! });
        else if (ended) resolve({ done: true, value: undefined });
        else waiting.push(resolve);
      }),
  };
  return {
    iterator,
    push: (...values: T[]) => {
      for (const value of values) {
        const waiter = waiting.shift();
        if (waiter) waiter({ done: false, value });
        else items.push(value);
      }
    },
    end: () => {
      ended = true;
      waiting.splice(0).forEach((waiter) => waiter({ done: true, value: undefined }));
    },
  };
}

describe('EventBatcher', () => {
  it('a batch closes at maxSize; the rest waits for the next batch', async () => {
    const source = feed<number>();
    source.push(1, 2, 3, 4, 5);
    const batcher = new EventBatcher(source.iterator, 3, 1000);
    expect(await batcher.next()).toEqual([1, 2, 3]);
    expect(await batcher.next()).toEqual([4, 5]);
  });

  it('a batch closes when the linger is over, and the item still on its way starts the next one', async () => {
    const source = feed<number>();
    const batcher = new EventBatcher(source.iterator, 100, 30);
    source.push(1);
    const first = batcher.next();
    setTimeout(() => source.push(2), 5);
    setTimeout(() => source.push(3), 80);
    expect(await first).toEqual([1, 2]);
    expect(await batcher.next()).toEqual([3]);
  });

  it('the end of the iterator ends the batch in hand and then yields empty batches', async () => {
    const source = feed<number>();
    const batcher = new EventBatcher(source.iterator, 100, 1000);
    source.push(1, 2);
    setTimeout(() => source.end(), 5);
    expect(await batcher.next()).toEqual([1, 2]);
    expect(await batcher.next()).toEqual([]);
    expect(await batcher.next()).toEqual([]);
  });

  it('waits for the first item however long it takes (an idle store)', async () => {
    const source = feed<number>();
    const batcher = new EventBatcher(source.iterator, 10, 5);
    const batch = batcher.next();
    setTimeout(() => source.push(7), 40);
    expect(await batch).toEqual([7]);
  });
});
