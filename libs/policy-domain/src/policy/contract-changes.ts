/**
 * Contract change kinds (DESIGN 2.5, ChangeContract). All changes of one request form one endorsement: each is checked
 * against the policy as amended by the changes before it, and the event applies them in order, atomically.
 */
import { anniversaryYearOf, type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { type Money } from '../money';
import { checkDate, checkMoney, isBlank } from '../input-checks';
import { hasOverdueInstallment } from './premium-installments';
import { currentFrequency, installmentsBefore, withFrequencyChange, withPremiumRate } from './premium-schedule';
import { type BenefitOption, type IssuedPolicy } from './policy-state';
import {
  type Gender,
  type IdType,
  type Party,
  type PaymentMethod,
  type PremiumFrequency,
  type Rider,
} from './policy-values';

export const CONTRACT_CHANGE_KINDS = [
  'CONTACT',
  'POLICYHOLDER',
  'PERSONAL_DETAILS',
  'OCCUPATION',
  'PAYMENT_METHOD',
  'PREMIUM_FREQUENCY',
  'SUM_ASSURED',
  'RIDER_ADDED',
  'RIDER_REMOVED',
  'BENEFIT_OPTION',
  'DISCLOSURE',
] as const;
export type ContractChangeKind = (typeof CONTRACT_CHANGE_KINDS)[number];

/** Kinds a clerk may record while the policy is LAPSED; every other kind needs IN_FORCE. */
export const CHANGE_KINDS_ALLOWED_WHILE_LAPSED: readonly ContractChangeKind[] = [
  'CONTACT',
  'PERSONAL_DETAILS',
  'PAYMENT_METHOD',
  'DISCLOSURE',
];

export type PolicyParty = 'POLICYHOLDER' | 'INSURED';
export type BenefitReceivingMethod = BenefitOption['receivingMethod'];

/** The policyholder's contact details. */
export interface ContactChange {
  readonly kind: 'CONTACT';
  readonly phone?: string;
  readonly email?: string;
  readonly address?: string;
}
export interface PolicyholderChange {
  readonly kind: 'POLICYHOLDER';
  readonly newPolicyholder: Party;
  readonly insuredConsent: boolean;
  readonly previousPolicyholderConsent: boolean;
}
export interface PersonalDetailsChange {
  readonly kind: 'PERSONAL_DETAILS';
  readonly party: PolicyParty;
  readonly name?: string;
  readonly gender?: Gender;
  readonly birthDate?: BusinessDate;
  readonly idType?: IdType;
  readonly idNumber?: string;
}
export interface OccupationChange {
  readonly kind: 'OCCUPATION';
  readonly party: PolicyParty;
  readonly occupationCode: string;
}
export interface PaymentMethodChange {
  readonly kind: 'PAYMENT_METHOD';
  readonly paymentMethod: PaymentMethod;
}
export interface PremiumFrequencyChange {
  readonly kind: 'PREMIUM_FREQUENCY';
  readonly frequency: PremiumFrequency;
  readonly modalPremium: Money;
}
export interface SumAssuredChange {
  readonly kind: 'SUM_ASSURED';
  readonly sumAssured: Money;
  readonly modalPremium: Money;
  /** Required for an increase. */
  readonly underwritingRef?: string;
}
export interface RiderAddedChange {
  readonly kind: 'RIDER_ADDED';
  readonly rider: Rider;
}
export interface RiderRemovedChange {
  readonly kind: 'RIDER_REMOVED';
  readonly riderCode: string;
}
export interface BenefitOptionChange {
  readonly kind: 'BENEFIT_OPTION';
  readonly receivingMethod: BenefitReceivingMethod;
  readonly receivingAge?: number;
}
export interface DisclosureChange {
  readonly kind: 'DISCLOSURE';
  readonly text: string;
  readonly documentRef?: string;
}

export type ContractChange =
  | ContactChange
  | PolicyholderChange
  | PersonalDetailsChange
  | OccupationChange
  | PaymentMethodChange
  | PremiumFrequencyChange
  | SumAssuredChange
  | RiderAddedChange
  | RiderRemovedChange
  | BenefitOptionChange
  | DisclosureChange;

export interface ContractChangeContext {
  readonly effectiveDate: BusinessDate;
  readonly endorsementNo: string;
  /** Business date of the request (for "no overdue installment"). */
  readonly today: BusinessDate;
}

function checkPremiumFrequencyChange(
  policy: IssuedPolicy,
  change: PremiumFrequencyChange,
  effectiveDate: BusinessDate,
): void {
  if (policy.waiver !== null) {
    throw new DomainError('WAIVER_ACTIVE', 'The premium frequency cannot change while premiums are waived.');
  }
  const from = currentFrequency(policy.premium.schedule);
  if (from === 'SINGLE' || change.frequency === 'SINGLE') {
    throw new DomainError('FREQUENCY_CHANGE_NOT_ALLOWED', 'A single-premium schedule cannot be changed to or from.');
  }
  const anniversaryYear = anniversaryYearOf(policy.effectiveDate, effectiveDate);
  if (anniversaryYear === null) {
    throw new DomainError(
      'FREQUENCY_CHANGE_NOT_ON_ANNIVERSARY',
      `A frequency change takes effect on a policy anniversary of ${policy.effectiveDate}, not on ${effectiveDate}.`,
    );
  }
  if (anniversaryYear >= policy.premium.paymentTermYears) {
    throw new DomainError('FREQUENCY_CHANGE_NOT_ALLOWED', `The premiums are paid up by ${effectiveDate}.`);
  }
  if (policy.premium.paidInstallments > installmentsBefore(policy.premium.schedule, anniversaryYear * 12)) {
    throw new DomainError(
      'FREQUENCY_CHANGE_NOT_ALLOWED',
      `Premiums due from ${effectiveDate} on are already paid in advance under the current frequency.`,
    );
  }
  checkMoney(change.modalPremium, policy.currency, 'modalPremium', { positive: true });
}

function checkSumAssuredChange(policy: IssuedPolicy, change: SumAssuredChange): void {
  if (policy.waiver !== null) {
    throw new DomainError('WAIVER_ACTIVE', 'The sum assured cannot change while premiums are waived.');
  }
  checkMoney(change.sumAssured, policy.currency, 'sumAssured');
  if (change.sumAssured.amount <= 0)
    throw new DomainError('SUM_ASSURED_INVALID', 'The sum assured must be greater than 0.');
  checkMoney(change.modalPremium, policy.currency, 'modalPremium', { positive: true });
  if (change.sumAssured.amount > policy.sumAssured.amount && isBlank(change.underwritingRef)) {
    throw new DomainError('UNDERWRITING_REQUIRED', 'An increase of the sum assured needs an underwriting decision.');
  }
}

export function checkRider(
  rider: Rider,
  policy: Pick<IssuedPolicy, 'currency' | 'maturityDate' | 'riders'>,
  field: string,
): void {
  checkMoney(rider.sumAssured, policy.currency, `${field}.sumAssured`);
  checkMoney(rider.modalPremium, policy.currency, `${field}.modalPremium`);
  checkDate(rider.endDate, `${field}.endDate`);
  if (rider.endDate > policy.maturityDate) {
    throw new DomainError(
      'RIDER_ENDS_AFTER_MATURITY',
      `Rider ${rider.code} ends ${rider.endDate}, after the policy matures on ${policy.maturityDate}.`,
    );
  }
  if (policy.riders.some((existing) => existing.code === rider.code)) {
    throw new DomainError('DUPLICATE_RIDER', `The policy already has rider ${rider.code}.`);
  }
}

/** @throws DomainError when the change may not be made to the policy as it stands. */
export function checkContractChange(
  policy: IssuedPolicy,
  change: ContractChange,
  context: ContractChangeContext,
): void {
  if (policy.status !== 'IN_FORCE' && !CHANGE_KINDS_ALLOWED_WHILE_LAPSED.includes(change.kind)) {
    throw new DomainError(
      'POLICY_NOT_IN_FORCE',
      `A ${change.kind} change needs the policy in force; it is ${policy.status}.`,
    );
  }
  switch (change.kind) {
    case 'CONTACT':
    case 'OCCUPATION':
    case 'PAYMENT_METHOD':
    case 'BENEFIT_OPTION':
    case 'DISCLOSURE':
      return;
    case 'PERSONAL_DETAILS':
      if (change.birthDate !== undefined) checkDate(change.birthDate, 'birthDate');
      return;
    case 'POLICYHOLDER':
      if (!change.insuredConsent || !change.previousPolicyholderConsent) {
        throw new DomainError(
          'POLICYHOLDER_CHANGE_CONSENT_REQUIRED',
          'A new policyholder needs the consent of the insured and of the previous policyholder.',
        );
      }
      checkDate(change.newPolicyholder.birthDate, 'newPolicyholder.birthDate');
      if (hasOverdueInstallment(policy, context.today)) {
        throw new DomainError('PREMIUM_OVERDUE', 'The policyholder cannot change while a premium is overdue.');
      }
      return;
    case 'PREMIUM_FREQUENCY':
      return checkPremiumFrequencyChange(policy, change, context.effectiveDate);
    case 'SUM_ASSURED':
      return checkSumAssuredChange(policy, change);
    case 'RIDER_ADDED':
      return checkRider(change.rider, policy, 'rider');
    case 'RIDER_REMOVED':
      if (!policy.riders.some((rider) => rider.code === change.riderCode)) {
        throw new DomainError('UNKNOWN_RIDER', `The policy has no rider ${change.riderCode}.`);
      }
      return;
    default: {
      const _exhaustive: never = change;
      throw new Error(`Unknown contract change ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function updateParty(policy: IssuedPolicy, party: PolicyParty, update: (current: Party) => Party): IssuedPolicy {
  return party === 'POLICYHOLDER'
    ? { ...policy, policyholder: update(policy.policyholder) }
    : { ...policy, insured: update(policy.insured) };
}

/** Applies one recorded change (no checks: the event is a fact). */
export function applyContractChange(
  policy: IssuedPolicy,
  change: ContractChange,
  context: Omit<ContractChangeContext, 'today'>,
): IssuedPolicy {
  switch (change.kind) {
    case 'CONTACT': {
      const { kind: _kind, ...contact } = change;
      return updateParty(policy, 'POLICYHOLDER', (party) => ({ ...party, ...contact }));
    }
    case 'POLICYHOLDER':
      return { ...policy, policyholder: change.newPolicyholder };
    case 'PERSONAL_DETAILS': {
      const { kind: _kind, party, ...details } = change;
      return updateParty(policy, party, (current) => ({ ...current, ...details }));
    }
    case 'OCCUPATION':
      return updateParty(policy, change.party, (party) => ({ ...party, occupationCode: change.occupationCode }));
    case 'PAYMENT_METHOD':
      return { ...policy, premium: { ...policy.premium, paymentMethod: change.paymentMethod } };
    case 'PREMIUM_FREQUENCY': {
      const anniversaryYear = anniversaryYearOf(policy.effectiveDate, context.effectiveDate) ?? 0;
      const schedule = withFrequencyChange(
        policy.premium.schedule,
        anniversaryYear,
        change.frequency,
        change.modalPremium,
      );
      return {
        ...policy,
        premium: { ...policy.premium, frequency: change.frequency, modalPremium: change.modalPremium, schedule },
      };
    }
    case 'SUM_ASSURED': {
      const schedule = withPremiumRate(policy.premium.schedule, context.effectiveDate, change.modalPremium);
      return {
        ...policy,
        sumAssured: change.sumAssured,
        premium: { ...policy.premium, modalPremium: change.modalPremium, schedule },
      };
    }
    case 'RIDER_ADDED':
      return { ...policy, riders: [...policy.riders, change.rider] };
    case 'RIDER_REMOVED':
      return { ...policy, riders: policy.riders.filter((rider) => rider.code !== change.riderCode) };
    case 'BENEFIT_OPTION':
      return {
        ...policy,
        benefitOption: { receivingMethod: change.receivingMethod, receivingAge: change.receivingAge ?? null },
      };
    case 'DISCLOSURE':
      return {
        ...policy,
        disclosures: [
          ...policy.disclosures,
          {
            endorsementNo: context.endorsementNo,
            effectiveDate: context.effectiveDate,
            text: change.text,
            documentRef: change.documentRef ?? null,
          },
        ],
      };
    default: {
      const _exhaustive: never = change;
      throw new Error(`Unknown contract change ${JSON.stringify(_exhaustive)}`);
    }
  }
}
