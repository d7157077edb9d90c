/**
 * The policy aggregate's state: what `decide` needs to check every rule, folded from the policy stream by
 * `evolve` (policy-evolve.ts). Installments are not stored one by one: the schedule computes their due dates and
 * amounts, payments always settle a prefix (1…paidInstallments, installment 1 at issue), and an active waiver
 * covers every later installment from `waiver.waivedFromInstallment` on. `premiumInstallments(policy)` lists them.
 */
import { type BusinessDate } from '../dates';
import { type Money } from '../money';
import { type Jurisdiction, type RuleProfile } from '../rule-profiles';
import { type PremiumSchedule } from './premium-schedule';
import {
  type Beneficiary,
  type BeneficiaryDesignator,
  type DeliveryOutcome,
  type Party,
  type PaymentMethod,
  type PaymentMethodType,
  type PolicyStatus,
  type PremiumFrequency,
  type ReminderChannel,
  type ReminderKind,
  type Rider,
  type SurvivalBenefitPlanEntry,
  type Payee,
  type Servicing,
  type TerminationReason,
  type WaiverReason,
} from './policy-values';

export interface NotIssuedPolicy {
  readonly status: 'NOT_ISSUED';
}

export interface PaymentRecord {
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly amount: Money;
  readonly paidOn: BusinessDate;
  /** AT_ISSUE: installment 1, collected with the application (no receipt of its own). */
  readonly settledBy: 'AT_ISSUE' | 'PREMIUM_PAYMENT' | 'REINSTATEMENT';
  readonly receiptNo: string | null;
  readonly method: PaymentMethodType | null;
}

export interface ReminderRecord {
  readonly reminderId: string;
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly amount: Money;
  readonly kind: ReminderKind;
  readonly channel: ReminderChannel;
  readonly sentOn: BusinessDate;
  readonly delivery: { readonly outcome: DeliveryOutcome; readonly recordedOn: BusinessDate } | null;
}

export interface WaiverRecord {
  readonly reason: WaiverReason;
  readonly eventDate: BusinessDate;
  readonly evidenceRef: string;
  readonly waivedFromInstallment: number;
  readonly waivedFromDate: BusinessDate;
}

export interface LapseRecord {
  readonly lapsedOn: BusinessDate;
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly reinstatementDeadline: BusinessDate;
}

export interface SurvivalBenefitRecord extends SurvivalBenefitPlanEntry {
  readonly payment: {
    readonly paidOn: BusinessDate;
    readonly payee: Payee;
    readonly paymentRef: string;
    readonly lifeConfirmationRef: string;
  } | null;
}

export interface BeneficiaryDesignation {
  readonly designatedBy: BeneficiaryDesignator;
  readonly insuredConsent: boolean;
  readonly effectiveDate: BusinessDate;
  readonly endorsementNo: string;
}

export interface BenefitOption {
  readonly receivingMethod: 'LUMP_SUM' | 'ANNUAL' | 'MONTHLY';
  readonly receivingAge: number | null;
}

export interface DisclosureRecord {
  readonly endorsementNo: string;
  readonly effectiveDate: BusinessDate;
  readonly text: string;
  readonly documentRef: string | null;
}

export interface PremiumState {
  /** The modal premium as last amended. */
  readonly modalPremium: Money;
  readonly frequency: PremiumFrequency;
  readonly paymentTermYears: number;
  readonly paymentMethod: PaymentMethod;
  readonly schedule: PremiumSchedule;
  /** Installments 1…paidInstallments are paid (payments settle the next unpaid installment only). */
  readonly paidInstallments: number;
  readonly payments: readonly PaymentRecord[];
}

export interface IssuedPolicy {
  readonly status: PolicyStatus;
  readonly policyId: string;
  readonly productCode: string;
  readonly currency: string;
  readonly jurisdiction: Jurisdiction;
  readonly ruleProfile: RuleProfile;
  readonly policyholder: Party;
  readonly insured: Party;
  readonly beneficiaries: readonly Beneficiary[];
  /** Null until the first ChangeBeneficiaries (the designation at issue is part of the application). */
  readonly beneficiaryDesignation: BeneficiaryDesignation | null;
  readonly sumAssured: Money;
  readonly riders: readonly Rider[];
  readonly premium: PremiumState;
  readonly reminders: readonly ReminderRecord[];
  readonly waiver: WaiverRecord | null;
  /** The current or, once terminated after it, the last lapse. Null while in force. */
  readonly lapse: LapseRecord | null;
  readonly reinstatementCount: number;
  readonly servicing: Servicing;
  readonly survivalBenefits: readonly SurvivalBenefitRecord[];
  readonly benefitOption: BenefitOption | null;
  readonly disclosures: readonly DisclosureRecord[];
  readonly endorsementCount: number;
  readonly effectiveDate: BusinessDate;
  readonly maturityDate: BusinessDate;
  readonly termination: { readonly terminatedOn: BusinessDate; readonly reason: TerminationReason } | null;
  readonly maturity: { readonly maturityDate: BusinessDate; readonly paidOn: BusinessDate } | null;
}

export type PolicyState = NotIssuedPolicy | IssuedPolicy;

export function initialPolicyState(): PolicyState {
  return { status: 'NOT_ISSUED' };
}

export function isIssued(state: PolicyState): state is IssuedPolicy {
  return state.status !== 'NOT_ISSUED';
}

export function isClosed(policy: IssuedPolicy): boolean {
  return policy.status === 'TERMINATED' || policy.status === 'MATURED';
}
