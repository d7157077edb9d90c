import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import type { ReadRefusal } from './read-limiter';

/**
 * The answer to a refused expensive read, for both transports through the shared problem layer: REST 429
 * problem+json with Retry-After (RFC 9110 10.2.3), gRPC RESOURCE_EXHAUSTED with the code in the details and a
 * `retry-after` trailer (problem/http-problem.ts, grpc/grpc-errors.ts).
 */
export function readLimitProblem(keyId: string, refusal: ReadRefusal): ApiProblem {
  const { limits, retryAfterSeconds } = refusal;
  const cause =
    refusal.reason === 'concurrency'
      ? `already has ${limits.concurrency} expensive reads (report pages, policy histories) in progress`
      : `asked for more than its ${limits.rowsPerSecond} rows per second of expensive reads (bursts of ${limits.burstRows})`;
  return new ApiProblem(
    'TOO_MANY_REQUESTS',
    PROBLEM_CODES.TOO_MANY_REQUESTS,
    `API key ${keyId} ${cause}; retry after ${retryAfterSeconds} s`,
    undefined,
    { retryAfterSeconds },
  );
}
