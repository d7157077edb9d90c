/**
 * Policy events: past-tense business facts with JSON data only (primitives, YYYY-MM-DD dates, integer money). The
 * stored type name is the plain `type`; the schema version lives in metadata (see event-schemas.ts). Released shapes
 * never change: a new shape is a new version plus an upcaster.
 */
import { type ReassignmentStrategy } from '../agent/agent-values';
import { type BusinessDate } from '../dates';
import { type Money } from '../money';
import { type Jurisdiction } from '../rule-profiles';
import { type ContractChange } from './contract-changes';
import {
  type Beneficiary,
  type BeneficiaryDesignator,
  type DeliveryOutcome,
  type Party,
  type Payable,
  type PayableKind,
  type Payee,
  type PaymentMethodType,
  type PremiumTerms,
  type RescissionGround,
  type ReminderChannel,
  type ReminderKind,
  type Rider,
  type Servicing,
  type SurvivalBenefitKind,
  type SurvivalBenefitPlanEntry,
  type TerminationReason,
  type TransferReason,
  type WaiverReason,
} from './policy-values';

/**
 * The rule parameters the policy was issued under (a snapshot; see rule-profiles.ts). Schema v2 added
 * `noticeShortensGrace`, `contestableYears` and `rescissionKnowledgeDays` (see event-schemas.ts for v1).
 */
interface RuleProfileSnapshot {
  readonly graceDays: number;
  readonly overdueNoticeDays: number | null;
  readonly noticeShortensGrace: boolean;
  readonly reinstatementWindowYears: number;
  readonly reinstatementInterestBasisPoints: number;
  readonly waiverWaitingDays: number;
  readonly contestableYears: number;
  readonly rescissionKnowledgeDays: number | null;
}

export interface PolicyIssued {
  readonly type: 'PolicyIssued';
  readonly data: {
    readonly policyId: string;
    readonly productCode: string;
    /** The product version it was sold under (v3); null for policies issued before the catalogue existed. */
    readonly productVersion: number | null;
    readonly currency: string;
    readonly policyholder: Party;
    readonly insured: Party;
    readonly beneficiaries: readonly Beneficiary[];
    readonly sumAssured: Money;
    readonly premium: PremiumTerms;
    readonly effectiveDate: BusinessDate;
    readonly maturityDate: BusinessDate;
    readonly riders: readonly Rider[];
    readonly survivalBenefits: readonly SurvivalBenefitPlanEntry[];
    readonly servicing: Servicing;
    readonly jurisdiction: Jurisdiction;
    readonly ruleProfile: RuleProfileSnapshot;
    /** v4: the automatic premium loan was elected at issue (DESIGN 2.10); v3 reads as false. */
    readonly automaticPremiumLoan: boolean;
    /** Issuing implies installment 1 (due on the effective date) was collected with the application. */
    readonly firstInstallment: { readonly installmentNo: 1; readonly dueDate: BusinessDate; readonly amount: Money };
  };
}

/**
 * v3 added `payables` (the partial surrender of a sum-assured decrease, DESIGN 2.9), v4 the APL_ELECTION kind; v5
 * (current) `loanSettlement`: the share of the loan debt the partial surrender repays (DESIGN 2.10), null otherwise.
 */
export interface ContractChanged {
  readonly type: 'ContractChanged';
  readonly data: {
    readonly endorsementNo: string;
    readonly effectiveDate: BusinessDate;
    readonly changes: readonly ContractChange[];
    readonly payables: readonly Payable[];
    readonly loanSettlement: {
      readonly settledOn: BusinessDate;
      readonly interestAccrued: Money;
      readonly toInterest: Money;
      readonly toPrincipal: Money;
    } | null;
  };
}

export interface BeneficiariesChanged {
  readonly type: 'BeneficiariesChanged';
  readonly data: {
    readonly endorsementNo: string;
    readonly effectiveDate: BusinessDate;
    readonly designatedBy: BeneficiaryDesignator;
    readonly insuredConsent: boolean;
    readonly beneficiaries: readonly Beneficiary[];
  };
}

/** Schema v2 (current): v1 had no `kind`; a v1 reminder reads as PRE_DUE (see event-schemas.ts). */
export interface PremiumReminderSent {
  readonly type: 'PremiumReminderSent';
  readonly data: {
    readonly reminderId: string;
    readonly installmentNo: number;
    readonly dueDate: BusinessDate;
    readonly amount: Money;
    readonly channel: ReminderChannel;
    readonly kind: ReminderKind;
    readonly sentOn: BusinessDate;
  };
}

export interface PremiumReminderDeliveryRecorded {
  readonly type: 'PremiumReminderDeliveryRecorded';
  readonly data: { readonly reminderId: string; readonly outcome: DeliveryOutcome; readonly recordedOn: BusinessDate };
}

export interface PremiumPaid {
  readonly type: 'PremiumPaid';
  readonly data: {
    readonly installmentNo: number;
    readonly dueDate: BusinessDate;
    readonly amount: Money;
    readonly paidOn: BusinessDate;
    readonly receiptNo: string;
    readonly method: PaymentMethodType;
  };
}

/**
 * Schema v2 (current) added `cause`: a loan debt that reached the cash value lapses the policy too (DESIGN 2.10), with
 * no installment (null). v1 lapses were for an unpaid premium.
 */
export interface PolicyLapsed {
  readonly type: 'PolicyLapsed';
  readonly data: {
    readonly lapsedOn: BusinessDate;
    readonly installmentNo: number | null;
    readonly dueDate: BusinessDate | null;
    readonly reinstatementDeadline: BusinessDate;
    readonly cause: 'PREMIUM_UNPAID' | 'LOAN_EXCEEDS_CASH_VALUE';
  };
}

/**
 * `refund` (v2) is the premium of installments paid in advance that the waiver covers (null when none); v1 waived
 * only unpaid installments and reads as refund null. v3 (current) records the refund as a payable (DESIGN 2.9).
 */
export interface PremiumWaived {
  readonly type: 'PremiumWaived';
  readonly data: {
    readonly reason: WaiverReason;
    readonly eventDate: BusinessDate;
    readonly evidenceRef: string;
    readonly waivedFromInstallment: number;
    readonly waivedFromDate: BusinessDate;
    readonly refund: Money | null;
    readonly payable: Payable | null;
  };
}

export interface PolicyReinstated {
  readonly type: 'PolicyReinstated';
  readonly data: {
    readonly reinstatedOn: BusinessDate;
    readonly installmentsCovered: readonly number[];
    readonly premiums: Money;
    readonly interest: Money;
    readonly total: Money;
    readonly healthDeclarationRef: string;
  };
}

export interface PolicyTransferred {
  readonly type: 'PolicyTransferred';
  readonly data: {
    readonly fromBranchCode: string;
    readonly toBranchCode: string;
    readonly fromRegion: string;
    readonly toRegion: string;
    readonly effectiveDate: BusinessDate;
    readonly reason: TransferReason;
    /** The new servicing agent; null when none was named. */
    readonly toAgentId: string | null;
    /**
     * Schema v2: true when no agent was named, so the policy is orphaned in the new branch until one is assigned
     * (DESIGN 2.5). A v1 transfer without an agent kept the old one (the rule then), and reads as false.
     */
    readonly awaitingAgent: boolean;
  };
}

/**
 * Schema v2 (current) added the loan debt deducted from the payment (DESIGN 2.10): `loanDeduction` (interest first,
 * then principal, as `loanSettlement` says); `amount` stays the plan's amount, the payee receives the difference. v1
 * was paid before policy loans existed and reads with nothing deducted.
 */
interface SurvivalBenefitPaid {
  readonly type: 'SurvivalBenefitPaid';
  readonly data: {
    readonly periodNo: number;
    readonly kind: SurvivalBenefitKind;
    readonly dueDate: BusinessDate;
    readonly amount: Money;
    readonly loanDeduction: Money;
    readonly loanSettlement: {
      readonly interestAccrued: Money;
      readonly toInterest: Money;
      readonly toPrincipal: Money;
    } | null;
    readonly paidOn: BusinessDate;
    readonly payee: Payee;
    readonly paymentRef: string;
    readonly lifeConfirmationRef: string;
  };
}

interface PolicyMatured {
  readonly type: 'PolicyMatured';
  readonly data: { readonly maturityDate: BusinessDate; readonly periodNo: number; readonly paidOn: BusinessDate };
}

export interface OrphanPolicyReassigned {
  readonly type: 'OrphanPolicyReassigned';
  readonly data: {
    readonly fromAgentId: string;
    readonly toAgentId: string;
    readonly effectiveDate: BusinessDate;
    readonly strategy: ReassignmentStrategy;
  };
}

/**
 * Schema v2 added the rescission's `ground` and `groundKnownOn` and the `refund` owed (null when none is computed:
 * a refund of cash value needs a product version, DESIGN 2.8); v1 reads with all three null. v3 (current) records a
 * refund above 0 as a payable (DESIGN 2.9).
 */
export interface PolicyTerminated {
  readonly type: 'PolicyTerminated';
  readonly data: {
    readonly terminatedOn: BusinessDate;
    readonly reason: TerminationReason;
    readonly ground: RescissionGround | null;
    readonly groundKnownOn: BusinessDate | null;
    readonly refund: Money | null;
    readonly payable: Payable | null;
  };
}

/**
 * A scheduled (future-dated) endorsement withdrawn before it took effect: it never applies. v2 (current) names the
 * payables it created (a partial surrender), withdrawn with it.
 */
export interface ScheduledChangeCancelled {
  readonly type: 'ScheduledChangeCancelled';
  readonly data: {
    readonly endorsementNo: string;
    readonly cancelledOn: BusinessDate;
    readonly withdrawnPayables: readonly string[];
  };
}

/** The policy document was delivered to the policyholder, with the signed receipt (DESIGN 2.9). */
export interface PolicyDelivered {
  readonly type: 'PolicyDelivered';
  readonly data: { readonly deliveredOn: BusinessDate; readonly receiptRef: string };
}

/** DESIGN 2.9: cancelled within the free look (TERMINATED, FREE_LOOK); all premiums back less the cost deduction. */
export interface PolicyCancelledInFreeLook {
  readonly type: 'PolicyCancelledInFreeLook';
  readonly data: {
    readonly requestedOn: BusinessDate;
    /** The last day of the free look; null when the policy was not yet delivered (it had not started). */
    readonly freeLookEnds: BusinessDate | null;
    readonly premiumsPaid: Money;
    readonly costDeduction: Money;
    /** premiumsPaid − costDeduction, never below 0. */
    readonly refund: Money;
    readonly payable: Payable | null;
  };
}

/** DESIGN 2.9: surrendered (TERMINATED, SURRENDER) with its breakdown; the payout is a payable due within 30 days. */
export interface PolicySurrendered {
  readonly type: 'PolicySurrendered';
  readonly data: {
    readonly requestedOn: BusinessDate;
    readonly cashValue: Money;
    readonly loanDebt: Money;
    readonly prepaidPremium: Money;
    readonly payout: Money;
    readonly payable: Payable | null;
  };
}

/** DESIGN 2.9: a payable was paid. Carries the payable's kind, amount and deadline so readers need no state. */
export interface PayoutMade {
  readonly type: 'PayoutMade';
  readonly data: {
    readonly payableId: string;
    readonly kind: PayableKind;
    readonly amount: Money;
    readonly dueBy: BusinessDate;
    readonly paidOn: BusinessDate;
    readonly paymentRef: string;
  };
}

/** DESIGN 2.10: a policy loan; the amount lent is a payable (kind LOAN) to the payee. */
export interface PolicyLoanGranted {
  readonly type: 'PolicyLoanGranted';
  readonly data: {
    readonly loanNo: string;
    readonly amount: Money;
    readonly grantedOn: BusinessDate;
    readonly interestBasisPoints: number;
    /** The cash value on grantedOn and the most that could be lent then (the limit less the debt before). */
    readonly cashValue: Money;
    readonly maximum: Money;
    /** Interest of the period on the balance before, accrued up to grantedOn. */
    readonly interestAccrued: Money;
    /** The first anniversary on which the accrued interest will be capitalized. */
    readonly nextCapitalizationOn: BusinessDate;
    readonly payable: Payable;
  };
}

/** DESIGN 2.10: a repayment, interest first. */
export interface PolicyLoanRepaid {
  readonly type: 'PolicyLoanRepaid';
  readonly data: {
    readonly amount: Money;
    readonly paidOn: BusinessDate;
    readonly receiptNo: string;
    readonly interestAccrued: Money;
    readonly toInterest: Money;
    readonly toPrincipal: Money;
  };
}

/** DESIGN 2.10: on a policy anniversary the accrued interest joins the balance. */
export interface PolicyLoanInterestCapitalized {
  readonly type: 'PolicyLoanInterestCapitalized';
  readonly data: {
    readonly capitalizedOn: BusinessDate;
    readonly interestAccrued: Money;
    /** Every unpaid interest moved into the balance (what was accrued before plus `interestAccrued`). */
    readonly capitalized: Money;
    readonly nextCapitalizationOn: BusinessDate;
  };
}

/** DESIGN 2.10: on its lapse date the unpaid installment was paid by a policy loan; nothing lapses. */
export interface AutomaticPremiumLoanApplied {
  readonly type: 'AutomaticPremiumLoanApplied';
  readonly data: {
    readonly installmentNo: number;
    readonly dueDate: BusinessDate;
    readonly amount: Money;
    readonly appliedOn: BusinessDate;
    readonly loanNo: string;
    readonly interestBasisPoints: number;
    /** The cash value and the debt on appliedOn: CV − debt covered the installment. */
    readonly cashValue: Money;
    readonly debtBefore: Money;
    readonly interestAccrued: Money;
    readonly nextCapitalizationOn: BusinessDate;
  };
}

/** What a nonforfeiture conversion was valued on (DESIGN 2.10). */
interface NonforfeitureValuation {
  readonly endorsementNo: string;
  readonly effectiveOn: BusinessDate;
  /** CV on effectiveOn, the loan debt repaid from it, and what is left. */
  readonly cashValue: Money;
  readonly loanDebt: Money;
  readonly netCashValue: Money;
  /** y: completed policy years on effectiveOn (the index into the product's table). */
  readonly policyYears: number;
  /** The riders that end with the conversion. */
  readonly ridersEnded: readonly string[];
}

/** DESIGN 2.10: reduced paid-up — no more premiums, sum assured min(SA, floor(netCV × 10^6 / NSP[y])). */
export interface PolicyConvertedToReducedPaidUp {
  readonly type: 'PolicyConvertedToReducedPaidUp';
  readonly data: NonforfeitureValuation & {
    readonly netSinglePremiumPpm: number;
    readonly previousSumAssured: Money;
    readonly newSumAssured: Money;
  };
}

/** DESIGN 2.10: extended term — no more premiums, the sum assured until coverEndsOn, no cash value. */
export interface PolicyConvertedToExtendedTerm {
  readonly type: 'PolicyConvertedToExtendedTerm';
  readonly data: NonforfeitureValuation & {
    readonly termCostPpm: number;
    readonly sumAssured: Money;
    readonly coverDays: number;
    readonly coverEndsOn: BusinessDate;
  };
}

/** DESIGN 2.10: the loan debt reached 90 % of the cash value; the policyholder is warned before the loan lapse. */
export interface LoanWarningSent {
  readonly type: 'LoanWarningSent';
  readonly data: {
    readonly sentOn: BusinessDate;
    readonly channel: ReminderChannel;
    readonly debt: Money;
    readonly cashValue: Money;
  };
}

export type PolicyEvent =
  | PolicyIssued
  | ContractChanged
  | BeneficiariesChanged
  | PremiumReminderSent
  | PremiumReminderDeliveryRecorded
  | PremiumPaid
  | PolicyLapsed
  | PremiumWaived
  | PolicyReinstated
  | PolicyTransferred
  | SurvivalBenefitPaid
  | PolicyMatured
  | OrphanPolicyReassigned
  | PolicyTerminated
  | ScheduledChangeCancelled
  | PolicyDelivered
  | PolicyCancelledInFreeLook
  | PolicySurrendered
  | PayoutMade
  | PolicyLoanGranted
  | PolicyLoanRepaid
  | PolicyLoanInterestCapitalized
  | AutomaticPremiumLoanApplied
  | PolicyConvertedToReducedPaidUp
  | PolicyConvertedToExtendedTerm
  | LoanWarningSent;

export type PolicyEventType = PolicyEvent['type'];
