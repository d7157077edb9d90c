import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  capitalizeLoanInterest,
  cny,
  grantLoan,
  lapsePolicy,
  payPremium,
  paySurvivalBenefit,
  policyIssued,
  POLICYHOLDER,
} from '../testing/policy-fixtures';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';

// Period 1 due 2029-03-15, period 2 on 2034-03-15, period 3 = MATURITY on 2044-03-15. Premiums are annual on
// Mar 15, 2024–2033 (installment n due Mar 15 of 2023 + n).
const issued = policyIssued();

/** The standard policy with installments 2…lastInstallment paid on their due dates. */
function paidThrough(lastInstallment: number): PolicyEvent[] {
  const payments = Array.from({ length: lastInstallment - 1 }, (_, index) =>
    payPremium(index + 2, `${2025 + index}-03-15`),
  );
  return [issued, ...eventsOf(payments, [issued])];
}

const inForce = paidThrough(6); // paid to 2030-03-15: in force on period 1's due date
const paidUp = paidThrough(10);

describe('PaySurvivalBenefit', () => {
  it('pays a planned survival benefit on or after its due date, for the planned amount', () => {
    givenPolicy(inForce)
      .when(paySurvivalBenefit(1, '2029-03-15'))
      .then([
        {
          type: 'SurvivalBenefitPaid',
          data: {
            periodNo: 1,
            kind: 'SURVIVAL',
            dueDate: '2029-03-15',
            amount: cny(500_000),
            loanDeduction: cny(0),
            loanSettlement: null,
            paidOn: '2029-03-15',
            payee: { name: POLICYHOLDER.name, accountRef: 'ACC-1' },
            paymentRef: 'PAY-1',
            lifeConfirmationRef: 'LIFE-1',
          },
        },
      ]);
  });

  it('paying the same period twice → SURVIVAL_BENEFIT_ALREADY_PAID', () => {
    const paid = [...inForce, ...eventsOf([paySurvivalBenefit(1, '2029-03-20')], inForce)];
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
    givenPolicy(inForce)
      .when(paySurvivalBenefit(1, '2029-03-15', { lifeConfirmationRef: '' }))
      .thenThrows('LIFE_CONFIRMATION_REQUIRED');
  });

  it('on a policy lapsed before the due date → POLICY_NOT_IN_FORCE', () => {
    const lapsed = [issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])];
    givenPolicy(lapsed).when(paySurvivalBenefit(1, '2029-03-15')).thenThrows('POLICY_NOT_IN_FORCE');
  });

  it('due while the contract was suspended by law, lapse recorded or not → POLICY_NOT_IN_FORCE', () => {
    // Installment 2 (due 2025-03-15) was never paid: suspended by law from 2025-05-15, nothing recorded.
    givenPolicy([issued])
      .when(paySurvivalBenefit(1, '2029-03-15'))
      .thenThrows('POLICY_NOT_IN_FORCE', /SUSPENDED since 2025-05-15/);
  });

  it('due while in force, it is still owed after a later lapse', () => {
    // Installment 7 (due 2030-03-15) unpaid: lapsed 2030-05-15; period 1 fell due 2029-03-15, in force.
    const lapsedLater = [...inForce, ...eventsOf([lapsePolicy('2030-05-15')], inForce)];
    expect(givenPolicy(lapsedLater).when(paySurvivalBenefit(1, '2030-06-01')).events()).toHaveLength(1);
  });

  it('the MATURITY payment with an earlier period unpaid → EARLIER_BENEFIT_UNPAID', () => {
    const firstPaid = [...paidUp, ...eventsOf([paySurvivalBenefit(1, '2033-04-01')], paidUp)];
    givenPolicy(firstPaid)
      .when(paySurvivalBenefit(3, '2044-03-20'))
      .thenThrows('EARLIER_BENEFIT_UNPAID', /periods 2 before/);
  });

  it('the MATURITY payment also matures the policy, which then is closed', () => {
    const earlierPaid = [
      ...paidUp,
      ...eventsOf([paySurvivalBenefit(1, '2033-04-01'), paySurvivalBenefit(2, '2034-03-20')], paidUp),
    ];
    givenPolicy(earlierPaid)
      .when(paySurvivalBenefit(3, '2044-03-20'))
      .then([
        {
          type: 'SurvivalBenefitPaid',
          data: {
            periodNo: 3,
            kind: 'MATURITY',
            dueDate: '2044-03-15',
            amount: cny(10_000_000),
            loanDeduction: cny(0),
            loanSettlement: null,
            paidOn: '2044-03-20',
            payee: { name: POLICYHOLDER.name, accountRef: 'ACC-1' },
            paymentRef: 'PAY-3',
            lifeConfirmationRef: 'LIFE-3',
          },
        },
        { type: 'PolicyMatured', data: { maturityDate: '2044-03-15', periodNo: 3, paidOn: '2044-03-20' } },
      ]);
    const matured = [...earlierPaid, ...eventsOf([paySurvivalBenefit(3, '2044-03-20')], earlierPaid)];
    expect((policyStateAfter(matured) as IssuedPolicy).status).toBe('MATURED');
    givenPolicy(matured).when(paySurvivalBenefit(1, '2044-04-01')).thenThrows('POLICY_CLOSED');
  });
});

describe('PaySurvivalBenefit with a policy loan (DESIGN 2.10)', () => {
  it('deducts the debt, interest first, and the loan is repaid by it', () => {
    // Paid through installment 5 (to 2029-03-15; installment 6 is in grace on the benefit's due date): on
    // 2028-03-15 the cash value is CV_end(4) = 900,000, so 720,000 may be lent. 300,000 lent that day; on the next
    // anniversary 2029-03-15 (365 days) round_half_up(300,000 × 5 % × 365 / 365) = 15,000 is capitalized.
    const paidToBenefit = paidThrough(5);
    const lent = [
      ...paidToBenefit,
      ...eventsOf([grantLoan(300_000, '2028-03-15'), capitalizeLoanInterest('2029-03-15')], paidToBenefit),
    ];
    // Benefit 500,000 on 2029-03-20: debt 315,000 + round_half_up(315,000 × 5 % × 5 / 365 = 215.75…) = 315,216.
    const [paid] = givenPolicy(lent).when(paySurvivalBenefit(1, '2029-03-20')).events();
    expect(paid!.data).toMatchObject({
      amount: cny(500_000),
      loanDeduction: cny(315_216),
      loanSettlement: { interestAccrued: cny(216), toInterest: cny(216), toPrincipal: cny(315_000) },
    });
    const after = policyStateAfter([...lent, paid!]) as IssuedPolicy;
    expect(after.loan).toMatchObject({ balance: cny(0), accruedInterest: cny(0), nextCapitalizationOn: null });
  });
});
