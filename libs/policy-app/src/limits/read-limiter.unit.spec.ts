import { ReadLimiter, type ReadAdmission, type ReadRefusal } from './read-limiter';

/** A limiter on a hand-driven clock (milliseconds). */
function limiterAt(limits: { concurrency: number; rowsPerSecond: number; burstRows: number }) {
  let now = 0;
  const limiter = new ReadLimiter(limits, () => now);
  return { limiter, advance: (ms: number) => (now += ms) };
}

const admitted = (result: ReadAdmission | ReadRefusal): ReadAdmission => {
  if (!result.admitted) throw new Error(`refused: ${result.reason}`);
  return result;
};

const PAGE = 1000;

describe('ReadLimiter', () => {
  it('a key with `concurrency` reads in progress is refused (retry after 1 s) until one is released', () => {
    const { limiter } = limiterAt({ concurrency: 2, rowsPerSecond: 100_000, burstRows: 100_000 });
    const first = admitted(limiter.admit('reporter-1', PAGE));
    admitted(limiter.admit('reporter-1', PAGE));

    expect(limiter.admit('reporter-1', 1)).toMatchObject({
      admitted: false,
      reason: 'concurrency',
      retryAfterSeconds: 1,
    });
    first.release();
    first.release(); // idempotent: frees one slot, not two
    admitted(limiter.admit('reporter-1', PAGE));
    expect(limiter.admit('reporter-1', PAGE)).toMatchObject({ admitted: false, reason: 'concurrency' });
  });

  it('keys are independent: one key at its limits does not refuse another', () => {
    const { limiter } = limiterAt({ concurrency: 1, rowsPerSecond: PAGE, burstRows: PAGE });
    admitted(limiter.admit('reporter-1', PAGE));
    expect(limiter.admit('reporter-1', PAGE).admitted).toBe(false);

    admitted(limiter.admit('auditor-1', PAGE));
  });

  it('a read costs the rows it asks for: after the burst, full pages come at rowsPerSecond / 1000 a second', () => {
    const { limiter, advance } = limiterAt({ concurrency: 100, rowsPerSecond: 2 * PAGE, burstRows: 3 * PAGE });
    for (let index = 0; index < 3; index++) admitted(limiter.admit('reporter-1', PAGE)).release();

    expect(limiter.admit('reporter-1', PAGE)).toMatchObject({ admitted: false, reason: 'rate', retryAfterSeconds: 1 });
    advance(499);
    expect(limiter.admit('reporter-1', PAGE).admitted).toBe(false);
    advance(1);
    admitted(limiter.admit('reporter-1', PAGE)).release();
    expect(limiter.admit('reporter-1', PAGE).admitted).toBe(false);
  });

  it('small pages go where a full one does not: ten pages of 100 rows cost one of 1,000', () => {
    const { limiter } = limiterAt({ concurrency: 100, rowsPerSecond: 1, burstRows: PAGE });
    for (let index = 0; index < 10; index++) admitted(limiter.admit('auditor-1', 100)).release();

    expect(limiter.admit('auditor-1', 100)).toMatchObject({ admitted: false, reason: 'rate' });
  });

  it('Retry-After is the whole seconds until the bucket holds the rows asked for', () => {
    const { limiter } = limiterAt({ concurrency: 10, rowsPerSecond: 250, burstRows: PAGE });
    admitted(limiter.admit('reporter-1', PAGE));

    expect(limiter.admit('reporter-1', PAGE)).toMatchObject({ admitted: false, reason: 'rate', retryAfterSeconds: 4 });
    expect(limiter.admit('reporter-1', 300)).toMatchObject({ admitted: false, reason: 'rate', retryAfterSeconds: 2 });
  });

  it('a refused read takes nothing: it does not push the next admission further away', () => {
    const { limiter, advance } = limiterAt({ concurrency: 100, rowsPerSecond: PAGE, burstRows: PAGE });
    admitted(limiter.admit('reporter-1', PAGE)).release();
    for (let index = 0; index < 50; index++) expect(limiter.admit('reporter-1', PAGE).admitted).toBe(false);

    advance(1000);
    admitted(limiter.admit('reporter-1', PAGE));
  });

  it('the bucket refills up to burstRows, not beyond, however long the key was quiet', () => {
    const { limiter, advance } = limiterAt({ concurrency: 100, rowsPerSecond: 10 * PAGE, burstRows: 2 * PAGE });
    admitted(limiter.admit('reporter-1', PAGE)).release();
    advance(3_600_000);

    admitted(limiter.admit('reporter-1', PAGE)).release();
    admitted(limiter.admit('reporter-1', PAGE)).release();
    expect(limiter.admit('reporter-1', PAGE).admitted).toBe(false);
  });

  it('tracks what is in progress per key', () => {
    const { limiter } = limiterAt({ concurrency: 5, rowsPerSecond: PAGE, burstRows: 10 * PAGE });
    const reads = [admitted(limiter.admit('reporter-1', PAGE)), admitted(limiter.admit('reporter-1', PAGE))];

    expect(limiter.inProgress('reporter-1')).toBe(2);
    for (const read of reads) read.release();
    expect(limiter.inProgress('reporter-1')).toBe(0);
  });
});
