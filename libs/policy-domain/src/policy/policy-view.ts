/** The policy view of DESIGN 3 (GET /v1/policies/{id} and gRPC GetPolicy), derived purely from the state. */
import { type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { type Money } from '../money';
import { type Jurisdiction } from '../rule-profiles';
import { installmentCount } from './premium-schedule';
import { lapseEligibleFrom, nextOpenInstallment } from './premium-installments';
import { isClosed, isIssued, type PolicyState, type WaiverRecord } from './policy-state';
import {
  type Beneficiary,
  type Party,
  type PaymentMethod,
  type PolicyStatus,
  type PremiumFrequency,
  type Rider,
  type SurvivalBenefitKind,
  type TerminationReason,
} from './policy-values';

export interface PolicyView {
  readonly policyId: string;
  readonly revision: number;
  readonly status: PolicyStatus;
  /** The termination reason for TERMINATED; null otherwise. */
  readonly statusReason: TerminationReason | null;
  readonly productCode: string;
  readonly currency: string;
  readonly jurisdiction: Jurisdiction;
  readonly policyholder: Party;
  readonly insured: Party;
  readonly beneficiaries: readonly Beneficiary[];
  readonly sumAssured: Money;
  readonly riders: readonly Rider[];
  readonly premium: {
    readonly modalPremium: Money;
    readonly frequency: PremiumFrequency;
    readonly paymentTermYears: number;
    readonly paymentMethod: PaymentMethod;
    readonly installmentCount: number;
    readonly paidInstallments: number;
    readonly nextInstallment: {
      readonly installmentNo: number;
      readonly dueDate: BusinessDate;
      readonly amount: Money;
    } | null;
    readonly lapseEligibleFrom: BusinessDate | null;
    readonly waiver: WaiverRecord | null;
  };
  readonly servicing: {
    readonly branchCode: string;
    readonly region: string;
    readonly agentId: string;
    readonly orphaned: boolean;
  };
  readonly lapse: { readonly lapsedOn: BusinessDate; readonly reinstatementDeadline: BusinessDate } | null;
  readonly survivalBenefits: readonly {
    readonly periodNo: number;
    readonly kind: SurvivalBenefitKind;
    readonly dueDate: BusinessDate;
    readonly amount: Money;
    readonly paidOn: BusinessDate | null;
  }[];
  readonly endorsementCount: number;
  readonly effectiveDate: BusinessDate;
  readonly maturityDate: BusinessDate;
}

export interface PolicyViewOptions {
  /** Revision of the last event folded into the state. */
  readonly revision: number;
  /**
   * Whether the servicing agent has departed (read from the agent stream by the caller). The policy stream cannot
   * know it: a policy is orphaned from the agent's departure until OrphanPolicyReassigned.
   */
  readonly servicingAgentDeparted?: boolean;
}

/** @throws DomainError POLICY_NOT_FOUND for a stream that has no PolicyIssued. */
export function policyView(state: PolicyState, options: PolicyViewOptions): PolicyView {
  if (!isIssued(state)) throw new DomainError('POLICY_NOT_FOUND', 'The policy does not exist.');
  const next = nextOpenInstallment(state);
  return {
    policyId: state.policyId,
    revision: options.revision,
    status: state.status,
    statusReason: state.termination?.reason ?? null,
    productCode: state.productCode,
    currency: state.currency,
    jurisdiction: state.jurisdiction,
    policyholder: state.policyholder,
    insured: state.insured,
    beneficiaries: state.beneficiaries,
    sumAssured: state.sumAssured,
    riders: state.riders,
    premium: {
      modalPremium: state.premium.modalPremium,
      frequency: state.premium.frequency,
      paymentTermYears: state.premium.paymentTermYears,
      paymentMethod: state.premium.paymentMethod,
      installmentCount: installmentCount(state.premium.schedule),
      paidInstallments: state.premium.paidInstallments,
      nextInstallment: next && { installmentNo: next.installmentNo, dueDate: next.dueDate, amount: next.amount },
      lapseEligibleFrom: lapseEligibleFrom(state),
      waiver: state.waiver,
    },
    servicing: { ...state.servicing, orphaned: options.servicingAgentDeparted === true && !isClosed(state) },
    lapse: state.lapse && { lapsedOn: state.lapse.lapsedOn, reinstatementDeadline: state.lapse.reinstatementDeadline },
    survivalBenefits: state.survivalBenefits.map((benefit) => ({
      periodNo: benefit.periodNo,
      kind: benefit.kind,
      dueDate: benefit.dueDate,
      amount: benefit.amount,
      paidOn: benefit.payment?.paidOn ?? null,
    })),
    endorsementCount: state.endorsementCount,
    effectiveDate: state.effectiveDate,
    maturityDate: state.maturityDate,
  };
}
