import type { ForeignEvent } from './esdb-event-store';

/** What a ForeignEventReporter reports: the foreign events passed over since its previous report. */
export interface ForeignEventsReport {
  /** How many (1 for the first one after a quiet interval). */
  readonly count: number;
  /** How many this reporter has seen in all. */
  readonly total: number;
  /** The first of them, to look at. */
  readonly first: ForeignEvent;
}

/** One report per this interval at most, by default. */
const REPORT_INTERVAL_MS = 60_000;

/**
 * `onForeignEvent` for a log: one report per interval at most, however many foreign events a shared server holds.
 * The first foreign event after a quiet interval is reported at once; the ones that follow within the interval are
 * counted and reported together, in one report, when it ends. `flush()` reports what is counted but not yet reported
 * (call it when the store closes).
 */
export class ForeignEventReporter {
  #total = 0;
  #unreported = 0;
  #firstUnreported: ForeignEvent | undefined;
  #interval: NodeJS.Timeout | undefined;

  constructor(
    private readonly report: (report: ForeignEventsReport) => void,
    private readonly intervalMs = REPORT_INTERVAL_MS,
  ) {}

  /** Pass it as the store's `onForeignEvent` option. */
  readonly onForeignEvent = (event: ForeignEvent): void => {
    this.#total += 1;
    this.#unreported += 1;
    this.#firstUnreported ??= event;
    if (this.#interval === undefined) this.#reportAndWait();
  };

  flush(): void {
    clearTimeout(this.#interval);
    this.#interval = undefined;
    if (this.#unreported > 0) this.#reportNow();
  }

  #reportAndWait(): void {
    this.#reportNow();
    this.#interval = setTimeout(() => {
      this.#interval = undefined;
      if (this.#unreported > 0) this.#reportAndWait();
    }, this.intervalMs);
    this.#interval.unref();
  }

  #reportNow(): void {
    const report = { count: this.#unreported, total: this.#total, first: this.#firstUnreported! };
    this.#unreported = 0;
    this.#firstUnreported = undefined;
    this.report(report);
  }
}
