import type { Response } from 'express';
import { DEFAULT_RETRY_AFTER_SECONDS, type ApiProblem, type ProblemKind } from './api-problem';

const HTTP: Record<ProblemKind, { status: number; title: string }> = {
  VALIDATION: { status: 400, title: 'Bad Request' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not Found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition Failed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Content Too Large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type' },
  BUSINESS_RULE: { status: 422, title: 'Unprocessable Content' },
  TOO_MANY_REQUESTS: { status: 429, title: 'Too Many Requests' },
  UNAVAILABLE: { status: 503, title: 'Service Unavailable' },
  INTERNAL: { status: 500, title: 'Internal Server Error' },
};

export function httpStatusOf(kind: ProblemKind): number {
  return HTTP[kind].status;
}

/** RFC 9457 body. `type` is a URN per code, so clients can branch on either `type` or `code`. */
interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors?: readonly { path: string; message: string }[];
  readonly correlationId?: string;
}

export function problemDocument(problem: ApiProblem, correlationId?: string): ProblemDocument {
  const { status, title } = HTTP[problem.kind];
  return {
    type: `urn:policy-servicing:problem:${problem.code}`,
    title,
    status,
    code: problem.code,
    detail: problem.detail,
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
    ...(correlationId === undefined ? {} : { correlationId }),
  };
}

export function sendProblem(response: Response, problem: ApiProblem, correlationId?: string): void {
  const document = problemDocument(problem, correlationId);
  // The access log line of this request names the problem (see logAccess).
  if (response.locals !== undefined) response.locals.problemCode = document.code;
  if (problem.kind === 'UNAUTHENTICATED') response.setHeader('WWW-Authenticate', 'Bearer realm="policy-api"');
  const retryAfter = retryAfterOf(problem);
  if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
  response.status(document.status).type('application/problem+json').send(JSON.stringify(document));
}

/** Seconds for `Retry-After` (RFC 9110 10.2.3): every 503, and any problem that names a time. */
export function retryAfterOf(problem: ApiProblem): number | undefined {
  if (problem.retryAfterSeconds !== undefined) return problem.retryAfterSeconds;
  return problem.kind === 'UNAVAILABLE' ? DEFAULT_RETRY_AFTER_SECONDS : undefined;
}
