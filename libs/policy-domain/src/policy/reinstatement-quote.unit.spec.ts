import { eventsOf, policyStateAfter } from '../testing/decider-specification';
import { cny, lapsePolicy, policyIssued } from '../testing/policy-fixtures';
import { withReinstatementInterestRate, CN_RULE_PROFILE } from '../rule-profiles';
import { type DomainError } from '../errors';
import { reinstatementQuote, simpleInterest } from './reinstatement-quote';

function lapsedPolicy(ruleProfile = CN_RULE_PROFILE) {
  const issued = policyIssued({}, ruleProfile);
  return policyStateAfter([issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])]);
}

describe('reinstatement interest arithmetic', () => {
  it('is amount × rate × days / 365, rounded half up to the minor unit', () => {
    // 3,650 × 5 % × 1 / 365 = 0.5 exactly → 1; 3,649 → 0.4998… → 0
    expect(simpleInterest(3_650, 500, 1)).toBe(1);
    expect(simpleInterest(3_649, 500, 1)).toBe(0);
    // 10,950 × 5 % / 365 = 1.5 → 2
    expect(simpleInterest(10_950, 500, 1)).toBe(2);
    expect(simpleInterest(120_000, 500, 78)).toBe(1_282);
    expect(simpleInterest(120_000, 500, 0)).toBe(0);
  });

  it('is exact for amounts where floating point would drift', () => {
    // a full year at 100 % returns the amount itself, even at the largest safe integer
    expect(simpleInterest(Number.MAX_SAFE_INTEGER, 10_000, 365)).toBe(Number.MAX_SAFE_INTEGER);
    // 0.1 + 0.2 style drift: 1,000,003 × 7 % × 365 / 365 = 70,000.21 → 70,000
    expect(simpleInterest(1_000_003, 700, 365)).toBe(70_000);
  });
});

describe('reinstatementQuote', () => {
  it('lists every unpaid installment due by the date with its own days and interest', () => {
    expect(reinstatementQuote(lapsedPolicy(), '2027-05-15')).toEqual({
      onDate: '2027-05-15',
      installments: [
        { installmentNo: 2, dueDate: '2025-03-15', amount: cny(120_000), days: 791, interest: cny(13_003) },
        { installmentNo: 3, dueDate: '2026-03-15', amount: cny(120_000), days: 426, interest: cny(7_003) },
        { installmentNo: 4, dueDate: '2027-03-15', amount: cny(120_000), days: 61, interest: cny(1_003) },
      ],
      premiums: cny(360_000),
      interest: cny(21_009),
      total: cny(381_009),
      currency: 'CNY',
    });
  });

  it('an installment due on the quote date is included with 0 days of interest', () => {
    const quote = reinstatementQuote(lapsedPolicy(), '2026-03-15');
    expect(quote.installments.map((line) => [line.installmentNo, line.days, line.interest.amount])).toEqual([
      [2, 365, 6_000],
      [3, 0, 0],
    ]);
  });

  it('uses the interest rate recorded at issue', () => {
    const quote = reinstatementQuote(lapsedPolicy(withReinstatementInterestRate(CN_RULE_PROFILE, 1_000)), '2026-03-15');
    expect(quote.interest).toEqual(cny(12_000));
  });

  it('is refused for a policy that is not lapsed, after the deadline, or for an impossible date', () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as DomainError).code;
      }
      return undefined;
    };
    expect(code(() => reinstatementQuote(policyStateAfter([policyIssued()]), '2025-06-01'))).toBe('POLICY_NOT_LAPSED');
    expect(code(() => reinstatementQuote(policyStateAfter([]), '2025-06-01'))).toBe('POLICY_NOT_FOUND');
    expect(code(() => reinstatementQuote(lapsedPolicy(), '2027-05-16'))).toBe('REINSTATEMENT_WINDOW_EXPIRED');
    expect(code(() => reinstatementQuote(lapsedPolicy(), '2026-02-30'))).toBe('INVALID_DATE');
  });
});
