/** Installment-level facts derived from the policy state: what is paid, waived, open, overdue, and when it may lapse. */
import { addDays, earlierOf, type BusinessDate } from '../dates';
import { type Money } from '../money';
import { scheduledInstallment, scheduledInstallments, type ScheduledInstallment } from './premium-schedule';
import { isIssued, type IssuedPolicy, type PolicyState, type ReminderRecord } from './policy-state';

type InstallmentStatus = 'PAID' | 'WAIVED' | 'UNPAID';

interface InstallmentView {
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly amount: Money;
  readonly status: InstallmentStatus;
  readonly paidOn: BusinessDate | null;
  readonly reminderIds: readonly string[];
}

export function isPaid(policy: IssuedPolicy, installmentNo: number): boolean {
  return installmentNo <= policy.premium.paidInstallments;
}

/** Waived installments need no payment, get no reminders and never lapse the policy. */
export function isWaived(policy: IssuedPolicy, installmentNo: number): boolean {
  if (isPaid(policy, installmentNo)) return false;
  // A nonforfeiture option ends the premiums: nothing unpaid is owed any more (DESIGN 2.10).
  if (policy.nonforfeiture !== null) return true;
  return policy.waiver !== null && installmentNo >= policy.waiver.waivedFromInstallment;
}

/** The next installment that is neither paid nor waived (the only one a payment may settle), or null. */
export function nextOpenInstallment(policy: IssuedPolicy): ScheduledInstallment | null {
  const installmentNo = policy.premium.paidInstallments + 1;
  if (isWaived(policy, installmentNo)) return null;
  return scheduledInstallment(policy.premium.schedule, installmentNo);
}

/** A scheduled installment that still has to be paid, or null when it is paid, waived or not in the schedule. */
export function openInstallment(policy: IssuedPolicy, installmentNo: number): ScheduledInstallment | null {
  if (isPaid(policy, installmentNo) || isWaived(policy, installmentNo)) return null;
  return scheduledInstallment(policy.premium.schedule, installmentNo);
}

/** Every unpaid, non-waived installment due on or before `date`, oldest first. */
export function openInstallmentsDueBy(policy: IssuedPolicy, date: BusinessDate): ScheduledInstallment[] {
  return scheduledInstallments(policy.premium.schedule).filter(
    (installment) =>
      !isPaid(policy, installment.installmentNo) &&
      !isWaived(policy, installment.installmentNo) &&
      installment.dueDate <= date,
  );
}

/** An open installment whose due date lies before `date`. */
export function hasOverdueInstallment(policy: IssuedPolicy, date: BusinessDate): boolean {
  const next = nextOpenInstallment(policy);
  return next !== null && next.dueDate < date;
}

function remindersFor(policy: IssuedPolicy, installment: ScheduledInstallment): ReminderRecord[] {
  // A frequency change renumbers later installments: a reminder belongs to the installment number AND due date.
  return policy.reminders.filter(
    (reminder) => reminder.installmentNo === installment.installmentNo && reminder.dueDate === installment.dueDate,
  );
}

/**
 * Overdue notices that start the notice period: only a notice recorded DELIVERED — a notice takes effect on arrival
 * (Civil Code art. 137), so one that was sent but not (yet) delivered, returned or unreachable does not count.
 */
function countedOverdueNotices(policy: IssuedPolicy, installment: ScheduledInstallment): ReminderRecord[] {
  return remindersFor(policy, installment).filter(
    (reminder) => reminder.kind === 'OVERDUE_NOTICE' && reminder.delivery?.outcome === 'DELIVERED',
  );
}

/**
 * The first day an unpaid installment may lapse the policy (DESIGN 2.4): the day after the end of the grace period,
 * or — only where the contract agreed the notice rule — the day after (delivery of an overdue notice + notice days)
 * when that is earlier.
 */
export function lapseDateOf(policy: IssuedPolicy, installment: ScheduledInstallment): BusinessDate {
  const { graceDays, overdueNoticeDays, noticeShortensGrace } = policy.ruleProfile;
  let lastDayOfCover = addDays(installment.dueDate, graceDays);
  if (noticeShortensGrace && overdueNoticeDays !== null) {
    for (const notice of countedOverdueNotices(policy, installment)) {
      lastDayOfCover = earlierOf(lastDayOfCover, addDays(notice.delivery!.recordedOn, overdueNoticeDays));
    }
  }
  return addDays(lastDayOfCover, 1);
}

/** For an in-force policy with an open installment: the day it may lapse; otherwise null. */
export function lapseEligibleFrom(policy: IssuedPolicy): BusinessDate | null {
  if (policy.status !== 'IN_FORCE') return null;
  const next = nextOpenInstallment(policy);
  return next === null ? null : lapseDateOf(policy, next);
}

export function premiumInstallments(policy: IssuedPolicy): InstallmentView[] {
  return scheduledInstallments(policy.premium.schedule).map((installment) => {
    const payment = policy.premium.payments.find((paid) => paid.installmentNo === installment.installmentNo);
    const paid = isPaid(policy, installment.installmentNo);
    return {
      installmentNo: installment.installmentNo,
      dueDate: installment.dueDate,
      amount: paid && payment ? payment.amount : installment.amount,
      status: paid ? 'PAID' : isWaived(policy, installment.installmentNo) ? 'WAIVED' : 'UNPAID',
      paidOn: paid && payment ? payment.paidOn : null,
      reminderIds: remindersFor(policy, installment).map((reminder) => reminder.reminderId),
    };
  });
}

/** Whether a LapsePolicy dated `date` would pass the grace rules (for the scheduler's daily run). */
export function mayLapseOn(state: PolicyState, date: BusinessDate): boolean {
  if (!isIssued(state) || state.status !== 'IN_FORCE') return false;
  const installment = nextOpenInstallment(state);
  return installment !== null && date >= lapseDateOf(state, installment);
}
