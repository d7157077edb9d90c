import type { BusinessDate, ReminderChannel } from '@lib/policy-domain';

/**
 * Deterministic idempotency keys of the scheduler's commands. A key names one piece of due work completely — the
 * same key always comes with the same request body — so a day run twice, or by two instances at once, sends each
 * command once: the second attempt is answered from the first one's events (the kernel's idempotency replay).
 * Every key fits the API's 128-character limit (policy ids have at most 32 characters).
 */

/** Days before the due date on which a pre-due reminder goes out (DESIGN 6). */
export const PRE_DUE_REMINDER_DAYS = [30, 7] as const;
export type PreDueReminderDays = (typeof PRE_DUE_REMINDER_DAYS)[number];

/** The due date is part of the key: a frequency change renumbers later installments. */
export function preDueReminderKey(
  policyId: string,
  installmentNo: number,
  dueDate: BusinessDate,
  daysBefore: PreDueReminderDays,
  channel: ReminderChannel,
): string {
  return `reminder:${policyId}:${installmentNo}:${dueDate}:PRE_DUE-${daysBefore}:${channel}`;
}

export function overdueNoticeKey(
  policyId: string,
  installmentNo: number,
  dueDate: BusinessDate,
  channel: ReminderChannel,
): string {
  return `reminder:${policyId}:${installmentNo}:${dueDate}:OVERDUE_NOTICE:${channel}`;
}

/** The lapse date is part of the key because it is part of the request (a later day's attempt is another request). */
export function lapseKey(policyId: string, installmentNo: number, lapsedOn: BusinessDate): string {
  return `lapse:${policyId}:${installmentNo}:${lapsedOn}`;
}

export function lapseExpiredKey(policyId: string, lapseNo: number, terminatedOn: BusinessDate): string {
  return `lapse-expired:${policyId}:${lapseNo}:${terminatedOn}`;
}

/** One automatic premium loan per installment (DESIGN 2.10): it pays the installment, so it happens once. */
export function automaticPremiumLoanKey(policyId: string, installmentNo: number, appliedOn: BusinessDate): string {
  return `apl:${policyId}:${installmentNo}:${appliedOn}`;
}

/** One conversion per policy: a nonforfeiture option ends the premiums for good (DESIGN 2.10). */
export function nonforfeitureKey(policyId: string, installmentNo: number, effectiveOn: BusinessDate): string {
  return `nonforfeiture:${policyId}:${installmentNo}:${effectiveOn}`;
}

/** The loan warning and the loan lapse of a day (DESIGN 2.10); the domain refuses a second warning until a repayment. */
export function loanWarningKey(policyId: string, sentOn: BusinessDate): string {
  return `loan-warning:${policyId}:${sentOn}`;
}
export function loanLapseKey(policyId: string, lapsedOn: BusinessDate): string {
  return `loan-lapse:${policyId}:${lapsedOn}`;
}

/** One capitalization per loan account and anniversary (DESIGN 2.10). */
export function loanInterestCapitalizationKey(policyId: string, anniversary: BusinessDate): string {
  return `loan-interest:${policyId}:${anniversary}`;
}

/** The termination date is part of the key because it is part of the request, as for lapses. */
export function expiryKey(policyId: string, terminatedOn: BusinessDate): string {
  return `expiry:${policyId}:${terminatedOn}`;
}
