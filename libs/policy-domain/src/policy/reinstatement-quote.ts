/**
 * Reinstatement arrears (DESIGN 2.4): every unpaid, non-waived installment due on or before the date, each with
 * simple interest `round_half_up(amount × rate × days / 365)`, days = date − due date (actual/365). Computed in BigInt
 * so the half-up rounding is exact.
 */
import { daysBetween, isRealDate, type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { divideRoundHalfUp, type Money } from '../money';
import { openInstallmentsDueBy } from './premium-installments';
import { isIssued, type PolicyState } from './policy-state';

interface ReinstatementQuoteLine {
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly amount: Money;
  readonly days: number;
  readonly interest: Money;
}

export interface ReinstatementQuote {
  readonly onDate: BusinessDate;
  readonly installments: readonly ReinstatementQuoteLine[];
  readonly premiums: Money;
  readonly interest: Money;
  readonly total: Money;
  readonly currency: string;
}

const BASIS_POINTS_TIMES_DAYS_PER_YEAR = 10_000n * 365n;

/** `round_half_up(amount × basisPoints / 10000 × days / 365)` in minor units. */
export function simpleInterest(amount: number, basisPoints: number, days: number): number {
  const numerator = BigInt(amount) * BigInt(basisPoints) * BigInt(Math.max(0, days));
  return Number(divideRoundHalfUp(numerator, BASIS_POINTS_TIMES_DAYS_PER_YEAR));
}

/**
 * The amount a lapsed policy must pay to be reinstated on `onDate`.
 * @throws DomainError POLICY_NOT_FOUND, POLICY_NOT_LAPSED, INVALID_DATE, REINSTATEMENT_WINDOW_EXPIRED
 */
export function reinstatementQuote(state: PolicyState, onDate: BusinessDate): ReinstatementQuote {
  if (!isIssued(state)) throw new DomainError('POLICY_NOT_FOUND', 'The policy does not exist.');
  if (!isRealDate(onDate))
    throw new DomainError('INVALID_DATE', `The quote date ${String(onDate)} is not a real date.`);
  if (state.status !== 'LAPSED' || state.lapse === null) {
    throw new DomainError('POLICY_NOT_LAPSED', `Only a lapsed policy can be reinstated; it is ${state.status}.`);
  }
  if (onDate > state.lapse.reinstatementDeadline) {
    throw new DomainError(
      'REINSTATEMENT_WINDOW_EXPIRED',
      `The reinstatement window ended on ${state.lapse.reinstatementDeadline}.`,
    );
  }
  const { currency } = state;
  const basisPoints = state.ruleProfile.reinstatementInterestBasisPoints;
  const installments = openInstallmentsDueBy(state, onDate).map((installment) => {
    const days = daysBetween(installment.dueDate, onDate);
    return {
      installmentNo: installment.installmentNo,
      dueDate: installment.dueDate,
      amount: installment.amount,
      days,
      interest: { amount: simpleInterest(installment.amount.amount, basisPoints, days), currency },
    };
  });
  const premiums = installments.reduce((sum, line) => sum + line.amount.amount, 0);
  const interest = installments.reduce((sum, line) => sum + line.interest.amount, 0);
  return {
    onDate,
    installments,
    premiums: { amount: premiums, currency },
    interest: { amount: interest, currency },
    total: { amount: premiums + interest, currency },
    currency,
  };
}
