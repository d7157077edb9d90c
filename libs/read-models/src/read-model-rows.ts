/**
 * The rows of the reporting read models (DESIGN 5), as plain data. Money is integer minor units in the row's
 * `currency`; dates are `YYYY-MM-DD`; instants are ISO-8601 UTC strings.
 */
import {
  type AgentRole,
  type AgentStatus,
  type BusinessDate,
  type Jurisdiction,
  type LapseCause,
  type PaymentRecord,
  type PayableKind,
  type PayableStatus,
  type PolicyEventType,
  type PolicyStatus,
  type PremiumFrequency,
  type ProductTerms,
  type ReassignmentStrategy,
  type SurvivalBenefitKind,
  type TerminationReason,
  type TransferReason,
} from '@lib/policy-domain';

/**
 * One row per policy: the per-policy context every report joins (branch, agent, status). It holds no revision or
 * timestamp on purpose: an event that changes none of these facts (a reminder, a delivery outcome) leaves the row
 * untouched, which saves a write per event; how far the model has caught up is the checkpoint's job.
 */
export interface PolicySummaryRow {
  readonly policyId: string;
  readonly status: PolicyStatus;
  /** The termination reason for TERMINATED; null otherwise. */
  readonly statusReason: TerminationReason | null;
  readonly productCode: string;
  readonly currency: string;
  readonly jurisdiction: Jurisdiction;
  readonly branchCode: string;
  readonly region: string;
  readonly agentId: string;
  readonly effectiveDate: BusinessDate;
  readonly maturityDate: BusinessDate;
  readonly frequency: PremiumFrequency;
  readonly modalPremium: number;
  readonly sumAssured: number;
  readonly paymentTermYears: number;
  readonly installmentCount: number;
  readonly paidInstallments: number;
  /** The next installment that is neither paid nor waived (null when paid up, fully waived or closed). */
  readonly nextInstallmentNo: number | null;
  readonly nextDueDate: BusinessDate | null;
  /** The first day LapsePolicy is allowed (domain rule of DESIGN 2.4); null unless IN_FORCE with an open installment. */
  readonly lapseEligibleFrom: BusinessDate | null;
  readonly premiumWaiver: boolean;
  readonly lapsedOn: BusinessDate | null;
  readonly reinstatementDeadline: BusinessDate | null;
  readonly terminatedOn: BusinessDate | null;
  readonly endorsementCount: number;
  readonly reinstatementCount: number;
  readonly automaticPremiumLoan: boolean;
  /** RPU or ETI once converted (DESIGN 2.10); null otherwise. */
  readonly nonforfeiture: 'RPU' | 'ETI' | null;
  /** Extended term insurance ends here (the scheduler's EXPIRY); null otherwise. */
  readonly coverEndsOn: BusinessDate | null;
}

/**
 * DUE: open, no reminder yet · REMINDED: open, at least one reminder sent · PAID · WAIVED (active premium waiver) ·
 * LAPSED: the open installment that lapsed the policy · CANCELLED: left unpaid when the policy closed (terminated or
 * matured). "Overdue" is not stored (it depends on the day you ask): an open installment (DUE or REMINDED) whose due
 * date lies before the query's `asOf`.
 */
export const INSTALLMENT_STATUSES = ['DUE', 'REMINDED', 'PAID', 'WAIVED', 'LAPSED', 'CANCELLED'] as const;
type InstallmentStatus = (typeof INSTALLMENT_STATUSES)[number];

export interface PremiumInstallmentRow {
  readonly policyId: string;
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly amount: number;
  readonly currency: string;
  readonly status: InstallmentStatus;
  readonly paidOn: BusinessDate | null;
  readonly settledBy: PaymentRecord['settledBy'] | null;
  readonly receiptNo: string | null;
  readonly preDueReminders: number;
  readonly overdueNotices: number;
  readonly lastRemindedOn: BusinessDate | null;
}

type SurvivalBenefitStatus = 'DUE' | 'PAID' | 'CANCELLED';

export interface SurvivalBenefitRow {
  readonly policyId: string;
  readonly periodNo: number;
  readonly kind: SurvivalBenefitKind;
  readonly dueDate: BusinessDate;
  readonly amount: number;
  readonly currency: string;
  /** CANCELLED: still unpaid when the policy closed. */
  readonly status: SurvivalBenefitStatus;
  readonly paidOn: BusinessDate | null;
  readonly paymentRef: string | null;
  readonly payeeName: string | null;
}

type LapseOutcome = 'LAPSED' | 'REINSTATED' | 'TERMINATED';

/** One row per lapse of a policy (lapseNo 1, 2, … in the policy's history) and how it ended. */
export interface LapseReinstatementRow {
  readonly policyId: string;
  readonly lapseNo: number;
  readonly lapsedOn: BusinessDate;
  /** The unpaid installment that lapsed the policy; null for a loan lapse (DESIGN 2.10). */
  readonly installmentNo: number | null;
  readonly dueDate: BusinessDate | null;
  readonly reinstatementDeadline: BusinessDate;
  readonly cause: LapseCause;
  /** LAPSED while the lapse is open; REINSTATED or TERMINATED once it ended. */
  readonly status: LapseOutcome;
  readonly reinstatedOn: BusinessDate | null;
  readonly installmentsCovered: number | null;
  readonly reinstatementPremiums: number | null;
  readonly reinstatementInterest: number | null;
  readonly reinstatementTotal: number | null;
  readonly currency: string;
  readonly terminatedOn: BusinessDate | null;
  readonly terminationReason: TerminationReason | null;
}

export interface TransferRow {
  readonly policyId: string;
  /** Revision of the PolicyTransferred event (a policy may be transferred several times). */
  readonly revision: number;
  readonly effectiveDate: BusinessDate;
  readonly reason: TransferReason;
  readonly fromBranchCode: string;
  readonly toBranchCode: string;
  readonly fromRegion: string;
  readonly toRegion: string;
  readonly fromAgentId: string;
  readonly toAgentId: string;
}

/** The agent part of agent_workload; the workload figures are aggregated when the report is read. */
export interface AgentRow {
  readonly agentId: string;
  readonly name: string;
  readonly role: AgentRole;
  readonly branchCode: string;
  readonly region: string;
  readonly status: AgentStatus;
  readonly departedOn: BusinessDate | null;
  readonly reassignment: ReassignmentStrategy | null;
}

/** Policy transactions per business day, branch and event type. */
export interface ServicingActivityRow {
  /** The transaction's business date: its `…On` date, or the effective date of issue, endorsements and transfers. */
  readonly activityDate: BusinessDate;
  /** The branch servicing the policy when the transaction happened. */
  readonly branchCode: string;
  readonly transactionType: PolicyEventType;
  readonly transactions: number;
}

/**
 * One row per product (DESIGN 2.8): its latest published version's summary. Versions are numbered 1, 2, … without
 * gaps and never withdrawn, so `latestVersion` is also how many versions the product has.
 */
export interface ProductRow {
  readonly productCode: string;
  readonly latestVersion: number;
  readonly name: string;
  readonly kind: ProductTerms['kind'];
  readonly jurisdiction: Jurisdiction;
  readonly currency: string;
  /** The business date the latest version was published. */
  readonly publishedOn: BusinessDate;
}

/**
 * One row per payable (DESIGN 2.9): what the insurer owes on a policy, its legal deadline and its payout. The payee
 * is not copied here (personal data stays in the policy stream, DESIGN 2.12).
 */
export interface PayableRow {
  readonly payableId: string;
  readonly policyId: string;
  readonly branchCode: string;
  readonly kind: PayableKind;
  readonly amount: number;
  readonly currency: string;
  /** The business date it was owed from. */
  readonly createdOn: BusinessDate;
  readonly dueBy: BusinessDate;
  /** DUE until paid (PAID) or withdrawn with its scheduled change (WITHDRAWN); OVERDUE is DUE past `dueBy`. */
  readonly status: PayableStatus;
  readonly paidOn: BusinessDate | null;
  readonly paymentRef: string | null;
}

/**
 * One row per policy that ever had a loan (DESIGN 2.10): the account after its last change. The debt on a later date
 * adds the interest since `accruedThrough` (the report computes it for its `asOf`).
 */
export interface LoanRow {
  readonly policyId: string;
  readonly branchCode: string;
  readonly currency: string;
  readonly balance: number;
  readonly accruedInterest: number;
  readonly accruedThrough: BusinessDate;
  readonly interestBasisPoints: number;
  /** The anniversary the interest is capitalized next; null while nothing is owed. */
  readonly nextCapitalizationOn: BusinessDate | null;
  readonly loanCount: number;
  /** OPEN while owed and the policy open; CLEARED when repaid; CLOSED with the policy (surrender settles it). */
  readonly status: 'OPEN' | 'CLEARED' | 'CLOSED';
}

/** Table name → row type of every read-model table that projections write. */
export interface ReadModelRows {
  readonly policy_summary: PolicySummaryRow;
  readonly premium_installments: PremiumInstallmentRow;
  readonly survival_benefits: SurvivalBenefitRow;
  readonly lapses_reinstatements: LapseReinstatementRow;
  readonly transfers: TransferRow;
  readonly agent_workload: AgentRow;
  readonly servicing_activity: ServicingActivityRow;
  readonly payables: PayableRow;
  readonly loans: LoanRow;
  readonly products: ProductRow;
}

export type ReadModelTable = keyof ReadModelRows;
