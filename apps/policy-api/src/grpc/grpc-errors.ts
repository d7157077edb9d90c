import { Metadata, status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';
import { PROBLEM_CODES, type ApiProblem, type ProblemKind } from '../problem/api-problem';
import { protoFieldPath } from './message-schema';
import { encodeRpcStatus } from './rpc-status';

/** `google.rpc.ErrorInfo.domain` of every error of this API. */
export const ERROR_DOMAIN = 'policy-servicing';
/** Trailer with the problem code, for clients that do not decode `grpc-status-details-bin`. */
export const ERROR_CODE_METADATA = 'error-code';
export const CORRELATION_ID_METADATA = 'x-correlation-id';

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
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  INTERNAL: GrpcStatus.INTERNAL,
};

const ALREADY_EXISTS_CODES = new Set<string>([PROBLEM_CODES.POLICY_ALREADY_EXISTS, PROBLEM_CODES.AGENT_ALREADY_EXISTS]);

export function grpcStatusOf(problem: ApiProblem): GrpcStatus {
  if (problem.kind === 'CONFLICT' && ALREADY_EXISTS_CODES.has(problem.code)) return GrpcStatus.ALREADY_EXISTS;
  return STATUS_OF_KIND[problem.kind];
}

/**
 * The error a gRPC handler fails with: status code, the problem's detail as the message, and trailers with the code
 * (`error-code`), the correlation id and `grpc-status-details-bin` (google.rpc.Status with ErrorInfo.reason = the
 * code, plus BadRequest field violations for validation problems). Field paths are proto field paths.
 */
export function grpcErrorOf(problem: ApiProblem, correlationId: string): Partial<StatusObject> {
  const code = grpcStatusOf(problem);
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA, problem.code);
  metadata.set(CORRELATION_ID_METADATA, correlationId);
  metadata.set(
    'grpc-status-details-bin',
    encodeRpcStatus({
      code,
      message: problem.detail,
      errorInfo: { reason: problem.code, domain: ERROR_DOMAIN },
      fieldViolations: problem.errors?.map((error) => ({
        field: error.path.includes('-') ? error.path : protoFieldPath(error.path),
        description: error.message,
      })),
    }),
  );
  return { code, details: problem.detail, metadata };
}
