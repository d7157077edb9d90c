import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { PROBLEM_CODES, type ApiProblem, type ProblemKind } from '../problem/api-problem';
import { protoFieldPath } from './message-schema';
import { encodeRpcStatus, type RpcStatus } from './rpc-status';

/** `google.rpc.ErrorInfo.domain` of every error of this API. */
const ERROR_DOMAIN = 'policy-servicing';
/** Trailer with the problem code, for clients that do not decode `grpc-status-details-bin`. */
const ERROR_CODE_METADATA = 'error-code';
export const CORRELATION_ID_METADATA = 'x-correlation-id';
/** Trailer with the seconds to wait before retrying (the `Retry-After` of REST), when the problem names them. */
const RETRY_AFTER_METADATA = 'retry-after';

/** DESIGN 4: the transport-agnostic problem kinds (the REST statuses) → gRPC status codes. */
const STATUS_OF_KIND: Record<ProblemKind, GrpcStatus> = {
  VALIDATION: GrpcStatus.INVALID_ARGUMENT,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  FORBIDDEN: GrpcStatus.PERMISSION_DENIED,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  // REST 409 is either "exists already" or an exhausted concurrency retry; see grpcStatusOf.
  CONFLICT: GrpcStatus.ABORTED,
  // A stale expected revision (REST 412 If-Match) is a concurrency failure: re-read and retry.
  PRECONDITION_FAILED: GrpcStatus.ABORTED,
  PAYLOAD_TOO_LARGE: GrpcStatus.RESOURCE_EXHAUSTED,
  UNSUPPORTED_MEDIA_TYPE: GrpcStatus.INVALID_ARGUMENT,
  BUSINESS_RULE: GrpcStatus.FAILED_PRECONDITION,
  TOO_MANY_REQUESTS: GrpcStatus.RESOURCE_EXHAUSTED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  INTERNAL: GrpcStatus.INTERNAL,
};

const ALREADY_EXISTS_CODES = new Set<string>([PROBLEM_CODES.POLICY_ALREADY_EXISTS, PROBLEM_CODES.AGENT_ALREADY_EXISTS]);

export function grpcStatusOf(problem: ApiProblem): GrpcStatus {
  if (problem.kind === 'CONFLICT' && ALREADY_EXISTS_CODES.has(problem.code)) return GrpcStatus.ALREADY_EXISTS;
  return STATUS_OF_KIND[problem.kind];
}

/**
 * Everything an error sends travels in the HTTP/2 trailers, and a peer refuses a header block over its limit (C-core
 * clients: 8 KiB by default; Node's http2: 64 KiB) by failing the call with INTERNAL or, with Node's http2, the whole
 * connection, so other calls on it fail too. A 433-byte request of 200 empty entries once produced details of ~100
 * KB. So the message is cut to 256 characters (percent-encoded in `grpc-message`, up to 3 bytes each), and the
 * binary details (base64 in `grpc-status-details-bin`, 4/3 of their size) to 3 KiB: the trailers stay under 8 KiB.
 */
const MAX_MESSAGE_LENGTH = 256;
export const MAX_STATUS_DETAILS_BYTES = 3 * 1024;
/** At most as many field violations as a REST problem lists (MAX_FIELD_ERRORS), fewer when they are long. */
const MAX_FIELD_VIOLATIONS = 20;
const MAX_FIELD_LENGTH = 128;
const MAX_DESCRIPTION_LENGTH = 200;
/** ErrorInfo.metadata key with the number of field violations, when not all of them fit in the details. */
export const VIOLATION_COUNT_METADATA = 'fieldViolationCount';

function bounded(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/**
 * The error a gRPC handler fails with: status code, the problem's detail as the message, and trailers with the code
 * (`error-code`), the correlation id and `grpc-status-details-bin` (google.rpc.Status with ErrorInfo.reason = the
 * code, plus BadRequest field violations for validation problems). Field paths are proto field paths. Bounded in
 * size (see MAX_STATUS_DETAILS_BYTES): the first violations that fit, their count in ErrorInfo.metadata otherwise.
 */
export function grpcErrorOf(
  problem: ApiProblem,
  correlationId: string,
): { code: GrpcStatus; details: string; metadata: Metadata } {
  const code = grpcStatusOf(problem);
  const message = bounded(problem.detail, MAX_MESSAGE_LENGTH);
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA, problem.code);
  metadata.set(CORRELATION_ID_METADATA, correlationId);
  if (problem.retryAfterSeconds !== undefined) metadata.set(RETRY_AFTER_METADATA, String(problem.retryAfterSeconds));
  metadata.set('grpc-status-details-bin', boundedStatusDetails(code, message, problem));
  return { code, details: message, metadata };
}

function boundedStatusDetails(code: GrpcStatus, message: string, problem: ApiProblem): Buffer {
  const errors = problem.errors ?? [];
  const violations = errors.slice(0, MAX_FIELD_VIOLATIONS).map((error) => ({
    field: bounded(error.path.includes('-') ? error.path : protoFieldPath(error.path), MAX_FIELD_LENGTH),
    description: bounded(error.message, MAX_DESCRIPTION_LENGTH),
  }));
  const status = (count: number): RpcStatus => ({
    code,
    message,
    errorInfo: {
      reason: problem.code,
      domain: ERROR_DOMAIN,
      ...(count < errors.length ? { metadata: { [VIOLATION_COUNT_METADATA]: String(errors.length) } } : {}),
    },
    fieldViolations: violations.slice(0, count),
  });
  // A few hundred bytes each at most: drop violations from the end until the details fit.
  for (let count = violations.length; count > 0; count--) {
    const encoded = encodeRpcStatus(status(count));
    if (encoded.length <= MAX_STATUS_DETAILS_BYTES) return encoded;
  }
  return encodeRpcStatus(status(0));
}
