import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ConcurrencyError } from '@lib/event-sourcing';
import { DomainError } from '@lib/policy-domain';
import { ApiProblem } from './api-problem';
import { concurrencyProblem, toApiProblem } from './error-classification';
import { httpStatusOf, problemDocument } from './http-problem';

const statusAndCode = (error: unknown) => {
  const problem = toApiProblem(error);
  return [httpStatusOf(problem.kind), problem.code];
};

describe('error classification → HTTP status and code', () => {
  it('domain errors: rule → 422, not found → 404, conflict → 409, with the domain code', () => {
    expect(statusAndCode(new DomainError('BENEFICIARY_SHARES_INVALID', 'x'))).toEqual([
      422,
      'BENEFICIARY_SHARES_INVALID',
    ]);
    expect(statusAndCode(new DomainError('POLICY_NOT_FOUND', 'x'))).toEqual([404, 'POLICY_NOT_FOUND']);
    expect(statusAndCode(new DomainError('POLICY_ALREADY_EXISTS', 'x'))).toEqual([409, 'POLICY_ALREADY_EXISTS']);
  });

  it('body parser errors: too large → 413, malformed → 400, bad charset → 415', () => {
    expect(statusAndCode(Object.assign(new Error('x'), { type: 'entity.too.large' }))).toEqual([
      413,
      'PAYLOAD_TOO_LARGE',
    ]);
    expect(statusAndCode(Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed' }))).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
    expect(statusAndCode(Object.assign(new Error('x'), { type: 'charset.unsupported' }))).toEqual([
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ]);
  });

  it('Nest HTTP exceptions keep their status; unknown errors → 500 without details', () => {
    expect(statusAndCode(new NotFoundException('Cannot GET /x'))).toEqual([404, 'ROUTE_NOT_FOUND']);
    expect(statusAndCode(new PayloadTooLargeException())).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const internal = toApiProblem(new TypeError('secret internals'));
    expect([httpStatusOf(internal.kind), internal.code, internal.detail]).toEqual([
      500,
      'INTERNAL_ERROR',
      'An unexpected error occurred',
    ]);
  });

  it('concurrency: with If-Match → 412 (or 404 for a missing stream); without → 409 CONCURRENCY_CONFLICT', () => {
    const stale = new ConcurrencyError('policy-P-1', 2, 3);
    expect(concurrencyProblem(stale, 2, 'POLICY_NOT_FOUND')).toMatchObject({
      kind: 'PRECONDITION_FAILED',
      code: 'PRECONDITION_FAILED',
    });
    expect(concurrencyProblem(new ConcurrencyError('policy-P-1', 2, 'no_stream'), 2, 'POLICY_NOT_FOUND')).toMatchObject(
      { kind: 'NOT_FOUND', code: 'POLICY_NOT_FOUND' },
    );
    expect(concurrencyProblem(stale, undefined, 'POLICY_NOT_FOUND')).toMatchObject({
      kind: 'CONFLICT',
      code: 'CONCURRENCY_CONFLICT',
    });
  });

  it('renders RFC 9457 documents', () => {
    const problem = ApiProblem.validation('1 field(s) failed validation', [{ path: 'paidOn', message: 'bad' }]);
    expect(problemDocument(problem, 'corr-1')).toEqual({
      type: 'urn:policy-servicing:problem:VALIDATION_FAILED',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: '1 field(s) failed validation',
      errors: [{ path: 'paidOn', message: 'bad' }],
      correlationId: 'corr-1',
    });
  });
});
