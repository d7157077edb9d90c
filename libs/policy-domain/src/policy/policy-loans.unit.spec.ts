/**
 * Policy loans (DESIGN 2.10), with the worked example of the loans issue, continuing the cash-value one: SA
 * 10,000,000, 120,000 a year from 2024-03-01, paid through installment 3; the sample endowment lends up to 80 % of the
 * cash value at 500 basis points.
 */
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { publishedProduct } from '../testing/product-fixtures';
import {
  cancelInFreeLook,
  changeContract,
  capitalizeLoanInterest,
  cny,
  grantLoan,
  lapsePolicy,
  payPremium,
  policyIssued,
  repayLoan,
  STANDARD_PRODUCT,
  surrenderPolicy,
} from '../testing/policy-fixtures';
import { type PolicyCommand } from './policy-commands';
import { type PolicyEvent } from './policy-events';
import { loanDebtOn } from './policy-loans';
import { type IssuedPolicy } from './policy-state';

const PAYEE = { name: 'Li Wei', accountRef: 'ACC-6222-0001' };
const issued = policyIssued({
  effectiveDate: '2024-03-01',
  maturityDate: '2044-03-01',
  riders: [],
  survivalBenefits: [],
});
const paidThrough3 = after([issued], payPremium(2, '2025-03-01'), payPremium(3, '2026-03-01'));

function after(history: readonly PolicyEvent[], ...commands: PolicyCommand[]): PolicyEvent[] {
  return [...history, ...eventsOf(commands, history)];
}

const grant = (amount: number, grantedOn: string, product = STANDARD_PRODUCT): PolicyCommand =>
  grantLoan(amount, grantedOn, { payee: PAYEE, product });
const repay = repayLoan;
const capitalize = capitalizeLoanInterest;
const state = (events: readonly PolicyEvent[]) => policyStateAfter(events) as IssuedPolicy;

describe('GrantPolicyLoan', () => {
  it('the worked example: CV 476,438 on 2026-09-01 → at most floor(0.8 × 476,438) = 381,150; 300,000 lent', () => {
    givenPolicy(paidThrough3)
      .when(grant(300_000, '2026-09-01'))
      .then([
        {
          type: 'PolicyLoanGranted',
          data: {
            loanNo: 'P-2024-0001-L1',
            amount: cny(300_000),
            grantedOn: '2026-09-01',
            interestBasisPoints: 500,
            cashValue: cny(476_438),
            maximum: cny(381_150),
            interestAccrued: cny(0),
            nextCapitalizationOn: '2027-03-01',
            payable: {
              payableId: 'P-2024-0001-P1',
              kind: 'LOAN',
              amount: cny(300_000),
              payee: PAYEE,
              dueBy: '2026-10-01',
            },
          },
        },
      ]);
  });

  it('above the maximum → LOAN_LIMIT_EXCEEDED naming it; a second loan counts the debt', () => {
    givenPolicy(paidThrough3)
      .when(grant(381_151, '2026-09-01'))
      .thenThrows('LOAN_LIMIT_EXCEEDED', /381150/);
    // 91 days later the debt is 300,000 + round_half_up(300,000 × 5 % × 91 / 365 = 3,739.7…) = 303,740; the cash value
    // on 2026-12-01 is 300,000 + round_half_up(350,000 × 275 / 365 = 263,698.6…) = 563,699; 80 % = 450,959.2 → 450,959;
    // 450,959 − 303,740 = 147,219.
    const lent = after(paidThrough3, grant(300_000, '2026-09-01'));
    expect(loanDebtOn(state(lent), '2026-12-01')).toEqual(cny(303_740));
    givenPolicy(lent)
      .when(grant(147_220, '2026-12-01'))
      .thenThrows('LOAN_LIMIT_EXCEEDED', /147219/);
    const [second] = givenPolicy(lent).when(grant(147_219, '2026-12-01')).events();
    expect(second!.data).toMatchObject({
      loanNo: 'P-2024-0001-L2',
      interestAccrued: cny(3_740),
      nextCapitalizationOn: '2027-03-01',
      payable: { payableId: 'P-2024-0001-P2' },
    });
  });

  it('a product that does not lend → LOAN_NOT_ALLOWED; suspended by law → POLICY_NOT_IN_FORCE', () => {
    const noLoans = publishedProduct('ENDOW-20', 'CNY', 'CN', { loan: null, automaticPremiumLoan: false });
    givenPolicy(paidThrough3)
      .when(grant(1_000, '2026-09-01', noLoans))
      .thenThrows('LOAN_NOT_ALLOWED');
    // Installment 4 (due 2027-03-01) unpaid: suspended from its lapse date 2027-05-01.
    givenPolicy(paidThrough3).when(grant(1_000, '2027-05-01')).thenThrows('POLICY_NOT_IN_FORCE');
    givenPolicy(after(paidThrough3, lapsePolicy('2027-05-01')))
      .when(grant(1_000, '2027-05-02'))
      .thenThrows('POLICY_NOT_IN_FORCE');
  });

  it('a loan is money out: the free look no longer applies', () => {
    givenPolicy(after(paidThrough3, grant(1_000, '2026-09-01')))
      .when(cancelInFreeLook('2026-09-02'))
      .thenThrows('FREE_LOOK_NOT_ALLOWED', /P-2024-0001-P1/);
  });
});

describe('interest, capitalization and repayment (the worked example)', () => {
  const lent = after(paidThrough3, grant(300_000, '2026-09-01'));

  it('capitalizes round_half_up(300,000 × 5 % × 181 / 365) = 7,438 on the anniversary 2027-03-01', () => {
    givenPolicy(lent)
      .when(capitalize('2027-03-01'))
      .then([
        {
          type: 'PolicyLoanInterestCapitalized',
          data: {
            capitalizedOn: '2027-03-01',
            interestAccrued: cny(7_438),
            capitalized: cny(7_438),
            nextCapitalizationOn: '2028-03-01',
          },
        },
      ]);
    expect(state(after(lent, capitalize('2027-03-01'))).loan).toMatchObject({
      balance: cny(307_438),
      accruedInterest: cny(0),
      accruedThrough: '2027-03-01',
    });
  });

  it('a repayment of 10,000 on 2027-04-01: 1,306 of interest (31 days), 8,694 of principal → 298,744', () => {
    const capitalized = after(lent, capitalize('2027-03-01'));
    givenPolicy(capitalized)
      .when(repay(10_000, '2027-04-01', 'RL-1'))
      .then([
        {
          type: 'PolicyLoanRepaid',
          data: {
            amount: cny(10_000),
            paidOn: '2027-04-01',
            receiptNo: 'RL-1',
            // round_half_up(307,438 × 5 % × 31 / 365 = 1,305.56…) = 1,306.
            interestAccrued: cny(1_306),
            toInterest: cny(1_306),
            toPrincipal: cny(8_694),
          },
        },
      ]);
    expect(state(after(capitalized, repay(10_000, '2027-04-01'))).loan).toMatchObject({
      balance: cny(298_744),
      accruedInterest: cny(0),
    });
  });

  it('capitalization only on the anniversary it is due, not before it comes, not twice', () => {
    givenPolicy(lent)
      .when(capitalize('2028-03-01', '2028-03-01'))
      .thenThrows('CAPITALIZATION_NOT_DUE', /2027-03-01/);
    givenPolicy(lent).when(capitalize('2027-03-01', '2027-02-28')).thenThrows('CAPITALIZATION_NOT_DUE');
    givenPolicy(after(lent, capitalize('2027-03-01')))
      .when(capitalize('2027-03-01'))
      .thenThrows('CAPITALIZATION_NOT_DUE', /2028-03-01/);
    givenPolicy(paidThrough3).when(capitalize('2027-03-01')).thenThrows('NO_LOAN');
  });

  it('repaying more than the debt → REPAYMENT_EXCEEDS_DEBT; the whole debt clears the loan; then NO_LOAN', () => {
    // Debt on 2026-10-01: 300,000 + round_half_up(300,000 × 5 % × 30 / 365 = 1,232.87…) = 301,233.
    givenPolicy(lent)
      .when(repay(301_234, '2026-10-01'))
      .thenThrows('REPAYMENT_EXCEEDS_DEBT', /301233/);
    const cleared = after(lent, repay(301_233, '2026-10-01'));
    expect(state(cleared).loan).toMatchObject({ balance: cny(0), accruedInterest: cny(0), nextCapitalizationOn: null });
    givenPolicy(cleared).when(repay(1, '2026-10-02')).thenThrows('NO_LOAN');
    givenPolicy(cleared).when(capitalize('2027-03-01')).thenThrows('NO_LOAN');
  });

  it('repayment is allowed while lapsed (the loan lapse is cured by repaying, then reinstating)', () => {
    const lapsed = after(lent, lapsePolicy('2027-05-01'));
    expect(givenPolicy(lapsed).when(repay(1_000, '2027-05-02')).events()).toHaveLength(1);
  });

  it('a receipt is used once per policy → DUPLICATE_RECEIPT', () => {
    givenPolicy(after(lent, repay(1_000, '2026-10-01', 'RL-9')))
      .when(repay(1_000, '2026-10-02', 'RL-9'))
      .thenThrows('DUPLICATE_RECEIPT');
  });
});

describe('the debt is deducted from a surrender', () => {
  it('CV 650,000 at the paid-to date 2027-03-01 less the debt 298,744 → 351,256', () => {
    const repaid = after(
      paidThrough3,
      grant(300_000, '2026-09-01'),
      capitalize('2027-03-01'),
      repay(10_000, '2027-04-01'),
    );
    const [event] = givenPolicy(repaid).when(surrenderPolicy('2027-04-01')).events();
    expect(event!.data).toMatchObject({
      cashValue: cny(650_000),
      loanDebt: cny(298_744),
      prepaidPremium: cny(0),
      payout: cny(351_256),
      payable: { kind: 'SURRENDER', amount: cny(351_256) },
    });
    expect(state(after(repaid, surrenderPolicy('2027-04-01'))).loan).toMatchObject({ balance: cny(0) });
  });
});

describe('a partial surrender repays its share of the loan (DESIGN 2.9, 2.10)', () => {
  const lent = after(paidThrough3, grant(300_000, '2026-09-01'));
  // 10,000,000 → 6,000,000 on 2027-03-01 (installment 4's due date), decided that day: CV_end(3) = 650,000 → share
  // 650,000 × 4/10 = 260,000; debt 300,000 + round_half_up(300,000 × 5 % × 181 / 365 = 7,438.3…) = 307,438 → share
  // round_half_up(307,438 × 4/10 = 122,975.2) = 122,975 repaid (7,438 interest, 115,537 principal); 137,025 paid out.
  const decrease = (today: string) =>
    changeContract(
      '2027-03-01',
      [{ kind: 'SUM_ASSURED', sumAssured: cny(6_000_000), modalPremium: cny(72_000) }],
      today,
    );

  it('the payable is the value less the loan share, and the loan is repaid by it', () => {
    const [event] = givenPolicy(lent).when(decrease('2027-03-01')).events();
    expect(event!.data).toMatchObject({
      payables: [{ kind: 'PARTIAL_SURRENDER', amount: cny(137_025) }],
      loanSettlement: {
        settledOn: '2027-03-01',
        interestAccrued: cny(7_438),
        toInterest: cny(7_438),
        toPrincipal: cny(115_537),
      },
    });
    expect(state([...lent, event!]).loan).toMatchObject({ balance: cny(184_463), accruedInterest: cny(0) });
  });

  it('scheduled for later while a loan is owed → LOAN_OUTSTANDING', () => {
    givenPolicy(lent).when(decrease('2026-10-01')).thenThrows('LOAN_OUTSTANDING');
  });
});
