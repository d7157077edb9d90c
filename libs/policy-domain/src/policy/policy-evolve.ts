/** `evolve`: folds one policy event into the state. No rules here: an event is a fact that already happened. */
import { applyContractChange } from './contract-changes';
import { type PolicyEvent } from './policy-events';
import { newPremiumSchedule, scheduledInstallment } from './premium-schedule';
import { isIssued, type IssuedPolicy, type PaymentRecord, type PolicyState } from './policy-state';

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
  return {
    status: 'IN_FORCE',
    policyId: data.policyId,
    productCode: data.productCode,
    currency: data.currency,
    jurisdiction: data.jurisdiction,
    ruleProfile: { jurisdiction: data.jurisdiction, ...data.ruleProfile },
    policyholder: data.policyholder,
    insured: data.insured,
    beneficiaries: data.beneficiaries,
    beneficiaryDesignation: null,
    sumAssured: data.sumAssured,
    riders: data.riders,
    premium: {
      modalPremium: data.premium.modalPremium,
      frequency: data.premium.frequency,
      paymentTermYears: data.premium.paymentTermYears,
      paymentMethod: data.premium.paymentMethod,
      schedule: newPremiumSchedule(data.effectiveDate, data.premium),
      paidInstallments: 1,
      payments: [firstPayment],
    },
    reminders: [],
    waiver: null,
    lapse: null,
    reinstatementCount: 0,
    servicing: data.servicing,
    survivalBenefits: data.survivalBenefits.map((entry) => ({ ...entry, payment: null })),
    benefitOption: null,
    disclosures: [],
    endorsementCount: 0,
    effectiveDate: data.effectiveDate,
    maturityDate: data.maturityDate,
    termination: null,
    maturity: null,
  };
}

function evolveIssued(policy: IssuedPolicy, event: PolicyEvent): IssuedPolicy {
  switch (event.type) {
    case 'PolicyIssued':
      return policy; // a stream has one PolicyIssued; decide rejects a second with POLICY_ALREADY_EXISTS
    case 'ContractChanged': {
      const { endorsementNo, effectiveDate, changes } = event.data;
      const changed = changes.reduce(
        (current, change) => applyContractChange(current, change, { endorsementNo, effectiveDate }),
        policy,
      );
      return { ...changed, endorsementCount: policy.endorsementCount + 1 };
    }
    case 'BeneficiariesChanged': {
      const { endorsementNo, effectiveDate, designatedBy, insuredConsent, beneficiaries } = event.data;
      return {
        ...policy,
        beneficiaries,
        beneficiaryDesignation: { designatedBy, insuredConsent, effectiveDate, endorsementNo },
        endorsementCount: policy.endorsementCount + 1,
      };
    }
    case 'PremiumReminderSent':
      return { ...policy, reminders: [...policy.reminders, { ...event.data, delivery: null }] };
    case 'PremiumReminderDeliveryRecorded': {
      const { reminderId, outcome, recordedOn } = event.data;
      return {
        ...policy,
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
        premium: {
          ...policy.premium,
          paidInstallments: Math.max(policy.premium.paidInstallments, installmentNo),
          payments: [...policy.premium.payments, payment],
        },
      };
    }
    case 'PolicyLapsed':
      return { ...policy, status: 'LAPSED', lapse: { ...event.data } };
    case 'PremiumWaived':
      return { ...policy, waiver: { ...event.data } };
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
        reinstatementCount: policy.reinstatementCount + 1,
        premium: {
          ...policy.premium,
          paidInstallments: Math.max(policy.premium.paidInstallments, ...installmentsCovered),
          payments: [...policy.premium.payments, ...payments],
        },
      };
    }
    case 'PolicyTransferred': {
      const { toBranchCode, toRegion, toAgentId } = event.data;
      return {
        ...policy,
        servicing: { branchCode: toBranchCode, region: toRegion, agentId: toAgentId ?? policy.servicing.agentId },
      };
    }
    case 'SurvivalBenefitPaid': {
      const { periodNo, paidOn, payee, paymentRef, lifeConfirmationRef } = event.data;
      return {
        ...policy,
        survivalBenefits: policy.survivalBenefits.map((benefit) =>
          benefit.periodNo === periodNo
            ? { ...benefit, payment: { paidOn, payee, paymentRef, lifeConfirmationRef } }
            : benefit,
        ),
      };
    }
    case 'PolicyMatured':
      return {
        ...policy,
        status: 'MATURED',
        maturity: { maturityDate: event.data.maturityDate, paidOn: event.data.paidOn },
      };
    case 'OrphanPolicyReassigned':
      return { ...policy, servicing: { ...policy.servicing, agentId: event.data.toAgentId } };
    case 'PolicyTerminated':
      return { ...policy, status: 'TERMINATED', termination: { ...event.data } };
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
