import { DOMAIN_ERROR_CODES, DomainError, domainErrorKindOf, isDomainError, isDomainErrorCode } from './errors';

describe('domain errors', () => {
  it('map "already exists" to conflict, missing things to not_found and every rule to rule', () => {
    expect(domainErrorKindOf('POLICY_ALREADY_EXISTS')).toBe('conflict');
    expect(domainErrorKindOf('AGENT_ALREADY_EXISTS')).toBe('conflict');
    expect(domainErrorKindOf('POLICY_NOT_FOUND')).toBe('not_found');
    expect(domainErrorKindOf('AGENT_NOT_FOUND')).toBe('not_found');
    expect(domainErrorKindOf('REMINDER_NOT_FOUND')).toBe('not_found');
    expect(domainErrorKindOf('POLICY_CLOSED')).toBe('rule');
    expect(domainErrorKindOf('ARREARS_MISMATCH')).toBe('rule');
  });

  it('carry a typed code, a human detail and the kind', () => {
    const error = new DomainError('GRACE_PERIOD_NOT_OVER', 'may lapse from 2025-05-15');
    expect(error).toBeInstanceOf(Error);
    expect(isDomainError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'GRACE_PERIOD_NOT_OVER', detail: 'may lapse from 2025-05-15', kind: 'rule' });
    expect(error.message).toBe('GRACE_PERIOD_NOT_OVER: may lapse from 2025-05-15');
  });

  it('list every code once, including all codes of the DESIGN table', () => {
    expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length);
    for (const code of [
      'POLICY_ALREADY_EXISTS',
      'POLICY_NOT_FOUND',
      'AGENT_NOT_FOUND',
      'AGENT_ALREADY_EXISTS',
      'POLICY_CLOSED',
      'BENEFICIARY_SHARES_INVALID',
      'INSURED_AS_BENEFICIARY',
      'INSURED_CONSENT_REQUIRED',
      'INSTALLMENT_NOT_OPEN',
      'POLICY_NOT_IN_FORCE',
      'INSTALLMENT_OUT_OF_ORDER',
      'PREMIUM_AMOUNT_MISMATCH',
      'DUPLICATE_RECEIPT',
      'GRACE_PERIOD_NOT_OVER',
      'WAIVER_ALREADY_ACTIVE',
      'WAIVER_IN_WAITING_PERIOD',
      'NOTHING_TO_WAIVE',
      'POLICY_NOT_LAPSED',
      'REINSTATEMENT_WINDOW_EXPIRED',
      'ARREARS_MISMATCH',
      'TRANSFER_TO_SAME_BRANCH',
      'UNKNOWN_BENEFIT_PERIOD',
      'SURVIVAL_BENEFIT_ALREADY_PAID',
      'BENEFIT_NOT_DUE',
      'POLICY_NOT_ORPHANED',
      'ASSIGNEE_NOT_ELIGIBLE',
      'REINSTATEMENT_WINDOW_OPEN',
      'DATE_IN_FUTURE',
      'AGENT_NOT_ACTIVE',
    ]) {
      expect(isDomainErrorCode(code)).toBe(true);
    }
    expect(isDomainErrorCode('VALIDATION_FAILED')).toBe(false);
  });
});
