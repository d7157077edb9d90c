import { ConcurrencyError } from '@lib/event-sourcing';
import { DomainError } from '@lib/policy-domain';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { concurrencyProblem } from '../problem/error-classification';
import { ruleRejectionCode } from './rule-rejection';

describe('ruleRejectionCode: which failures of a scheduled or process command are a skip', () => {
  it.each([
    ['a business rule of the domain', new DomainError('GRACE_PERIOD_NOT_OVER', 'not yet'), 'GRACE_PERIOD_NOT_OVER'],
    [
      'a business rule as a problem',
      new ApiProblem('BUSINESS_RULE', 'POLICY_NOT_ORPHANED', 'x'),
      'POLICY_NOT_ORPHANED',
    ],
    ['a policy that does not exist', new DomainError('POLICY_NOT_FOUND', 'no such policy'), 'POLICY_NOT_FOUND'],
    [
      'an agent that does not exist (problem)',
      new ApiProblem('NOT_FOUND', PROBLEM_CODES.AGENT_NOT_FOUND, 'no such agent'),
      'AGENT_NOT_FOUND',
    ],
  ])('%s → skipped with its code', (_case, error, code) => {
    expect(ruleRejectionCode(error)).toBe(code);
  });

  it.each([
    [
      'CONCURRENCY_CONFLICT after the retries',
      concurrencyProblem(new ConcurrencyError('policy-P-1', 3, 4), undefined, PROBLEM_CODES.POLICY_NOT_FOUND),
    ],
    [
      'PRECONDITION_FAILED (stale expected revision)',
      concurrencyProblem(new ConcurrencyError('policy-P-1', 3, 4), 3, PROBLEM_CODES.POLICY_NOT_FOUND),
    ],
    [
      'IDEMPOTENCY_KEY_REUSED',
      new ApiProblem('BUSINESS_RULE', PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED, 'key bound to another request'),
    ],
    ['a route that does not exist', new ApiProblem('NOT_FOUND', PROBLEM_CODES.ROUTE_NOT_FOUND, 'x')],
    ['the store being unavailable', new ApiProblem('UNAVAILABLE', PROBLEM_CODES.SERVICE_UNAVAILABLE, 'x')],
    ['a domain conflict', new DomainError('POLICY_ALREADY_EXISTS', 'exists')],
    ['any other error', new Error('disk full')],
  ])('%s → not a skip (counted as failed, retried)', (_case, error) => {
    expect(ruleRejectionCode(error)).toBeNull();
  });
});
