import { HttpException } from '@nestjs/common';
import {
  ConcurrencyError,
  EventStoreUnavailableError,
  StreamNotFoundError,
  UnreadableEventError,
  type StoreUnavailableReason,
} from '@lib/event-sourcing';
import { isDomainError, type DomainErrorKind } from '@lib/policy-domain';
import { ApiProblem, PROBLEM_CODES, type ProblemKind } from './api-problem';

/**
 * The one mapping from anything thrown to a transport-agnostic ApiProblem (REST renders it with `httpStatusOf`,
 * gRPC maps the same kinds to its status codes). A store that cannot serve now and an event this version cannot
 * read are UNAVAILABLE (503 with Retry-After, gRPC UNAVAILABLE), never INTERNAL. Unknown errors become INTERNAL with
 * no detail.
 */
export function toApiProblem(
  error: unknown,
  isStoreUnavailable: (error: unknown) => boolean = () => false,
): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (isDomainError(error)) return new ApiProblem(DOMAIN_KIND_TO_PROBLEM[error.kind], error.code, error.detail);
  if (error instanceof ConcurrencyError) {
    return new ApiProblem(
      'CONFLICT',
      PROBLEM_CODES.CONCURRENCY_CONFLICT,
      'The stream was changed concurrently; retry the request',
    );
  }
  if (error instanceof StreamNotFoundError) return new ApiProblem('NOT_FOUND', 'NOT_FOUND', 'Not found');
  if (error instanceof UnreadableEventError) return unreadableEventProblem(error);
  if (error instanceof EventStoreUnavailableError) return storeUnavailableProblem(error.reason);
  if (error instanceof HttpException) return fromHttpException(error);
  if (isStoreUnavailable(error)) return storeUnavailableProblem('unreachable');
  const bodyParserProblem = fromBodyParserError(error);
  if (bodyParserProblem !== undefined) return bodyParserProblem;
  return new ApiProblem('INTERNAL', PROBLEM_CODES.INTERNAL_ERROR, 'An unexpected error occurred');
}

/**
 * Retry-After per reason: a full disk or a read-only file needs someone to act, so clients back off longer; a busy
 * lock clears in a moment.
 */
const RETRY_AFTER_SECONDS: Record<StoreUnavailableReason, number> = {
  'disk-full': 30,
  'read-only': 30,
  'io-error': 5,
  'writer-stopped': 5,
  unreachable: 5,
  busy: 1,
};
/** A stream with a newer event is served again once this version is replaced: clients check back in a minute. */
const EVENT_VERSION_RETRY_AFTER_SECONDS = 60;

function storeUnavailableProblem(reason: StoreUnavailableReason): ApiProblem {
  const detail =
    reason === 'unreachable'
      ? 'The event store is unavailable; retry later'
      : `The event store cannot take writes right now (${reason}); nothing was written, retry later`;
  return new ApiProblem('UNAVAILABLE', PROBLEM_CODES.SERVICE_UNAVAILABLE, detail, undefined, {
    retryAfterSeconds: RETRY_AFTER_SECONDS[reason],
  });
}

/** DESIGN 7: names the stream and the revision; no type internals beyond the event's name and version. */
function unreadableEventProblem(error: UnreadableEventError): ApiProblem {
  return new ApiProblem(
    'UNAVAILABLE',
    PROBLEM_CODES.EVENT_VERSION_UNSUPPORTED,
    `Stream ${error.streamId} cannot be read by this version of the service: its event at revision ` +
      `${error.revision} (${error.type} v${error.schemaVersion}) is of a newer or unknown version. Other streams ` +
      'are served; retry once the service is upgraded',
    undefined,
    { retryAfterSeconds: EVENT_VERSION_RETRY_AFTER_SECONDS },
  );
}

const DOMAIN_KIND_TO_PROBLEM: Record<DomainErrorKind, ProblemKind> = {
  conflict: 'CONFLICT',
  not_found: 'NOT_FOUND',
  rule: 'BUSINESS_RULE',
};

/**
 * A ConcurrencyError of the command loop, seen with the request's context: with If-Match it is a stale precondition
 * (or, when the stream does not exist at all, an unknown resource); without it, the retries were exhausted.
 */
export function concurrencyProblem(
  error: ConcurrencyError,
  expectedRevision: number | undefined,
  notFoundCode: string,
): ApiProblem {
  if (expectedRevision === undefined) {
    return new ApiProblem(
      'CONFLICT',
      PROBLEM_CODES.CONCURRENCY_CONFLICT,
      'The stream kept changing concurrently; retry the request',
    );
  }
  if (error.actual === 'no_stream')
    return new ApiProblem('NOT_FOUND', notFoundCode, `${error.streamId} does not exist`);
  return new ApiProblem(
    'PRECONDITION_FAILED',
    PROBLEM_CODES.PRECONDITION_FAILED,
    `If-Match "${expectedRevision}" is stale: the current revision is ${String(error.actual)}`,
  );
}

function fromHttpException(error: HttpException): ApiProblem {
  const status = error.getStatus();
  switch (status) {
    case 400:
      return ApiProblem.validation(error.message);
    case 401:
      return new ApiProblem('UNAUTHENTICATED', PROBLEM_CODES.UNAUTHENTICATED, 'A valid API key is required');
    case 403:
      return new ApiProblem('FORBIDDEN', PROBLEM_CODES.FORBIDDEN, 'Forbidden');
    case 404:
      return new ApiProblem('NOT_FOUND', PROBLEM_CODES.ROUTE_NOT_FOUND, error.message);
    case 405:
      return new ApiProblem('NOT_FOUND', PROBLEM_CODES.METHOD_NOT_ALLOWED, error.message);
    case 413:
      return new ApiProblem(
        'PAYLOAD_TOO_LARGE',
        PROBLEM_CODES.PAYLOAD_TOO_LARGE,
        'The request body is larger than 256 KiB',
      );
    case 415:
      return new ApiProblem(
        'UNSUPPORTED_MEDIA_TYPE',
        PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE,
        'Request bodies must be application/json',
      );
    default:
      return status < 500
        ? ApiProblem.validation(error.message)
        : new ApiProblem('INTERNAL', PROBLEM_CODES.INTERNAL_ERROR, 'An unexpected error occurred');
  }
}

/** Errors of Express's body parser carry a `type` (https://github.com/expressjs/body-parser#errors). */
function fromBodyParserError(error: unknown): ApiProblem | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error) || typeof error.type !== 'string')
    return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return new ApiProblem(
        'PAYLOAD_TOO_LARGE',
        PROBLEM_CODES.PAYLOAD_TOO_LARGE,
        'The request body is larger than 256 KiB',
      );
    case 'entity.parse.failed':
      return ApiProblem.validation('The request body is not valid JSON', [{ path: '', message: 'malformed JSON' }]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiProblem(
        'UNSUPPORTED_MEDIA_TYPE',
        PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE,
        'Request bodies must be UTF-8 application/json',
      );
    case 'request.aborted':
    case 'request.size.invalid':
    case 'entity.verify.failed':
    case 'parameters.too.many':
      return ApiProblem.validation('The request body could not be read');
    default:
      return undefined;
  }
}
