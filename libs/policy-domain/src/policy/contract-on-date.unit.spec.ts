/**
 * The contract on a business date (DESIGN 2.7). The standard policy: effective 2024-03-15, ANNUAL 120,000 for 10
 * years, CN rules (60 days of grace): installment 2 is due 2025-03-15 and may lapse the policy from 2025-05-15.
 */
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  cny,
  lapsePolicy,
  payPremium,
  policyIssued,
  reinstatePolicy,
  sendReminder,
  surrenderPolicy,
} from '../testing/policy-fixtures';
import { contractOn, statusByLawOn } from './contract-on-date';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';

const issued = policyIssued();

function state(events: PolicyEvent[]): IssuedPolicy {
  return policyStateAfter(events) as IssuedPolicy;
}

describe('status by law on a business date', () => {
  it('is IN_FORCE through the grace period and SUSPENDED from the lapse date, lapse recorded or not', () => {
    const policy = state([issued]);
    expect(statusByLawOn(policy, '2025-03-15').statusByLaw).toBe('IN_FORCE');
    expect(statusByLawOn(policy, '2025-05-14').statusByLaw).toBe('IN_FORCE'); // due + 60 days: last day of cover
    expect(statusByLawOn(policy, '2025-05-15')).toEqual({ statusByLaw: 'SUSPENDED', suspendedSince: '2025-05-15' });
    expect(policy.status).toBe('IN_FORCE'); // nothing recorded
  });

  it('a premium paid in grace keeps the contract in force on every date; before it was paid it was in grace', () => {
    const paid = state([issued, ...eventsOf([payPremium(2, '2025-05-01')], [issued])]);
    expect(contractOn(paid, '2025-04-30').installmentsDue.map((installment) => installment.status)).toEqual([
      'PAID',
      'UNPAID',
    ]);
    expect(contractOn(paid, '2025-05-01').installmentsDue[1]).toMatchObject({ status: 'PAID', paidOn: '2025-05-01' });
    expect(statusByLawOn(paid, '2025-06-01').statusByLaw).toBe('IN_FORCE');
    // Installment 3 (due 2026-03-15) unpaid: suspended from 2026-05-15.
    expect(statusByLawOn(paid, '2026-05-15').suspendedSince).toBe('2026-05-15');
  });

  it('a reinstatement ends the suspension from its date', () => {
    const lapsed = [issued, ...eventsOf([lapsePolicy('2025-06-01')], [issued])];
    // Arrears on 2025-07-01: 120,000 + round_half_up(120,000 × 5 % × 108 / 365) = 120,000 + 1,775 = 121,775.
    const reinstated = state([...lapsed, ...eventsOf([reinstatePolicy('2025-07-01', cny(121_775))], lapsed)]);
    expect(statusByLawOn(reinstated, '2025-05-14').statusByLaw).toBe('IN_FORCE');
    expect(statusByLawOn(reinstated, '2025-05-15').statusByLaw).toBe('SUSPENDED');
    expect(statusByLawOn(reinstated, '2025-06-30').statusByLaw).toBe('SUSPENDED');
    expect(statusByLawOn(reinstated, '2025-07-01').statusByLaw).toBe('IN_FORCE');
  });

  it('is TERMINATED from the termination date', () => {
    const terminated = state([issued, ...eventsOf([surrenderPolicy('2025-01-10')], [issued])]);
    expect(statusByLawOn(terminated, '2025-01-09').statusByLaw).toBe('IN_FORCE');
    expect(statusByLawOn(terminated, '2025-01-10').statusByLaw).toBe('TERMINATED');
  });
});

describe('RecordPremiumPayment on the contract of its date', () => {
  it('a renewal premium paid 76 days after the lapse date → GRACE_PERIOD_OVER (the customer reinstates instead)', () => {
    // Lapse date 2025-05-15 + 76 days = 2025-07-30; no PolicyLapsed was recorded.
    givenPolicy([issued])
      .when(payPremium(2, '2025-07-30'))
      .thenThrows('GRACE_PERIOD_OVER', /suspended by law \(since 2025-05-15\)/);
  });

  it('on the last day of grace it is accepted', () => {
    expect(givenPolicy([issued]).when(payPremium(2, '2025-05-14')).events()).toHaveLength(1);
  });

  it('dated before the policy took effect → DATE_BEFORE_POLICY', () => {
    givenPolicy([issued]).when(payPremium(2, '2024-03-14')).thenThrows('DATE_BEFORE_POLICY');
  });

  it('on a policy whose lapse is recorded → POLICY_NOT_IN_FORCE', () => {
    const lapsed = [issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])];
    givenPolicy(lapsed).when(payPremium(2, '2025-05-20')).thenThrows('POLICY_NOT_IN_FORCE');
  });
});

describe('dates of servicing commands', () => {
  it('a reminder sent before the policy took effect → DATE_BEFORE_POLICY', () => {
    givenPolicy([issued])
      .when(sendReminder(2, 'PRE_DUE', '2024-02-01'))
      .thenThrows('DATE_BEFORE_POLICY');
  });
});
