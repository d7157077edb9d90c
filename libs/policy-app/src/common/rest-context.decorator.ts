import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import type { ApiRequest } from './api-request';
import { parseIdempotencyKey, type RequestContext } from './request-context';

export { parseIdempotencyKey } from './request-context';

/**
 * `If-Match: "<revision>"` → revision; `*` or absent → undefined.
 * @throws ApiProblem 412 for a weak ETag (`W/"3"`, e.g. weakened by a compressing proxy): If-Match compares strongly,
 * so it never matches (RFC 9110, 13.1.1); 400 when malformed.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  if (/^W\/"(0|[1-9]\d{0,14})"$/.test(value)) {
    throw new ApiProblem(
      'PRECONDITION_FAILED',
      PROBLEM_CODES.PRECONDITION_FAILED,
      `If-Match ${value} is a weak ETag, which never matches: send the strong ETag "<revision>"`,
    );
  }
  const match = /^"(0|[1-9]\d{0,14})"$/.exec(value);
  if (match === null) {
    throw ApiProblem.validation('If-Match must be a strong ETag of this API: "<revision>", e.g. "3"', [
      { path: 'If-Match', message: 'expected "<revision>"' },
    ]);
  }
  return Number(match[1]);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

interface RestContextOptions {
  /** Read If-Match (commands on an existing stream). Default true; false: the command creates its stream. */
  readonly ifMatch?: boolean;
}

/**
 * A command that creates its stream has no revision to match: any If-Match is refused (a garbage one was once
 * silently ignored), rather than guessing what the caller meant by it.
 * @throws ApiProblem 400 when the header is present.
 */
function refuseIfMatch(header: string | undefined): undefined {
  if (header === undefined) return undefined;
  throw ApiProblem.validation('If-Match is not allowed here: this command creates its stream, which has no revision', [
    { path: 'If-Match', message: 'not allowed on a command that creates a stream' },
  ]);
}

/** Builds the transport-agnostic RequestContext of a REST request (after the ApiKeyGuard ran). */
export const RestContext = createParamDecorator(
  (options: RestContextOptions | undefined, host: ExecutionContext): RequestContext => {
    const request = host.switchToHttp().getRequest<ApiRequest>();
    if (request.actor === undefined)
      throw new ApiProblem('UNAUTHENTICATED', 'UNAUTHENTICATED', 'A valid API key is required');
    const idempotencyKey = parseIdempotencyKey(single(request.headers['idempotency-key']));
    const ifMatch = single(request.headers['if-match']);
    const expectedRevision = options?.ifMatch === false ? refuseIfMatch(ifMatch) : parseIfMatch(ifMatch);
    return {
      actor: request.actor,
      channel: 'REST',
      correlationId: request.correlationId,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      ...(expectedRevision === undefined ? {} : { expectedRevision }),
    };
  },
);
