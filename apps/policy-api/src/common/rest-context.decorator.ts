import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiProblem } from '../problem/api-problem';
import type { ApiRequest } from './api-request';
import type { RequestContext } from './request-context';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
const VISIBLE_ASCII = /^[\x20-\x7e]+$/;

/** `If-Match: "<revision>"` → revision; `*` or absent → undefined. @throws ApiProblem 400 when malformed. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = /^"(0|[1-9]\d{0,14})"$/.exec(value);
  if (match === null) {
    throw ApiProblem.validation('If-Match must be a strong ETag of this API: "<revision>", e.g. "3"', [
      { path: 'If-Match', message: 'expected "<revision>"' },
    ]);
  }
  return Number(match[1]);
}

/** @throws ApiProblem 400 when the Idempotency-Key is empty, longer than 128 characters or not visible ASCII. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length === 0 || header.length > MAX_IDEMPOTENCY_KEY_LENGTH || !VISIBLE_ASCII.test(header)) {
    throw ApiProblem.validation(`Idempotency-Key must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters`, [
      { path: 'Idempotency-Key', message: `1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` },
    ]);
  }
  return header;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

export interface RestContextOptions {
  /** Read If-Match (commands on an existing stream). Default true. */
  readonly ifMatch?: boolean;
}

/** Builds the transport-agnostic RequestContext of a REST request (after the ApiKeyGuard ran). */
export const RestContext = createParamDecorator(
  (options: RestContextOptions | undefined, host: ExecutionContext): RequestContext => {
    const request = host.switchToHttp().getRequest<ApiRequest>();
    if (request.actor === undefined)
      throw new ApiProblem('UNAUTHENTICATED', 'UNAUTHENTICATED', 'A valid API key is required');
    const idempotencyKey = parseIdempotencyKey(single(request.headers['idempotency-key']));
    const expectedRevision = options?.ifMatch === false ? undefined : parseIfMatch(single(request.headers['if-match']));
    return {
      actor: request.actor,
      channel: 'REST',
      correlationId: request.correlationId,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      ...(expectedRevision === undefined ? {} : { expectedRevision }),
    };
  },
);
