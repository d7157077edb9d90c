import { Metadata, status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';
import type { Response } from 'express';
import { CORRELATION_ID_METADATA, ERROR_CODE_METADATA, ERROR_DOMAIN } from '../grpc/grpc-errors';
import { encodeRpcStatus } from '../grpc/rpc-status';
import type { ReadRefusal } from './read-limiter';

/**
 * The answer to a refused expensive read, on both transports: REST 429 problem+json with Retry-After (RFC 9110
 * 10.2.3), gRPC RESOURCE_EXHAUSTED with the code in the details and a `retry-after` trailer. The same document
 * shape and trailers as every other problem (problem/http-problem.ts, grpc/grpc-errors.ts).
 */
export const TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS';
export const RETRY_AFTER_METADATA = 'retry-after';

/** Thrown by the gRPC read-limit interceptor; its filter turns it into RESOURCE_EXHAUSTED. */
export class ReadLimitExceeded extends Error {
  override readonly name = 'ReadLimitExceeded';
  constructor(
    readonly keyId: string,
    readonly refusal: ReadRefusal,
  ) {
    super(readLimitDetail(keyId, refusal));
  }
}

export function readLimitDetail(keyId: string, refusal: ReadRefusal): string {
  const { limits, retryAfterSeconds } = refusal;
  const cause =
    refusal.reason === 'concurrency'
      ? `already has ${limits.concurrency} expensive reads (report pages, policy histories) in progress`
      : `asked for more than its ${limits.rowsPerSecond} rows per second of expensive reads (bursts of ${limits.burstRows})`;
  return `API key ${keyId} ${cause}; retry after ${retryAfterSeconds} s`;
}

export function sendTooManyRequests(
  response: Response,
  keyId: string,
  refusal: ReadRefusal,
  correlationId: string | undefined,
): void {
  const document = {
    type: `urn:policy-servicing:problem:${TOO_MANY_REQUESTS}`,
    title: 'Too Many Requests',
    status: 429,
    code: TOO_MANY_REQUESTS,
    detail: readLimitDetail(keyId, refusal),
    ...(correlationId === undefined ? {} : { correlationId }),
  };
  response.setHeader('Retry-After', String(refusal.retryAfterSeconds));
  response.status(429).type('application/problem+json').send(JSON.stringify(document));
}

export function grpcTooManyRequests(error: ReadLimitExceeded, correlationId: string): Partial<StatusObject> {
  const code = GrpcStatus.RESOURCE_EXHAUSTED;
  const retryAfter = String(error.refusal.retryAfterSeconds);
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA, TOO_MANY_REQUESTS);
  metadata.set(CORRELATION_ID_METADATA, correlationId);
  metadata.set(RETRY_AFTER_METADATA, retryAfter);
  metadata.set(
    'grpc-status-details-bin',
    encodeRpcStatus({
      code,
      message: error.message,
      errorInfo: { reason: TOO_MANY_REQUESTS, domain: ERROR_DOMAIN, metadata: { retryAfterSeconds: retryAfter } },
    }),
  );
  return { code, details: error.message, metadata };
}
