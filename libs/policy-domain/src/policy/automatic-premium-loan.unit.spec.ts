/**
 * Automatic premium loan (自动垫交, DESIGN 2.10): elected at issue or by APL_ELECTION where the product offers it; on
 * the lapse date of an unpaid installment the installment is paid by a loan when the net cash value covers it, and the
 * policy does not lapse. The standard policy: 120,000 a year from 2024-03-15, the sample endowment's cash values.
 */
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { publishedProduct } from '../testing/product-fixtures';
import {
  changeContract,
  cny,
  issuePolicy,
  lapsePolicy,
  payPremium,
  STANDARD_PRODUCT,
} from '../testing/policy-fixtures';
import { policyDecider } from './policy-decider';
import { type PolicyCommand } from './policy-commands';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';

const electing = policyDecider.decide(issuePolicy({ automaticPremiumLoan: true }), policyDecider.initialState());
/** Installments 2 and 3 paid: installment 4 (due 2027-03-15) is unpaid, its lapse date 2027-05-15. */
const paidThrough3 = [...electing, ...eventsOf([payPremium(2, '2025-03-15'), payPremium(3, '2026-03-15')], electing)];

const applyApl = (appliedOn: string, product = STANDARD_PRODUCT): PolicyCommand => ({
  type: 'ApplyAutomaticPremiumLoan',
  data: { appliedOn },
  context: { today: appliedOn, product },
});
const lapseWith = (lapsedOn: string, product = STANDARD_PRODUCT): PolicyCommand => ({
  ...lapsePolicy(lapsedOn),
  context: { today: lapsedOn, product },
});

describe('ApplyAutomaticPremiumLoan', () => {
  it('on the lapse date pays the installment by a loan: CV_end(3) = 650,000 covers 120,000', () => {
    givenPolicy(paidThrough3)
      .when(applyApl('2027-05-15'))
      .then([
        {
          type: 'AutomaticPremiumLoanApplied',
          data: {
            installmentNo: 4,
            dueDate: '2027-03-15',
            amount: cny(120_000),
            appliedOn: '2027-05-15',
            loanNo: 'P-2024-0001-L1',
            interestBasisPoints: 500,
            cashValue: cny(650_000),
            debtBefore: cny(0),
            interestAccrued: cny(0),
            nextCapitalizationOn: '2028-03-15',
          },
        },
      ]);
    const after = policyStateAfter([...paidThrough3, ...eventsOf([applyApl('2027-05-15')], paidThrough3)]);
    expect(after).toMatchObject({
      status: 'IN_FORCE',
      premium: { paidInstallments: 4 },
      loan: { balance: cny(120_000), loans: [{ loanNo: 'P-2024-0001-L1', grantedOn: '2027-05-15' }] },
    });
    expect((after as IssuedPolicy).premium.payments.at(-1)).toMatchObject({
      installmentNo: 4,
      settledBy: 'AUTOMATIC_PREMIUM_LOAN',
    });
  });

  it('before the lapse date → GRACE_PERIOD_NOT_OVER (the installment can still be paid)', () => {
    givenPolicy(paidThrough3)
      .when(applyApl('2027-05-14'))
      .thenThrows('GRACE_PERIOD_NOT_OVER', /2027-05-15/);
  });

  it('not elected → APL_NOT_ELECTED; a value that does not cover the installment → APL_INSUFFICIENT_VALUE', () => {
    const plain = policyDecider.decide(issuePolicy(), policyDecider.initialState());
    givenPolicy(plain).when(applyApl('2025-05-15')).thenThrows('APL_NOT_ELECTED');
    // Installment 2 unpaid: paid to 2025-03-15, one year completed, CV_end(1) = 0.
    givenPolicy(electing).when(applyApl('2025-05-15')).thenThrows('APL_INSUFFICIENT_VALUE');
  });

  it('LapsePolicy is refused while the APL applies (APL_APPLIES), and allowed when it cannot', () => {
    givenPolicy(paidThrough3)
      .when(lapseWith('2027-05-15'))
      .thenThrows('APL_APPLIES', /650000/);
    expect(givenPolicy(electing).when(lapseWith('2025-05-15')).events()).toMatchObject([{ type: 'PolicyLapsed' }]);
  });
});

describe('electing the automatic premium loan', () => {
  const noApl = publishedProduct('ENDOW-20', 'CNY', 'CN', { automaticPremiumLoan: false });

  it('at issue only where the product offers it → APL_NOT_ALLOWED', () => {
    expect(electing[0]!.data).toMatchObject({ automaticPremiumLoan: true });
    givenPolicy([])
      .when(issuePolicy({ automaticPremiumLoan: true }, { product: noApl }))
      .thenThrows('APL_NOT_ALLOWED');
  });

  it('by APL_ELECTION: elected, then withdrawn; electing twice changes nothing', () => {
    const plain: PolicyEvent[] = policyDecider.decide(issuePolicy(), policyDecider.initialState());
    const elect = changeContract('2025-01-10', [{ kind: 'APL_ELECTION', elected: true }]);
    const elected = [...plain, ...eventsOf([elect], plain)];
    expect(policyStateAfter(elected)).toMatchObject({ automaticPremiumLoan: true });
    givenPolicy(elected).when(elect).thenThrows('NOTHING_TO_CHANGE');
    const withdrawn = eventsOf([changeContract('2025-01-11', [{ kind: 'APL_ELECTION', elected: false }])], elected);
    expect(policyStateAfter([...elected, ...withdrawn])).toMatchObject({ automaticPremiumLoan: false });
    givenPolicy(plain)
      .when(changeContract('2025-01-10', [{ kind: 'APL_ELECTION', elected: true }], '2025-01-10', noApl))
      .thenThrows('APL_NOT_ALLOWED');
  });
});
