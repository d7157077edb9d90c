/** Value objects shared by policy commands, events, state and view. JSON-only: primitives, ISO dates, integer money. */
import { type BusinessDate } from '../dates';
import { type Money } from '../money';

export const GENDERS = ['M', 'F'] as const;
export type Gender = (typeof GENDERS)[number];

export const ID_TYPES = ['ID_CARD', 'PASSPORT', 'OTHER'] as const;
export type IdType = (typeof ID_TYPES)[number];

export interface Party {
  readonly name: string;
  readonly gender: Gender;
  readonly birthDate: BusinessDate;
  readonly idType: IdType;
  readonly idNumber: string;
  readonly phone?: string;
  readonly email?: string;
  readonly address?: string;
  readonly occupationCode?: string;
}

export const RELATIONSHIPS = ['SPOUSE', 'CHILD', 'PARENT', 'SIBLING', 'OTHER'] as const;
type Relationship = (typeof RELATIONSHIPS)[number];

export interface Beneficiary {
  readonly name: string;
  readonly relationship: Relationship;
  readonly idType?: IdType;
  readonly idNumber?: string;
  /** Beneficiary order 1–9: order 2 receives only when no order-1 beneficiary survives. */
  readonly order: number;
  /** Share within the order, 1–100; the shares of one order sum to 100. */
  readonly sharePercent: number;
}

export interface Rider {
  readonly code: string;
  readonly sumAssured: Money;
  readonly modalPremium: Money;
  readonly endDate: BusinessDate;
}

export const PREMIUM_FREQUENCIES = ['ANNUAL', 'SEMI_ANNUAL', 'QUARTERLY', 'MONTHLY', 'SINGLE'] as const;
export type PremiumFrequency = (typeof PREMIUM_FREQUENCIES)[number];

export const PAYMENT_METHOD_TYPES = ['BANK_DEBIT', 'CARD', 'CASH', 'WECHAT_PAY', 'ALIPAY'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

export interface PaymentMethod {
  readonly type: PaymentMethodType;
  readonly accountRef?: string;
}

export interface PremiumTerms {
  readonly modalPremium: Money;
  readonly frequency: PremiumFrequency;
  readonly paymentTermYears: number;
  readonly paymentMethod: PaymentMethod;
}

export const SURVIVAL_BENEFIT_KINDS = ['SURVIVAL', 'MATURITY'] as const;
export type SurvivalBenefitKind = (typeof SURVIVAL_BENEFIT_KINDS)[number];

/** One planned survival-benefit payment; kind MATURITY is the final payment that closes the policy. */
export interface SurvivalBenefitPlanEntry {
  readonly periodNo: number;
  readonly kind: SurvivalBenefitKind;
  readonly dueDate: BusinessDate;
  readonly amount: Money;
}

export interface Servicing {
  readonly branchCode: string;
  readonly region: string;
  readonly agentId: string;
}

export const POLICY_STATUSES = ['IN_FORCE', 'LAPSED', 'TERMINATED', 'MATURED'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

/**
 * Why a policy ended. SURRENDER and FREE_LOOK come from their own commands (SurrenderPolicy, CancelInFreeLook:
 * DESIGN 2.9); EXPIRY ends a policy at maturity when its plan has no maturity benefit (recorded by the scheduler).
 */
export const TERMINATION_REASONS = ['SURRENDER', 'FREE_LOOK', 'DEATH', 'LAPSE_EXPIRED', 'RESCINDED', 'EXPIRY'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/** The reasons TerminatePolicy takes (DEATH stays until claims replace it, DESIGN 2.11). */
export const TERMINATE_POLICY_REASONS = ['DEATH', 'LAPSE_EXPIRED', 'RESCINDED', 'EXPIRY'] as const;
export type TerminatePolicyReason = (typeof TERMINATE_POLICY_REASONS)[number];

export const REMINDER_KINDS = ['PRE_DUE', 'OVERDUE_NOTICE'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export const REMINDER_CHANNELS = ['LETTER', 'SMS', 'PHONE', 'EMAIL', 'VISIT'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

export const DELIVERY_OUTCOMES = ['DELIVERED', 'RETURNED', 'UNREACHABLE'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const WAIVER_REASONS = [
  'POLICYHOLDER_DEATH',
  'POLICYHOLDER_TOTAL_DISABILITY',
  'POLICYHOLDER_CRITICAL_ILLNESS',
  'INSURED_CRITICAL_ILLNESS',
] as const;
export type WaiverReason = (typeof WAIVER_REASONS)[number];

export const RESCISSION_GROUNDS = [
  'NON_DISCLOSURE_INTENTIONAL',
  'NON_DISCLOSURE_NEGLIGENT',
  'AGE_MISSTATEMENT',
] as const;
export type RescissionGround = (typeof RESCISSION_GROUNDS)[number];

/** The status the law gives the contract on a business date (DESIGN 2.7), beside the recorded status. */
export const STATUSES_BY_LAW = ['IN_FORCE', 'SUSPENDED', 'TERMINATED', 'MATURED'] as const;
export type StatusByLaw = (typeof STATUSES_BY_LAW)[number];

export const TRANSFER_REASONS = ['RELOCATION', 'CUSTOMER_REQUEST', 'ORGANIZATIONAL'] as const;
export type TransferReason = (typeof TRANSFER_REASONS)[number];

export const BENEFICIARY_DESIGNATORS = ['INSURED', 'POLICYHOLDER'] as const;
export type BeneficiaryDesignator = (typeof BENEFICIARY_DESIGNATORS)[number];

export interface Payee {
  readonly name: string;
  readonly accountRef: string;
}

/** What the insurer owes a customer (DESIGN 2.9); each has its legal deadline. */
export const PAYABLE_KINDS = [
  'LOAN',
  'FREE_LOOK_REFUND',
  'SURRENDER',
  'PARTIAL_SURRENDER',
  'WAIVER_REFUND',
  'RESCISSION_REFUND',
  'LAPSE_EXPIRED_REFUND',
] as const;
export type PayableKind = (typeof PAYABLE_KINDS)[number];

/** An amount owed that is not paid in the act that creates it, recorded inside the event that creates it. */
export interface Payable {
  /** `{policyId}-P{n}`. */
  readonly payableId: string;
  readonly kind: PayableKind;
  readonly amount: Money;
  readonly payee: Payee;
  /** The last day of the legal deadline to pay it (DESIGN 2.4). */
  readonly dueBy: BusinessDate;
}
