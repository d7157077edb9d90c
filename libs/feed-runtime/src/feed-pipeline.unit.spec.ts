import { FeedPipeline, runFeed, type FeedFailure, type FeedSink, type SourceBatch } from './feed-pipeline';

class Unprojectable extends Error {}

/**
 * A sink that applies numbers to a list in one step per call (all or nothing), refuses the poison numbers, and fails
 * its next `outages` calls as if its database were down.
 */
class ListSink implements FeedSink<number> {
  readonly applied: number[] = [];
  readonly calls: number[][] = [];
  readonly quarantined: [number, string, number][] = [];
  outages = 0;

  constructor(private readonly poison: ReadonlySet<number> = new Set()) {}

  async handle(batch: readonly number[]): Promise<void> {
    this.calls.push([...batch]);
    if (this.outages > 0) {
      this.outages--;
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    }
    const culprit = batch.find((item) => this.poison.has(item));
    if (culprit !== undefined) throw new Unprojectable(`${culprit} cannot be projected`);
    this.applied.push(...batch);
  }

  isPoison(error: Error): boolean {
    return error instanceof Unprojectable;
  }

  async quarantine(item: number, error: Error, attempts: number): Promise<void> {
    this.quarantined.push([item, error.message, attempts]);
  }
}

const FAST = { initialDelayMs: 1, maxDelayMs: 2 };

describe('FeedPipeline', () => {
  it('a healthy batch is one handler call', async () => {
    const sink = new ListSink();
    const outcome = await new FeedPipeline({ sink, retryPolicy: FAST }).process([1, 2, 3]);
    expect(outcome).toBe('settled');
    expect(sink.calls).toEqual([[1, 2, 3]]);
    expect(sink.applied).toEqual([1, 2, 3]);
  });

  it('a poison item: the batch is isolated item by item, the culprit gets 3 attempts, then is quarantined; the rest applies in order', async () => {
    const sink = new ListSink(new Set([3]));
    const failures: FeedFailure<number>[] = [];
    const pipeline = new FeedPipeline({ sink, retryPolicy: FAST, onFailure: (failure) => failures.push(failure) });

    expect(await pipeline.process([1, 2, 3, 4])).toBe('settled');

    // 1 batch call, then 1, 2, three times 3, and 4: 7 calls.
    expect(sink.calls).toEqual([[1, 2, 3, 4], [1], [2], [3], [3], [3], [4]]);
    expect(sink.applied).toEqual([1, 2, 4]);
    expect(sink.quarantined).toEqual([[3, '3 cannot be projected', 3]]);
    // The batch's failure is not retried (isolated at once); the item's first two are, after 1 and 2 ms; its third not.
    expect(failures.map(({ kind, failures: count, batch, retryInMs }) => [kind, count, batch, retryInMs])).toEqual([
      ['poison', 1, [1, 2, 3, 4], null],
      ['poison', 1, [3], 1],
      ['poison', 2, [3], 2],
      ['poison', 3, [3], null],
    ]);
  });

  it('poisonAttempts 1 (a rebuild reading the log once): quarantined after the first failure', async () => {
    const sink = new ListSink(new Set([2]));
    await new FeedPipeline({ sink, retryPolicy: FAST, poisonAttempts: 1 }).process([1, 2]);
    expect(sink.calls).toEqual([[1, 2], [1], [2]]);
    expect(sink.quarantined).toEqual([[2, '2 cannot be projected', 1]]);
  });

  it('a transient failure is retried past the poison attempts and never quarantines; the batch stays whole', async () => {
    const sink = new ListSink();
    sink.outages = 5;
    const outcome = await new FeedPipeline({ sink, retryPolicy: FAST, poisonAttempts: 1 }).process([1, 2]);
    expect(outcome).toBe('settled');
    // Five failed calls and the sixth applies: the batch is never split for an outage.
    expect(sink.calls).toEqual(Array.from({ length: 6 }, () => [1, 2]));
    expect(sink.applied).toEqual([1, 2]);
    expect(sink.quarantined).toEqual([]);
  });

  it('transientAttempts bounds the outage: the error is thrown after that many calls', async () => {
    const sink = new ListSink();
    sink.outages = 5;
    const pipeline = new FeedPipeline({ sink, retryPolicy: FAST, transientAttempts: 2 });
    await expect(pipeline.process([1])).rejects.toThrow('ECONNREFUSED');
    expect(sink.calls).toEqual([[1], [1]]);
  });

  it('stopped during an outage → abandoned: nothing applied or quarantined, and beforeRetry ran before each retry', async () => {
    const sink = new ListSink();
    sink.outages = Infinity;
    const stop = new AbortController();
    let heartbeats = 0;
    const outcome = new FeedPipeline({ sink, retryPolicy: FAST }).process([1, 2], {
      signal: stop.signal,
      beforeRetry: async () => {
        if (++heartbeats === 3) stop.abort();
        throw new Error('the broker is down too: ignored');
      },
    });
    expect(await outcome).toBe('abandoned');
    // Call 1, then heartbeat + call three times; the third heartbeat aborted, so the pause after call 4 ends it.
    expect(sink.calls).toHaveLength(4);
    expect(sink.applied).toEqual([]);
  });

  it('a poison item whose feed stopped meanwhile is left to the next delivery, not quarantined', async () => {
    const sink = new ListSink(new Set([1]));
    let open = true;
    const pipeline = new FeedPipeline({
      sink,
      retryPolicy: FAST,
      poisonAttempts: 1,
      onFailure: () => (open = false),
    });
    expect(await pipeline.process([1], { continueIf: () => open })).toBe('abandoned');
    expect(sink.quarantined).toEqual([]);
  });
});

describe('runFeed: the checkpoint contract', () => {
  async function* batchesOf(
    acknowledged: number[][],
    ...batches: number[][]
  ): AsyncGenerator<SourceBatch<number>, void, undefined> {
    for (const items of batches) yield { items, acknowledge: async () => void acknowledged.push(items) };
  }

  it('each batch is acknowledged once it settled (a quarantined item included), in order; the source ends → ended', async () => {
    const sink = new ListSink(new Set([4]));
    const acknowledged: number[][] = [];
    const pipeline = new FeedPipeline({ sink, retryPolicy: FAST, poisonAttempts: 1 });
    expect(await runFeed(batchesOf(acknowledged, [1, 2], [3, 4], [5]), pipeline)).toBe('ended');
    expect(acknowledged).toEqual([[1, 2], [3, 4], [5]]);
    expect(sink.applied).toEqual([1, 2, 3, 5]);
  });

  it('an abandoned batch is not acknowledged and ends the run: the source delivers it again next time', async () => {
    const sink = new ListSink();
    const acknowledged: number[][] = [];
    const stop = new AbortController();
    const pipeline = new FeedPipeline({
      sink,
      retryPolicy: FAST,
      onFailure: () => stop.abort(),
    });
    const source = batchesOf(acknowledged, [1], [2], [3]);
    const outcome = runFeed(
      (async function* () {
        for await (const batch of source) {
          if (batch.items[0] === 2) sink.outages = 1;
          yield batch;
        }
      })(),
      pipeline,
      { signal: stop.signal },
    );
    expect(await outcome).toBe('stopped');
    expect(acknowledged).toEqual([[1]]);
    expect(sink.applied).toEqual([1]);
  });
});
