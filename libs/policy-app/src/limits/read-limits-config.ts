import { wholeNumber, type EnvReader } from '@lib/config';

/**
 * Limits on expensive reads per API key (issue 12): report pages and policy histories of up to 1,000 rows. One key
 * may not have more than `concurrency` of them in progress, nor ask for more than `rowsPerSecond` rows on average
 * (with bursts of `burstRows`); a read costs the rows it asks for (its page size). Over a limit the read is refused
 * at once: 429 with Retry-After, gRPC RESOURCE_EXHAUSTED.
 */
export interface ReadLimitsConfig {
  /** READ_LIMIT_CONCURRENCY (default 4): expensive reads of one key in progress at once, until the response is sent. */
  readonly concurrency: number;
  /** READ_LIMIT_ROWS_PER_SECOND (default 20000, twenty full pages): rows one key may ask for per second, sustained. */
  readonly rowsPerSecond: number;
  /** READ_LIMIT_BURST_ROWS (default 40000): rows it may ask for at once after a quiet spell; at least one full page. */
  readonly burstRows: number;
}

/** The largest page of an expensive read (reports and histories alike): its cost when it asks for the most. */
export const MAX_READ_PAGE_ROWS = 1000;

const DEFAULT_READ_LIMITS: ReadLimitsConfig = { concurrency: 4, rowsPerSecond: 20_000, burstRows: 40_000 };

/** A whole number from min to max; the problem quotes the value as set. */
function wholeNumberOf(read: EnvReader, name: string, fallback: number, min: number, max: number): number {
  return read.parsed(
    name,
    fallback,
    (raw) => (/^\d{1,10}$/.test(raw) ? wholeNumber(raw, min, max) : undefined),
    `must be a whole number from ${min} to ${max}`,
    'as set',
  );
}

/** The read limits' part of the environment; problems are collected with the rest of loadConfig's. */
export function loadReadLimitsConfig(read: EnvReader): ReadLimitsConfig {
  return {
    concurrency: wholeNumberOf(read, 'READ_LIMIT_CONCURRENCY', DEFAULT_READ_LIMITS.concurrency, 1, 10_000),
    rowsPerSecond: wholeNumberOf(read, 'READ_LIMIT_ROWS_PER_SECOND', DEFAULT_READ_LIMITS.rowsPerSecond, 1, 100_000_000),
    burstRows: wholeNumberOf(
      read,
      'READ_LIMIT_BURST_ROWS',
      DEFAULT_READ_LIMITS.burstRows,
      MAX_READ_PAGE_ROWS,
      1_000_000_000,
    ),
  };
}
