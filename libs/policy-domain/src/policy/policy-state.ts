/**
 * The policy aggregate's state: what `decide` needs to check every rule, folded from the policy stream by
 * `evolve` (policy-evolve.ts). Installments are not stored one by one: the schedule computes their due dates and
 * amounts, payments always settle a prefix (1…paidInstallments, installment 1 at issue), and an active waiver
 * covers every later installment from `waiver.waivedFromInstallment` on. `premiumInstallments(policy)` lists them.
 */
import { laterOf, type BusinessDate } from '../dates';
import { type Money } from '../money';
import { type Jurisdiction, type RuleProfile } from '../rule-profiles';
import { attachedRiders, latestTerms, type RiderTerms, type TermsHistory } from './contract-terms';
import { type PayableRecord } from './payables';
import { type LoanAccount } from './policy-loans';
import { premiumScheduleOf, type PremiumSchedule } from './premium-schedule';
import {
  type Beneficiary,
  type BeneficiaryDesignator,
  type DeliveryOutcome,
  type Party,
  type PaymentMethod,
  type PaymentMethodType,
  type Payable,
  type PolicyStatus,
  type PremiumFrequency,
  type ReminderChannel,
  type ReminderKind,
  type SurvivalBenefitPlanEntry,
  type Payee,
  type RescissionGround,
  type Servicing,
  type TerminationReason,
  type WaiverReason,
} from './policy-values';

interface NotIssuedPolicy {
  readonly status: 'NOT_ISSUED';
}

export interface PaymentRecord {
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly amount: Money;
  readonly paidOn: BusinessDate;
  /** AT_ISSUE: installment 1, collected with the application (no receipt of its own). */
  readonly settledBy: 'AT_ISSUE' | 'PREMIUM_PAYMENT' | 'REINSTATEMENT' | 'AUTOMATIC_PREMIUM_LOAN';
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
  /** Premium of installments paid in advance that the waiver covers, owed back to the policyholder. */
  readonly refund: Money | null;
}

export interface LapseRecord {
  readonly lapsedOn: BusinessDate;
  /** The unpaid installment that lapsed the policy; null for a loan lapse. */
  readonly installmentNo: number | null;
  readonly dueDate: BusinessDate | null;
  readonly reinstatementDeadline: BusinessDate;
  readonly cause: LapseCause;
}

/** Why a policy lapsed: an unpaid premium (DESIGN 2.4) or a loan debt that reached the cash value (2.10). */
export type LapseCause = 'PREMIUM_UNPAID' | 'LOAN_EXCEEDS_CASH_VALUE';

interface SurvivalBenefitRecord extends SurvivalBenefitPlanEntry {
  readonly payment: {
    readonly paidOn: BusinessDate;
    readonly payee: Payee;
    readonly paymentRef: string;
    readonly lifeConfirmationRef: string;
  } | null;
}

interface BeneficiaryDesignation {
  readonly designatedBy: BeneficiaryDesignator;
  readonly insuredConsent: boolean;
  readonly effectiveDate: BusinessDate;
  readonly endorsementNo: string;
}

export interface BenefitOption {
  readonly receivingMethod: 'LUMP_SUM' | 'ANNUAL' | 'MONTHLY';
  readonly receivingAge: number | null;
}

interface DisclosureRecord {
  readonly endorsementNo: string;
  readonly effectiveDate: BusinessDate;
  readonly text: string;
  readonly documentRef: string | null;
}

export interface TerminationRecord {
  readonly terminatedOn: BusinessDate;
  readonly reason: TerminationReason;
  readonly ground: RescissionGround | null;
  readonly groundKnownOn: BusinessDate | null;
  readonly refund: Money | null;
}

/** A recorded lapse period: suspended from `lapsedOn` until `reinstatedOn` (null while still lapsed). */
interface RecordedLapsePeriod {
  readonly lapsedOn: BusinessDate;
  readonly reinstatedOn: BusinessDate | null;
}

interface PremiumState {
  /** The base modal premium once every recorded endorsement has taken effect (`termsOn` gives it on a date). */
  readonly modalPremium: Money;
  /** The frequency once every recorded endorsement has taken effect. */
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
  /** The product version it was sold under; null for a policy issued before the catalogue (DESIGN 2.8). */
  readonly productVersion: number | null;
  readonly currency: string;
  readonly jurisdiction: Jurisdiction;
  readonly ruleProfile: RuleProfile;
  readonly policyholder: Party;
  readonly insured: Party;
  /** Latest terms (every recorded endorsement applied); the contract on a date is `termsOn(terms, date)`. */
  readonly beneficiaries: readonly Beneficiary[];
  /** Null until the first ChangeBeneficiaries (the designation at issue is part of the application). */
  readonly beneficiaryDesignation: BeneficiaryDesignation | null;
  readonly sumAssured: Money;
  /** Riders attached once every recorded endorsement has taken effect. */
  readonly riders: readonly RiderTerms[];
  /** The terms at issue and every amendment with its effective date (DESIGN 2.7). */
  readonly terms: TermsHistory;
  readonly premium: PremiumState;
  readonly reminders: readonly ReminderRecord[];
  readonly waiver: WaiverRecord | null;
  /** The current or, once terminated after it, the last lapse. Null while in force. */
  readonly lapse: LapseRecord | null;
  readonly recordedLapses: readonly RecordedLapsePeriod[];
  readonly reinstatementCount: number;
  readonly servicing: Servicing;
  /** Transferred without a target agent: orphaned in the new branch until an agent is assigned (DESIGN 2.5). */
  readonly awaitingServicingAgent: boolean;
  readonly survivalBenefits: readonly SurvivalBenefitRecord[];
  readonly benefitOption: BenefitOption | null;
  readonly disclosures: readonly DisclosureRecord[];
  readonly endorsementCount: number;
  readonly effectiveDate: BusinessDate;
  readonly maturityDate: BusinessDate;
  readonly termination: TerminationRecord | null;
  readonly maturity: { readonly maturityDate: BusinessDate; readonly paidOn: BusinessDate } | null;
  /**
   * The nonforfeiture option the policy was converted to (DESIGN 2.10): no premium is due any more; RPU insures a
   * reduced sum assured with cash value, ETI the full sum assured until `coverEndsOn` with none. Null otherwise.
   */
  readonly nonforfeiture: {
    readonly option: 'RPU' | 'ETI';
    readonly effectiveOn: BusinessDate;
    readonly sumAssured: Money;
    readonly coverEndsOn: BusinessDate | null;
  } | null;
  /** The automatic premium loan is elected (at issue or by APL_ELECTION, DESIGN 2.10). */
  readonly automaticPremiumLoan: boolean;
  /** The policy loan account (DESIGN 2.10); null until the first loan. */
  readonly loan: LoanAccount | null;
  /** What the insurer came to owe on the policy, in creation order (`{policyId}-P{n}`, DESIGN 2.9). */
  readonly payables: readonly PayableRecord[];
  /** The policy document's delivery (DESIGN 2.9); null until recorded. */
  readonly delivery: { readonly deliveredOn: BusinessDate; readonly receiptRef: string } | null;
  /** The latest business date on which something was done to the policy (payments, notices, lapses, …). */
  readonly lastTransactionDate: BusinessDate;
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

/** The policy with a new terms history and what derives from it: latest terms and the premium schedule. */
export function withTermsHistory(policy: IssuedPolicy, terms: TermsHistory): IssuedPolicy {
  const latest = latestTerms(terms);
  return {
    ...policy,
    terms,
    sumAssured: latest.sumAssured,
    riders: attachedRiders(latest),
    beneficiaries: latest.beneficiaries,
    premium: {
      ...policy.premium,
      modalPremium: latest.basePremium,
      frequency: latest.frequency,
      schedule: premiumScheduleOf(policy.effectiveDate, policy.premium.paymentTermYears, terms),
    },
  };
}

/** The policy with `date` counted as a transaction date. */
export function withTransactionOn(policy: IssuedPolicy, date: BusinessDate): IssuedPolicy {
  return { ...policy, lastTransactionDate: laterOf(policy.lastTransactionDate, date) };
}

/** The policy owing `payables` too, created on `createdOn` (by the endorsement `endorsementNo`, if any). */
export function withPayables(
  policy: IssuedPolicy,
  payables: readonly (Payable | null)[],
  createdOn: BusinessDate,
  endorsementNo: string | null = null,
): IssuedPolicy {
  const created = payables.filter((payable): payable is Payable => payable !== null);
  if (created.length === 0) return policy;
  return {
    ...policy,
    payables: [
      ...policy.payables,
      ...created.map((payable) => ({ ...payable, createdOn, endorsementNo, payout: null, withdrawnOn: null })),
    ],
  };
}
