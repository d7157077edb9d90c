import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { cny, lapsePolicy, paySurvivalBenefit, policyIssued, POLICYHOLDER } from '../testing/policy-fixtures';
import { type IssuedPolicy } from './policy-state';

const issued = policyIssued(); // period 1 due 2029-03-15, period 3 = MATURITY on 2044-03-15

describe('PaySurvivalBenefit', () => {
  it('pays a planned survival benefit on or after its due date, for the planned amount', () => {
    givenPolicy([issued])
      .when(paySurvivalBenefit(1, '2029-03-15'))
      .then([
        {
          type: 'SurvivalBenefitPaid',
          data: {
            periodNo: 1,
            kind: 'SURVIVAL',
            dueDate: '2029-03-15',
            amount: cny(500_000),
            paidOn: '2029-03-15',
            payee: { name: POLICYHOLDER.name, accountRef: 'ACC-1' },
            paymentRef: 'PAY-1',
            lifeConfirmationRef: 'LIFE-1',
          },
        },
      ]);
  });

  it('paying the same period twice → SURVIVAL_BENEFIT_ALREADY_PAID', () => {
    const paid = [issued, ...eventsOf([paySurvivalBenefit(1, '2029-03-20')], [issued])];
    givenPolicy(paid)
      .when(paySurvivalBenefit(1, '2029-04-01'))
      .thenThrows('SURVIVAL_BENEFIT_ALREADY_PAID', /2029-03-20/);
  });

  it('before the due date → BENEFIT_NOT_DUE', () => {
    givenPolicy([issued]).when(paySurvivalBenefit(1, '2029-03-14')).thenThrows('BENEFIT_NOT_DUE');
  });

  it('a period that is not in the plan → UNKNOWN_BENEFIT_PERIOD', () => {
    givenPolicy([issued]).when(paySurvivalBenefit(9, '2029-03-15')).thenThrows('UNKNOWN_BENEFIT_PERIOD');
  });

  it('without a life confirmation → LIFE_CONFIRMATION_REQUIRED', () => {
    givenPolicy([issued])
      .when(paySurvivalBenefit(1, '2029-03-15', { lifeConfirmationRef: '' }))
      .thenThrows('LIFE_CONFIRMATION_REQUIRED');
  });

  it('on a lapsed policy → POLICY_NOT_IN_FORCE', () => {
    const lapsed = [issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])];
    givenPolicy(lapsed).when(paySurvivalBenefit(1, '2029-03-15')).thenThrows('POLICY_NOT_IN_FORCE');
  });

  it('the MATURITY payment also matures the policy, which then is closed', () => {
    givenPolicy([issued])
      .when(paySurvivalBenefit(3, '2044-03-20'))
      .then([
        {
          type: 'SurvivalBenefitPaid',
          data: {
            periodNo: 3,
            kind: 'MATURITY',
            dueDate: '2044-03-15',
            amount: cny(10_000_000),
            paidOn: '2044-03-20',
            payee: { name: POLICYHOLDER.name, accountRef: 'ACC-1' },
            paymentRef: 'PAY-3',
            lifeConfirmationRef: 'LIFE-3',
          },
        },
        { type: 'PolicyMatured', data: { maturityDate: '2044-03-15', periodNo: 3, paidOn: '2044-03-20' } },
      ]);
    const matured = [issued, ...eventsOf([paySurvivalBenefit(3, '2044-03-20')], [issued])];
    expect((policyStateAfter(matured) as IssuedPolicy).status).toBe('MATURED');
    givenPolicy(matured).when(paySurvivalBenefit(1, '2044-04-01')).thenThrows('POLICY_CLOSED');
  });
});
