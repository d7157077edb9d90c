/**
 * A transport-agnostic error result: REST renders it as RFC 9457 problem+json, gRPC (later) as a status code with
 * the code in the details. `kind` decides the status; `code` is the stable machine-readable reason.
 */
export type ProblemKind =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BUSINESS_RULE'
  | 'TOO_MANY_REQUESTS'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface FieldError {
  /** Dotted path into the request body or parameter name, e.g. `beneficiaries.1.sharePercent`. */
  readonly path: string;
  readonly message: string;
}

interface ApiProblemOptions {
  /**
   * When the client may try again (REST `Retry-After`, in seconds). UNAVAILABLE problems always carry one: this value,
   * or DEFAULT_RETRY_AFTER_SECONDS.
   */
  readonly retryAfterSeconds?: number;
}

/** Retry-After of an UNAVAILABLE problem that names none. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly retryAfterSeconds?: number;

  constructor(
    readonly kind: ProblemKind,
    readonly code: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    options: ApiProblemOptions = {},
  ) {
    super(`${code}: ${detail}`);
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static validation(detail: string, errors?: readonly FieldError[]): ApiProblem {
    return new ApiProblem('VALIDATION', 'VALIDATION_FAILED', detail, errors);
  }
}

/** Codes that are not a business rule's own code. Business rules use the domain's codes (DESIGN 2.5). */
export const PROBLEM_CODES = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  POLICY_NOT_FOUND: 'POLICY_NOT_FOUND',
  AGENT_NOT_FOUND: 'AGENT_NOT_FOUND',
  PRODUCT_NOT_FOUND: 'PRODUCT_NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  POLICY_ALREADY_EXISTS: 'POLICY_ALREADY_EXISTS',
  AGENT_ALREADY_EXISTS: 'AGENT_ALREADY_EXISTS',
  CONCURRENCY_CONFLICT: 'CONCURRENCY_CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The API key is over its limits on expensive reads (READ_LIMIT_*): 429 with Retry-After. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /** The event store cannot take the request now (disk full, I/O error, unreachable): 503 with Retry-After. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /**
   * A stream holds an event this version cannot read (unknown type, or a schema version newer than the code, e.g.
   * during a rolling upgrade): reads and commands of that stream answer 503 naming its revision (DESIGN 7); other
   * streams are served. Not a domain code: the domain never sees the event.
   */
  EVENT_VERSION_UNSUPPORTED: 'EVENT_VERSION_UNSUPPORTED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
