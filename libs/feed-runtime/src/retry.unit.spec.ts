import { DEFAULT_RETRY_POLICY, pause, retry, retryDelayMs, RetryStopped } from './retry';

const FAST = { initialDelayMs: 1, maxDelayMs: 4 };

describe('retryDelayMs: initial × 2^(failures − 1), capped', () => {
  it('the default policy: 200, 400, 800, 1 600, 3 200 ms, then 5 000 ms for good (6 400 > 5 000)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50, 5_000].map((failures) => retryDelayMs(DEFAULT_RETRY_POLICY, failures));
    expect(delays).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it('a zero initial delay stays zero however many failures (no 0 × Infinity = NaN)', () => {
    expect(retryDelayMs({ initialDelayMs: 0, maxDelayMs: 0 }, 10_000)).toBe(0);
  });
});

describe('retry', () => {
  it('fails twice, then resolves: the result, with attempts 1, 2, 3 and the pauses reported as 1 and 2 ms', async () => {
    const attempts: number[] = [];
    const retried: [string, number, number][] = [];
    const result = await retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`down ${attempt}`);
        return 'applied';
      },
      { policy: FAST, onRetry: (error, failures, delayMs) => retried.push([error.message, failures, delayMs]) },
    );
    expect(result).toBe('applied');
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual([
      ['down 1', 1, 1],
      ['down 2', 2, 2],
    ]);
  });

  it('an error shouldRetry refuses is thrown as it is, without another attempt', async () => {
    const refused = new TypeError('a bug, not a blip');
    let calls = 0;
    const failing = retry(
      async () => {
        calls++;
        throw refused;
      },
      { policy: FAST, shouldRetry: (error) => !(error instanceof TypeError) },
    );
    await expect(failing).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('bounded by shouldRetry on the failure count: 3 attempts, then the last error', async () => {
    let calls = 0;
    const failing = retry(
      async () => {
        throw new Error(`failure ${++calls}`);
      },
      { policy: FAST, shouldRetry: (_error, failures) => failures < 3 },
    );
    await expect(failing).rejects.toThrow('failure 3');
    expect(calls).toBe(3);
  });

  it('progressed() makes the next failure count as the first again (a subscription that delivered meanwhile)', async () => {
    const failureCounts: number[] = [];
    let calls = 0;
    await retry(
      async (_attempt, progressed) => {
        calls++;
        if (calls === 3) progressed();
        if (calls < 5) throw new Error('dropped');
      },
      { policy: FAST, onRetry: (_error, failures) => failureCounts.push(failures) },
    );
    // Calls 1 and 2 fail (1, 2); call 3 progressed, then failed (1 again); call 4 fails (2); call 5 resolves.
    expect(failureCounts).toEqual([1, 2, 1, 2]);
  });

  it('an abort during the pause ends it at once with RetryStopped, whose cause is the last failure', async () => {
    const stop = new AbortController();
    const outage = new Error('ECONNREFUSED');
    const startedAt = performance.now();
    const failing = retry(
      async () => {
        throw outage;
      },
      { policy: { initialDelayMs: 60_000, maxDelayMs: 60_000 }, signal: stop.signal },
    );
    setTimeout(() => stop.abort(), 10);
    const stopped = await failing.catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(RetryStopped);
    expect((stopped as RetryStopped).cause).toBe(outage);
    expect(performance.now() - startedAt).toBeLessThan(5_000);
  });

  it('continueIf false after a failure stops before the pause (a Kafka partition lost meanwhile)', async () => {
    let calls = 0;
    const failing = retry(
      async () => {
        calls++;
        throw new Error('down');
      },
      { policy: FAST, continueIf: () => calls < 2 },
    );
    await expect(failing).rejects.toBeInstanceOf(RetryStopped);
    expect(calls).toBe(2);
  });
});

describe('pause', () => {
  it('true when the whole pause passed; false at once for a signal aborted before or during it', async () => {
    expect(await pause(1)).toBe(true);
    expect(await pause(60_000, AbortSignal.abort())).toBe(false);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 5);
    expect(await pause(60_000, stop.signal)).toBe(false);
  });
});
