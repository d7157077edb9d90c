import type { ForeignEvent } from './esdb-event-store';
import { ForeignEventReporter, type ForeignEventsReport } from './foreign-event-reporter';

function foreign(revision: number): ForeignEvent {
  return {
    streamId: 'inventory-1',
    revision,
    type: 'StockCounted',
    eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    position: undefined,
    reason: 'JSON data that is not an object',
  };
}

describe('ForeignEventReporter', () => {
  let reports: ForeignEventsReport[];
  let reporter: ForeignEventReporter;

  beforeEach(() => {
    jest.useFakeTimers();
    reports = [];
    reporter = new ForeignEventReporter((report) => reports.push(report), 60_000);
  });
  afterEach(() => {
    reporter.flush();
    jest.useRealTimers();
  });

  it('the first foreign event is reported at once; the rest of the minute only counted, then reported as one', () => {
    for (let revision = 0; revision < 500; revision++) reporter.onForeignEvent(foreign(revision));

    expect(reports).toEqual([{ count: 1, total: 1, first: foreign(0) }]);
    jest.advanceTimersByTime(60_000);
    expect(reports).toEqual([
      { count: 1, total: 1, first: foreign(0) },
      { count: 499, total: 500, first: foreign(1) },
    ]);
  });

  it('at most one report a minute while they keep coming; the first after a quiet minute is reported at once', () => {
    reporter.onForeignEvent(foreign(0));
    jest.advanceTimersByTime(30_000);
    reporter.onForeignEvent(foreign(1));
    jest.advanceTimersByTime(30_000);
    reporter.onForeignEvent(foreign(2));
    jest.advanceTimersByTime(59_999);
    expect(reports.map(({ count }) => count)).toEqual([1, 1]);

    jest.advanceTimersByTime(1);
    expect(reports.map(({ count, total }) => [count, total])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    // A quiet minute (nothing to report) ends the waiting: the next one is reported at once.
    jest.advanceTimersByTime(120_000);
    reporter.onForeignEvent(foreign(3));
    expect(reports.at(-1)).toEqual({ count: 1, total: 4, first: foreign(3) });
  });

  it('flush reports what was counted but not yet reported, once', () => {
    reporter.onForeignEvent(foreign(0));
    reporter.onForeignEvent(foreign(1));
    reporter.onForeignEvent(foreign(2));

    reporter.flush();
    reporter.flush();

    expect(reports).toEqual([
      { count: 1, total: 1, first: foreign(0) },
      { count: 2, total: 3, first: foreign(1) },
    ]);
  });
});
