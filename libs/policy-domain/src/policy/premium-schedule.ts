/**
 * The premium schedule (DESIGN 2.3). Installment k is due `effectiveDate + (k − 1)·period` months, computed from the
 * effective date each time (never chained from the previous due date) and clamped to the month's last day, so a
 * Jan 31 monthly policy is due Feb 28 (Feb 29 in a leap year), then Mar 31 again.
 *
 * A frequency change (effective on a policy anniversary) starts a new segment: installments before the anniversary
 * keep their numbers and dates, the numbering continues from there at the new period, still counted in months from
 * the effective date. The schedule ends with the payment term; SINGLE has exactly one installment.
 */
import { addMonthsClamped, anniversaryYearOf, type BusinessDate } from '../dates';
import { type Money } from '../money';
import { amendmentsInEffect, installmentPremiumOn, premiumBreakpoints, type TermsHistory } from './contract-terms';
import { type PremiumFrequency } from './policy-values';

const MONTHS_BETWEEN_INSTALLMENTS: Readonly<Record<PremiumFrequency, number | null>> = {
  ANNUAL: 12,
  SEMI_ANNUAL: 6,
  QUARTERLY: 3,
  MONTHLY: 1,
  SINGLE: null,
};

interface ScheduleSegment {
  readonly firstInstallmentNo: number;
  /** Months from the policy's effective date to the segment's first due date (0, or a whole number of years). */
  readonly monthsFromEffective: number;
  readonly frequency: PremiumFrequency;
}

/** The premium of every installment due on or after `effectiveFrom` (until the next rate): base + riders. */
interface PremiumRate {
  readonly effectiveFrom: BusinessDate;
  readonly modalPremium: Money;
}

export interface PremiumSchedule {
  readonly effectiveDate: BusinessDate;
  readonly paymentTermYears: number;
  readonly segments: readonly ScheduleSegment[];
  /** In effective-date order; an installment pays the last rate effective on or before its due date. */
  readonly rates: readonly PremiumRate[];
}

export interface ScheduledInstallment {
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly amount: Money;
}

/**
 * The schedule the terms give (DESIGN 2.3): frequency segments from the frequency changes (each on a policy
 * anniversary), and the premium of an installment from the terms in force on its due date — the base modal premium
 * of the frequency segment plus every rider in force that day.
 */
export function premiumScheduleOf(
  effectiveDate: BusinessDate,
  paymentTermYears: number,
  history: TermsHistory,
): PremiumSchedule {
  let schedule: PremiumSchedule = {
    effectiveDate,
    paymentTermYears,
    segments: [{ firstInstallmentNo: 1, monthsFromEffective: 0, frequency: history.atIssue.frequency }],
    rates: [],
  };
  for (const amendment of amendmentsInEffect(history)) {
    if (amendment.frequency === undefined) continue;
    const anniversaryYear = anniversaryYearOf(effectiveDate, amendment.effectiveDate) ?? 0;
    schedule = withFrequencyChange(schedule, anniversaryYear, amendment.frequency);
  }
  const rates: PremiumRate[] = [];
  for (const date of premiumBreakpoints(history)) {
    if (date < effectiveDate) continue;
    const modalPremium = installmentPremiumOn(history, date);
    const previous = rates[rates.length - 1];
    if (previous === undefined || previous.modalPremium.amount !== modalPremium.amount) {
      rates.push({ effectiveFrom: date, modalPremium });
    }
  }
  if (rates.length === 0 || rates[0]!.effectiveFrom !== effectiveDate) {
    rates.unshift({ effectiveFrom: effectiveDate, modalPremium: installmentPremiumOn(history, effectiveDate) });
  }
  return { ...schedule, rates };
}

/** Due date of installment `installmentNo` for a policy that never changed frequency. */
export function installmentDueDate(
  effectiveDate: BusinessDate,
  frequency: PremiumFrequency,
  installmentNo: number,
): BusinessDate {
  const period = MONTHS_BETWEEN_INSTALLMENTS[frequency] ?? 0;
  return addMonthsClamped(effectiveDate, (installmentNo - 1) * period);
}

function installmentsInSpan(frequency: PremiumFrequency, fromMonths: number, toMonths: number): number {
  const period = MONTHS_BETWEEN_INSTALLMENTS[frequency];
  if (period === null) return 1;
  return Math.max(0, Math.ceil((toMonths - fromMonths) / period));
}

function termMonths(schedule: PremiumSchedule): number {
  return schedule.paymentTermYears * 12;
}

function segmentEnd(schedule: PremiumSchedule, index: number): number {
  return schedule.segments[index + 1]?.monthsFromEffective ?? termMonths(schedule);
}

export function installmentCount(schedule: PremiumSchedule): number {
  return schedule.segments.reduce(
    (count, segment, index) =>
      count + installmentsInSpan(segment.frequency, segment.monthsFromEffective, segmentEnd(schedule, index)),
    0,
  );
}

/** The modal premium that applies to an installment due on `dueDate`. */
function premiumDueOn(schedule: PremiumSchedule, dueDate: BusinessDate): Money {
  let applicable = schedule.rates[0]!;
  for (const rate of schedule.rates) {
    if (rate.effectiveFrom > dueDate) break;
    applicable = rate;
  }
  return applicable.modalPremium;
}

/** Installment `installmentNo` of the schedule, or null when the schedule has no such installment. */
export function scheduledInstallment(schedule: PremiumSchedule, installmentNo: number): ScheduledInstallment | null {
  if (!Number.isInteger(installmentNo) || installmentNo < 1) return null;
  for (const [index, segment] of schedule.segments.entries()) {
    const count = installmentsInSpan(segment.frequency, segment.monthsFromEffective, segmentEnd(schedule, index));
    const offset = installmentNo - segment.firstInstallmentNo;
    if (offset >= 0 && offset < count) {
      const period = MONTHS_BETWEEN_INSTALLMENTS[segment.frequency] ?? 0;
      const dueDate = addMonthsClamped(schedule.effectiveDate, segment.monthsFromEffective + offset * period);
      return { installmentNo, dueDate, amount: premiumDueOn(schedule, dueDate) };
    }
  }
  return null;
}

export function scheduledInstallments(schedule: PremiumSchedule): ScheduledInstallment[] {
  const count = installmentCount(schedule);
  const installments: ScheduledInstallment[] = [];
  for (let installmentNo = 1; installmentNo <= count; installmentNo++) {
    installments.push(scheduledInstallment(schedule, installmentNo)!);
  }
  return installments;
}

/** Number of installments due before the schedule point `monthsFromEffective`. */
export function installmentsBefore(schedule: PremiumSchedule, monthsFromEffective: number): number {
  return schedule.segments.reduce((count, segment, index) => {
    if (segment.monthsFromEffective >= monthsFromEffective) return count;
    const end = Math.min(segmentEnd(schedule, index), monthsFromEffective);
    return count + installmentsInSpan(segment.frequency, segment.monthsFromEffective, end);
  }, 0);
}

/** The schedule with a new frequency from the `anniversaryYear`-th policy anniversary on. */
function withFrequencyChange(
  schedule: PremiumSchedule,
  anniversaryYear: number,
  frequency: PremiumFrequency,
): PremiumSchedule {
  const monthsFromEffective = anniversaryYear * 12;
  const kept = schedule.segments.filter((segment) => segment.monthsFromEffective < monthsFromEffective);
  const firstInstallmentNo = installmentsBefore(schedule, monthsFromEffective) + 1;
  return { ...schedule, segments: [...kept, { firstInstallmentNo, monthsFromEffective, frequency }] };
}
