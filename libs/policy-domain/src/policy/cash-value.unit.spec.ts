import { cashValueOn, paidToDateOf } from './cash-value';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';
import { eventsOf, policyStateAfter } from '../testing/decider-specification';
import { changeContract, cny, payPremium, policyIssued, waivePremium } from '../testing/policy-fixtures';

/** The worked example of the products issue: [0, 3 %, 6.5 %, 9 %, …] of the sum assured at the end of each year. */
const TABLE = [0, 30_000, 65_000, 90_000, 120_000];

/** SA 10,000,000; annual premium 120,000 from 2024-03-01 for 10 years; no riders, no benefits. */
const issued = policyIssued({
  effectiveDate: '2024-03-01',
  maturityDate: '2044-03-01',
  riders: [],
  survivalBenefits: [],
});

function policyAfter(history: readonly PolicyEvent[]): IssuedPolicy {
  return policyStateAfter(history) as IssuedPolicy;
}

/** Installments 2 (2025-03-01) and 3 (2026-03-01) paid on their due dates. */
const paidThrough3 = [issued, ...eventsOf([payPremium(2, '2025-03-01'), payPremium(3, '2026-03-01')], [issued])];

describe('cash value (DESIGN 2.8)', () => {
  it('the worked example: 2026-09-01, paid through installment 3 → 476,438', () => {
    // Paid-to 2027-03-01 (installment 4), so D′ = D = 2026-09-01; y = 2 (anniversary 2026-03-01).
    // CV_end(2) = 10,000,000 × 30,000 / 10^6 = 300,000; CV_end(3) = 10,000,000 × 65,000 / 10^6 = 650,000.
    // 2026-03-01 → 2026-09-01 = 184 days of 365 (2026-03-01 → 2027-03-01):
    // 300,000 + round_half_up(350,000 × 184 / 365 = 176,438.356…) = 476,438.
    expect(cashValueOn(policyAfter(paidThrough3), TABLE, '2026-09-01')).toEqual({
      onDate: '2026-09-01',
      paidToDate: '2027-03-01',
      valuedOn: '2026-09-01',
      policyYearsCompleted: 2,
      sumAssured: cny(10_000_000),
      yearStartValue: cny(300_000),
      yearEndValue: cny(650_000),
      daysIntoYear: 184,
      daysInYear: 365,
      cashValue: cny(476_438),
    });
  });

  it('installment 3 unpaid: valued on the paid-to date 2026-03-01 → CV_end(2) = 300,000', () => {
    const paidThrough2 = [issued, ...eventsOf([payPremium(2, '2025-03-01')], [issued])];
    const quote = cashValueOn(policyAfter(paidThrough2), TABLE, '2026-09-01');

    expect(quote).toMatchObject({ paidToDate: '2026-03-01', valuedOn: '2026-03-01', daysIntoYear: 0 });
    expect(quote.cashValue).toEqual(cny(300_000));
  });

  it('year 1 has none at its end (CV_end(1) = 0); the first day is worth 0', () => {
    const policy = policyAfter(paidThrough3);
    expect(cashValueOn(policy, TABLE, '2024-03-01').cashValue).toEqual(cny(0));
    expect(cashValueOn(policy, TABLE, '2025-02-28').cashValue).toEqual(cny(0));
    // Year 2: 0 → 300,000 over 365 days (2025-03-01 → 2026-03-01); 1 day in: round_half_up(300,000 / 365 = 821.9…).
    expect(cashValueOn(policy, TABLE, '2025-03-02').cashValue).toEqual(cny(822));
  });

  it('a leap year counts 366 days: year 4 runs 2027-03-01 → 2028-03-01 (Feb 29 inside)', () => {
    const paidThrough5 = [
      ...paidThrough3,
      ...eventsOf([payPremium(4, '2027-03-01'), payPremium(5, '2028-03-01')], paidThrough3),
    ];
    // y = 3: CV_end(3) = 650,000, CV_end(4) = 900,000; 2027-03-01 → 2028-02-29 = 365 of 366 days:
    // 650,000 + round_half_up(250,000 × 365 / 366 = 249,316.939…) = 899,317.
    const quote = cashValueOn(policyAfter(paidThrough5), TABLE, '2028-02-29');
    expect(quote).toMatchObject({ policyYearsCompleted: 3, daysIntoYear: 365, daysInYear: 366 });
    expect(quote.cashValue).toEqual(cny(899_317));
  });

  it('a Feb 29 start has its anniversaries on Feb 28 in common years', () => {
    const leap = policyIssued({
      effectiveDate: '2024-02-29',
      maturityDate: '2044-02-29',
      riders: [],
      survivalBenefits: [],
    });
    const history = [leap, ...eventsOf([payPremium(2, '2025-02-28')], [leap])];
    // Anniversary 1 = 2025-02-28; year 2 runs to 2026-02-28 (365 days). On 2025-08-30: 183 days in:
    // 0 + round_half_up(300,000 × 183 / 365 = 150,410.95…) = 150,411.
    const quote = cashValueOn(policyAfter(history), TABLE, '2025-08-30');
    expect(quote).toMatchObject({ policyYearsCompleted: 1, daysIntoYear: 183, daysInYear: 365 });
    expect(quote.cashValue).toEqual(cny(150_411));
  });

  it('uses the sum assured in force at D′: a decrease effective 2026-03-01 applies from that date', () => {
    // Recorded 2026-02-01 for installment 3's due date (the earliest unpaid); installment 3 then paid at 96,000.
    const paidThrough2 = [issued, ...eventsOf([payPremium(2, '2025-03-01')], [issued])];
    const decrease = changeContract(
      '2026-03-01',
      [{ kind: 'SUM_ASSURED', sumAssured: cny(8_000_000), modalPremium: cny(96_000), underwritingRef: 'UW-1' }],
      '2026-02-01',
    );
    const decreased = [...paidThrough2, ...eventsOf([decrease], paidThrough2)];
    const history = [
      ...decreased,
      ...eventsOf([payPremium(3, '2026-03-01', { amount: cny(96_000), receiptNo: 'R-3' })], decreased),
    ];
    const policy = policyAfter(history);
    // Before the decrease: SA 10,000,000; 2026-02-28 is 364 days into year 2:
    // round_half_up(300,000 × 364 / 365 = 299,178.08…) = 299,178.
    expect(cashValueOn(policy, TABLE, '2026-02-28').cashValue).toEqual(cny(299_178));
    // From it: SA 8,000,000 → CV_end(2) = 240,000, CV_end(3) = 520,000; 2026-09-01 is 184 days in:
    // 240,000 + round_half_up(280,000 × 184 / 365 = 141,150.68…) = 381,151.
    expect(cashValueOn(policy, TABLE, '2026-09-01')).toMatchObject({
      sumAssured: cny(8_000_000),
      cashValue: cny(381_151),
    });
  });

  it('waived installments count as paid for the paid-to date', () => {
    const waived = [...paidThrough3, ...eventsOf([waivePremium('2026-06-01')], paidThrough3)];
    expect(paidToDateOf(policyAfter(waived))).toBe('2044-03-01');
  });

  it('beyond the table the last value holds', () => {
    const paidUp = [
      issued,
      ...eventsOf(
        [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => payPremium(n, `${2023 + n}-03-01`)),
        [issued],
      ),
    ];
    // Table of 5 years: CV_end(t ≥ 5) = 10,000,000 × 120,000 / 10^6 = 1,200,000.
    expect(cashValueOn(policyAfter(paidUp), TABLE, '2035-09-01').cashValue).toEqual(cny(1_200_000));
  });

  it('NO_CASH_VALUE without a table; DATE_BEFORE_POLICY before the effective date', () => {
    const policy = policyAfter(paidThrough3);
    expect(() => cashValueOn(policy, [], '2026-09-01')).toThrow(expect.objectContaining({ code: 'NO_CASH_VALUE' }));
    // Sold before the catalogue: no recorded product version.
    expect(() => cashValueOn(policy, null, '2026-09-01')).toThrow(
      expect.objectContaining({
        code: 'NO_CASH_VALUE',
        message: expect.stringContaining('before the product catalogue'),
      }),
    );
    expect(() => cashValueOn(policy, TABLE, '2024-02-29')).toThrow(
      expect.objectContaining({ code: 'DATE_BEFORE_POLICY' }),
    );
  });
});
