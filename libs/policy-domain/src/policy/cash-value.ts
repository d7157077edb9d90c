/**
 * The cash value (现金价值) of DESIGN 2.8, on a business date:
 * - D′ = the earlier of D and the paid-to date (the due date of the earliest unpaid, non-waived installment; the
 *   maturity date when none is left): premiums not paid buy no further value;
 * - y = whole policy years completed at D′ (anniversaries from the effective date, Feb 29 → Feb 28 in common years);
 * - CV_end(0) = 0, CV_end(t) = round_half_up(SA × cashValuePpm[t−1] / 1,000,000) with the sum assured in force at D′;
 * - CV(D) = CV_end(y) + round_half_up((CV_end(y+1) − CV_end(y)) × days since anniversary y / days in policy year y+1).
 * Beyond the product's table the last value holds (a table shorter than the term is the product's statement that the
 * value stops growing). A decreasing step is interpolated as well (round half up of a negative share rounds towards
 * +∞, so CV never falls below the linear value by more than half a minor unit). Riders have no cash value.
 */
import { addYearsClamped, daysBetween, earlierOf, parseBusinessDate, type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { divideRoundHalfUp, type Money } from '../money';
import { termsOn } from './contract-terms';
import { isPaid, isWaived } from './premium-installments';
import { scheduledInstallments } from './premium-schedule';
import { type IssuedPolicy } from './policy-state';

const PPM = 1_000_000n;

export interface CashValueQuote {
  /** D: the date asked about. */
  readonly onDate: BusinessDate;
  /** The paid-to date of the policy (its maturity date when paid up). */
  readonly paidToDate: BusinessDate;
  /** D′: the earlier of D and the paid-to date, the date the value is computed on. */
  readonly valuedOn: BusinessDate;
  /** y: whole policy years completed at D′. */
  readonly policyYearsCompleted: number;
  /** The sum assured in force at D′. */
  readonly sumAssured: Money;
  /** CV_end(y) and CV_end(y+1). */
  readonly yearStartValue: Money;
  readonly yearEndValue: Money;
  /** Days from anniversary y to D′, and the days of policy year y+1. */
  readonly daysIntoYear: number;
  readonly daysInYear: number;
  readonly cashValue: Money;
}

/** The due date of the earliest installment neither paid nor waived; the maturity date when there is none. */
export function paidToDateOf(policy: IssuedPolicy): BusinessDate {
  for (const installment of scheduledInstallments(policy.premium.schedule)) {
    if (!isPaid(policy, installment.installmentNo) && !isWaived(policy, installment.installmentNo)) {
      return installment.dueDate;
    }
  }
  return policy.maturityDate;
}

/** Whole policy years from `effectiveDate` to `date` (the anniversary on `date` counts). */
export function policyYearsCompleted(effectiveDate: BusinessDate, date: BusinessDate): number {
  let years = Math.max(0, parseBusinessDate(date).year - parseBusinessDate(effectiveDate).year);
  while (years > 0 && addYearsClamped(effectiveDate, years) > date) years--;
  return years;
}

/** CV_end(t) for the sum assured, in minor units. */
function endOfYearValue(sumAssured: number, cashValuePpm: readonly number[], year: number): bigint {
  if (year === 0 || cashValuePpm.length === 0) return 0n;
  const ppm = cashValuePpm[Math.min(year, cashValuePpm.length) - 1]!;
  return divideRoundHalfUp(BigInt(sumAssured) * BigInt(ppm), PPM);
}

/** round_half_up(numerator / denominator) for a numerator of either sign (half-way rounds towards +∞). */
function roundHalfUpSigned(numerator: bigint, denominator: bigint): bigint {
  if (numerator >= 0n) return divideRoundHalfUp(numerator, denominator);
  // −x/d rounded half up (towards +∞) is −(x/d rounded half down).
  const magnitude = -numerator;
  const quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  return -(remainder * 2n > denominator ? quotient + 1n : quotient);
}

/**
 * The cash value on `date` under the product's table (`cashValuePpm`: the value at the end of policy year t, in parts
 * per million of the sum assured); null when the policy records no product version (sold before the catalogue).
 * @throws DomainError NO_CASH_VALUE without a version or with an empty table; DATE_BEFORE_POLICY before the policy.
 */
export function cashValueOn(
  policy: IssuedPolicy,
  cashValuePpm: readonly number[] | null,
  date: BusinessDate,
): CashValueQuote {
  if (cashValuePpm === null) {
    throw new DomainError(
      'NO_CASH_VALUE',
      `Policy ${policy.policyId} was sold before the product catalogue: no product version, so no cash value.`,
    );
  }
  if (cashValuePpm.length === 0) {
    throw new DomainError('NO_CASH_VALUE', `Product ${policy.productCode} has no cash value.`);
  }
  if (policy.nonforfeiture?.option === 'ETI') {
    throw new DomainError(
      'NO_CASH_VALUE',
      `Policy ${policy.policyId} is extended term insurance since ${policy.nonforfeiture.effectiveOn}: no cash value.`,
    );
  }
  if (date < policy.effectiveDate) {
    throw new DomainError(
      'DATE_BEFORE_POLICY',
      `The policy takes effect on ${policy.effectiveDate}; it has no cash value on ${date}.`,
    );
  }
  const paidToDate = paidToDateOf(policy);
  const valuedOn = earlierOf(date, paidToDate);
  const sumAssured = termsOn(policy.terms, valuedOn).sumAssured;
  const years = policyYearsCompleted(policy.effectiveDate, valuedOn);
  const anniversary = addYearsClamped(policy.effectiveDate, years);
  const daysIntoYear = daysBetween(anniversary, valuedOn);
  const daysInYear = daysBetween(anniversary, addYearsClamped(policy.effectiveDate, years + 1));
  const start = endOfYearValue(sumAssured.amount, cashValuePpm, years);
  const end = endOfYearValue(sumAssured.amount, cashValuePpm, years + 1);
  const value = start + roundHalfUpSigned((end - start) * BigInt(daysIntoYear), BigInt(daysInYear));
  const money = (amount: bigint): Money => ({ amount: Number(amount), currency: sumAssured.currency });
  return {
    onDate: date,
    paidToDate,
    valuedOn,
    policyYearsCompleted: years,
    sumAssured,
    yearStartValue: money(start),
    yearEndValue: money(end),
    daysIntoYear,
    daysInYear,
    cashValue: money(value),
  };
}
