/**
 * The one batcher of the feeds. A pulled source (the `$all` subscription) is grouped by `lingerBatches`; a source that
 * hands over whole fetches (a Kafka partition batch, a page of the log) is cut by `evenChunks`.
 */

export interface LingerOptions {
  /** At most this many items per batch. */
  readonly maxBatchSize: number;
  /**
   * How long a batch waits for more items after its first one. Items already at hand (a catch-up page) arrive
   * without waiting, so during catch-up batches fill up to `maxBatchSize`; a live trickle is handed on within this time.
   */
  readonly maxWaitMs: number;
}

const LINGER_OVER = Symbol('linger over');

/**
 * Groups an async stream into batches: the first item (however long it takes), then whatever follows within
 * `maxWaitMs`, up to `maxBatchSize`. An item requested but not yet arrived when the wait ends starts the next batch,
 * so nothing is lost or reordered. The next batch may be requested while the current one is handled (read-ahead).
 * Ending the iteration (break, return) ends the source's iteration as well.
 */
export async function* lingerBatches<Item>(
  source: AsyncIterable<Item>,
  { maxBatchSize, maxWaitMs }: LingerOptions,
): AsyncGenerator<Item[], void, undefined> {
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new RangeError('maxBatchSize must be a positive integer');
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
        timer = setTimeout(() => resolve(LINGER_OVER), maxWaitMs);
      });
      let sourceEnded = false;
      try {
        while (batch.length < maxBatchSize) {
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

/**
 * Cuts a fetched batch into even chunks of at most `maxSize` (1 100 items by 1 000 → 550 + 550, not 1 000 + 100):
 * fewer, fuller handler calls.
 */
export function evenChunks<Item>(items: readonly Item[], maxSize: number): Item[][] {
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
  if (items.length === 0) return [];
  const size = Math.ceil(items.length / Math.ceil(items.length / maxSize));
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
