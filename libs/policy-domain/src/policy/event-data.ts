/**
 * Event data built field by field from validated command data. A command's data may be a transport object (a
 * class-validator DTO, a decoded protobuf message) with fields of its own; copying it into an event would change a
 * released event shape whenever the transport changes. These functions name every field an event stores, so the
 * stored shape changes only with this file (and a new schema version).
 */
import { type Money } from '../money';
import { type ContractChange } from './contract-changes';
import {
  type Beneficiary,
  type Party,
  type Payee,
  type PaymentMethod,
  type PremiumTerms,
  type Rider,
  type Servicing,
  type SurvivalBenefitPlanEntry,
} from './policy-values';

export function moneyData(money: Money): Money {
  return { amount: money.amount, currency: money.currency };
}

export function partyData(party: Party): Party {
  return {
    name: party.name,
    gender: party.gender,
    birthDate: party.birthDate,
    idType: party.idType,
    idNumber: party.idNumber,
    phone: party.phone,
    email: party.email,
    address: party.address,
    occupationCode: party.occupationCode,
  };
}

export function beneficiaryData(beneficiary: Beneficiary): Beneficiary {
  return {
    name: beneficiary.name,
    relationship: beneficiary.relationship,
    idType: beneficiary.idType,
    idNumber: beneficiary.idNumber,
    order: beneficiary.order,
    sharePercent: beneficiary.sharePercent,
  };
}

export function riderData(rider: Rider): Rider {
  return {
    code: rider.code,
    sumAssured: moneyData(rider.sumAssured),
    modalPremium: moneyData(rider.modalPremium),
    endDate: rider.endDate,
  };
}

function paymentMethodData(method: PaymentMethod): PaymentMethod {
  return { type: method.type, accountRef: method.accountRef };
}

export function premiumTermsData(premium: PremiumTerms): PremiumTerms {
  return {
    modalPremium: moneyData(premium.modalPremium),
    frequency: premium.frequency,
    paymentTermYears: premium.paymentTermYears,
    paymentMethod: paymentMethodData(premium.paymentMethod),
  };
}

export function survivalBenefitData(entry: SurvivalBenefitPlanEntry): SurvivalBenefitPlanEntry {
  return { periodNo: entry.periodNo, kind: entry.kind, dueDate: entry.dueDate, amount: moneyData(entry.amount) };
}

export function servicingData(servicing: Servicing): Servicing {
  return { branchCode: servicing.branchCode, region: servicing.region, agentId: servicing.agentId };
}

export function payeeData(payee: Payee): Payee {
  return { name: payee.name, accountRef: payee.accountRef };
}

export function contractChangeData(change: ContractChange): ContractChange {
  switch (change.kind) {
    case 'CONTACT':
      return {
        kind: change.kind,
        party: change.party,
        phone: change.phone,
        email: change.email,
        address: change.address,
      };
    case 'POLICYHOLDER':
      return {
        kind: change.kind,
        newPolicyholder: partyData(change.newPolicyholder),
        insuredConsent: change.insuredConsent,
        previousPolicyholderConsent: change.previousPolicyholderConsent,
      };
    case 'PERSONAL_DETAILS':
      return {
        kind: change.kind,
        party: change.party,
        name: change.name,
        gender: change.gender,
        birthDate: change.birthDate,
        idType: change.idType,
        idNumber: change.idNumber,
      };
    case 'OCCUPATION':
      return { kind: change.kind, party: change.party, occupationCode: change.occupationCode };
    case 'PAYMENT_METHOD':
      return { kind: change.kind, paymentMethod: paymentMethodData(change.paymentMethod) };
    case 'PREMIUM_FREQUENCY':
      return {
        kind: change.kind,
        frequency: change.frequency,
        modalPremium: moneyData(change.modalPremium),
        riderPremiums: change.riderPremiums?.map((entry) => ({
          code: entry.code,
          modalPremium: moneyData(entry.modalPremium),
        })),
      };
    case 'SUM_ASSURED':
      return {
        kind: change.kind,
        sumAssured: moneyData(change.sumAssured),
        modalPremium: moneyData(change.modalPremium),
        underwritingRef: change.underwritingRef,
      };
    case 'RIDER_ADDED':
      return { kind: change.kind, rider: riderData(change.rider) };
    case 'RIDER_REMOVED':
      return { kind: change.kind, riderCode: change.riderCode };
    case 'APL_ELECTION':
      return { kind: change.kind, elected: change.elected };
    case 'BENEFIT_OPTION':
      return { kind: change.kind, receivingMethod: change.receivingMethod, receivingAge: change.receivingAge };
    case 'DISCLOSURE':
      return { kind: change.kind, text: change.text, documentRef: change.documentRef };
    default: {
      const _exhaustive: never = change;
      throw new Error(`Unknown contract change ${JSON.stringify(_exhaustive)}`);
    }
  }
}
