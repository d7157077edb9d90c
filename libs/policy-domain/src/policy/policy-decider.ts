/**
 * `decide` for the policy aggregate: one small function per command, each checking the rules of DESIGN 2.5 against
 * the folded state and returning the events. Time comes only from the command (`context.today` and the dates in
 * `data`); cross-aggregate facts (agents) come from the context, loaded by the handler.
 */
import { type Decider } from '@lib/event-sourcing';
import { addDays, addYearsClamped } from '../dates';
import { DomainError } from '../errors';
import { endorsementNo, isValidAgentId, isValidPolicyId, reminderId } from '../ids';
import { withoutUndefined } from '../json-data';
import { isValidCurrency } from '../money';
import { checkBeneficiaries, samePerson } from './beneficiary-rules';
import { applyContractChange, checkContractChange, checkRider } from './contract-changes';
import { checkDate, checkHappenedBy, checkMoney, isBlank } from '../input-checks';
import {
  type ChangeBeneficiaries,
  type ChangeContract,
  type IssuePolicy,
  type LapsePolicy,
  type PaySurvivalBenefit,
  type PolicyCommand,
  type ReassignOrphanPolicy,
  type RecordPremiumPayment,
  type RecordReminderDelivery,
  type ReinstatePolicy,
  type SendPremiumReminder,
  type TerminatePolicy,
  type TransferPolicy,
  type WaivePremium,
} from './policy-commands';
import { evolvePolicy } from './policy-evolve';
import {
  type BeneficiariesChanged,
  type ContractChanged,
  type OrphanPolicyReassigned,
  type PolicyEvent,
  type PolicyIssued,
  type PolicyLapsed,
  type PolicyReinstated,
  type PolicyTerminated,
  type PolicyTransferred,
  type PremiumPaid,
  type PremiumReminderDeliveryRecorded,
  type PremiumReminderSent,
  type PremiumWaived,
} from './policy-events';
import { isPaid, isWaived, lapseDateOf, nextOpenInstallment, openInstallment } from './premium-installments';
import { scheduledInstallment, scheduledInstallments } from './premium-schedule';
import { initialPolicyState, isClosed, isIssued, type IssuedPolicy, type PolicyState } from './policy-state';
import { type SurvivalBenefitPlanEntry } from './policy-values';
import { reinstatementQuote } from './reinstatement-quote';

function requireInForce(policy: IssuedPolicy, action: string): void {
  if (policy.status !== 'IN_FORCE') {
    throw new DomainError('POLICY_NOT_IN_FORCE', `${action} needs the policy in force; it is ${policy.status}.`);
  }
}

function checkSurvivalBenefitPlan(plan: readonly SurvivalBenefitPlanEntry[], data: IssuePolicy['data']): void {
  const periods = new Set<number>();
  for (const entry of plan) {
    if (!Number.isInteger(entry.periodNo) || entry.periodNo < 1 || periods.has(entry.periodNo)) {
      throw new DomainError(
        'SURVIVAL_BENEFIT_PLAN_INVALID',
        `Period numbers must be unique integers ≥ 1 (${entry.periodNo}).`,
      );
    }
    periods.add(entry.periodNo);
    checkDate(entry.dueDate, `survivalBenefits[${entry.periodNo}].dueDate`);
    checkMoney(entry.amount, data.currency, `survivalBenefits[${entry.periodNo}].amount`, { positive: true });
    if (entry.dueDate <= data.effectiveDate || entry.dueDate > data.maturityDate) {
      throw new DomainError(
        'SURVIVAL_BENEFIT_OUTSIDE_TERM',
        `Period ${entry.periodNo} is due ${entry.dueDate}, outside the term ${data.effectiveDate} – ${data.maturityDate}.`,
      );
    }
  }
  const maturityPayments = plan.filter((entry) => entry.kind === 'MATURITY');
  if (maturityPayments.length > 1) {
    throw new DomainError('SURVIVAL_BENEFIT_PLAN_INVALID', 'The plan has more than one MATURITY payment.');
  }
  const [maturity] = maturityPayments;
  if (maturity && plan.some((entry) => entry.dueDate > maturity.dueDate)) {
    throw new DomainError(
      'SURVIVAL_BENEFIT_PLAN_INVALID',
      'No survival benefit can fall due after the MATURITY payment.',
    );
  }
}

function issuePolicy({ data, context }: IssuePolicy, state: PolicyState): PolicyIssued {
  if (isIssued(state)) throw new DomainError('POLICY_ALREADY_EXISTS', `Policy ${state.policyId} already exists.`);
  checkDate(context.today, 'context.today');
  if (!isValidPolicyId(data.policyId))
    throw new DomainError('INVALID_POLICY_ID', `Invalid policy id ${data.policyId}.`);
  if (!isValidAgentId(data.servicing.agentId)) {
    throw new DomainError('INVALID_AGENT_ID', `Invalid agent id ${data.servicing.agentId}.`);
  }
  if (!isValidCurrency(data.currency)) throw new DomainError('INVALID_CURRENCY', `Invalid currency ${data.currency}.`);
  checkDate(data.effectiveDate, 'effectiveDate');
  checkDate(data.maturityDate, 'maturityDate');
  checkDate(data.policyholder.birthDate, 'policyholder.birthDate');
  checkDate(data.insured.birthDate, 'insured.birthDate');
  if (data.maturityDate <= data.effectiveDate) {
    throw new DomainError('MATURITY_NOT_AFTER_EFFECTIVE_DATE', 'The maturity date must lie after the effective date.');
  }
  checkMoney(data.sumAssured, data.currency, 'sumAssured');
  if (data.sumAssured.amount <= 0)
    throw new DomainError('SUM_ASSURED_INVALID', 'The sum assured must be greater than 0.');
  checkMoney(data.premium.modalPremium, data.currency, 'premium.modalPremium', { positive: true });
  const { paymentTermYears } = data.premium;
  if (
    !Number.isInteger(paymentTermYears) ||
    paymentTermYears < 1 ||
    addYearsClamped(data.effectiveDate, paymentTermYears) > data.maturityDate
  ) {
    throw new DomainError(
      'PAYMENT_TERM_INVALID',
      `The payment term must be a whole number of years ≥ 1 that ends by maturity (${paymentTermYears}).`,
    );
  }
  checkBeneficiaries(data.beneficiaries, data.insured);
  const riders = data.riders ?? [];
  riders.forEach((rider, index) =>
    checkRider(
      rider,
      { currency: data.currency, maturityDate: data.maturityDate, riders: riders.slice(0, index) },
      `riders[${index}]`,
    ),
  );
  const survivalBenefits = data.survivalBenefits ?? [];
  checkSurvivalBenefitPlan(survivalBenefits, data);

  const profile = context.ruleProfile;
  const ruleProfile = {
    graceDays: profile.graceDays,
    overdueNoticeDays: profile.overdueNoticeDays,
    reinstatementWindowYears: profile.reinstatementWindowYears,
    reinstatementInterestBasisPoints: profile.reinstatementInterestBasisPoints,
    waiverWaitingDays: profile.waiverWaitingDays,
  };
  return {
    type: 'PolicyIssued',
    data: {
      policyId: data.policyId,
      productCode: data.productCode,
      currency: data.currency,
      policyholder: data.policyholder,
      insured: data.insured,
      beneficiaries: data.beneficiaries,
      sumAssured: data.sumAssured,
      premium: data.premium,
      effectiveDate: data.effectiveDate,
      maturityDate: data.maturityDate,
      riders,
      survivalBenefits,
      servicing: data.servicing,
      jurisdiction: profile.jurisdiction,
      ruleProfile,
      firstInstallment: { installmentNo: 1, dueDate: data.effectiveDate, amount: data.premium.modalPremium },
    },
  };
}

function changeContract({ data, context }: ChangeContract, policy: IssuedPolicy): ContractChanged {
  checkDate(data.effectiveDate, 'effectiveDate');
  if (data.changes.length === 0)
    throw new DomainError('CONTRACT_CHANGE_EMPTY', 'A contract change needs at least one change.');
  const endorsement = endorsementNo(policy.policyId, policy.endorsementCount + 1);
  const changeContext = { effectiveDate: data.effectiveDate, endorsementNo: endorsement, today: context.today };
  data.changes.reduce((amended, change) => {
    checkContractChange(amended, change, changeContext);
    return applyContractChange(amended, change, changeContext);
  }, policy);
  return {
    type: 'ContractChanged',
    data: { endorsementNo: endorsement, effectiveDate: data.effectiveDate, changes: data.changes },
  };
}

function changeBeneficiaries({ data }: ChangeBeneficiaries, policy: IssuedPolicy): BeneficiariesChanged {
  checkDate(data.effectiveDate, 'effectiveDate');
  checkBeneficiaries(data.beneficiaries, policy.insured);
  if (
    data.designatedBy === 'POLICYHOLDER' &&
    !samePerson(policy.policyholder, policy.insured) &&
    !data.insuredConsent
  ) {
    throw new DomainError(
      'INSURED_CONSENT_REQUIRED',
      'Beneficiaries designated by a policyholder who is not the insured need the insured’s consent.',
    );
  }
  return {
    type: 'BeneficiariesChanged',
    data: {
      endorsementNo: endorsementNo(policy.policyId, policy.endorsementCount + 1),
      effectiveDate: data.effectiveDate,
      designatedBy: data.designatedBy,
      insuredConsent: data.insuredConsent,
      beneficiaries: data.beneficiaries,
    },
  };
}

function sendPremiumReminder({ data, context }: SendPremiumReminder, policy: IssuedPolicy): PremiumReminderSent {
  checkHappenedBy(data.sentOn, 'sentOn', context.today);
  requireInForce(policy, 'A premium reminder');
  const installment = openInstallment(policy, data.installmentNo);
  if (installment === null) {
    throw new DomainError(
      'INSTALLMENT_NOT_OPEN',
      `Installment ${data.installmentNo} is not an unpaid, unwaived installment.`,
    );
  }
  if (data.kind === 'OVERDUE_NOTICE' && data.sentOn <= installment.dueDate) {
    throw new DomainError(
      'INSTALLMENT_NOT_OVERDUE',
      `An overdue notice can be sent only after the due date ${installment.dueDate}.`,
    );
  }
  return {
    type: 'PremiumReminderSent',
    data: {
      reminderId: reminderId(policy.policyId, policy.reminders.length + 1),
      installmentNo: installment.installmentNo,
      dueDate: installment.dueDate,
      amount: installment.amount,
      channel: data.channel,
      kind: data.kind,
      sentOn: data.sentOn,
    },
  };
}

function recordReminderDelivery(
  { data, context }: RecordReminderDelivery,
  policy: IssuedPolicy,
): PremiumReminderDeliveryRecorded {
  checkHappenedBy(data.recordedOn, 'recordedOn', context.today);
  const reminder = policy.reminders.find((sent) => sent.reminderId === data.reminderId);
  if (!reminder)
    throw new DomainError('REMINDER_NOT_FOUND', `No reminder ${data.reminderId} was sent for this policy.`);
  if (reminder.delivery !== null) {
    throw new DomainError(
      'REMINDER_DELIVERY_ALREADY_RECORDED',
      `Reminder ${data.reminderId} already has the outcome ${reminder.delivery.outcome}.`,
    );
  }
  return {
    type: 'PremiumReminderDeliveryRecorded',
    data: { reminderId: data.reminderId, outcome: data.outcome, recordedOn: data.recordedOn },
  };
}

function recordPremiumPayment({ data, context }: RecordPremiumPayment, policy: IssuedPolicy): PremiumPaid {
  checkHappenedBy(data.paidOn, 'paidOn', context.today);
  requireInForce(policy, 'A premium payment');
  const installment = scheduledInstallment(policy.premium.schedule, data.installmentNo);
  if (installment === null || isPaid(policy, data.installmentNo) || isWaived(policy, data.installmentNo)) {
    throw new DomainError('INSTALLMENT_NOT_OPEN', `Installment ${data.installmentNo} is not open for payment.`);
  }
  const nextUnpaid = policy.premium.paidInstallments + 1;
  if (data.installmentNo !== nextUnpaid) {
    throw new DomainError('INSTALLMENT_OUT_OF_ORDER', `The next installment to pay is ${nextUnpaid}.`);
  }
  checkMoney(data.amount, policy.currency, 'amount');
  if (data.amount.amount !== installment.amount.amount) {
    throw new DomainError(
      'PREMIUM_AMOUNT_MISMATCH',
      `Installment ${installment.installmentNo} is ${installment.amount.amount} ${policy.currency}, not ${data.amount.amount}.`,
    );
  }
  if (policy.premium.payments.some((payment) => payment.receiptNo === data.receiptNo)) {
    throw new DomainError('DUPLICATE_RECEIPT', `Receipt ${data.receiptNo} was already recorded for this policy.`);
  }
  return {
    type: 'PremiumPaid',
    data: {
      installmentNo: installment.installmentNo,
      dueDate: installment.dueDate,
      amount: installment.amount,
      paidOn: data.paidOn,
      receiptNo: data.receiptNo,
      method: data.method ?? policy.premium.paymentMethod.type,
    },
  };
}

function lapsePolicy({ data, context }: LapsePolicy, policy: IssuedPolicy): PolicyLapsed {
  checkHappenedBy(data.lapsedOn, 'lapsedOn', context.today);
  requireInForce(policy, 'A lapse');
  const installment = nextOpenInstallment(policy);
  if (installment === null) {
    throw new DomainError('NO_OVERDUE_INSTALLMENT', 'Every installment is paid or waived: the policy cannot lapse.');
  }
  const lapseDate = lapseDateOf(policy, installment);
  if (data.lapsedOn < lapseDate) {
    throw new DomainError(
      'GRACE_PERIOD_NOT_OVER',
      `Installment ${installment.installmentNo} (due ${installment.dueDate}) may lapse the policy from ${lapseDate}.`,
    );
  }
  return {
    type: 'PolicyLapsed',
    data: {
      lapsedOn: data.lapsedOn,
      installmentNo: installment.installmentNo,
      dueDate: installment.dueDate,
      // The window runs from the day the law lapses the policy (DESIGN 2.4, art. 37), not from the day the lapse
      // was recorded: a late LapsePolicy must not lengthen it.
      reinstatementDeadline: addYearsClamped(lapseDate, policy.ruleProfile.reinstatementWindowYears),
    },
  };
}

function waivePremium({ data, context }: WaivePremium, policy: IssuedPolicy): PremiumWaived {
  checkHappenedBy(data.eventDate, 'eventDate', context.today);
  requireInForce(policy, 'A premium waiver');
  if (policy.waiver !== null) {
    throw new DomainError('WAIVER_ALREADY_ACTIVE', `Premiums are waived since ${policy.waiver.waivedFromDate}.`);
  }
  if (isBlank(data.evidenceRef)) throw new DomainError('WAIVER_EVIDENCE_REQUIRED', 'A waiver needs evidence.');
  const waitingEnds = addDays(policy.effectiveDate, policy.ruleProfile.waiverWaitingDays);
  if (data.eventDate < waitingEnds) {
    throw new DomainError('WAIVER_IN_WAITING_PERIOD', `Events before ${waitingEnds} do not trigger a waiver.`);
  }
  const firstWaived = scheduledInstallments(policy.premium.schedule).find(
    (installment) => !isPaid(policy, installment.installmentNo) && installment.dueDate > data.eventDate,
  );
  if (!firstWaived)
    throw new DomainError('NOTHING_TO_WAIVE', `No unpaid installment falls due after ${data.eventDate}.`);
  return {
    type: 'PremiumWaived',
    data: {
      reason: data.reason,
      eventDate: data.eventDate,
      evidenceRef: data.evidenceRef,
      waivedFromInstallment: firstWaived.installmentNo,
      waivedFromDate: firstWaived.dueDate,
    },
  };
}

function reinstatePolicy({ data, context }: ReinstatePolicy, policy: IssuedPolicy): PolicyReinstated {
  checkHappenedBy(data.reinstatedOn, 'reinstatedOn', context.today);
  if (policy.status !== 'LAPSED' || policy.lapse === null) {
    throw new DomainError('POLICY_NOT_LAPSED', `Only a lapsed policy can be reinstated; it is ${policy.status}.`);
  }
  if (data.reinstatedOn < policy.lapse.lapsedOn) {
    throw new DomainError('REINSTATEMENT_BEFORE_LAPSE', `The policy lapsed on ${policy.lapse.lapsedOn}.`);
  }
  const quote = reinstatementQuote(policy, data.reinstatedOn);
  if (isBlank(data.healthDeclarationRef)) {
    throw new DomainError('HEALTH_DECLARATION_REQUIRED', 'Reinstatement needs a health declaration.');
  }
  checkMoney(data.arrearsPaid, policy.currency, 'arrearsPaid');
  if (data.arrearsPaid.amount !== quote.total.amount) {
    throw new DomainError(
      'ARREARS_MISMATCH',
      `Arrears on ${data.reinstatedOn} are ${quote.total.amount} ${quote.currency} ` +
        `(premiums ${quote.premiums.amount} + interest ${quote.interest.amount}); ${data.arrearsPaid.amount} was paid.`,
    );
  }
  return {
    type: 'PolicyReinstated',
    data: {
      reinstatedOn: data.reinstatedOn,
      installmentsCovered: quote.installments.map((line) => line.installmentNo),
      premiums: quote.premiums,
      interest: quote.interest,
      total: quote.total,
      healthDeclarationRef: data.healthDeclarationRef,
    },
  };
}

function transferPolicy({ data, context }: TransferPolicy, policy: IssuedPolicy): PolicyTransferred {
  checkDate(data.effectiveDate, 'effectiveDate');
  if (data.toBranchCode === policy.servicing.branchCode) {
    throw new DomainError('TRANSFER_TO_SAME_BRANCH', `The policy is already serviced by branch ${data.toBranchCode}.`);
  }
  if (data.toAgentId !== undefined) {
    const agent = context.toAgent;
    const eligible =
      !!agent &&
      agent.agentId === data.toAgentId &&
      agent.status === 'ACTIVE' &&
      agent.role === 'SERVICING' &&
      agent.branchCode === data.toBranchCode;
    if (!eligible) {
      throw new DomainError(
        'ASSIGNEE_NOT_ELIGIBLE',
        `Agent ${data.toAgentId} must be a registered, active SERVICING agent of branch ${data.toBranchCode}.`,
      );
    }
  }
  return {
    type: 'PolicyTransferred',
    data: {
      fromBranchCode: policy.servicing.branchCode,
      toBranchCode: data.toBranchCode,
      fromRegion: policy.servicing.region,
      toRegion: data.toRegion,
      effectiveDate: data.effectiveDate,
      reason: data.reason,
      toAgentId: data.toAgentId ?? null,
    },
  };
}

function paySurvivalBenefit({ data, context }: PaySurvivalBenefit, policy: IssuedPolicy): PolicyEvent[] {
  checkHappenedBy(data.paidOn, 'paidOn', context.today);
  requireInForce(policy, 'A survival benefit payment');
  const benefit = policy.survivalBenefits.find((planned) => planned.periodNo === data.periodNo);
  if (!benefit) throw new DomainError('UNKNOWN_BENEFIT_PERIOD', `The plan has no period ${data.periodNo}.`);
  if (benefit.payment !== null) {
    throw new DomainError(
      'SURVIVAL_BENEFIT_ALREADY_PAID',
      `Period ${data.periodNo} was paid on ${benefit.payment.paidOn}.`,
    );
  }
  if (data.paidOn < benefit.dueDate) {
    throw new DomainError('BENEFIT_NOT_DUE', `Period ${data.periodNo} falls due on ${benefit.dueDate}.`);
  }
  if (isBlank(data.lifeConfirmationRef)) {
    throw new DomainError(
      'LIFE_CONFIRMATION_REQUIRED',
      'A survival benefit needs confirmation that the insured is alive.',
    );
  }
  const paid: PolicyEvent = {
    type: 'SurvivalBenefitPaid',
    data: {
      periodNo: benefit.periodNo,
      kind: benefit.kind,
      dueDate: benefit.dueDate,
      amount: benefit.amount,
      paidOn: data.paidOn,
      payee: data.payee,
      paymentRef: data.paymentRef,
      lifeConfirmationRef: data.lifeConfirmationRef,
    },
  };
  if (benefit.kind !== 'MATURITY') return [paid];
  return [
    paid,
    {
      type: 'PolicyMatured',
      data: { maturityDate: policy.maturityDate, periodNo: benefit.periodNo, paidOn: data.paidOn },
    },
  ];
}

function reassignOrphanPolicy({ data, context }: ReassignOrphanPolicy, policy: IssuedPolicy): OrphanPolicyReassigned {
  checkDate(data.effectiveDate, 'effectiveDate');
  const { currentAgent, assignee } = context;
  if (currentAgent !== null && currentAgent.agentId !== policy.servicing.agentId) {
    throw new Error(
      `context.currentAgent describes ${currentAgent.agentId}, but the policy is serviced by ${policy.servicing.agentId}`,
    );
  }
  // An agent unknown to the registry cannot service the policy either: it is as orphaned as a departed one.
  const orphaned = currentAgent === null || currentAgent.status === 'DEPARTED';
  if (!orphaned) {
    throw new DomainError('POLICY_NOT_ORPHANED', `The servicing agent ${policy.servicing.agentId} is active.`);
  }
  const eligible =
    assignee !== null &&
    assignee.agentId === data.toAgentId &&
    assignee.status === 'ACTIVE' &&
    assignee.role === 'SERVICING';
  if (!eligible) {
    throw new DomainError(
      'ASSIGNEE_NOT_ELIGIBLE',
      `Agent ${data.toAgentId} must be a registered, active SERVICING agent.`,
    );
  }
  return {
    type: 'OrphanPolicyReassigned',
    data: {
      fromAgentId: policy.servicing.agentId,
      toAgentId: data.toAgentId,
      effectiveDate: data.effectiveDate,
      strategy: context.strategy,
    },
  };
}

function terminatePolicy({ data, context }: TerminatePolicy, policy: IssuedPolicy): PolicyTerminated {
  checkHappenedBy(data.terminatedOn, 'terminatedOn', context.today);
  if (data.reason === 'LAPSE_EXPIRED') {
    if (policy.status !== 'LAPSED' || policy.lapse === null) {
      throw new DomainError('POLICY_NOT_LAPSED', `LAPSE_EXPIRED needs a lapsed policy; it is ${policy.status}.`);
    }
    if (data.terminatedOn <= policy.lapse.reinstatementDeadline) {
      throw new DomainError(
        'REINSTATEMENT_WINDOW_OPEN',
        `The policy can be reinstated until ${policy.lapse.reinstatementDeadline}.`,
      );
    }
  }
  return { type: 'PolicyTerminated', data: { terminatedOn: data.terminatedOn, reason: data.reason } };
}

/** The existing policy a servicing command acts on: 404 before issue, POLICY_CLOSED once terminated or matured. */
function openPolicy(state: PolicyState): IssuedPolicy {
  if (!isIssued(state)) throw new DomainError('POLICY_NOT_FOUND', 'The policy does not exist.');
  if (isClosed(state)) {
    throw new DomainError('POLICY_CLOSED', `The policy is ${state.status} and accepts no further transactions.`);
  }
  return state;
}

function decideEvents(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  switch (command.type) {
    case 'IssuePolicy':
      return [issuePolicy(command, state)];
    case 'ChangeContract':
      return [changeContract(command, openPolicy(state))];
    case 'ChangeBeneficiaries':
      return [changeBeneficiaries(command, openPolicy(state))];
    case 'SendPremiumReminder':
      return [sendPremiumReminder(command, openPolicy(state))];
    case 'RecordReminderDelivery':
      return [recordReminderDelivery(command, openPolicy(state))];
    case 'RecordPremiumPayment':
      return [recordPremiumPayment(command, openPolicy(state))];
    case 'LapsePolicy':
      return [lapsePolicy(command, openPolicy(state))];
    case 'WaivePremium':
      return [waivePremium(command, openPolicy(state))];
    case 'ReinstatePolicy':
      return [reinstatePolicy(command, openPolicy(state))];
    case 'TransferPolicy':
      return [transferPolicy(command, openPolicy(state))];
    case 'PaySurvivalBenefit':
      return paySurvivalBenefit(command, openPolicy(state));
    case 'ReassignOrphanPolicy':
      return [reassignOrphanPolicy(command, openPolicy(state))];
    case 'TerminatePolicy':
      return [terminatePolicy(command, openPolicy(state))];
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown policy command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** @throws DomainError when a rule rejects the command (nothing is to be written). */
export function decidePolicy(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  return decideEvents(command, state).map((event) => withoutUndefined(event));
}

export const policyDecider: Decider<PolicyCommand, PolicyEvent, PolicyState> = {
  decide: decidePolicy,
  evolve: evolvePolicy,
  initialState: initialPolicyState,
};
