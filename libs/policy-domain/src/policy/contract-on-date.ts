/**
 * The contract on a business date D (DESIGN 2.7), derived purely from the folded events: its status by law, the
 * terms in force and the schedule's money. Every rule that carries a business date asks this, never the recorded
 * status or the last recorded value: a policy past the lapse date of an installment unpaid on D is suspended on D
 * whether or not a PolicyLapsed was recorded, and a change effective next year is not in force today.
 */
import { type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { type Money } from '../money';
import { ridersInForceOn, termsOn, type ContractTerms, type RiderTerms } from './contract-terms';
import { isWaived, lapseDateOf } from './premium-installments';
import { scheduledInstallments, type ScheduledInstallment } from './premium-schedule';
import { type IssuedPolicy } from './policy-state';
import { type StatusByLaw } from './policy-values';

type InstallmentStatusOnDate = 'PAID' | 'WAIVED' | 'UNPAID';

interface InstallmentOnDate extends ScheduledInstallment {
  /** PAID when paid on or before D; WAIVED when a waiver covers it; UNPAID otherwise. */
  readonly status: InstallmentStatusOnDate;
  readonly paidOn: BusinessDate | null;
}

interface ContractOnDate {
  readonly date: BusinessDate;
  readonly statusByLaw: StatusByLaw;
  /** The day the suspension began when SUSPENDED (the legal lapse date, or a recorded lapse); null otherwise. */
  readonly suspendedSince: BusinessDate | null;
  readonly terms: ContractTerms;
  readonly ridersInForce: readonly RiderTerms[];
  /** Base modal premium + the riders in force: what an installment due on D costs. */
  readonly installmentPremium: Money;
  /** Every installment due on or before D, with its status on D. */
  readonly installmentsDue: readonly InstallmentOnDate[];
}

/** installmentNo → the date its settling payment was made (the last payment recorded for it). */
function paymentDates(policy: IssuedPolicy): Map<number, BusinessDate> {
  const dates = new Map<number, BusinessDate>();
  for (const payment of policy.premium.payments) dates.set(payment.installmentNo, payment.paidOn);
  return dates;
}

function installmentOnDate(
  policy: IssuedPolicy,
  installment: ScheduledInstallment,
  date: BusinessDate,
  paymentDate: BusinessDate | undefined,
): InstallmentOnDate {
  const settled = installment.installmentNo <= policy.premium.paidInstallments;
  // A compact projection state keeps no payments: a settled installment without a date counts as paid.
  const paidOn = settled ? (paymentDate ?? null) : null;
  const paid = settled && (paidOn === null || paidOn <= date);
  const status: InstallmentStatusOnDate = paid
    ? 'PAID'
    : isWaived(policy, installment.installmentNo)
      ? 'WAIVED'
      : 'UNPAID';
  return { ...installment, status, paidOn: paid ? paidOn : null };
}

/** Every installment due on or before `date`, with its status on that date. */
function installmentsDueBy(policy: IssuedPolicy, date: BusinessDate): InstallmentOnDate[] {
  const due: InstallmentOnDate[] = [];
  const dates = paymentDates(policy);
  for (const installment of scheduledInstallments(policy.premium.schedule)) {
    if (installment.dueDate > date) break;
    due.push(installmentOnDate(policy, installment, date, dates.get(installment.installmentNo)));
  }
  return due;
}

/** The earliest installment unpaid (and not waived) on `date` among those due by then, or null. */
function earliestUnpaidOn(policy: IssuedPolicy, date: BusinessDate): InstallmentOnDate | null {
  return installmentsDueBy(policy, date).find((installment) => installment.status === 'UNPAID') ?? null;
}

function suspensionOn(policy: IssuedPolicy, date: BusinessDate): BusinessDate | null {
  for (const period of policy.recordedLapses) {
    if (period.lapsedOn <= date && (period.reinstatedOn === null || date < period.reinstatedOn)) {
      return period.lapsedOn;
    }
  }
  const unpaid = earliestUnpaidOn(policy, date);
  if (unpaid === null) return null;
  const lapseDate = lapseDateOf(policy, unpaid);
  return lapseDate <= date ? lapseDate : null;
}

/** The status by law on `date` (DESIGN 2.7); the suspension start when suspended. */
export function statusByLawOn(
  policy: IssuedPolicy,
  date: BusinessDate,
): { readonly statusByLaw: StatusByLaw; readonly suspendedSince: BusinessDate | null } {
  if (policy.termination !== null && date >= policy.termination.terminatedOn) {
    return { statusByLaw: 'TERMINATED', suspendedSince: null };
  }
  if (policy.maturity !== null && date >= policy.maturity.paidOn) {
    return { statusByLaw: 'MATURED', suspendedSince: null };
  }
  const suspendedSince = suspensionOn(policy, date);
  return suspendedSince === null
    ? { statusByLaw: 'IN_FORCE', suspendedSince: null }
    : { statusByLaw: 'SUSPENDED', suspendedSince };
}

export function contractOn(policy: IssuedPolicy, date: BusinessDate): ContractOnDate {
  const terms = termsOn(policy.terms, date);
  const ridersInForce = ridersInForceOn(terms, date);
  const riderPremiums = ridersInForce.reduce((sum, rider) => sum + rider.modalPremium.amount, 0);
  return {
    date,
    ...statusByLawOn(policy, date),
    terms,
    ridersInForce,
    installmentPremium: { amount: terms.basePremium.amount + riderPremiums, currency: policy.currency },
    installmentsDue: installmentsDueBy(policy, date),
  };
}

/** Business dates of servicing commands never lie before the policy's effective date (DATE_BEFORE_POLICY). */
export function checkNotBeforePolicy(policy: IssuedPolicy, date: BusinessDate, field: string): void {
  if (date < policy.effectiveDate) {
    throw new DomainError(
      'DATE_BEFORE_POLICY',
      `${field} ${date} lies before the policy took effect on ${policy.effectiveDate}.`,
    );
  }
}

/** @throws DomainError POLICY_NOT_IN_FORCE unless the contract is in force by law on `date` (grace included). */
export function requireInForceByLaw(policy: IssuedPolicy, date: BusinessDate, action: string): void {
  const { statusByLaw, suspendedSince } = statusByLawOn(policy, date);
  if (statusByLaw === 'IN_FORCE') return;
  const since = suspendedSince === null ? '' : ` since ${suspendedSince}`;
  throw new DomainError(
    'POLICY_NOT_IN_FORCE',
    `${action} needs the contract in force on ${date}; by law it was ${statusByLaw}${since}.`,
  );
}
