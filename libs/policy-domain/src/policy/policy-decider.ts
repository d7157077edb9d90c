/**
 * `decide` for the policy aggregate: one small function per command, each checking the rules of DESIGN 2.5 against
 * the folded state and returning the events. Time comes only from the command (`context.today` and the dates in
 * `data`); cross-aggregate facts (agents) come from the context, loaded by the handler.
 */
import { type Decider } from '@lib/event-sourcing';
import { addDays, addYearsClamped, earlierOf } from '../dates';
import { DomainError } from '../errors';
import { endorsementNo, isValidAgentId, isValidPolicyId, loanNo, reminderId } from '../ids';
import { anniversaryAfter, hasLoanDebt, interestSince, loanDebtOn, loanQuote, settlementOf } from './policy-loans';
import { withoutUndefined } from '../json-data';
import { isValidCurrency } from '../money';
import { checkBeneficiaries, samePerson } from './beneficiary-rules';
import {
  applyContractChange,
  checkContractChange,
  checkNoScheduledChange,
  checkPremiumChangeDate,
  checkRider,
  isPremiumAffecting,
} from './contract-changes';
import {
  beneficiaryData,
  contractChangeData,
  moneyData,
  partyData,
  payeeData,
  premiumTermsData,
  riderData,
  servicingData,
  survivalBenefitData,
} from './event-data';
import { checkNotBeforePolicy, requireInForceByLaw, statusByLawOn } from './contract-on-date';
import { checkDate, checkHappenedBy, checkMoney, isBlank } from '../input-checks';
import {
  cashValueOrZero,
  freeLookTermsOf,
  owedFrom,
  partialSurrenderValue,
  PayableNumbering,
  payoutDeadline,
  premiumsPaid,
  refundPayee,
  surrenderQuote,
} from './payables';
import {
  type CancelInFreeLook,
  type ApplyAutomaticPremiumLoan,
  type CancelScheduledChange,
  type CapitalizePolicyLoanInterest,
  type ElectNonforfeitureOption,
  type SendLoanWarning,
  type GrantPolicyLoan,
  type RepayPolicyLoan,
  type ChangeBeneficiaries,
  type ChangeContract,
  type IssuePolicy,
  type LapsePolicy,
  type PaySurvivalBenefit,
  type PolicyCommand,
  type ReassignOrphanPolicy,
  type RecordPremiumPayment,
  type PolicyCommandType,
  type RecordPayout,
  type RecordPolicyDelivery,
  type RecordReminderDelivery,
  type ReinstatePolicy,
  type SendPremiumReminder,
  type SurrenderPolicy,
  type TerminatePolicy,
  type TransferPolicy,
  type WaivePremium,
} from './policy-commands';
import { evolvePolicy } from './policy-evolve';
import { policyYearsCompleted } from './cash-value';
import { ridersInForceOn, termsOn } from './contract-terms';
import {
  type BeneficiariesChanged,
  type ContractChanged,
  type AutomaticPremiumLoanApplied,
  type LoanWarningSent,
  type OrphanPolicyReassigned,
  type PayoutMade,
  type PolicyConvertedToExtendedTerm,
  type PolicyConvertedToReducedPaidUp,
  type PolicyLoanGranted,
  type PolicyLoanInterestCapitalized,
  type PolicyLoanRepaid,
  type PolicyCancelledInFreeLook,
  type PolicyEvent,
  type PolicySurrendered,
  type PolicyIssued,
  type PolicyDelivered,
  type PolicyLapsed,
  type PolicyReinstated,
  type PolicyTerminated,
  type PolicyTransferred,
  type PremiumPaid,
  type PremiumReminderDeliveryRecorded,
  type PremiumReminderSent,
  type PremiumWaived,
  type ScheduledChangeCancelled,
} from './policy-events';
import { isPaid, isWaived, lapseDateOf, nextOpenInstallment, openInstallment } from './premium-installments';
import { scheduledInstallment, scheduledInstallments } from './premium-schedule';
import { initialPolicyState, isClosed, isIssued, type IssuedPolicy, type PolicyState } from './policy-state';
import { type Payable, type Payee, type SurvivalBenefitPlanEntry } from './policy-values';
import { divideRoundHalfUp, type Money } from '../money';
import { type ProductVersion } from '../product/product';
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
  if (maturity && maturity.dueDate !== data.maturityDate) {
    throw new DomainError(
      'SURVIVAL_BENEFIT_PLAN_INVALID',
      `The MATURITY payment falls due on the maturity date ${data.maturityDate}, not ${maturity.dueDate}.`,
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
  for (const [party, birthDate] of [
    ['policyholder', data.policyholder.birthDate],
    ['insured', data.insured.birthDate],
  ] as const) {
    if (birthDate > data.effectiveDate) {
      throw new DomainError(
        'BIRTH_DATE_INVALID',
        `The ${party} must be born on or before the effective date ${data.effectiveDate}, not ${birthDate}.`,
      );
    }
  }
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
  riders.forEach((rider, index) => {
    checkRider(rider, data, data.effectiveDate, `riders[${index}]`);
    if (riders.slice(0, index).some((earlier) => earlier.code === rider.code)) {
      throw new DomainError('DUPLICATE_RIDER', `Rider ${rider.code} is given twice.`);
    }
  });
  const survivalBenefits = data.survivalBenefits ?? [];
  checkSurvivalBenefitPlan(survivalBenefits, data);
  const agent = context.servicingAgent;
  if (agent === null || agent.agentId !== data.servicing.agentId || agent.status !== 'ACTIVE') {
    throw new DomainError(
      'AGENT_NOT_ELIGIBLE',
      `The servicing agent ${data.servicing.agentId} must be registered and active.`,
    );
  }

  const { product } = context;
  if (product === null || product.productCode !== data.productCode) {
    throw new DomainError('PRODUCT_NOT_PUBLISHED', `Product ${data.productCode} has no published version.`);
  }
  if (data.automaticPremiumLoan === true && !product.automaticPremiumLoan) {
    throw new DomainError(
      'APL_NOT_ALLOWED',
      `Product ${product.productCode} does not offer the automatic premium loan.`,
    );
  }
  if (product.currency !== data.currency || product.jurisdiction !== context.ruleProfile.jurisdiction) {
    throw new DomainError(
      'PRODUCT_MISMATCH',
      `Product ${product.productCode} v${product.version} is sold in ${product.jurisdiction} in ${product.currency}, ` +
        `not ${context.ruleProfile.jurisdiction} in ${data.currency}.`,
    );
  }

  const profile = context.ruleProfile;
  const ruleProfile = {
    graceDays: profile.graceDays,
    overdueNoticeDays: profile.overdueNoticeDays,
    // The 30-day notice rule applies where the contract says so (art. 36): the product agrees it (DESIGN 2.8 `grace`),
    // and only in a jurisdiction whose law has it.
    noticeShortensGrace:
      profile.overdueNoticeDays !== null && (product.grace.noticeShortensGrace || profile.noticeShortensGrace),
    reinstatementWindowYears: profile.reinstatementWindowYears,
    reinstatementInterestBasisPoints: profile.reinstatementInterestBasisPoints,
    waiverWaitingDays: profile.waiverWaitingDays,
    contestableYears: profile.contestableYears,
    rescissionKnowledgeDays: profile.rescissionKnowledgeDays,
  };
  // Installment 1 is the base premium plus every rider (each rider starts on the effective date).
  const firstPremium = riders.reduce((sum, rider) => sum + rider.modalPremium.amount, data.premium.modalPremium.amount);
  return {
    type: 'PolicyIssued',
    data: {
      policyId: data.policyId,
      productCode: data.productCode,
      productVersion: product.version,
      currency: data.currency,
      policyholder: partyData(data.policyholder),
      insured: partyData(data.insured),
      beneficiaries: data.beneficiaries.map(beneficiaryData),
      sumAssured: moneyData(data.sumAssured),
      premium: premiumTermsData(data.premium),
      effectiveDate: data.effectiveDate,
      maturityDate: data.maturityDate,
      riders: riders.map(riderData),
      survivalBenefits: survivalBenefits.map(survivalBenefitData),
      servicing: servicingData(data.servicing),
      jurisdiction: profile.jurisdiction,
      ruleProfile,
      automaticPremiumLoan: data.automaticPremiumLoan === true,
      firstInstallment: {
        installmentNo: 1,
        dueDate: data.effectiveDate,
        amount: { amount: firstPremium, currency: data.currency },
      },
    },
  };
}

function changeContract({ data, context }: ChangeContract, policy: IssuedPolicy): ContractChanged {
  checkDate(data.effectiveDate, 'effectiveDate');
  checkDate(context.today, 'context.today');
  checkNotBeforePolicy(policy, data.effectiveDate, 'effectiveDate');
  if (data.changes.length === 0)
    throw new DomainError('CONTRACT_CHANGE_EMPTY', 'A contract change needs at least one change.');
  const endorsement = endorsementNo(policy.policyId, policy.endorsementCount + 1);
  const changeContext = { effectiveDate: data.effectiveDate, endorsementNo: endorsement, today: context.today };
  const electsApl = data.changes.some((change) => change.kind === 'APL_ELECTION' && change.elected);
  if (electsApl && !(context.product?.automaticPremiumLoan ?? false)) {
    throw new DomainError(
      'APL_NOT_ALLOWED',
      `Product ${policy.productCode} does not offer the automatic premium loan.`,
    );
  }
  checkNoScheduledChange(policy, data.changes, context.today);
  data.changes.reduce((amended, change) => {
    checkContractChange(amended, change, changeContext);
    return applyContractChange(amended, change, changeContext);
  }, policy);
  checkPremiumChangeDate(policy, data.changes, changeContext);
  if (data.changes.some((change) => isPremiumAffecting(change.kind))) {
    // Judged on the contract when the change is made: a suspended contract cannot be amended (grace is in force).
    const judgedOn = data.effectiveDate < context.today ? data.effectiveDate : context.today;
    requireInForceByLaw(policy, judgedOn, 'A premium-affecting change');
  }
  // A sum-assured decrease gives up that share of the cash value on its effective date (partial surrender, 2.9), less
  // the same share of the loan debt, which it repays (interest first) on the day it is decided.
  const numbering = new PayableNumbering(policy);
  let loanSettlement: ContractChanged['data']['loanSettlement'] = null;
  const payables = data.changes.flatMap((change): Payable[] => {
    if (change.kind !== 'SUM_ASSURED') return [];
    const value = partialSurrenderValue(policy, context.product, data.effectiveDate, change.sumAssured);
    if (value === null) return [];
    let net = value.amount;
    if (hasLoanDebt(policy.loan) && loanSettlement === null) {
      if (data.effectiveDate > context.today) {
        throw new DomainError(
          'LOAN_OUTSTANDING',
          'A sum-assured decrease repays its share of the loan when it is decided: with a loan owed it cannot be ' +
            `scheduled for ${data.effectiveDate}; repay the loan or make it effective by ${context.today}.`,
        );
      }
      const oldSumAssured = termsOn(policy.terms, data.effectiveDate).sumAssured.amount;
      const debt = loanDebtOn(policy, context.today).amount;
      const debtShare = Number(
        divideRoundHalfUp(BigInt(debt) * BigInt(oldSumAssured - change.sumAssured.amount), BigInt(oldSumAssured)),
      );
      const repaid = Math.min(debtShare, value.amount);
      net = value.amount - repaid;
      loanSettlement = { settledOn: context.today, ...settlementOf(policy, repaid, context.today) };
    }
    const dueBy = payoutDeadline(policy, owedFrom(data.effectiveDate, context.today));
    const payable = numbering.create(
      'PARTIAL_SURRENDER',
      { amount: net, currency: policy.currency },
      refundPayee(policy),
      dueBy,
    );
    return payable === null ? [] : [payable];
  });
  return {
    type: 'ContractChanged',
    data: {
      endorsementNo: endorsement,
      effectiveDate: data.effectiveDate,
      changes: data.changes.map(contractChangeData),
      payables,
      loanSettlement,
    },
  };
}

function cancelScheduledChange(
  { data, context }: CancelScheduledChange,
  policy: IssuedPolicy,
): ScheduledChangeCancelled {
  checkDate(context.today, 'context.today');
  const scheduled = policy.terms.amendments.find(
    (amendment) =>
      amendment.endorsementNo === data.endorsementNo &&
      amendment.premiumAffecting &&
      amendment.effectiveDate > context.today,
  );
  if (scheduled === undefined) {
    throw new DomainError(
      'NO_SCHEDULED_CHANGE',
      `Endorsement ${data.endorsementNo} is not a premium-affecting change scheduled after ${context.today}.`,
    );
  }
  const prepaid = policy.premium.payments.filter((payment) => payment.dueDate >= scheduled.effectiveDate);
  if (prepaid.length > 0) {
    throw new DomainError(
      'SCHEDULED_CHANGE_PREPAID',
      `Installments ${prepaid.map((payment) => payment.installmentNo).join(', ')} due from ${scheduled.effectiveDate} ` +
        'are already paid at the new premium: the change can no longer be withdrawn.',
    );
  }
  // Its partial surrender is owed from the effective date, so nothing of it can have been paid out yet.
  const payables = policy.payables.filter((payable) => payable.endorsementNo === data.endorsementNo);
  return {
    type: 'ScheduledChangeCancelled',
    data: {
      endorsementNo: data.endorsementNo,
      cancelledOn: context.today,
      withdrawnPayables: payables.filter((payable) => payable.withdrawnOn === null).map((p) => p.payableId),
    },
  };
}

function changeBeneficiaries({ data }: ChangeBeneficiaries, policy: IssuedPolicy): BeneficiariesChanged {
  checkDate(data.effectiveDate, 'effectiveDate');
  checkNotBeforePolicy(policy, data.effectiveDate, 'effectiveDate');
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
      beneficiaries: data.beneficiaries.map(beneficiaryData),
    },
  };
}

function sendPremiumReminder({ data, context }: SendPremiumReminder, policy: IssuedPolicy): PremiumReminderSent {
  checkHappenedBy(data.sentOn, 'sentOn', context.today);
  checkNotBeforePolicy(policy, data.sentOn, 'sentOn');
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
  if (data.recordedOn < reminder.sentOn) {
    throw new DomainError(
      'DATE_BEFORE_LAST_TRANSACTION',
      `Reminder ${data.reminderId} was sent on ${reminder.sentOn}; its delivery cannot be recorded on ${data.recordedOn}.`,
    );
  }
  return {
    type: 'PremiumReminderDeliveryRecorded',
    data: { reminderId: data.reminderId, outcome: data.outcome, recordedOn: data.recordedOn },
  };
}

function recordPremiumPayment({ data, context }: RecordPremiumPayment, policy: IssuedPolicy): PremiumPaid {
  checkHappenedBy(data.paidOn, 'paidOn', context.today);
  checkNotBeforePolicy(policy, data.paidOn, 'paidOn');
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
  const { statusByLaw, suspendedSince } = statusByLawOn(policy, data.paidOn);
  if (statusByLaw !== 'IN_FORCE') {
    throw new DomainError(
      'GRACE_PERIOD_OVER',
      `On ${data.paidOn} the contract was suspended by law (since ${suspendedSince}): ` +
        'a premium after the lapse date is not accepted; reinstate the policy instead.',
    );
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

/**
 * The loan lapse (DESIGN 2.10, CN practice 效力中止): the debt on the day reached the cash value. The reinstatement
 * window runs from that day.
 */
function loanLapse({ data, context }: LapsePolicy, policy: IssuedPolicy): PolicyLapsed {
  const cashValue = cashValueOrZero(policy, context.product ?? null, data.lapsedOn);
  if (cashValue === null) {
    throw new DomainError('NO_CASH_VALUE', `Policy ${policy.policyId} has no product version: no loan lapse.`);
  }
  const debt = loanDebtOn(policy, data.lapsedOn);
  if (!hasLoanDebt(policy.loan) || debt.amount < cashValue.amount) {
    throw new DomainError(
      'LOAN_WITHIN_CASH_VALUE',
      `On ${data.lapsedOn} the loan debt ${debt.amount} is below the cash value ${cashValue.amount}.`,
    );
  }
  return {
    type: 'PolicyLapsed',
    data: {
      lapsedOn: data.lapsedOn,
      installmentNo: null,
      dueDate: null,
      reinstatementDeadline: addYearsClamped(data.lapsedOn, policy.ruleProfile.reinstatementWindowYears),
      cause: 'LOAN_EXCEEDS_CASH_VALUE',
    },
  };
}

/** SendLoanWarning (DESIGN 2.10): once the debt reaches 90 % of the cash value, once until a repayment. */
function sendLoanWarning({ data, context }: SendLoanWarning, policy: IssuedPolicy): LoanWarningSent {
  checkHappenedBy(data.sentOn, 'sentOn', context.today);
  checkNotBeforeLastTransaction(policy, data.sentOn, 'sentOn');
  requireInForce(policy, 'A loan warning');
  if (!hasLoanDebt(policy.loan)) throw new DomainError('NO_LOAN', `Policy ${policy.policyId} owes nothing on a loan.`);
  if ((policy.loan.warnedOn ?? null) !== null) {
    throw new DomainError(
      'LOAN_WARNING_ALREADY_SENT',
      `The policyholder was warned on ${policy.loan.warnedOn}; no repayment since.`,
    );
  }
  const cashValue = cashValueOrZero(policy, context.product, data.sentOn) ?? { amount: 0, currency: policy.currency };
  const debt = loanDebtOn(policy, data.sentOn);
  if (debt.amount * 10 < cashValue.amount * 9) {
    throw new DomainError(
      'LOAN_BELOW_WARNING',
      `The debt ${debt.amount} is below 90 % of the cash value ${cashValue.amount} on ${data.sentOn}.`,
    );
  }
  return { type: 'LoanWarningSent', data: { sentOn: data.sentOn, channel: data.channel, debt, cashValue } };
}

function lapsePolicy(command: LapsePolicy, policy: IssuedPolicy): PolicyLapsed {
  const { data, context } = command;
  checkHappenedBy(data.lapsedOn, 'lapsedOn', context.today);
  requireInForce(policy, 'A lapse');
  if (data.cause === 'LOAN_EXCEEDS_CASH_VALUE') return loanLapse(command, policy);
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
  if (policy.automaticPremiumLoan) {
    if (context.product === undefined) throw new Error('LapsePolicy on an APL policy needs context.product');
    const cover = aplCover(policy, context.product, installment.amount, data.lapsedOn);
    if (cover.applies) {
      throw new DomainError(
        'APL_APPLIES',
        `The automatic premium loan pays installment ${installment.installmentNo}: the net cash value ` +
          `${cover.cashValue.amount - cover.debt.amount} covers ${installment.amount.amount}.`,
      );
    }
  }
  // Where the product converts by default and there is value to convert, the policy converts instead (DESIGN 2.10).
  const defaultOption = context.product?.nonforfeiture.default ?? 'NONE';
  if (defaultOption !== 'NONE' && policy.nonforfeiture === null) {
    const net = netCashValue(policy, context.product ?? null, data.lapsedOn);
    if (net > 0) {
      throw new DomainError(
        'NONFORFEITURE_APPLIES',
        `The product converts to ${defaultOption} on the lapse date: the net cash value ${net} is not forfeited.`,
      );
    }
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
      cause: 'PREMIUM_UNPAID',
    },
  };
}

const POLICYHOLDER_WAIVER_REASONS: readonly WaivePremium['data']['reason'][] = [
  'POLICYHOLDER_DEATH',
  'POLICYHOLDER_TOTAL_DISABILITY',
  'POLICYHOLDER_CRITICAL_ILLNESS',
];

function waivePremium({ data, context }: WaivePremium, policy: IssuedPolicy): PremiumWaived {
  checkHappenedBy(data.eventDate, 'eventDate', context.today);
  checkNotBeforePolicy(policy, data.eventDate, 'eventDate');
  requireInForce(policy, 'A premium waiver');
  if (policy.waiver !== null) {
    throw new DomainError('WAIVER_ALREADY_ACTIVE', `Premiums are waived since ${policy.waiver.waivedFromDate}.`);
  }
  if (POLICYHOLDER_WAIVER_REASONS.includes(data.reason) && samePerson(policy.policyholder, policy.insured)) {
    throw new DomainError(
      'WAIVER_REASON_INVALID',
      `The policyholder is the insured: ${data.reason} is a claim on the insured's cover, not a premium waiver.`,
    );
  }
  if (isBlank(data.evidenceRef)) throw new DomainError('WAIVER_EVIDENCE_REQUIRED', 'A waiver needs evidence.');
  const waitingEnds = addDays(policy.effectiveDate, policy.ruleProfile.waiverWaitingDays);
  if (data.eventDate < waitingEnds) {
    throw new DomainError('WAIVER_IN_WAITING_PERIOD', `Events before ${waitingEnds} do not trigger a waiver.`);
  }
  requireInForceByLaw(policy, data.eventDate, 'A premium waiver');
  // Waived from the first installment due after the event, paid in advance or not: prepaid premium is refunded.
  const covered = scheduledInstallments(policy.premium.schedule).filter(
    (installment) => installment.dueDate > data.eventDate,
  );
  const [firstWaived] = covered;
  if (!firstWaived) throw new DomainError('NOTHING_TO_WAIVE', `No installment falls due after ${data.eventDate}.`);
  const prepaid = policy.premium.payments.filter((payment) =>
    covered.some((installment) => installment.installmentNo === payment.installmentNo),
  );
  const refund: Money | null =
    prepaid.length === 0
      ? null
      : { amount: prepaid.reduce((sum, payment) => sum + payment.amount.amount, 0), currency: policy.currency };
  // The prepaid premium is owed back from the day the waiver is granted (its event may lie well before).
  const payable =
    refund === null
      ? null
      : new PayableNumbering(policy).create(
          'WAIVER_REFUND',
          refund,
          refundPayee(policy),
          payoutDeadline(policy, context.today),
        );
  return {
    type: 'PremiumWaived',
    data: {
      reason: data.reason,
      eventDate: data.eventDate,
      evidenceRef: data.evidenceRef,
      waivedFromInstallment: firstWaived.installmentNo,
      waivedFromDate: firstWaived.dueDate,
      refund,
      payable,
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
  // A loan lapse is cured by repaying (allowed while lapsed): the debt must be below the cash value again.
  if (policy.lapse.cause === 'LOAN_EXCEEDS_CASH_VALUE' && hasLoanDebt(policy.loan)) {
    const cashValue = cashValueOrZero(policy, context.product ?? null, data.reinstatedOn);
    const debt = loanDebtOn(policy, data.reinstatedOn);
    if (cashValue === null || debt.amount >= cashValue.amount) {
      throw new DomainError(
        'LOAN_EXCEEDS_CASH_VALUE',
        `The loan debt ${debt.amount} still reaches the cash value ${cashValue?.amount ?? 0}: repay it first.`,
      );
    }
  }
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
  checkNotBeforePolicy(policy, data.effectiveDate, 'effectiveDate');
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
      awaitingAgent: data.toAgentId === undefined,
    },
  };
}

function paySurvivalBenefit({ data, context }: PaySurvivalBenefit, policy: IssuedPolicy): PolicyEvent[] {
  checkHappenedBy(data.paidOn, 'paidOn', context.today);
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
  // Owed only if the contract was in force on the due date: nothing is due for a date while it was suspended.
  requireInForceByLaw(policy, benefit.dueDate, `Survival benefit period ${data.periodNo}`);
  if (policy.nonforfeiture?.option === 'ETI') {
    throw new DomainError(
      'BENEFIT_NOT_COVERED',
      `The policy is extended term insurance since ${policy.nonforfeiture.effectiveOn}: it pays no survival benefits.`,
    );
  }
  if (benefit.kind === 'MATURITY') {
    const unpaid = policy.survivalBenefits.filter(
      (earlier) => earlier.periodNo !== benefit.periodNo && earlier.payment === null,
    );
    if (unpaid.length > 0) {
      throw new DomainError(
        'EARLIER_BENEFIT_UNPAID',
        `Pay periods ${unpaid.map((earlier) => earlier.periodNo).join(', ')} before the MATURITY payment closes the policy.`,
      );
    }
  }
  if (isBlank(data.lifeConfirmationRef)) {
    throw new DomainError(
      'LIFE_CONFIRMATION_REQUIRED',
      'A survival benefit needs confirmation that the insured is alive.',
    );
  }
  // The loan debt on the payment date is deducted from the benefit (DESIGN 2.10), interest first.
  const debt = loanDebtOn(policy, data.paidOn);
  const deduction = Math.min(debt.amount, benefit.amount.amount);
  const paid: PolicyEvent = {
    type: 'SurvivalBenefitPaid',
    data: {
      periodNo: benefit.periodNo,
      kind: benefit.kind,
      dueDate: benefit.dueDate,
      amount: benefit.amount,
      loanDeduction: { amount: deduction, currency: policy.currency },
      loanSettlement: deduction === 0 ? null : settlementOf(policy, deduction, data.paidOn),
      paidOn: data.paidOn,
      payee: payeeData(data.payee),
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
  checkDate(data.effectiveDate, 'effectiveDate');
  checkNotBeforePolicy(policy, data.effectiveDate, 'effectiveDate');
  if (currentAgent !== null && currentAgent.agentId !== policy.servicing.agentId) {
    throw new Error(
      `context.currentAgent describes ${currentAgent.agentId}, but the policy is serviced by ${policy.servicing.agentId}`,
    );
  }
  // An agent unknown to the registry cannot service the policy either: it is as orphaned as a departed one.
  const orphaned = policy.awaitingServicingAgent || currentAgent === null || currentAgent.status === 'DEPARTED';
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
  // The process manager balances within the policy's branch (BALANCED) or region (REGION) as they are now: a plan
  // made before a later transfer must not hand the policy to an agent of its old branch.
  const outside =
    (context.strategy === 'BALANCED' && assignee.branchCode !== policy.servicing.branchCode) ||
    (context.strategy === 'REGION' && assignee.region !== policy.servicing.region);
  if (outside) {
    throw new DomainError(
      'ASSIGNEE_NOT_ELIGIBLE',
      `Agent ${data.toAgentId} (${assignee.branchCode}, ${assignee.region}) is outside the policy's ` +
        `${context.strategy === 'BALANCED' ? `branch ${policy.servicing.branchCode}` : `region ${policy.servicing.region}`}.`,
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

/** The insurer's rescission (art. 16 ¶3, art. 32): ground, time limits and the refund the ground gives. */
function rescission({ data, context }: TerminatePolicy, policy: IssuedPolicy): PolicyTerminated['data'] {
  const { ground, groundKnownOn } = data;
  if (ground === undefined || groundKnownOn === undefined) {
    throw new DomainError('RESCISSION_GROUND_REQUIRED', 'A rescission needs its ground and the date it became known.');
  }
  checkDate(groundKnownOn, 'groundKnownOn');
  checkNotBeforePolicy(policy, groundKnownOn, 'groundKnownOn');
  if (groundKnownOn > data.terminatedOn) {
    throw new DomainError(
      'INVALID_DATE',
      `groundKnownOn ${groundKnownOn} lies after terminatedOn ${data.terminatedOn}.`,
    );
  }
  const { contestableYears, rescissionKnowledgeDays } = policy.ruleProfile;
  const incontestableFrom = addYearsClamped(policy.effectiveDate, contestableYears);
  if (data.terminatedOn >= incontestableFrom) {
    throw new DomainError(
      'INCONTESTABLE',
      `The contract became incontestable on ${incontestableFrom}, ${contestableYears} years after it took effect.`,
    );
  }
  if (rescissionKnowledgeDays !== null) {
    const lastDay = addDays(groundKnownOn, rescissionKnowledgeDays);
    if (data.terminatedOn > lastDay) {
      throw new DomainError(
        'RESCISSION_RIGHT_EXPIRED',
        `The right to rescind lapsed on ${lastDay}, ${rescissionKnowledgeDays} days after the ground became known.`,
      );
    }
  }
  // Intentional non-disclosure: nothing back; negligent: the premiums paid; age: the cash value on the day (art. 16,
  // 32) — null for a policy without a product version (no value can be computed).
  const refund =
    ground === 'NON_DISCLOSURE_INTENTIONAL'
      ? { amount: 0, currency: policy.currency }
      : ground === 'NON_DISCLOSURE_NEGLIGENT'
        ? premiumsPaid(policy)
        : cashValueOrZero(policy, context.product, data.terminatedOn);
  const payable =
    refund === null
      ? null
      : new PayableNumbering(policy).create(
          'RESCISSION_REFUND',
          refund,
          refundPayee(policy),
          payoutDeadline(policy, data.terminatedOn),
        );
  return { terminatedOn: data.terminatedOn, reason: 'RESCINDED', ground, groundKnownOn, refund, payable };
}

function terminatePolicy(command: TerminatePolicy, policy: IssuedPolicy): PolicyTerminated {
  const { data, context } = command;
  checkHappenedBy(data.terminatedOn, 'terminatedOn', context.today);
  checkNotBeforePolicy(policy, data.terminatedOn, 'terminatedOn');
  // EXPIRY is dated by the contract (its maturity date), whatever was recorded after the term ended.
  if (data.reason !== 'EXPIRY' && data.terminatedOn < policy.lastTransactionDate) {
    throw new DomainError(
      'DATE_BEFORE_LAST_TRANSACTION',
      `The policy's latest recorded transaction is dated ${policy.lastTransactionDate}; it cannot end on ${data.terminatedOn}.`,
    );
  }
  if (data.reason !== 'RESCINDED' && (data.ground !== undefined || data.groundKnownOn !== undefined)) {
    throw new DomainError('RESCISSION_GROUND_REQUIRED', 'ground and groundKnownOn belong to a rescission only.');
  }
  const plain = {
    terminatedOn: data.terminatedOn,
    reason: data.reason,
    ground: null,
    groundKnownOn: null,
    refund: null,
    payable: null,
  };
  switch (data.reason) {
    case 'RESCINDED':
      return { type: 'PolicyTerminated', data: rescission(command, policy) };
    case 'LAPSE_EXPIRED':
      if (policy.status !== 'LAPSED' || policy.lapse === null) {
        throw new DomainError('POLICY_NOT_LAPSED', `LAPSE_EXPIRED needs a lapsed policy; it is ${policy.status}.`);
      }
      if (data.terminatedOn <= policy.lapse.reinstatementDeadline) {
        throw new DomainError(
          'REINSTATEMENT_WINDOW_OPEN',
          `The policy can be reinstated until ${policy.lapse.reinstatementDeadline}.`,
        );
      }
      {
        // The net cash value at the lapse date is owed back (art. 37); null for a policy without a product version.
        const refund = cashValueOrZero(policy, context.product, policy.lapse.lapsedOn);
        const payable =
          refund === null
            ? null
            : new PayableNumbering(policy).create(
                'LAPSE_EXPIRED_REFUND',
                refund,
                refundPayee(policy),
                payoutDeadline(policy, data.terminatedOn),
              );
        return { type: 'PolicyTerminated', data: { ...plain, refund, payable } };
      }
    case 'EXPIRY': {
      // Extended term insurance ends at its cover end (DESIGN 2.10), whatever the plan paid at maturity.
      const extendedTo = policy.nonforfeiture?.coverEndsOn ?? null;
      if (extendedTo === null && policy.survivalBenefits.some((benefit) => benefit.kind === 'MATURITY')) {
        throw new DomainError('EXPIRY_NOT_DUE', 'The plan pays a MATURITY benefit: the policy matures by paying it.');
      }
      const termEnds = extendedTo ?? policy.maturityDate;
      if (data.terminatedOn < termEnds) {
        throw new DomainError('EXPIRY_NOT_DUE', `The policy's cover ends on ${termEnds}.`);
      }
      return { type: 'PolicyTerminated', data: plain };
    }
    case 'DEATH':
      return { type: 'PolicyTerminated', data: plain };
    default: {
      const _exhaustive: never = data.reason;
      throw new Error(`Unknown termination reason ${String(_exhaustive)}`);
    }
  }
}

/**
 * RecordPolicyDelivery (DESIGN 2.9): once per policy, on a date from the policy's start to today, with the receipt
 * the policyholder signed. The free look of the products issue runs from `deliveredOn`.
 */
function recordPolicyDelivery({ data, context }: RecordPolicyDelivery, policy: IssuedPolicy): PolicyDelivered {
  checkHappenedBy(data.deliveredOn, 'deliveredOn', context.today);
  checkNotBeforePolicy(policy, data.deliveredOn, 'deliveredOn');
  if (isBlank(data.receiptRef)) throw new DomainError('DELIVERY_RECEIPT_REQUIRED', 'A delivery needs its receipt.');
  if (policy.delivery !== null) {
    throw new DomainError(
      'POLICY_ALREADY_DELIVERED',
      `The policy was delivered on ${policy.delivery.deliveredOn} (receipt ${policy.delivery.receiptRef}).`,
    );
  }
  return { type: 'PolicyDelivered', data: { deliveredOn: data.deliveredOn, receiptRef: data.receiptRef } };
}

function checkPayee(payee: Payee): void {
  if (isBlank(payee.name) || isBlank(payee.accountRef)) {
    throw new DomainError('PAYEE_REQUIRED', 'The payee needs a name and the account to pay to.');
  }
}

/** A policy ends on a request dated from its start to today, and not before its latest recorded transaction. */
function checkEndingRequest(policy: IssuedPolicy, requestedOn: string, today: string): void {
  checkHappenedBy(requestedOn, 'requestedOn', today);
  checkNotBeforePolicy(policy, requestedOn, 'requestedOn');
  if (requestedOn < policy.lastTransactionDate) {
    throw new DomainError(
      'DATE_BEFORE_LAST_TRANSACTION',
      `The policy's latest recorded transaction is dated ${policy.lastTransactionDate}; it cannot end on ${requestedOn}.`,
    );
  }
}

/**
 * CancelInFreeLook (DESIGN 2.9): within the free look counted from delivery (not started before it), and only while
 * no money has left or is owed through the contract; all premiums back less the product's cost deduction.
 */
function cancelInFreeLook({ data, context }: CancelInFreeLook, policy: IssuedPolicy): PolicyCancelledInFreeLook {
  checkEndingRequest(policy, data.requestedOn, context.today);
  requireInForce(policy, 'A free-look cancellation');
  checkPayee(data.payee);
  const terms = freeLookTermsOf(policy, context.product);
  const freeLookEnds = policy.delivery === null ? null : addDays(policy.delivery.deliveredOn, terms.days);
  if (freeLookEnds !== null && data.requestedOn > freeLookEnds) {
    throw new DomainError(
      'FREE_LOOK_EXPIRED',
      `The free look of ${terms.days} days from delivery on ${policy.delivery!.deliveredOn} ended on ${freeLookEnds}.`,
    );
  }
  const benefitsPaid = policy.survivalBenefits.filter((benefit) => benefit.payment !== null);
  const owed = policy.payables.filter((payable) => payable.withdrawnOn === null);
  if (benefitsPaid.length > 0 || owed.length > 0) {
    throw new DomainError(
      'FREE_LOOK_NOT_ALLOWED',
      'Money has left or is owed through the contract ' +
        `(${[...benefitsPaid.map((benefit) => `benefit period ${benefit.periodNo}`), ...owed.map((p) => p.payableId)].join(', ')}): ` +
        'the free look no longer applies.',
    );
  }
  const paid = premiumsPaid(policy);
  const refund: Money = {
    amount: Math.max(0, paid.amount - terms.costDeduction.amount),
    currency: policy.currency,
  };
  return {
    type: 'PolicyCancelledInFreeLook',
    data: {
      requestedOn: data.requestedOn,
      freeLookEnds,
      premiumsPaid: paid,
      costDeduction: { amount: terms.costDeduction.amount, currency: policy.currency },
      refund,
      payable: new PayableNumbering(policy).create(
        'FREE_LOOK_REFUND',
        refund,
        payeeData(data.payee),
        payoutDeadline(policy, data.requestedOn),
      ),
    },
  };
}

/** SurrenderPolicy (DESIGN 2.9): the surrender-quote breakdown on the request date; the payout due within 30 days. */
function surrenderPolicy({ data, context }: SurrenderPolicy, policy: IssuedPolicy): PolicySurrendered {
  checkEndingRequest(policy, data.requestedOn, context.today);
  checkPayee(data.payee);
  const quote = surrenderQuote(policy, context.product, data.requestedOn);
  return {
    type: 'PolicySurrendered',
    data: {
      requestedOn: data.requestedOn,
      cashValue: quote.cashValue,
      loanDebt: quote.loanDebt,
      prepaidPremium: quote.prepaidPremium,
      payout: quote.payout,
      payable: new PayableNumbering(policy).create('SURRENDER', quote.payout, payeeData(data.payee), quote.dueBy),
    },
  };
}

/** RecordPayout (DESIGN 2.9): once per payable, on or after the day it was created; closed policies too. */
function recordPayout({ data, context }: RecordPayout, policy: IssuedPolicy): PayoutMade {
  checkHappenedBy(data.paidOn, 'paidOn', context.today);
  const payable = policy.payables.find((owed) => owed.payableId === data.payableId);
  if (payable === undefined) {
    throw new DomainError('PAYABLE_NOT_FOUND', `Policy ${policy.policyId} owes no payable ${data.payableId}.`);
  }
  if (payable.payout !== null) {
    throw new DomainError(
      'PAYABLE_ALREADY_PAID',
      `${payable.payableId} was paid on ${payable.payout.paidOn} (${payable.payout.paymentRef}).`,
    );
  }
  if (payable.withdrawnOn !== null) {
    throw new DomainError(
      'PAYABLE_WITHDRAWN',
      `${payable.payableId} was withdrawn on ${payable.withdrawnOn} with its scheduled change: nothing is owed.`,
    );
  }
  if (data.paidOn < payable.createdOn) {
    throw new DomainError(
      'PAYOUT_BEFORE_PAYABLE',
      `${payable.payableId} is owed from ${payable.createdOn}; it cannot be paid on ${data.paidOn}.`,
    );
  }
  if (isBlank(data.paymentRef)) throw new DomainError('PAYMENT_REF_REQUIRED', 'A payout needs its payment reference.');
  return {
    type: 'PayoutMade',
    data: {
      payableId: payable.payableId,
      kind: payable.kind,
      amount: payable.amount,
      dueBy: payable.dueBy,
      paidOn: data.paidOn,
      paymentRef: data.paymentRef,
    },
  };
}

/**
 * GrantPolicyLoan (DESIGN 2.10): in force by law on the day, under a product that lends, up to
 * floor(maxPercentOfCashValue × CV / 100) less the debt; the amount lent is a payable to the payee.
 */
function grantPolicyLoan({ data, context }: GrantPolicyLoan, policy: IssuedPolicy): PolicyLoanGranted {
  checkHappenedBy(data.grantedOn, 'grantedOn', context.today);
  checkNotBeforePolicy(policy, data.grantedOn, 'grantedOn');
  checkNotBeforeLastTransaction(policy, data.grantedOn, 'grantedOn');
  requireInForce(policy, 'A policy loan');
  requireInForceByLaw(policy, data.grantedOn, 'A policy loan');
  checkMoney(data.amount, policy.currency, 'amount', { positive: true });
  checkPayee(data.payee);
  const quote = loanQuote(policy, context.product, data.grantedOn);
  const maximum = quote.available.amount;
  if (data.amount.amount > maximum) {
    throw new DomainError(
      'LOAN_LIMIT_EXCEEDED',
      `At most ${maximum} ${policy.currency} can be lent on ${data.grantedOn}: ${quote.maxPercentOfCashValue} % of the ` +
        `cash value ${quote.cashValue.amount} less the debt ${quote.debt.amount}.`,
    );
  }
  const loan = policy.loan;
  const owing = hasLoanDebt(loan);
  const money = (amount: number): Money => ({ amount, currency: policy.currency });
  const payable = new PayableNumbering(policy).create(
    'LOAN',
    data.amount,
    payeeData(data.payee),
    payoutDeadline(policy, data.grantedOn),
  )!;
  return {
    type: 'PolicyLoanGranted',
    data: {
      loanNo: loanNo(policy.policyId, (loan?.loans.length ?? 0) + 1),
      amount: money(data.amount.amount),
      grantedOn: data.grantedOn,
      interestBasisPoints: quote.interestBasisPoints,
      cashValue: quote.cashValue,
      maximum: money(maximum),
      interestAccrued: money(interestSince(loan, data.grantedOn)),
      nextCapitalizationOn:
        owing && loan.nextCapitalizationOn !== null
          ? loan.nextCapitalizationOn
          : anniversaryAfter(policy.effectiveDate, data.grantedOn),
      payable,
    },
  };
}

/** RepayPolicyLoan (DESIGN 2.10): interest first, never more than the debt; allowed while lapsed. */
function repayPolicyLoan({ data, context }: RepayPolicyLoan, policy: IssuedPolicy): PolicyLoanRepaid {
  checkHappenedBy(data.paidOn, 'paidOn', context.today);
  checkNotBeforePolicy(policy, data.paidOn, 'paidOn');
  const loan = policy.loan;
  if (!hasLoanDebt(loan)) throw new DomainError('NO_LOAN', `Policy ${policy.policyId} owes nothing on a loan.`);
  checkNotBeforeLastTransaction(policy, data.paidOn, 'paidOn');
  checkMoney(data.amount, policy.currency, 'amount', { positive: true });
  if (isBlank(data.receiptNo)) throw new DomainError('INVALID_AMOUNT', 'A repayment needs its receipt number.');
  if (loan.receipts.includes(data.receiptNo) || policy.premium.payments.some((p) => p.receiptNo === data.receiptNo)) {
    throw new DomainError('DUPLICATE_RECEIPT', `Receipt ${data.receiptNo} was already recorded for this policy.`);
  }
  const debt = loanDebtOn(policy, data.paidOn);
  if (data.amount.amount > debt.amount) {
    throw new DomainError(
      'REPAYMENT_EXCEEDS_DEBT',
      `The debt on ${data.paidOn} is ${debt.amount} ${policy.currency}; ${data.amount.amount} was paid.`,
    );
  }
  const settlement = settlementOf(policy, data.amount.amount, data.paidOn);
  return {
    type: 'PolicyLoanRepaid',
    data: {
      amount: { amount: data.amount.amount, currency: policy.currency },
      paidOn: data.paidOn,
      receiptNo: data.receiptNo,
      ...settlement,
    },
  };
}

/** CapitalizePolicyLoanInterest (DESIGN 2.10): on the anniversary it is due, not before, not twice. */
function capitalizePolicyLoanInterest(
  { data, context }: CapitalizePolicyLoanInterest,
  policy: IssuedPolicy,
): PolicyLoanInterestCapitalized {
  checkDate(data.anniversary, 'anniversary');
  const loan = policy.loan;
  if (!hasLoanDebt(loan)) throw new DomainError('NO_LOAN', `Policy ${policy.policyId} owes nothing on a loan.`);
  if (loan.nextCapitalizationOn !== data.anniversary || data.anniversary > context.today) {
    throw new DomainError(
      'CAPITALIZATION_NOT_DUE',
      `The loan interest is capitalized next on ${loan.nextCapitalizationOn ?? 'no date'}, not ${data.anniversary}` +
        (data.anniversary > context.today ? ` (after today, ${context.today})` : '') +
        '.',
    );
  }
  const interestAccrued = interestSince(loan, data.anniversary);
  return {
    type: 'PolicyLoanInterestCapitalized',
    data: {
      capitalizedOn: data.anniversary,
      interestAccrued: { amount: interestAccrued, currency: policy.currency },
      capitalized: { amount: loan.accruedInterest.amount + interestAccrued, currency: policy.currency },
      nextCapitalizationOn: anniversaryAfter(policy.effectiveDate, data.anniversary),
    },
  };
}

function checkNotBeforeLastTransaction(policy: IssuedPolicy, date: string, field: string): void {
  if (date < policy.lastTransactionDate) {
    throw new DomainError(
      'DATE_BEFORE_LAST_TRANSACTION',
      `The policy's latest recorded transaction is dated ${policy.lastTransactionDate}; ${field} cannot be ${date}.`,
    );
  }
}

/** Whether the net cash value (CV − debt) on `date` covers `amount` under a product that lends (DESIGN 2.10). */
function aplCover(
  policy: IssuedPolicy,
  product: ProductVersion | null,
  amount: Money,
  date: string,
): { readonly applies: boolean; readonly cashValue: Money; readonly debt: Money } {
  const cashValue = cashValueOrZero(policy, product, date) ?? { amount: 0, currency: policy.currency };
  const debt = loanDebtOn(policy, date);
  const lends = product?.loan !== null && product?.loan !== undefined;
  return { applies: lends && cashValue.amount - debt.amount >= amount.amount, cashValue, debt };
}

/**
 * ApplyAutomaticPremiumLoan (DESIGN 2.10): on (or after) the lapse date of the earliest unpaid installment, when the
 * APL is elected and the net cash value covers it, the installment is paid by a policy loan.
 */
function applyAutomaticPremiumLoan(
  { data, context }: ApplyAutomaticPremiumLoan,
  policy: IssuedPolicy,
): AutomaticPremiumLoanApplied {
  checkHappenedBy(data.appliedOn, 'appliedOn', context.today);
  requireInForce(policy, 'An automatic premium loan');
  if (!policy.automaticPremiumLoan) {
    throw new DomainError('APL_NOT_ELECTED', `Policy ${policy.policyId} has not elected the automatic premium loan.`);
  }
  const installment = nextOpenInstallment(policy);
  if (installment === null) {
    throw new DomainError('NO_OVERDUE_INSTALLMENT', 'Every installment is paid or waived: there is nothing to pay.');
  }
  const lapseDate = lapseDateOf(policy, installment);
  if (data.appliedOn < lapseDate) {
    throw new DomainError(
      'GRACE_PERIOD_NOT_OVER',
      `Installment ${installment.installmentNo} (due ${installment.dueDate}) can be paid until ${addDays(lapseDate, -1)}; ` +
        `the automatic premium loan applies from ${lapseDate}.`,
    );
  }
  const product = context.product;
  if (product?.loan === null || product?.loan === undefined) {
    throw new DomainError('LOAN_NOT_ALLOWED', `Product ${policy.productCode} does not lend against its cash value.`);
  }
  const cover = aplCover(policy, product, installment.amount, data.appliedOn);
  if (!cover.applies) {
    throw new DomainError(
      'APL_INSUFFICIENT_VALUE',
      `The net cash value ${cover.cashValue.amount - cover.debt.amount} does not cover installment ` +
        `${installment.installmentNo} (${installment.amount.amount}): the policy lapses instead.`,
    );
  }
  const loan = policy.loan;
  const owing = hasLoanDebt(loan);
  return {
    type: 'AutomaticPremiumLoanApplied',
    data: {
      installmentNo: installment.installmentNo,
      dueDate: installment.dueDate,
      amount: installment.amount,
      appliedOn: data.appliedOn,
      loanNo: loanNo(policy.policyId, (loan?.loans.length ?? 0) + 1),
      interestBasisPoints: owing ? loan.interestBasisPoints : product.loan.interestBasisPoints,
      cashValue: cover.cashValue,
      debtBefore: cover.debt,
      interestAccrued: { amount: interestSince(loan, data.appliedOn), currency: policy.currency },
      nextCapitalizationOn:
        owing && loan.nextCapitalizationOn !== null
          ? loan.nextCapitalizationOn
          : anniversaryAfter(policy.effectiveDate, data.appliedOn),
    },
  };
}

/** CV − debt on `date` (0 without a product version). */
function netCashValue(policy: IssuedPolicy, product: ProductVersion | null, date: string): number {
  const cashValue = cashValueOrZero(policy, product, date);
  return cashValue === null ? 0 : cashValue.amount - loanDebtOn(policy, date).amount;
}

/** The entry of a nonforfeiture table for policy year y (the last entry holds beyond the table); null when empty. */
function tableEntry(table: readonly number[], years: number): number | null {
  if (table.length === 0) return null;
  return table[Math.min(years, table.length - 1)]!;
}

/**
 * ElectNonforfeitureOption (DESIGN 2.10): on request (an option, in force by law on the day) or, without one, the
 * product's default on the lapse date of the unpaid installment when the automatic premium loan does not pay it. The
 * loan is repaid from the cash value first; RPU = min(SA, floor(netCV × 10^6 / NSP[y])), ETI cover days =
 * floor(netCV × 365 × 10^6 / (SA × termCost[y])), capped at maturity.
 */
function electNonforfeitureOption(
  { data, context }: ElectNonforfeitureOption,
  policy: IssuedPolicy,
): PolicyConvertedToReducedPaidUp | PolicyConvertedToExtendedTerm {
  checkHappenedBy(data.effectiveOn, 'effectiveOn', context.today);
  checkNotBeforePolicy(policy, data.effectiveOn, 'effectiveOn');
  checkNotBeforeLastTransaction(policy, data.effectiveOn, 'effectiveOn');
  requireInForce(policy, 'A nonforfeiture option');
  if (policy.nonforfeiture !== null) {
    throw new DomainError(
      'NONFORFEITURE_ALREADY_APPLIED',
      `The policy was converted to ${policy.nonforfeiture.option} on ${policy.nonforfeiture.effectiveOn}.`,
    );
  }
  const product = context.product;
  const terms = product?.nonforfeiture;
  const option = data.option ?? (terms?.default === 'NONE' ? undefined : terms?.default);
  if (product === null || terms === undefined || option === undefined || !terms.options.includes(option)) {
    throw new DomainError(
      'NONFORFEITURE_NOT_OFFERED',
      data.option === undefined
        ? `Product ${policy.productCode} converts to no nonforfeiture option by default.`
        : `Product ${policy.productCode} does not offer ${data.option}.`,
    );
  }
  if (data.option === undefined) {
    // The automatic conversion takes the place of the lapse: on or after the lapse date, when no APL pays.
    const installment = nextOpenInstallment(policy);
    if (installment === null || data.effectiveOn < lapseDateOf(policy, installment)) {
      throw new DomainError(
        'GRACE_PERIOD_NOT_OVER',
        'The automatic conversion happens on the lapse date of an unpaid installment.',
      );
    }
    if (policy.automaticPremiumLoan && aplCover(policy, product, installment.amount, data.effectiveOn).applies) {
      throw new DomainError('APL_APPLIES', 'The automatic premium loan pays the installment: nothing converts.');
    }
  } else {
    requireInForceByLaw(policy, data.effectiveOn, 'A nonforfeiture option');
  }
  const cashValue = cashValueOrZero(policy, product, data.effectiveOn) ?? { amount: 0, currency: policy.currency };
  const loanDebt = loanDebtOn(policy, data.effectiveOn);
  const net = cashValue.amount - loanDebt.amount;
  if (net <= 0) {
    throw new DomainError(
      'NONFORFEITURE_NO_VALUE',
      `The net cash value on ${data.effectiveOn} is ${net}: there is nothing to convert.`,
    );
  }
  const money = (amount: number): Money => ({ amount, currency: policy.currency });
  const policyYears = policyYearsCompleted(policy.effectiveDate, data.effectiveOn);
  const sumAssured = termsOn(policy.terms, data.effectiveOn).sumAssured;
  const valuation = {
    endorsementNo: endorsementNo(policy.policyId, policy.endorsementCount + 1),
    effectiveOn: data.effectiveOn,
    cashValue,
    loanDebt,
    netCashValue: money(net),
    policyYears,
    ridersEnded: ridersInForceOn(termsOn(policy.terms, data.effectiveOn), data.effectiveOn).map((r) => r.code),
  };
  if (option === 'RPU') {
    const nsp = tableEntry(terms.netSinglePremiumPpm, policyYears);
    if (nsp === null || nsp === 0) {
      throw new DomainError('NONFORFEITURE_NOT_OFFERED', `Product ${policy.productCode} has no net single premiums.`);
    }
    const newSumAssured = Math.min(sumAssured.amount, Number((BigInt(net) * 1_000_000n) / BigInt(nsp)));
    return {
      type: 'PolicyConvertedToReducedPaidUp',
      data: {
        ...valuation,
        netSinglePremiumPpm: nsp,
        previousSumAssured: sumAssured,
        newSumAssured: money(newSumAssured),
      },
    };
  }
  const cost = tableEntry(terms.termCostPpm, policyYears);
  if (cost === null || cost === 0) {
    throw new DomainError('NONFORFEITURE_NOT_OFFERED', `Product ${policy.productCode} has no term costs.`);
  }
  const coverDays = Number((BigInt(net) * 365n * 1_000_000n) / (BigInt(sumAssured.amount) * BigInt(cost)));
  const coverEndsOn = earlierOf(addDays(data.effectiveOn, coverDays), policy.maturityDate);
  return {
    type: 'PolicyConvertedToExtendedTerm',
    data: { ...valuation, termCostPpm: cost, sumAssured, coverDays, coverEndsOn },
  };
}

/** The existing policy a command acts on whatever its status: 404 before issue. */
function existingPolicy(state: PolicyState): IssuedPolicy {
  if (!isIssued(state)) throw new DomainError('POLICY_NOT_FOUND', 'The policy does not exist.');
  return state;
}

/** The existing policy a servicing command acts on: 404 before issue, POLICY_CLOSED once terminated or matured. */
function openPolicy(state: PolicyState): IssuedPolicy {
  const policy = existingPolicy(state);
  if (isClosed(policy)) {
    throw new DomainError('POLICY_CLOSED', `The policy is ${policy.status} and accepts no further transactions.`);
  }
  return policy;
}

type Decision<Type extends PolicyCommandType> = (
  command: Extract<PolicyCommand, { type: Type }>,
  state: PolicyState,
) => PolicyEvent[];

/**
 * Every command's decision, by command type: a command type without one does not compile, and the keys are the
 * runtime list of command types. Every servicing command takes the policy through `openPolicy` before it reads the
 * request, so a closed or missing policy refuses it whatever it holds.
 */
const DECISIONS: { readonly [Type in PolicyCommandType]: Decision<Type> } = {
  IssuePolicy: (command, state) => [issuePolicy(command, state)],
  ChangeContract: (command, state) => [changeContract(command, openPolicy(state))],
  CancelScheduledChange: (command, state) => [cancelScheduledChange(command, openPolicy(state))],
  ChangeBeneficiaries: (command, state) => [changeBeneficiaries(command, openPolicy(state))],
  SendPremiumReminder: (command, state) => [sendPremiumReminder(command, openPolicy(state))],
  RecordReminderDelivery: (command, state) => [recordReminderDelivery(command, openPolicy(state))],
  RecordPremiumPayment: (command, state) => [recordPremiumPayment(command, openPolicy(state))],
  LapsePolicy: (command, state) => [lapsePolicy(command, openPolicy(state))],
  WaivePremium: (command, state) => [waivePremium(command, openPolicy(state))],
  ReinstatePolicy: (command, state) => [reinstatePolicy(command, openPolicy(state))],
  TransferPolicy: (command, state) => [transferPolicy(command, openPolicy(state))],
  PaySurvivalBenefit: (command, state) => paySurvivalBenefit(command, openPolicy(state)),
  ReassignOrphanPolicy: (command, state) => [reassignOrphanPolicy(command, openPolicy(state))],
  TerminatePolicy: (command, state) => [terminatePolicy(command, openPolicy(state))],
  RecordPolicyDelivery: (command, state) => [recordPolicyDelivery(command, openPolicy(state))],
  CancelInFreeLook: (command, state) => [cancelInFreeLook(command, openPolicy(state))],
  SurrenderPolicy: (command, state) => [surrenderPolicy(command, openPolicy(state))],
  // Paying out what is still owed is the one command a closed policy accepts (DESIGN 2.2).
  RecordPayout: (command, state) => [recordPayout(command, existingPolicy(state))],
  GrantPolicyLoan: (command, state) => [grantPolicyLoan(command, openPolicy(state))],
  RepayPolicyLoan: (command, state) => [repayPolicyLoan(command, openPolicy(state))],
  CapitalizePolicyLoanInterest: (command, state) => [capitalizePolicyLoanInterest(command, openPolicy(state))],
  ApplyAutomaticPremiumLoan: (command, state) => [applyAutomaticPremiumLoan(command, openPolicy(state))],
  ElectNonforfeitureOption: (command, state) => [electNonforfeitureOption(command, openPolicy(state))],
  SendLoanWarning: (command, state) => [sendLoanWarning(command, openPolicy(state))],
};

/** Every policy command type, in the order of DESIGN 2.5 (then the later ones). */
export const POLICY_COMMAND_TYPES = Object.keys(DECISIONS) as readonly PolicyCommandType[];

function decideEvents(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  const decision = DECISIONS[command.type] as Decision<PolicyCommandType> | undefined;
  if (decision === undefined) throw new Error(`Unknown policy command ${JSON.stringify(command)}`);
  return decision(command, state);
}

/** @throws DomainError when a rule rejects the command (nothing is to be written). */
function decidePolicy(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  return decideEvents(command, state).map((event) => withoutUndefined(event));
}

export const policyDecider: Decider<PolicyCommand, PolicyEvent, PolicyState> = {
  decide: decidePolicy,
  evolve: evolvePolicy,
  initialState: initialPolicyState,
};
