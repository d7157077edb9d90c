import { domainErrorKindOf, isDomainError, isDomainErrorCode, type DomainErrorCode } from '@lib/policy-domain';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';

/** The target is gone (or never was): sending the command again cannot succeed either. */
const MISSING_TARGET: ReadonlySet<DomainErrorCode> = new Set([
  PROBLEM_CODES.POLICY_NOT_FOUND,
  PROBLEM_CODES.AGENT_NOT_FOUND,
]);

/**
 * The code when a scheduled or process command was rejected for good: by a business rule of the domain (its `rule`
 * codes, e.g. GRACE_PERIOD_NOT_OVER, POLICY_NOT_ORPHANED) or because the policy or agent does not exist. Null for
 * anything else — CONCURRENCY_CONFLICT after the retries, PRECONDITION_FAILED, IDEMPOTENCY_KEY_REUSED, store errors —
 * which the caller must count as failed (and retry), never as a skip.
 */
export function ruleRejectionCode(error: unknown): DomainErrorCode | null {
  const code = isDomainError(error) ? error.code : error instanceof ApiProblem ? error.code : null;
  if (!isDomainErrorCode(code)) return null;
  return domainErrorKindOf(code) === 'rule' || MISSING_TARGET.has(code) ? code : null;
}
