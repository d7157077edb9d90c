/**
 * Policy commands. `data` mirrors the REST request body of DESIGN 3 field for field (plus the path parameter
 * `reminderId` for RecordReminderDelivery); the policy id travels in the stream name. `context` carries the business
 * date from the injected clock and the cross-aggregate facts the handler loaded, so `decide` does no I/O.
 */
import { type AgentSnapshot, type ReassignmentStrategy } from '../agent/agent-values';
import { type BusinessDate } from '../dates';
import { type Money } from '../money';
import { type ProductVersion } from '../product/product';
import { type RuleProfile } from '../rule-profiles';
import { type ContractChange } from './contract-changes';
import {
  type Beneficiary,
  type BeneficiaryDesignator,
  type DeliveryOutcome,
  type Party,
  type Payee,
  type PaymentMethodType,
  type PremiumTerms,
  type ReminderChannel,
  type ReminderKind,
  type RescissionGround,
  type Rider,
  type Servicing,
  type SurvivalBenefitPlanEntry,
  type TerminatePolicyReason,
  type TransferReason,
  type WaiverReason,
} from './policy-values';

interface PolicyCommandContext {
  /** Business date (YYYY-MM-DD) from the injected clock: things that happened may not be dated after it. */
  readonly today: BusinessDate;
}

/**
 * The context of a command that values the contract (cash value, free look): `product` is the version the policy was
 * sold under (`productCode`/`productVersion` of its state), loaded by the handler; null when the policy records none.
 */
type ValuingContext = PolicyCommandContext & { readonly product: ProductVersion | null };

export interface IssuePolicyData {
  readonly policyId: string;
  readonly productCode: string;
  readonly currency: string;
  readonly policyholder: Party;
  readonly insured: Party;
  readonly beneficiaries: readonly Beneficiary[];
  readonly sumAssured: Money;
  readonly premium: PremiumTerms;
  readonly effectiveDate: BusinessDate;
  readonly maturityDate: BusinessDate;
  readonly riders?: readonly Rider[];
  readonly survivalBenefits?: readonly SurvivalBenefitPlanEntry[];
  readonly servicing: Servicing;
  /** Elect the automatic premium loan (DESIGN 2.10); the product must offer it. Default false. */
  readonly automaticPremiumLoan?: boolean;
}
export interface IssuePolicy {
  readonly type: 'IssuePolicy';
  readonly data: IssuePolicyData;
  /**
   * `ruleProfile`: the jurisdiction profile configured today; the event keeps a snapshot of it. `servicingAgent`: the
   * snapshot of `data.servicing.agentId` (null when not registered).
   */
  readonly context: PolicyCommandContext & {
    readonly ruleProfile: RuleProfile;
    readonly servicingAgent: AgentSnapshot | null;
    /** The latest published version of `productCode` (DESIGN 2.8); null when it has none. */
    readonly product: ProductVersion | null;
  };
}

export interface ChangeContract {
  readonly type: 'ChangeContract';
  readonly data: { readonly effectiveDate: BusinessDate; readonly changes: readonly ContractChange[] };
  /** `product` values a sum-assured decrease (partial surrender, DESIGN 2.9). */
  readonly context: ValuingContext;
}

export interface CancelScheduledChange {
  readonly type: 'CancelScheduledChange';
  /** `endorsementNo` comes from the path (`/contract-changes/{endorsementNo}/cancellation`). */
  readonly data: { readonly endorsementNo: string };
  readonly context: PolicyCommandContext;
}

export interface ChangeBeneficiaries {
  readonly type: 'ChangeBeneficiaries';
  readonly data: {
    readonly effectiveDate: BusinessDate;
    readonly designatedBy: BeneficiaryDesignator;
    readonly insuredConsent: boolean;
    readonly beneficiaries: readonly Beneficiary[];
  };
  readonly context: PolicyCommandContext;
}

export interface SendPremiumReminder {
  readonly type: 'SendPremiumReminder';
  readonly data: {
    readonly installmentNo: number;
    readonly kind: ReminderKind;
    readonly channel: ReminderChannel;
    readonly sentOn: BusinessDate;
  };
  readonly context: PolicyCommandContext;
}

export interface RecordReminderDelivery {
  readonly type: 'RecordReminderDelivery';
  /** `reminderId` comes from the path (`/premium-reminders/{reminderId}/delivery`). */
  readonly data: { readonly reminderId: string; readonly outcome: DeliveryOutcome; readonly recordedOn: BusinessDate };
  readonly context: PolicyCommandContext;
}

export interface RecordPremiumPayment {
  readonly type: 'RecordPremiumPayment';
  readonly data: {
    readonly installmentNo: number;
    readonly amount: Money;
    readonly paidOn: BusinessDate;
    readonly receiptNo: string;
    /** Defaults to the policy's payment method. */
    readonly method?: PaymentMethodType;
  };
  readonly context: PolicyCommandContext;
}

export interface LapsePolicy {
  readonly type: 'LapsePolicy';
  /** `cause` LOAN_EXCEEDS_CASH_VALUE: the loan lapse (DESIGN 2.10); absent: an unpaid premium. */
  readonly data: { readonly lapsedOn: BusinessDate; readonly cause?: 'LOAN_EXCEEDS_CASH_VALUE' };
  /** `product`: needed when the automatic premium loan is elected (a lapse is refused while it applies). */
  readonly context: PolicyCommandContext & { readonly product?: ProductVersion | null };
}

export interface WaivePremium {
  readonly type: 'WaivePremium';
  readonly data: { readonly reason: WaiverReason; readonly eventDate: BusinessDate; readonly evidenceRef: string };
  readonly context: PolicyCommandContext;
}

export interface ReinstatePolicy {
  readonly type: 'ReinstatePolicy';
  readonly data: {
    readonly reinstatedOn: BusinessDate;
    readonly arrearsPaid: Money;
    readonly healthDeclarationRef: string;
  };
  /** `product`: needed to reinstate after a loan lapse (the debt must be below the cash value again). */
  readonly context: PolicyCommandContext & { readonly product?: ProductVersion | null };
}

export interface TransferPolicy {
  readonly type: 'TransferPolicy';
  readonly data: {
    readonly toBranchCode: string;
    readonly toRegion: string;
    readonly effectiveDate: BusinessDate;
    readonly reason: TransferReason;
    readonly toAgentId?: string;
  };
  /** `toAgent`: the snapshot of `data.toAgentId` when one is given (null/absent when it is not registered). */
  readonly context: PolicyCommandContext & { readonly toAgent?: AgentSnapshot | null };
}

export interface PaySurvivalBenefit {
  readonly type: 'PaySurvivalBenefit';
  readonly data: {
    readonly periodNo: number;
    readonly paidOn: BusinessDate;
    readonly payee: Payee;
    readonly paymentRef: string;
    readonly lifeConfirmationRef: string;
  };
  readonly context: PolicyCommandContext;
}

export interface ReassignOrphanPolicy {
  readonly type: 'ReassignOrphanPolicy';
  readonly data: { readonly toAgentId: string; readonly effectiveDate: BusinessDate };
  /**
   * `currentAgent`: snapshot of the policy's servicing agent (null when not registered); `assignee`: snapshot of
   * `data.toAgentId` (null when not registered); `strategy`: MANUAL for a supervisor, BALANCED/REGION for the
   * process manager.
   */
  readonly context: PolicyCommandContext & {
    readonly currentAgent: AgentSnapshot | null;
    readonly assignee: AgentSnapshot | null;
    readonly strategy: ReassignmentStrategy;
  };
}

export interface TerminatePolicy {
  readonly type: 'TerminatePolicy';
  /** `ground` and `groundKnownOn`: required for RESCINDED, not allowed otherwise. */
  readonly data: {
    readonly terminatedOn: BusinessDate;
    readonly reason: TerminatePolicyReason;
    readonly ground?: RescissionGround;
    readonly groundKnownOn?: BusinessDate;
  };
  /** `product` values the refunds of LAPSE_EXPIRED and an age rescission (the cash value, art. 32, 37). */
  readonly context: ValuingContext;
}

/** DESIGN 2.9: the policy document reached the policyholder (the free look runs from here); once per policy. */
export interface RecordPolicyDelivery {
  readonly type: 'RecordPolicyDelivery';
  readonly data: { readonly deliveredOn: BusinessDate; readonly receiptRef: string };
  readonly context: PolicyCommandContext;
}

/** DESIGN 2.9: the policyholder cancels within the free look; all premiums back less the product's cost deduction. */
export interface CancelInFreeLook {
  readonly type: 'CancelInFreeLook';
  readonly data: { readonly requestedOn: BusinessDate; readonly payee: Payee };
  readonly context: ValuingContext;
}

/** DESIGN 2.9: the policyholder surrenders (退保) for the cash value, paid within 30 days. */
export interface SurrenderPolicy {
  readonly type: 'SurrenderPolicy';
  readonly data: { readonly requestedOn: BusinessDate; readonly payee: Payee };
  readonly context: ValuingContext;
}

/** DESIGN 2.9: a payable was paid; once per payable, also on a closed policy. */
export interface RecordPayout {
  readonly type: 'RecordPayout';
  /** `payableId` comes from the path (`/payables/{payableId}/payout`). */
  readonly data: { readonly payableId: string; readonly paidOn: BusinessDate; readonly paymentRef: string };
  readonly context: PolicyCommandContext;
}

/** DESIGN 2.10: a loan against the cash value, up to the product's share of it less the debt. */
export interface GrantPolicyLoan {
  readonly type: 'GrantPolicyLoan';
  readonly data: { readonly amount: Money; readonly grantedOn: BusinessDate; readonly payee: Payee };
  readonly context: ValuingContext;
}

/** DESIGN 2.10: a repayment of the loan, interest first; also while lapsed. */
export interface RepayPolicyLoan {
  readonly type: 'RepayPolicyLoan';
  readonly data: { readonly amount: Money; readonly paidOn: BusinessDate; readonly receiptNo: string };
  readonly context: PolicyCommandContext;
}

/** DESIGN 2.10 and 6: the scheduler capitalizes the accrued interest on the anniversary it falls due. */
export interface CapitalizePolicyLoanInterest {
  readonly type: 'CapitalizePolicyLoanInterest';
  readonly data: { readonly anniversary: BusinessDate };
  readonly context: PolicyCommandContext;
}

/** DESIGN 2.10 and 6: on the lapse date, the unpaid installment is paid by a loan instead (system). */
export interface ApplyAutomaticPremiumLoan {
  readonly type: 'ApplyAutomaticPremiumLoan';
  readonly data: { readonly appliedOn: BusinessDate };
  readonly context: ValuingContext;
}

/**
 * DESIGN 2.10: convert to a nonforfeiture option — on request (supervisor) or, with no `option`, to the product's
 * default on the lapse date (the scheduler, system).
 */
export interface ElectNonforfeitureOption {
  readonly type: 'ElectNonforfeitureOption';
  readonly data: { readonly option?: 'RPU' | 'ETI'; readonly effectiveOn: BusinessDate };
  readonly context: ValuingContext;
}

/** DESIGN 2.10: the LOAN_WARNING when the debt first reaches 90 % of the cash value (system). */
export interface SendLoanWarning {
  readonly type: 'SendLoanWarning';
  readonly data: { readonly sentOn: BusinessDate; readonly channel: ReminderChannel };
  readonly context: ValuingContext;
}

export type PolicyCommand =
  | IssuePolicy
  | ChangeContract
  | CancelScheduledChange
  | ChangeBeneficiaries
  | SendPremiumReminder
  | RecordReminderDelivery
  | RecordPremiumPayment
  | LapsePolicy
  | WaivePremium
  | ReinstatePolicy
  | TransferPolicy
  | PaySurvivalBenefit
  | ReassignOrphanPolicy
  | TerminatePolicy
  | RecordPolicyDelivery
  | CancelInFreeLook
  | SurrenderPolicy
  | RecordPayout
  | GrantPolicyLoan
  | RepayPolicyLoan
  | CapitalizePolicyLoanInterest
  | ApplyAutomaticPremiumLoan
  | ElectNonforfeitureOption
  | SendLoanWarning;

export type PolicyCommandType = PolicyCommand['type'];
