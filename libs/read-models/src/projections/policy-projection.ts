/**
 * Projection of policy streams: the policy state is folded with the domain's own `evolvePolicy`, and each event yields
 * the rows it affects, derived from the state with the domain's functions (schedule, paid/waived, next open
 * installment, lapse-eligible date). So the read models cannot disagree with the rules they report on, and a rebuild
 * gives exactly the rows an incremental run gave.
 */
import {
  evolvePolicy,
  installmentCount,
  isClosed,
  isIssued,
  isPaid,
  isWaived,
  lapseEligibleFrom,
  nextOpenInstallment,
  payableStatusOf,
  scheduledInstallment,
  scheduledInstallments,
  type BusinessDate,
  type IssuedPolicy,
  type LapseRecord,
  type PaymentRecord,
  type PolicyEvent,
  type PolicyState,
  type ReminderRecord,
  type ScheduledInstallment,
} from '@lib/policy-domain';
import {
  type LapseReinstatementRow,
  type LoanRow,
  type PayableRow,
  type PolicySummaryRow,
  type PremiumInstallmentRow,
  type ServicingActivityRow,
  type SurvivalBenefitRow,
  type TransferRow,
} from '../read-model-rows';
import { type PolicyProjectionEvent } from './projection-event';
import { compactPolicyState } from './projection-state';
import { upsert, type RowChange } from './row-changes';

interface PolicyProjection {
  /** The policy state after the event, compacted to what the read models need (projection-state.ts). */
  readonly state: IssuedPolicy;
  readonly changes: RowChange[];
}

/** Summary rows of the states a batch goes through: each state's row is derived once (as `after`, then `before`). */
const summaryRows = new WeakMap<IssuedPolicy, PolicySummaryRow>();

function summaryRowOf(policy: IssuedPolicy): PolicySummaryRow {
  let row = summaryRows.get(policy);
  if (row === undefined) {
    row = policySummaryRow(policy);
    summaryRows.set(policy, row);
  }
  return row;
}

export function policySummaryRow(policy: IssuedPolicy): PolicySummaryRow {
  const next = nextOpenInstallment(policy);
  return {
    policyId: policy.policyId,
    status: policy.status,
    statusReason: policy.termination?.reason ?? null,
    productCode: policy.productCode,
    currency: policy.currency,
    jurisdiction: policy.jurisdiction,
    branchCode: policy.servicing.branchCode,
    region: policy.servicing.region,
    agentId: policy.servicing.agentId,
    effectiveDate: policy.effectiveDate,
    maturityDate: policy.maturityDate,
    frequency: policy.premium.frequency,
    modalPremium: policy.premium.modalPremium.amount,
    sumAssured: policy.sumAssured.amount,
    paymentTermYears: policy.premium.paymentTermYears,
    installmentCount: installmentCount(policy.premium.schedule),
    paidInstallments: policy.premium.paidInstallments,
    nextInstallmentNo: isClosed(policy) ? null : (next?.installmentNo ?? null),
    nextDueDate: isClosed(policy) ? null : (next?.dueDate ?? null),
    lapseEligibleFrom: lapseEligibleFrom(policy),
    premiumWaiver: policy.waiver !== null,
    lapsedOn: policy.lapse?.lapsedOn ?? null,
    reinstatementDeadline: policy.lapse?.reinstatementDeadline ?? null,
    terminatedOn: policy.termination?.terminatedOn ?? null,
    endorsementCount: policy.endorsementCount,
    reinstatementCount: policy.reinstatementCount,
    automaticPremiumLoan: policy.automaticPremiumLoan,
    nonforfeiture: policy.nonforfeiture?.option ?? null,
    coverEndsOn: policy.nonforfeiture?.coverEndsOn ?? null,
  };
}

function sameRow<Row extends object>(a: Row, b: Row): boolean {
  for (const key of Object.keys(a) as (keyof Row)[]) if (a[key] !== b[key]) return false;
  return true;
}

/** Reminders belong to an installment number AND due date (a frequency change renumbers later installments). */
function remindersOf(reminders: readonly ReminderRecord[], installment: ScheduledInstallment): ReminderRecord[] {
  return reminders.filter(
    (reminder) => reminder.installmentNo === installment.installmentNo && reminder.dueDate === installment.dueDate,
  );
}

function installmentRow(
  policy: IssuedPolicy,
  installment: ScheduledInstallment,
  payment: PaymentRecord | undefined,
  reminders: readonly ReminderRecord[],
): PremiumInstallmentRow {
  const { installmentNo, dueDate } = installment;
  const paid = isPaid(policy, installmentNo);
  const lapse = policy.lapse;
  const lapsedHere = lapse !== null && lapse.installmentNo === installmentNo && lapse.dueDate === dueDate;
  const status = paid
    ? 'PAID'
    : policy.nonforfeiture !== null
      ? 'CANCELLED'
      : isWaived(policy, installmentNo)
        ? 'WAIVED'
        : lapsedHere
          ? 'LAPSED'
          : isClosed(policy)
            ? 'CANCELLED'
            : reminders.length > 0
              ? 'REMINDED'
              : 'DUE';
  const settled = paid && payment !== undefined;
  let preDueReminders = 0;
  let overdueNotices = 0;
  let lastRemindedOn: BusinessDate | null = null;
  for (const reminder of reminders) {
    if (reminder.kind === 'PRE_DUE') preDueReminders++;
    else overdueNotices++;
    if (lastRemindedOn === null || reminder.sentOn > lastRemindedOn) lastRemindedOn = reminder.sentOn;
  }
  return {
    policyId: policy.policyId,
    installmentNo,
    dueDate,
    amount: settled ? payment.amount.amount : installment.amount.amount,
    currency: policy.currency,
    status,
    paidOn: settled ? payment.paidOn : null,
    settledBy: settled ? payment.settledBy : null,
    receiptNo: settled ? payment.receiptNo : null,
    preDueReminders,
    overdueNotices,
    lastRemindedOn,
  };
}

/** The premium_installments rows of the policy: every installment of the schedule, or only the ones listed. */
export function premiumInstallmentRows(
  policy: IssuedPolicy,
  installmentNos: readonly number[] | 'all' = 'all',
): PremiumInstallmentRow[] {
  const installments =
    installmentNos === 'all'
      ? scheduledInstallments(policy.premium.schedule)
      : [...new Set(installmentNos)]
          .map((installmentNo) => scheduledInstallment(policy.premium.schedule, installmentNo))
          .filter((installment): installment is ScheduledInstallment => installment !== null);
  const payments = new Map<number, PaymentRecord>();
  for (const payment of policy.premium.payments) {
    if (!payments.has(payment.installmentNo)) payments.set(payment.installmentNo, payment);
  }
  return installments.map((installment) =>
    installmentRow(
      policy,
      installment,
      payments.get(installment.installmentNo),
      remindersOf(policy.reminders, installment),
    ),
  );
}

export function survivalBenefitRows(
  policy: IssuedPolicy,
  periodNos: readonly number[] | 'all' = 'all',
): SurvivalBenefitRow[] {
  return policy.survivalBenefits
    .filter((benefit) => periodNos === 'all' || periodNos.includes(benefit.periodNo))
    .map((benefit) => ({
      policyId: policy.policyId,
      periodNo: benefit.periodNo,
      kind: benefit.kind,
      dueDate: benefit.dueDate,
      amount: benefit.amount.amount,
      currency: benefit.amount.currency,
      status: benefit.payment !== null ? 'PAID' : isClosed(policy) ? 'CANCELLED' : 'DUE',
      paidOn: benefit.payment?.paidOn ?? null,
      paymentRef: benefit.payment?.paymentRef ?? null,
      payeeName: benefit.payment?.payee.name ?? null,
    }));
}

function openLapseRow(policyId: string, currency: string, lapseNo: number, lapse: LapseRecord): LapseReinstatementRow {
  return {
    policyId,
    lapseNo,
    lapsedOn: lapse.lapsedOn,
    installmentNo: lapse.installmentNo,
    dueDate: lapse.dueDate,
    reinstatementDeadline: lapse.reinstatementDeadline,
    cause: lapse.cause,
    status: 'LAPSED',
    reinstatedOn: null,
    installmentsCovered: null,
    reinstatementPremiums: null,
    reinstatementInterest: null,
    reinstatementTotal: null,
    currency,
    terminatedOn: null,
    terminationReason: null,
  };
}

/** The business date a transaction counts on in servicing_activity. */
function activityDateOf(event: PolicyEvent): BusinessDate {
  switch (event.type) {
    case 'PolicyIssued':
    case 'ContractChanged':
    case 'BeneficiariesChanged':
    case 'PolicyTransferred':
    case 'OrphanPolicyReassigned':
      return event.data.effectiveDate;
    case 'PremiumReminderSent':
      return event.data.sentOn;
    case 'PremiumReminderDeliveryRecorded':
      return event.data.recordedOn;
    case 'PremiumPaid':
    case 'SurvivalBenefitPaid':
    case 'PolicyMatured':
      return event.data.paidOn;
    case 'PolicyLapsed':
      return event.data.lapsedOn;
    case 'PremiumWaived':
      return event.data.eventDate;
    case 'PolicyReinstated':
      return event.data.reinstatedOn;
    case 'PolicyTerminated':
      return event.data.terminatedOn;
    case 'ScheduledChangeCancelled':
      return event.data.cancelledOn;
    case 'PolicyDelivered':
      return event.data.deliveredOn;
    case 'LoanWarningSent':
      return event.data.sentOn;
    case 'PolicyCancelledInFreeLook':
    case 'PolicySurrendered':
      return event.data.requestedOn;
    case 'PayoutMade':
    case 'PolicyLoanRepaid':
      return event.data.paidOn;
    case 'PolicyLoanGranted':
      return event.data.grantedOn;
    case 'AutomaticPremiumLoanApplied':
      return event.data.appliedOn;
    case 'PolicyConvertedToReducedPaidUp':
    case 'PolicyConvertedToExtendedTerm':
      return event.data.effectiveOn;
    case 'PolicyLoanInterestCapitalized':
      return event.data.capitalizedOn;
    default: {
      const _exhaustive: never = event;
      throw new Error(`Unknown policy event ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** The loans row of a policy that has (had) a loan. */
function loanRow(policy: IssuedPolicy): LoanRow {
  const loan = policy.loan!;
  const owing = loan.balance.amount > 0 || loan.accruedInterest.amount > 0;
  return {
    policyId: policy.policyId,
    branchCode: policy.servicing.branchCode,
    currency: policy.currency,
    balance: loan.balance.amount,
    accruedInterest: loan.accruedInterest.amount,
    accruedThrough: loan.accruedThrough,
    interestBasisPoints: loan.interestBasisPoints,
    nextCapitalizationOn: loan.nextCapitalizationOn,
    loanCount: loan.loans.length,
    status: isClosed(policy) ? 'CLOSED' : owing ? 'OPEN' : 'CLEARED',
  };
}

/** The payables rows of the policy: one per payable it ever owed. */
function payableRows(policy: IssuedPolicy): PayableRow[] {
  return policy.payables.map((payable) => ({
    payableId: payable.payableId,
    policyId: policy.policyId,
    branchCode: policy.servicing.branchCode,
    kind: payable.kind,
    amount: payable.amount.amount,
    currency: payable.amount.currency,
    createdOn: payable.createdOn,
    dueBy: payable.dueBy,
    status: payableStatusOf(payable),
    paidOn: payable.payout?.paidOn ?? null,
    paymentRef: payable.payout?.paymentRef ?? null,
  }));
}

/**
 * The unpaid installments from `from` on. A paid installment's row is final once written (its payment settled it for
 * good), so events after the payment only ever re-derive unpaid ones; the compact state keeps no payments.
 */
function unpaidInstallmentNos(policy: IssuedPolicy, from = 1): number[] {
  const count = installmentCount(policy.premium.schedule);
  const unpaid: number[] = [];
  for (
    let installmentNo = Math.max(from, policy.premium.paidInstallments + 1);
    installmentNo <= count;
    installmentNo++
  ) {
    unpaid.push(installmentNo);
  }
  return unpaid;
}

/**
 * Projects one policy event onto the state before it. @throws Error when the stream is corrupt (an event before
 * PolicyIssued); the caller wraps it into a ProjectionError.
 */
export function projectPolicyEvent(projected: PolicyProjectionEvent, before: PolicyState): PolicyProjection {
  const { event } = projected;
  // Rows are derived from the full evolved state (the payments of this event are still in it); the compact state
  // is what the stream keeps for its next event.
  const after = evolvePolicy(before, event);
  if (!isIssued(after)) throw new Error('The policy is not issued after the event');
  const previous = isIssued(before) ? before : null;
  const changes: RowChange[] = [];
  const summary = policySummaryRow(after);
  if (previous === null || !sameRow(summary, summaryRowOf(previous))) changes.push(upsert('policy_summary', summary));
  const installments = (installmentNos: readonly number[] | 'all') => {
    for (const row of premiumInstallmentRows(after, installmentNos)) changes.push(upsert('premium_installments', row));
  };
  const benefits = (periodNos: readonly number[] | 'all') => {
    for (const row of survivalBenefitRows(after, periodNos)) changes.push(upsert('survival_benefits', row));
  };
  const activity: ServicingActivityRow = {
    activityDate: activityDateOf(event),
    branchCode: (previous ?? after).servicing.branchCode,
    transactionType: event.type,
    transactions: 1,
  };
  changes.push({ kind: 'increment', table: 'servicing_activity', row: activity });
  if (after.loan !== null && (previous === null || previous.loan !== after.loan || previous.status !== after.status)) {
    changes.push(upsert('loans', loanRow(after)));
  }
  // Payables are few per policy: any event that creates, pays or withdraws one rewrites the policy's rows.
  if (previous === null || previous.payables !== after.payables) {
    for (const row of payableRows(after)) changes.push(upsert('payables', row));
  }

  switch (event.type) {
    case 'PolicyIssued':
      installments('all');
      benefits('all');
      break;
    case 'ContractChanged':
    case 'ScheduledChangeCancelled': {
      // Frequency and sum-assured changes rewrite the schedule (renumbering, new amounts): rewrite every unpaid
      // installment. Paid ones keep their rows: a frequency change needs the installments after its anniversary
      // unpaid, and a paid row shows its payment's amount, whatever the new rate.
      if (previous !== null && previous.premium.schedule !== after.premium.schedule) {
        installments(unpaidInstallmentNos(after));
        const count = installmentCount(after.premium.schedule);
        const previousCount = installmentCount(previous.premium.schedule);
        for (let installmentNo = count + 1; installmentNo <= previousCount; installmentNo++) {
          changes.push({
            kind: 'delete',
            table: 'premium_installments',
            key: { policyId: after.policyId, installmentNo },
          });
        }
      }
      break;
    }
    case 'BeneficiariesChanged':
    case 'OrphanPolicyReassigned':
    case 'PremiumReminderDeliveryRecorded':
    case 'PolicyDelivered':
      break;
    case 'PremiumReminderSent':
    case 'PremiumPaid':
    case 'AutomaticPremiumLoanApplied':
      installments([event.data.installmentNo]);
      break;
    case 'PolicyLapsed':
      if (event.data.installmentNo !== null) installments([event.data.installmentNo]);
      changes.push(
        upsert(
          'lapses_reinstatements',
          openLapseRow(after.policyId, after.currency, after.reinstatementCount + 1, after.lapse!),
        ),
      );
      break;
    case 'PremiumWaived':
      // Installments paid in advance stay PAID.
      installments(unpaidInstallmentNos(after, event.data.waivedFromInstallment));
      break;
    case 'PolicyReinstated': {
      const lapse = previous?.lapse ?? null;
      installments(
        lapse?.installmentNo != null
          ? [...event.data.installmentsCovered, lapse.installmentNo]
          : event.data.installmentsCovered,
      );
      if (previous !== null && lapse !== null) {
        const { reinstatedOn, installmentsCovered, premiums, interest, total } = event.data;
        changes.push(
          upsert('lapses_reinstatements', {
            ...openLapseRow(after.policyId, after.currency, previous.reinstatementCount + 1, lapse),
            status: 'REINSTATED',
            reinstatedOn,
            installmentsCovered: installmentsCovered.length,
            reinstatementPremiums: premiums.amount,
            reinstatementInterest: interest.amount,
            reinstatementTotal: total.amount,
          }),
        );
      }
      break;
    }
    case 'PolicyTransferred': {
      const transfer: TransferRow = {
        policyId: after.policyId,
        revision: projected.revision,
        effectiveDate: event.data.effectiveDate,
        reason: event.data.reason,
        fromBranchCode: event.data.fromBranchCode,
        toBranchCode: event.data.toBranchCode,
        fromRegion: event.data.fromRegion,
        toRegion: event.data.toRegion,
        fromAgentId: (previous ?? after).servicing.agentId,
        toAgentId: after.servicing.agentId,
      };
      changes.push(upsert('transfers', transfer));
      break;
    }
    case 'SurvivalBenefitPaid':
      benefits([event.data.periodNo]);
      break;
    case 'PolicyMatured':
      installments(unpaidInstallmentNos(after));
      benefits('all');
      break;
    case 'PolicyTerminated':
    case 'PolicyCancelledInFreeLook':
    case 'PolicySurrendered':
      installments(unpaidInstallmentNos(after));
      benefits('all');
      if (previous?.status === 'LAPSED' && previous.lapse !== null && after.termination !== null) {
        changes.push(
          upsert('lapses_reinstatements', {
            ...openLapseRow(after.policyId, after.currency, previous.reinstatementCount + 1, previous.lapse),
            status: 'TERMINATED',
            terminatedOn: after.termination.terminatedOn,
            terminationReason: after.termination.reason,
          }),
        );
      }
      break;
    case 'PolicyConvertedToReducedPaidUp':
    case 'PolicyConvertedToExtendedTerm':
      // No premium is due any more: the unpaid installments are cancelled.
      installments(unpaidInstallmentNos(after));
      break;
    case 'PayoutMade':
    case 'LoanWarningSent':
    case 'PolicyLoanGranted':
    case 'PolicyLoanRepaid':
    case 'PolicyLoanInterestCapitalized':
      break;
    default: {
      const _exhaustive: never = event;
      throw new Error(`Unknown policy event ${JSON.stringify(_exhaustive)}`);
    }
  }
  const state = compactPolicyState(after);
  summaryRows.set(state, summary);
  return { state, changes };
}
