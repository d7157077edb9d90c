/**
 * Nonforfeiture options (DESIGN 2.10) with the worked example of the loans issue: SA 10,000,000, 120,000 a year from
 * 2024-03-01, paid through installment 3; on 2026-09-01 the cash value is 476,438 and y = 2 policy years completed.
 */
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { publishedProduct } from '../testing/product-fixtures';
import {
  cny,
  grantLoan,
  lapsePolicy,
  payPremium,
  paySurvivalBenefit,
  policyIssued,
  terminatePolicy,
} from '../testing/policy-fixtures';
import { type ProductVersion } from '../product/product';
import { cashValueOn } from './cash-value';
import { type PolicyCommand } from './policy-commands';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';
import { nextOpenInstallment } from './premium-installments';

const converting = (defaultOption: 'NONE' | 'RPU' | 'ETI'): ProductVersion =>
  publishedProduct('ENDOW-20', 'CNY', 'CN', {
    nonforfeiture: {
      options: ['RPU', 'ETI'],
      default: defaultOption,
      netSinglePremiumPpm: [300_000, 350_000, 400_000],
      termCostPpm: [1_000, 1_500, 2_000],
    },
  });
const issued = policyIssued({
  effectiveDate: '2024-03-01',
  maturityDate: '2044-03-01',
  riders: [],
  survivalBenefits: [{ periodNo: 1, kind: 'SURVIVAL', dueDate: '2030-03-01', amount: cny(500_000) }],
});
const paidThrough3 = [issued, ...eventsOf([payPremium(2, '2025-03-01'), payPremium(3, '2026-03-01')], [issued])];

const elect = (
  effectiveOn: string,
  option?: 'RPU' | 'ETI',
  product = converting('NONE'),
  today = effectiveOn,
): PolicyCommand => ({
  type: 'ElectNonforfeitureOption',
  data: { ...(option === undefined ? {} : { option }), effectiveOn },
  context: { today, product },
});
const after = (history: readonly PolicyEvent[], ...commands: PolicyCommand[]) => [
  ...history,
  ...eventsOf(commands, history),
];

describe('ElectNonforfeitureOption', () => {
  it('RPU (the worked example): floor(476,438 × 1,000,000 / 400,000) = 1,191,095', () => {
    givenPolicy(paidThrough3)
      .when(elect('2026-09-01', 'RPU'))
      .then([
        {
          type: 'PolicyConvertedToReducedPaidUp',
          data: {
            endorsementNo: 'P-2024-0001-E1',
            effectiveOn: '2026-09-01',
            cashValue: cny(476_438),
            loanDebt: cny(0),
            netCashValue: cny(476_438),
            policyYears: 2,
            ridersEnded: [],
            netSinglePremiumPpm: 400_000,
            previousSumAssured: cny(10_000_000),
            newSumAssured: cny(1_191_095),
          },
        },
      ]);
    const rpu = policyStateAfter(after(paidThrough3, elect('2026-09-01', 'RPU'))) as IssuedPolicy;
    expect(rpu).toMatchObject({ status: 'IN_FORCE', sumAssured: cny(1_191_095), endorsementCount: 1 });
    // No premium is due any more: nothing to pay, nothing to lapse.
    expect(nextOpenInstallment(rpu)).toBeNull();
    // The cash value continues on the new sum assured, paid up: on 2027-03-01, CV_end(3) = 1,191,095 × 6.5 % =
    // 77,421.175 → 77,421.
    expect(cashValueOn(rpu, converting('NONE').cashValuePpm, '2027-03-01').cashValue).toEqual(cny(77_421));
  });

  it('ETI (the worked example): floor(476,438 × 365 × 10^6 / (10^7 × 2,000)) = 8,694 days, capped at maturity', () => {
    const [event] = givenPolicy(paidThrough3).when(elect('2026-09-01', 'ETI')).events();
    // 2026-09-01 + 8,694 days lies after the maturity date 2044-03-01: cover ends at maturity.
    expect(event!.data).toMatchObject({
      termCostPpm: 2_000,
      sumAssured: cny(10_000_000),
      coverDays: 8_694,
      coverEndsOn: '2044-03-01',
    });
    const eti = policyStateAfter(after(paidThrough3, elect('2026-09-01', 'ETI'))) as IssuedPolicy;
    expect(() => cashValueOn(eti, converting('NONE').cashValuePpm, '2027-03-01')).toThrow(
      expect.objectContaining({ code: 'NO_CASH_VALUE' }),
    );
    givenPolicy(after(paidThrough3, elect('2026-09-01', 'ETI')))
      .when(paySurvivalBenefit(1, '2030-03-01'))
      .thenThrows('BENEFIT_NOT_COVERED');
  });

  it('the loan is repaid from the cash value first: ETI on the net value; ends by EXPIRY at its cover end', () => {
    // The maximum loan, 381,150, on 2026-09-01; the same day it converts: net 476,438 − 381,150 = 95,288 →
    // floor(95,288 × 365 × 10^6 / (10^7 × 2,000)) = floor(1,739.006…) = 1,739 days → cover to 2031-06-06.
    const lent = after(paidThrough3, grantLoan(381_150, '2026-09-01'));
    const [event] = givenPolicy(lent).when(elect('2026-09-01', 'ETI')).events();
    expect(event!.data).toMatchObject({
      loanDebt: cny(381_150),
      netCashValue: cny(95_288),
      coverDays: 1_739,
      coverEndsOn: '2031-06-06',
    });
    const eti = after(lent, elect('2026-09-01', 'ETI'));
    expect((policyStateAfter(eti) as IssuedPolicy).loan).toMatchObject({ balance: cny(0) });
    givenPolicy(eti)
      .when(terminatePolicy('2031-06-05', 'EXPIRY'))
      .thenThrows('EXPIRY_NOT_DUE', /2031-06-06/);
    expect(givenPolicy(eti).when(terminatePolicy('2031-06-06', 'EXPIRY')).events()).toHaveLength(1);
  });

  it('by default on the lapse date instead of the lapse; LapsePolicy is refused then (NONFORFEITURE_APPLIES)', () => {
    // Installment 4 (due 2027-03-01) unpaid: lapse date 2027-05-01; paid to 2027-03-01, CV_end(3) = 650,000.
    const [event] = givenPolicy(paidThrough3)
      .when(elect('2027-05-01', undefined, converting('RPU')))
      .events();
    // y = 3 (2027-03-01 passed): NSP[2] is the last entry, 400,000 → floor(650,000 × 10^6 / 400,000) = 1,625,000.
    expect(event).toMatchObject({ type: 'PolicyConvertedToReducedPaidUp', data: { newSumAssured: cny(1_625_000) } });
    givenPolicy(paidThrough3)
      .when(elect('2027-04-30', undefined, converting('RPU')))
      .thenThrows('GRACE_PERIOD_NOT_OVER');
    givenPolicy(paidThrough3)
      .when({ ...lapsePolicy('2027-05-01'), context: { today: '2027-05-01', product: converting('ETI') } })
      .thenThrows('NONFORFEITURE_APPLIES');
    // Without a default the policy lapses as before.
    expect(
      givenPolicy(paidThrough3)
        .when({ ...lapsePolicy('2027-05-01'), context: { today: '2027-05-01', product: converting('NONE') } })
        .events(),
    ).toMatchObject([{ type: 'PolicyLapsed' }]);
  });

  it('refusals: no default / not offered, no value, converted already, suspended by law on request', () => {
    givenPolicy(paidThrough3).when(elect('2027-05-01')).thenThrows('NONFORFEITURE_NOT_OFFERED');
    const rpuOnly = publishedProduct('ENDOW-20', 'CNY', 'CN', {
      nonforfeiture: { options: ['RPU'], default: 'RPU', netSinglePremiumPpm: [400_000], termCostPpm: [] },
    });
    givenPolicy(paidThrough3)
      .when(elect('2026-09-01', 'ETI', rpuOnly))
      .thenThrows('NONFORFEITURE_NOT_OFFERED');
    // In the first policy year CV_end(1) = 0: nothing to convert.
    givenPolicy([issued]).when(elect('2024-09-01', 'RPU')).thenThrows('NONFORFEITURE_NO_VALUE');
    givenPolicy(after(paidThrough3, elect('2026-09-01', 'RPU')))
      .when(elect('2026-09-02', 'ETI'))
      .thenThrows('NONFORFEITURE_ALREADY_APPLIED');
    givenPolicy(paidThrough3).when(elect('2027-05-01', 'RPU')).thenThrows('POLICY_NOT_IN_FORCE');
  });
});
