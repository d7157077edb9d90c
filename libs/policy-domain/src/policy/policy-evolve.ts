/** `evolve`: folds one policy event into the state. No rules here: an event is a fact that already happened. */
import { laterOf } from '../dates';
import { applyContractChange } from './contract-changes';
import { latestTerms, type TermsHistory } from './contract-terms';
import { type PolicyEvent } from './policy-events';
import { settled } from './policy-loans';
import { premiumScheduleOf, scheduledInstallment } from './premium-schedule';
import {
  isIssued,
  withPayables,
  withTermsHistory,
  withTransactionOn,
  type IssuedPolicy,
  type PaymentRecord,
  type PolicyState,
} from './policy-state';

function issued(event: Extract<PolicyEvent, { type: 'PolicyIssued' }>): IssuedPolicy {
  const { data } = event;
  const firstPayment: PaymentRecord = {
    installmentNo: 1,
    dueDate: data.firstInstallment.dueDate,
    amount: data.firstInstallment.amount,
    paidOn: data.effectiveDate,
    settledBy: 'AT_ISSUE',
    receiptNo: null,
    method: data.premium.paymentMethod.type,
  };
  const terms: TermsHistory = {
    atIssue: {
      sumAssured: data.sumAssured,
      frequency: data.premium.frequency,
      basePremium: data.premium.modalPremium,
      riders: data.riders.map((rider) => ({ ...rider, startDate: data.effectiveDate })),
      beneficiaries: data.beneficiaries,
    },
    amendments: [],
  };
  return {
    status: 'IN_FORCE',
    policyId: data.policyId,
    productCode: data.productCode,
    productVersion: data.productVersion,
    currency: data.currency,
    jurisdiction: data.jurisdiction,
    ruleProfile: { jurisdiction: data.jurisdiction, ...data.ruleProfile },
    policyholder: data.policyholder,
    insured: data.insured,
    beneficiaries: data.beneficiaries,
    beneficiaryDesignation: null,
    sumAssured: data.sumAssured,
    riders: terms.atIssue.riders,
    terms,
    premium: {
      modalPremium: data.premium.modalPremium,
      frequency: data.premium.frequency,
      paymentTermYears: data.premium.paymentTermYears,
      paymentMethod: data.premium.paymentMethod,
      schedule: premiumScheduleOf(data.effectiveDate, data.premium.paymentTermYears, terms),
      paidInstallments: 1,
      payments: [firstPayment],
    },
    reminders: [],
    waiver: null,
    lapse: null,
    recordedLapses: [],
    reinstatementCount: 0,
    servicing: data.servicing,
    awaitingServicingAgent: false,
    survivalBenefits: data.survivalBenefits.map((entry) => ({ ...entry, payment: null })),
    benefitOption: null,
    disclosures: [],
    endorsementCount: 0,
    payables: [],
    automaticPremiumLoan: data.automaticPremiumLoan,
    nonforfeiture: null,
    loan: null,
    delivery: null,
    effectiveDate: data.effectiveDate,
    maturityDate: data.maturityDate,
    termination: null,
    maturity: null,
    lastTransactionDate: data.effectiveDate,
  };
}

function evolveIssued(policy: IssuedPolicy, event: PolicyEvent): IssuedPolicy {
  switch (event.type) {
    case 'PolicyIssued':
      return policy; // a stream has one PolicyIssued; decide rejects a second with POLICY_ALREADY_EXISTS
    case 'ContractChanged': {
      const { endorsementNo, effectiveDate, changes, payables, loanSettlement } = event.data;
      const changed = changes.reduce(
        (current, change) => applyContractChange(current, change, { endorsementNo, effectiveDate }),
        policy,
      );
      const loan =
        loanSettlement !== null && changed.loan !== null
          ? settled(changed.loan, loanSettlement, loanSettlement.settledOn)
          : changed.loan;
      return withPayables(
        { ...changed, loan, endorsementCount: policy.endorsementCount + 1 },
        payables,
        effectiveDate,
        endorsementNo,
      );
    }
    case 'BeneficiariesChanged': {
      const { endorsementNo, effectiveDate, designatedBy, insuredConsent, beneficiaries } = event.data;
      const terms: TermsHistory = {
        atIssue: policy.terms.atIssue,
        amendments: [
          ...policy.terms.amendments,
          { endorsementNo, effectiveDate, premiumAffecting: false, kinds: ['BENEFICIARIES'], beneficiaries },
        ],
      };
      // Beneficiaries do not touch the premium: the schedule stays as it is (no re-derivation in the projector loop).
      return {
        ...policy,
        terms,
        beneficiaries: latestTerms(terms).beneficiaries,
        beneficiaryDesignation: { designatedBy, insuredConsent, effectiveDate, endorsementNo },
        endorsementCount: policy.endorsementCount + 1,
      };
    }
    case 'ScheduledChangeCancelled': {
      const { endorsementNo, cancelledOn, withdrawnPayables } = event.data;
      const cancelled = withTermsHistory(policy, {
        atIssue: policy.terms.atIssue,
        amendments: policy.terms.amendments.filter((amendment) => amendment.endorsementNo !== endorsementNo),
      });
      if (withdrawnPayables.length === 0) return cancelled;
      return {
        ...cancelled,
        payables: cancelled.payables.map((payable) =>
          withdrawnPayables.includes(payable.payableId) ? { ...payable, withdrawnOn: cancelledOn } : payable,
        ),
      };
    }
    case 'PremiumReminderSent':
      return withTransactionOn(
        { ...policy, reminders: [...policy.reminders, { ...event.data, delivery: null }] },
        event.data.sentOn,
      );
    case 'PremiumReminderDeliveryRecorded': {
      const { reminderId, outcome, recordedOn } = event.data;
      return {
        ...policy,
        lastTransactionDate: laterOf(policy.lastTransactionDate, recordedOn),
        reminders: policy.reminders.map((reminder) =>
          reminder.reminderId === reminderId ? { ...reminder, delivery: { outcome, recordedOn } } : reminder,
        ),
      };
    }
    case 'PremiumPaid': {
      const { installmentNo, dueDate, amount, paidOn, receiptNo, method } = event.data;
      const payment: PaymentRecord = {
        installmentNo,
        dueDate,
        amount,
        paidOn,
        settledBy: 'PREMIUM_PAYMENT',
        receiptNo,
        method,
      };
      return {
        ...policy,
        lastTransactionDate: laterOf(policy.lastTransactionDate, paidOn),
        premium: {
          ...policy.premium,
          paidInstallments: Math.max(policy.premium.paidInstallments, installmentNo),
          payments: [...policy.premium.payments, payment],
        },
      };
    }
    case 'LoanWarningSent':
      return withTransactionOn(
        { ...policy, loan: policy.loan && { ...policy.loan, warnedOn: event.data.sentOn } },
        event.data.sentOn,
      );
    case 'PolicyLapsed':
      return {
        ...policy,
        status: 'LAPSED',
        lapse: { ...event.data },
        recordedLapses: [...policy.recordedLapses, { lapsedOn: event.data.lapsedOn, reinstatedOn: null }],
        lastTransactionDate: laterOf(policy.lastTransactionDate, event.data.lapsedOn),
      };
    case 'PremiumWaived': {
      const { payable, ...waiver } = event.data;
      return withTransactionOn(
        withPayables({ ...policy, waiver }, [payable], event.data.eventDate),
        event.data.eventDate,
      );
    }
    case 'PolicyReinstated': {
      const { reinstatedOn, installmentsCovered } = event.data;
      const payments = installmentsCovered.map((installmentNo): PaymentRecord => {
        const installment = scheduledInstallment(policy.premium.schedule, installmentNo);
        return {
          installmentNo,
          dueDate: installment?.dueDate ?? reinstatedOn,
          amount: installment?.amount ?? { amount: 0, currency: policy.currency },
          paidOn: reinstatedOn,
          settledBy: 'REINSTATEMENT',
          receiptNo: null,
          method: null,
        };
      });
      return {
        ...policy,
        status: 'IN_FORCE',
        lapse: null,
        recordedLapses: policy.recordedLapses.map((period) =>
          period.reinstatedOn === null ? { ...period, reinstatedOn } : period,
        ),
        lastTransactionDate: laterOf(policy.lastTransactionDate, reinstatedOn),
        reinstatementCount: policy.reinstatementCount + 1,
        premium: {
          ...policy.premium,
          paidInstallments: Math.max(policy.premium.paidInstallments, ...installmentsCovered),
          payments: [...policy.premium.payments, ...payments],
        },
      };
    }
    case 'PolicyTransferred': {
      const { toBranchCode, toRegion, toAgentId, awaitingAgent } = event.data;
      // Without a target agent the policy is orphaned in the new branch: the old branch's agent cannot service it.
      return {
        ...policy,
        servicing: { branchCode: toBranchCode, region: toRegion, agentId: toAgentId ?? policy.servicing.agentId },
        awaitingServicingAgent: awaitingAgent,
      };
    }
    case 'SurvivalBenefitPaid': {
      const { periodNo, paidOn, payee, paymentRef, lifeConfirmationRef, loanSettlement } = event.data;
      return {
        ...policy,
        loan:
          policy.loan !== null && loanSettlement !== null ? settled(policy.loan, loanSettlement, paidOn) : policy.loan,
        lastTransactionDate: laterOf(policy.lastTransactionDate, paidOn),
        survivalBenefits: policy.survivalBenefits.map((benefit) =>
          benefit.periodNo === periodNo
            ? { ...benefit, payment: { paidOn, payee, paymentRef, lifeConfirmationRef } }
            : benefit,
        ),
      };
    }
    case 'PolicyDelivered':
      return { ...policy, delivery: { deliveredOn: event.data.deliveredOn, receiptRef: event.data.receiptRef } };
    case 'PolicyMatured':
      return {
        ...policy,
        status: 'MATURED',
        maturity: { maturityDate: event.data.maturityDate, paidOn: event.data.paidOn },
      };
    case 'OrphanPolicyReassigned':
      return {
        ...policy,
        servicing: { ...policy.servicing, agentId: event.data.toAgentId },
        awaitingServicingAgent: false,
      };
    case 'PolicyTerminated': {
      const { payable, ...termination } = event.data;
      return withTransactionOn(
        withPayables({ ...policy, status: 'TERMINATED', termination }, [payable], termination.terminatedOn),
        termination.terminatedOn,
      );
    }
    case 'PolicyCancelledInFreeLook':
    case 'PolicySurrendered': {
      const { requestedOn, payable } = event.data;
      const termination = {
        terminatedOn: requestedOn,
        reason: event.type === 'PolicySurrendered' ? ('SURRENDER' as const) : ('FREE_LOOK' as const),
        ground: null,
        groundKnownOn: null,
        refund: event.type === 'PolicySurrendered' ? event.data.payout : event.data.refund,
      };
      // A surrender settles the loan from the cash value (its debt is in the event's breakdown).
      const loan =
        event.type === 'PolicySurrendered' && policy.loan !== null
          ? {
              ...policy.loan,
              balance: { amount: 0, currency: policy.currency },
              accruedInterest: { amount: 0, currency: policy.currency },
              accruedThrough: requestedOn,
              nextCapitalizationOn: null,
            }
          : policy.loan;
      return withTransactionOn(
        withPayables({ ...policy, status: 'TERMINATED', termination, loan }, [payable], requestedOn),
        requestedOn,
      );
    }
    case 'PolicyLoanGranted': {
      const { loanNo, amount, grantedOn, interestBasisPoints, interestAccrued, nextCapitalizationOn, payable } =
        event.data;
      const before = policy.loan;
      const owing = before !== null && (before.balance.amount > 0 || before.accruedInterest.amount > 0);
      const loan = {
        balance: { amount: (before?.balance.amount ?? 0) + amount.amount, currency: policy.currency },
        accruedInterest: {
          amount: (before?.accruedInterest.amount ?? 0) + interestAccrued.amount,
          currency: policy.currency,
        },
        accruedThrough: grantedOn,
        interestBasisPoints,
        nextCapitalizationOn: owing ? (before.nextCapitalizationOn ?? nextCapitalizationOn) : nextCapitalizationOn,
        loans: [...(before?.loans ?? []), { loanNo, amount, grantedOn }],
        receipts: before?.receipts ?? [],
      };
      return withTransactionOn(withPayables({ ...policy, loan }, [payable], grantedOn), grantedOn);
    }
    case 'AutomaticPremiumLoanApplied': {
      const { installmentNo, dueDate, amount, appliedOn, loanNo, interestBasisPoints, interestAccrued } = event.data;
      const before = policy.loan;
      const owing = before !== null && (before.balance.amount > 0 || before.accruedInterest.amount > 0);
      const payment: PaymentRecord = {
        installmentNo,
        dueDate,
        amount,
        paidOn: appliedOn,
        settledBy: 'AUTOMATIC_PREMIUM_LOAN',
        receiptNo: null,
        method: null,
      };
      const loan = {
        balance: { amount: (before?.balance.amount ?? 0) + amount.amount, currency: policy.currency },
        accruedInterest: {
          amount: (before?.accruedInterest.amount ?? 0) + interestAccrued.amount,
          currency: policy.currency,
        },
        accruedThrough: appliedOn,
        interestBasisPoints,
        nextCapitalizationOn: owing
          ? (before.nextCapitalizationOn ?? event.data.nextCapitalizationOn)
          : event.data.nextCapitalizationOn,
        loans: [...(before?.loans ?? []), { loanNo, amount, grantedOn: appliedOn }],
        receipts: before?.receipts ?? [],
      };
      return withTransactionOn(
        {
          ...policy,
          loan,
          premium: {
            ...policy.premium,
            paidInstallments: Math.max(policy.premium.paidInstallments, installmentNo),
            payments: [...policy.premium.payments, payment],
          },
        },
        appliedOn,
      );
    }
    case 'PolicyConvertedToReducedPaidUp':
    case 'PolicyConvertedToExtendedTerm': {
      const { endorsementNo, effectiveOn, ridersEnded } = event.data;
      const rpu = event.type === 'PolicyConvertedToReducedPaidUp';
      const converted = withTermsHistory(policy, {
        atIssue: policy.terms.atIssue,
        amendments: [
          ...policy.terms.amendments,
          {
            endorsementNo,
            effectiveDate: effectiveOn,
            premiumAffecting: false,
            kinds: [rpu ? 'RPU' : 'ETI'],
            ...(rpu ? { sumAssured: event.data.newSumAssured } : {}),
            ridersRemoved: ridersEnded,
          },
        ],
      });
      // The loan is repaid from the cash value first.
      const loan =
        policy.loan === null
          ? null
          : {
              ...policy.loan,
              balance: { amount: 0, currency: policy.currency },
              accruedInterest: { amount: 0, currency: policy.currency },
              accruedThrough: effectiveOn,
              nextCapitalizationOn: null,
            };
      return withTransactionOn(
        {
          ...converted,
          loan,
          endorsementCount: policy.endorsementCount + 1,
          nonforfeiture: rpu
            ? { option: 'RPU', effectiveOn, sumAssured: event.data.newSumAssured, coverEndsOn: null }
            : { option: 'ETI', effectiveOn, sumAssured: event.data.sumAssured, coverEndsOn: event.data.coverEndsOn },
        },
        effectiveOn,
      );
    }
    case 'PolicyLoanRepaid': {
      const { paidOn, receiptNo, interestAccrued, toInterest, toPrincipal } = event.data;
      if (policy.loan === null) return policy;
      const loan = settled(policy.loan, { interestAccrued, toInterest, toPrincipal }, paidOn);
      return withTransactionOn(
        { ...policy, loan: { ...loan, receipts: [...loan.receipts, receiptNo], warnedOn: null } },
        paidOn,
      );
    }
    case 'PolicyLoanInterestCapitalized': {
      const { capitalizedOn, capitalized, nextCapitalizationOn } = event.data;
      if (policy.loan === null) return policy;
      const loan = policy.loan;
      return withTransactionOn(
        {
          ...policy,
          loan: {
            ...loan,
            balance: { amount: loan.balance.amount + capitalized.amount, currency: policy.currency },
            accruedInterest: { amount: 0, currency: policy.currency },
            accruedThrough: capitalizedOn,
            nextCapitalizationOn,
          },
        },
        capitalizedOn,
      );
    }
    case 'PayoutMade': {
      const { payableId, paidOn, paymentRef } = event.data;
      return withTransactionOn(
        {
          ...policy,
          payables: policy.payables.map((payable) =>
            payable.payableId === payableId ? { ...payable, payout: { paidOn, paymentRef } } : payable,
          ),
        },
        paidOn,
      );
    }
    default: {
      const _exhaustive: never = event;
      throw new Error(`Unknown policy event ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export function evolvePolicy(state: PolicyState, event: PolicyEvent): PolicyState {
  if (!isIssued(state)) {
    if (event.type === 'PolicyIssued') return issued(event);
    throw new Error(`Corrupt policy stream: ${event.type} before PolicyIssued`);
  }
  return evolveIssued(state, event);
}
