/** Options of `batchEvents`. */
interface BatchingOptions {
  /** At most this many items per batch. */
  readonly maxBatchSize: number;
  /**
   * How long a batch waits for more items after its first one. Items already at hand (a catch-up page) arrive
   * without waiting, so during catch-up batches fill up to `maxBatchSize`; a live trickle is applied within this time.
   */
  readonly maxWaitMs: number;
}

const LINGER_OVER = Symbol('linger over');

/**
 * Groups an async stream (a catch-up subscription) into batches: the first item, then whatever follows within
 * `maxWaitMs`, up to `maxBatchSize`. An item requested but not yet arrived when the wait ends starts the next batch,
 * so nothing is lost or reordered. Ending the iteration (break, return) ends the source's iteration as well.
 */
export async function* batchEvents<Item>(
  source: AsyncIterable<Item>,
  options: BatchingOptions,
): AsyncGenerator<Item[], void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<Item>> | undefined;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) return;
      const batch: Item[] = [first.value];
      let timer: NodeJS.Timeout | undefined;
      const lingerOver = new Promise<typeof LINGER_OVER>((resolve) => {
        timer = setTimeout(() => resolve(LINGER_OVER), options.maxWaitMs);
      });
      let sourceEnded = false;
      try {
        while (batch.length < options.maxBatchSize) {
          pending = iterator.next();
          const next = await Promise.race([pending, lingerOver]);
          if (next === LINGER_OVER) break;
          pending = undefined;
          if (next.done) {
            sourceEnded = true;
            break;
          }
          batch.push(next.value);
        }
      } finally {
        clearTimeout(timer);
      }
      yield batch;
      if (sourceEnded) return;
    }
  } finally {
    await iterator.return?.();
  }
}
