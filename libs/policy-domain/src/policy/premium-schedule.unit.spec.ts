import { cny } from '../testing/policy-fixtures';
import {
  installmentCount,
  installmentDueDate,
  newPremiumSchedule,
  scheduledInstallment,
  scheduledInstallments,
  withFrequencyChange,
  withPremiumRate,
} from './premium-schedule';
import { type PremiumFrequency } from './policy-values';

function schedule(effectiveDate: string, frequency: PremiumFrequency, paymentTermYears: number) {
  return newPremiumSchedule(effectiveDate, {
    modalPremium: cny(10_000),
    frequency,
    paymentTermYears,
    paymentMethod: { type: 'CASH' },
  });
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
    const changed = withFrequencyChange(schedule('2024-01-31', 'ANNUAL', 10), 2, 'MONTHLY', cny(900));
    expect(installmentCount(changed)).toBe(2 + 8 * 12);
    expect(scheduledInstallment(changed, 2)).toEqual({ installmentNo: 2, dueDate: '2025-01-31', amount: cny(10_000) });
    expect(scheduledInstallment(changed, 3)).toEqual({ installmentNo: 3, dueDate: '2026-01-31', amount: cny(900) });
    expect(scheduledInstallment(changed, 4)!.dueDate).toBe('2026-02-28');
    expect(scheduledInstallment(changed, 5)!.dueDate).toBe('2026-03-31');
  });

  it('a new premium rate applies to installments due on or after its effective date', () => {
    const rated = withPremiumRate(schedule('2024-03-15', 'ANNUAL', 10), '2026-01-01', cny(15_000));
    expect(scheduledInstallment(rated, 2)!.amount).toEqual(cny(10_000));
    expect(scheduledInstallment(rated, 3)!.amount).toEqual(cny(15_000));
  });
});
