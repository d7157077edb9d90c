/**
 * Batches from an async iterator (the `$all` subscription): waits for a first item, then takes whatever follows
 * within `lingerMs`, up to `maxSize`. An item still on its way when the linger ends is kept for the next batch.
 */
const LINGER_ENDED = Symbol('linger ended');

export class EventBatcher<T> {
  private pending: Promise<IteratorResult<T>> | undefined;
  private ended = false;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly maxSize: number,
    private readonly lingerMs: number,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
  }

  /** The next batch; empty once the iterator has ended. */
  async next(): Promise<T[]> {
    const batch: T[] = [];
    if (this.ended) return batch;
    const first = this.take(await this.pull());
    if (first.done) {
      this.ended = true;
      return batch;
    }
    batch.push(first.value);
    if (batch.length >= this.maxSize) return batch;

    let timer: NodeJS.Timeout | undefined;
    const linger = new Promise<typeof LINGER_ENDED>((resolve) => {
      timer = setTimeout(() => resolve(LINGER_ENDED), this.lingerMs);
    });
    try {
      while (batch.length < this.maxSize) {
        const result = await Promise.race([this.pull(), linger]);
        if (result === LINGER_ENDED) break;
        this.take(result);
        if (result.done) {
          this.ended = true;
          break;
        }
        batch.push(result.value);
      }
    } finally {
      clearTimeout(timer);
    }
    return batch;
  }

  /** The iterator's next result, kept (for the next batch) until `take` consumed it. */
  private pull(): Promise<IteratorResult<T>> {
    return (this.pending ??= this.iterator.next());
  }

  private take<R>(result: R): R {
    this.pending = undefined;
    return result;
  }
}
