import { cny } from '../testing/policy-fixtures';
import { type RiderTerms, type TermsAmendment, type TermsHistory } from './contract-terms';
import {
  installmentCount,
  installmentDueDate,
  premiumScheduleOf,
  scheduledInstallment,
  scheduledInstallments,
} from './premium-schedule';
import { type PremiumFrequency } from './policy-values';

function terms(
  frequency: PremiumFrequency,
  amendments: TermsAmendment[] = [],
  riders: RiderTerms[] = [],
): TermsHistory {
  return {
    atIssue: { sumAssured: cny(1_000_000), frequency, basePremium: cny(10_000), riders, beneficiaries: [] },
    amendments,
  };
}

function schedule(effectiveDate: string, frequency: PremiumFrequency, paymentTermYears: number) {
  return premiumScheduleOf(effectiveDate, paymentTermYears, terms(frequency));
}

function amendment(effectiveDate: string, change: Partial<TermsAmendment>): TermsAmendment {
  return { endorsementNo: `E-${effectiveDate}`, effectiveDate, premiumAffecting: true, kinds: [], ...change };
}

describe('premium schedule', () => {
  it('monthly from Jan 31 in a leap year: Feb 29, then back to Mar 31 (computed from the effective date, not chained)', () => {
    const dueDates = scheduledInstallments(schedule('2024-01-31', 'MONTHLY', 1)).map((i) => i.dueDate);
    expect(dueDates.slice(0, 4)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
    expect(dueDates[11]).toBe('2024-12-31');
  });

  it('monthly from Jan 31 in a common year: Feb 28', () => {
    expect(installmentDueDate('2025-01-31', 'MONTHLY', 2)).toBe('2025-02-28');
    expect(installmentDueDate('2025-01-31', 'MONTHLY', 3)).toBe('2025-03-31');
    expect(installmentDueDate('2023-01-31', 'MONTHLY', 14)).toBe('2024-02-29');
  });

  it('installment k is due (k−1)·period months after the effective date', () => {
    expect(installmentDueDate('2024-03-15', 'ANNUAL', 3)).toBe('2026-03-15');
    expect(installmentDueDate('2024-08-31', 'SEMI_ANNUAL', 2)).toBe('2025-02-28');
    expect(installmentDueDate('2024-08-31', 'SEMI_ANNUAL', 3)).toBe('2025-08-31');
    expect(installmentDueDate('2024-11-30', 'QUARTERLY', 2)).toBe('2025-02-28');
    expect(installmentDueDate('2024-02-29', 'ANNUAL', 2)).toBe('2025-02-28');
    expect(installmentDueDate('2024-02-29', 'ANNUAL', 5)).toBe('2028-02-29');
  });

  it('ends after paymentTermYears × installments per year; SINGLE has one installment', () => {
    expect(installmentCount(schedule('2024-03-15', 'ANNUAL', 10))).toBe(10);
    expect(installmentCount(schedule('2024-03-15', 'SEMI_ANNUAL', 10))).toBe(20);
    expect(installmentCount(schedule('2024-03-15', 'QUARTERLY', 10))).toBe(40);
    expect(installmentCount(schedule('2024-03-15', 'MONTHLY', 20))).toBe(240);
    expect(installmentCount(schedule('2024-03-15', 'SINGLE', 10))).toBe(1);
    expect(scheduledInstallment(schedule('2024-03-15', 'ANNUAL', 10), 11)).toBeNull();
    expect(scheduledInstallment(schedule('2024-03-15', 'SINGLE', 10), 2)).toBeNull();
    expect(scheduledInstallment(schedule('2024-03-15', 'ANNUAL', 10), 10)!.dueDate).toBe('2033-03-15');
  });

  it('a frequency change on the 2nd anniversary keeps installments 1–2 and continues monthly from 3', () => {
    const changed = premiumScheduleOf(
      '2024-01-31',
      10,
      terms('ANNUAL', [amendment('2026-01-31', { frequency: 'MONTHLY', basePremium: cny(900) })]),
    );
    expect(installmentCount(changed)).toBe(2 + 8 * 12);
    expect(scheduledInstallment(changed, 2)).toEqual({ installmentNo: 2, dueDate: '2025-01-31', amount: cny(10_000) });
    expect(scheduledInstallment(changed, 3)).toEqual({ installmentNo: 3, dueDate: '2026-01-31', amount: cny(900) });
    expect(scheduledInstallment(changed, 4)!.dueDate).toBe('2026-02-28');
    expect(scheduledInstallment(changed, 5)!.dueDate).toBe('2026-03-31');
  });

  it('a new premium rate applies to installments due on or after its effective date', () => {
    const rated = premiumScheduleOf(
      '2024-03-15',
      10,
      terms('ANNUAL', [amendment('2026-03-15', { basePremium: cny(15_000) })]),
    );
    expect(scheduledInstallment(rated, 2)!.amount).toEqual(cny(10_000));
    expect(scheduledInstallment(rated, 3)!.amount).toEqual(cny(15_000));
  });

  it('amendments apply in effective-date order, whatever order they were recorded in', () => {
    // Recorded first: monthly from the 2nd anniversary at 900. Recorded second, effective earlier: 12,000 a year
    // from the 1st anniversary. Installment 2 (2025) pays 12,000; from 2026 the monthly 900 applies.
    const history = terms('ANNUAL', [
      amendment('2026-03-15', { frequency: 'MONTHLY', basePremium: cny(900) }),
      amendment('2025-03-15', { basePremium: cny(12_000) }),
    ]);
    const rated = premiumScheduleOf('2024-03-15', 10, history);
    expect(scheduledInstallment(rated, 2)!.amount).toEqual(cny(12_000));
    expect(scheduledInstallment(rated, 3)).toEqual({ installmentNo: 3, dueDate: '2026-03-15', amount: cny(900) });
  });

  it('riders are billed on every installment due while they are in force (start ≤ due < end)', () => {
    // Base 10,000 a year; rider WOP 1,500 from issue to 2027-03-15 (its end date is not billed); rider CI 800 added
    // on the 2nd anniversary. 2024: 11,500 · 2025: 11,500 · 2026: 10,000 + 1,500 + 800 = 12,300 · 2027: 10,800.
    const wop: RiderTerms = {
      code: 'WOP',
      sumAssured: cny(0),
      modalPremium: cny(1_500),
      endDate: '2027-03-15',
      startDate: '2024-03-15',
    };
    const ci = { code: 'CI', sumAssured: cny(500_000), modalPremium: cny(800), endDate: '2034-03-15' };
    const rated = premiumScheduleOf(
      '2024-03-15',
      10,
      terms('ANNUAL', [amendment('2026-03-15', { ridersAdded: [ci] })], [wop]),
    );
    expect(scheduledInstallments(rated).map((installment) => installment.amount.amount)).toEqual([
      11_500, 11_500, 12_300, 10_800, 10_800, 10_800, 10_800, 10_800, 10_800, 10_800,
    ]);
  });

  it('a removed rider stops being billed from the removal date', () => {
    const wop: RiderTerms = {
      code: 'WOP',
      sumAssured: cny(0),
      modalPremium: cny(1_500),
      endDate: '2034-03-15',
      startDate: '2024-03-15',
    };
    const rated = premiumScheduleOf(
      '2024-03-15',
      10,
      terms('ANNUAL', [amendment('2027-03-15', { ridersRemoved: ['WOP'] })], [wop]),
    );
    expect(scheduledInstallment(rated, 3)!.amount).toEqual(cny(11_500));
    expect(scheduledInstallment(rated, 4)!.amount).toEqual(cny(10_000));
  });
});
