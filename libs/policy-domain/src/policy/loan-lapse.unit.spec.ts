/**
 * The loan warning and the loan lapse (DESIGN 2.10): the worked-example policy (SA 10,000,000, 120,000 a year from
 * 2024-03-01) paid through installment 4, under a product that lends 95 % and whose cash value falls in year 4
 * (6.5 % of the SA at the end of year 3, 2 % at the end of year 4), so the debt catches up with it.
 */
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { publishedProduct } from '../testing/product-fixtures';
import { cny, grantLoan, payPremium, policyIssued, reinstatePolicy, repayLoan } from '../testing/policy-fixtures';
import { type PolicyCommand } from './policy-commands';
import { type PolicyEvent } from './policy-events';

const falling = publishedProduct('ENDOW-20', 'CNY', 'CN', {
  cashValuePpm: [0, 30_000, 65_000, 20_000],
  loan: { maxPercentOfCashValue: 95, interestBasisPoints: 500 },
});
const issued = policyIssued({
  effectiveDate: '2024-03-01',
  maturityDate: '2044-03-01',
  riders: [],
  survivalBenefits: [],
});
const after = (history: readonly PolicyEvent[], ...commands: PolicyCommand[]) => [
  ...history,
  ...eventsOf(commands, history),
];
// On 2026-09-01 the cash value is 476,438 (the worked example): 95 % → 452,616, all of it lent.
const lent = after(
  [issued],
  payPremium(2, '2025-03-01'),
  payPremium(3, '2026-03-01'),
  grantLoan(452_616, '2026-09-01', { product: falling }),
  payPremium(4, '2027-03-01'),
);

const warn = (sentOn: string): PolicyCommand => ({
  type: 'SendLoanWarning',
  data: { sentOn, channel: 'LETTER' },
  context: { today: sentOn, product: falling },
});
const loanLapse = (lapsedOn: string): PolicyCommand => ({
  type: 'LapsePolicy',
  data: { lapsedOn, cause: 'LOAN_EXCEEDS_CASH_VALUE' },
  context: { today: lapsedOn, product: falling },
});

describe('the loan warning and the loan lapse', () => {
  it('2027-07-01: the debt 471,403 is under the cash value 500,000 but above 90 % of it → warned, not lapsed', () => {
    // CV: 650,000 − 450,000 × 122 / 366 = 500,000 (year 4 runs 2027-03-01 → 2028-03-01, 366 days).
    // Debt: 452,616 + round_half_up(452,616 × 5 % × 303 / 365 = 18,786.8…) = 471,403.
    givenPolicy(lent)
      .when(loanLapse('2027-07-01'))
      .thenThrows('LOAN_WITHIN_CASH_VALUE', /471403.*500000/);
    givenPolicy(lent)
      .when(warn('2027-07-01'))
      .then([
        {
          type: 'LoanWarningSent',
          data: { sentOn: '2027-07-01', channel: 'LETTER', debt: cny(471_403), cashValue: cny(500_000) },
        },
      ]);
    givenPolicy(after(lent, warn('2027-07-01')))
      .when(warn('2027-07-02'))
      .thenThrows('LOAN_WARNING_ALREADY_SENT');
  });

  it('below 90 % → LOAN_BELOW_WARNING', () => {
    // 2026-09-01: 452,616 of 476,438 is 95 %; 2027-03-01: CV_end(3) = 650,000, debt 452,616 + 11,222 = 463,838: 71 %.
    givenPolicy(lent).when(warn('2027-03-01')).thenThrows('LOAN_BELOW_WARNING');
  });

  it('2027-09-01: the debt 475,247 reached the cash value 423,770 → PolicyLapsed, cause LOAN_EXCEEDS_CASH_VALUE', () => {
    // CV: 650,000 + round_half_up(−450,000 × 184 / 366 = −226,229.5…) = 423,770; debt: 452,616 +
    // round_half_up(452,616 × 5 % × 365 / 365 = 22,630.8) = 475,247.
    givenPolicy(lent)
      .when(loanLapse('2027-09-01'))
      .then([
        {
          type: 'PolicyLapsed',
          data: {
            lapsedOn: '2027-09-01',
            installmentNo: null,
            dueDate: null,
            reinstatementDeadline: '2029-09-01',
            cause: 'LOAN_EXCEEDS_CASH_VALUE',
          },
        },
      ]);
  });

  it('repaid while lapsed below the cash value, the policy is reinstated (no premium in arrears)', () => {
    const lapsed = after(lent, loanLapse('2027-09-01'));
    const reinstate = { ...reinstatePolicy('2027-09-10', cny(0)), context: { today: '2027-09-10', product: falling } };
    givenPolicy(lapsed).when(reinstate).thenThrows('LOAN_EXCEEDS_CASH_VALUE');
    // 100,000 on 2027-09-10: interest 452,616 × 5 % × 374 / 365 = 23,188.8… → 23,189 first, 76,811 of principal →
    // 375,805, under the cash value 650,000 − 450,000 × 193 / 366 (237,295.08…) = 412,705.
    const repaid = after(lapsed, repayLoan(100_000, '2027-09-10'));
    expect(policyStateAfter(repaid)).toMatchObject({ status: 'LAPSED', loan: { balance: cny(375_805) } });
    const [event] = givenPolicy(repaid).when(reinstate).events();
    expect(event).toMatchObject({ type: 'PolicyReinstated', data: { total: cny(0), installmentsCovered: [] } });
  });
});
