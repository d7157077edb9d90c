/**
 * The policy view of DESIGN 3 (GET /v1/policies/{id} and gRPC GetPolicy), derived purely from the state: the
 * contract as in force on a business date (DESIGN 2.7: today by default, or `effectiveOn`), beside the recorded
 * status, with the endorsements scheduled after that date.
 */
import { checkDate } from '../input-checks';
import { type AgentSnapshot } from '../agent/agent-values';
import { laterOf, type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { type Money } from '../money';
import { type Jurisdiction } from '../rule-profiles';
import { type ProductVersion } from '../product/product';
import { contractOn } from './contract-on-date';
import { cashValueOrZero, payableStatusOf, type PayableStatus } from './payables';
import { loanDebtOn } from './policy-loans';
import { type RiderTerms } from './contract-terms';
import { installmentCount } from './premium-schedule';
import { lapseEligibleFrom, nextOpenInstallment } from './premium-installments';
import { isClosed, isIssued, type PolicyState, type WaiverRecord } from './policy-state';
import {
  type Beneficiary,
  type Party,
  type PayableKind,
  type Payee,
  type PaymentMethod,
  type PolicyStatus,
  type PremiumFrequency,
  type StatusByLaw,
  type SurvivalBenefitKind,
  type TerminationReason,
} from './policy-values';

/** An endorsement recorded with an effective date after the view's date: not yet part of the contract. */
interface ScheduledChangeView {
  readonly endorsementNo: string;
  readonly effectiveDate: BusinessDate;
  readonly kinds: readonly string[];
}

export interface PolicyView {
  readonly policyId: string;
  readonly revision: number;
  /** The business date the contract is shown as in force on. */
  readonly effectiveOn: BusinessDate;
  /** The recorded status (the last state-changing event). */
  readonly status: PolicyStatus;
  /** The status the law gives the contract on `effectiveOn` (DESIGN 2.7). */
  readonly statusByLaw: StatusByLaw;
  /** The day the suspension began, when `statusByLaw` is SUSPENDED. */
  readonly suspendedSince: BusinessDate | null;
  /** The termination reason for TERMINATED; null otherwise. */
  readonly statusReason: TerminationReason | null;
  readonly productCode: string;
  readonly currency: string;
  readonly jurisdiction: Jurisdiction;
  readonly policyholder: Party;
  readonly insured: Party;
  readonly beneficiaries: readonly Beneficiary[];
  readonly sumAssured: Money;
  /** Riders in force on `effectiveOn` (start ≤ date < end). */
  readonly riders: readonly RiderTerms[];
  readonly premium: {
    /** The base modal premium on `effectiveOn`. */
    readonly modalPremium: Money;
    /** What an installment due on `effectiveOn` costs: base + riders in force. */
    readonly installmentPremium: Money;
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
  readonly scheduledChanges: readonly ScheduledChangeView[];
  readonly effectiveDate: BusinessDate;
  readonly maturityDate: BusinessDate;
  /**
   * The cash value on `effectiveOn` (DESIGN 2.8); null while closed, without a product version, or when the view was
   * asked without the product.
   */
  readonly cashValue: Money | null;
  /** The automatic premium loan is elected (DESIGN 2.10). */
  readonly automaticPremiumLoan: boolean;
  /** The nonforfeiture option the policy was converted to (DESIGN 2.10); null otherwise. */
  readonly nonforfeiture: {
    readonly option: 'RPU' | 'ETI';
    readonly effectiveOn: BusinessDate;
    readonly sumAssured: Money;
    readonly coverEndsOn: BusinessDate | null;
  } | null;
  /** The policy loan account (DESIGN 2.10), with the debt on `effectiveOn`; null when no loan was ever granted. */
  readonly loan: {
    readonly balance: Money;
    readonly accruedInterest: Money;
    readonly debt: Money;
    readonly interestBasisPoints: number;
    readonly nextCapitalizationOn: BusinessDate | null;
    readonly loans: readonly { readonly loanNo: string; readonly amount: Money; readonly grantedOn: BusinessDate }[];
  } | null;
  /** What the insurer owes or owed on the policy (DESIGN 2.9), oldest first. */
  readonly payables: readonly {
    readonly payableId: string;
    readonly kind: PayableKind;
    readonly amount: Money;
    readonly payee: Payee;
    readonly dueBy: BusinessDate;
    readonly status: PayableStatus;
    /** DUE and past `dueBy` on `effectiveOn`. */
    readonly overdue: boolean;
    readonly paidOn: BusinessDate | null;
  }[];
}

interface PolicyViewOptions {
  /** Revision of the last event folded into the state. */
  readonly revision: number;
  /** The business date to show the contract on (the caller's today by default). */
  readonly effectiveOn: BusinessDate;
  /**
   * The servicing agent as the agent stream knows it (null: not registered; undefined: not looked up). The policy
   * stream cannot know it: a policy is orphaned while its agent is unknown or departed (DESIGN 2.5).
   */
  readonly servicingAgent?: AgentSnapshot | null;
  /**
   * The product version the policy was sold under (null: it records none; undefined: not looked up), for the cash
   * value.
   */
  readonly product?: ProductVersion | null;
}

/** @throws DomainError POLICY_NOT_FOUND for a stream that has no PolicyIssued. */
export function policyView(state: PolicyState, options: PolicyViewOptions): PolicyView {
  if (!isIssued(state)) throw new DomainError('POLICY_NOT_FOUND', 'The policy does not exist.');
  const { effectiveOn, servicingAgent } = options;
  checkDate(effectiveOn, 'effectiveOn');
  if (effectiveOn < state.effectiveDate) {
    throw new DomainError(
      'DATE_BEFORE_POLICY',
      `The policy took effect on ${state.effectiveDate}; it had no contract on ${effectiveOn}.`,
    );
  }
  const contract = contractOn(state, effectiveOn);
  const next = nextOpenInstallment(state);
  const agentGone = servicingAgent !== undefined && (servicingAgent === null || servicingAgent.status === 'DEPARTED');
  const scheduled = new Map<string, ScheduledChangeView>();
  for (const amendment of state.terms.amendments) {
    if (amendment.effectiveDate <= effectiveOn) continue;
    const earlier = scheduled.get(amendment.endorsementNo);
    scheduled.set(amendment.endorsementNo, {
      endorsementNo: amendment.endorsementNo,
      effectiveDate: amendment.effectiveDate,
      kinds: [...(earlier?.kinds ?? []), ...amendment.kinds],
    });
  }
  return {
    policyId: state.policyId,
    revision: options.revision,
    effectiveOn,
    status: state.status,
    statusByLaw: contract.statusByLaw,
    suspendedSince: contract.suspendedSince,
    statusReason: state.termination?.reason ?? null,
    productCode: state.productCode,
    currency: state.currency,
    jurisdiction: state.jurisdiction,
    policyholder: state.policyholder,
    insured: state.insured,
    beneficiaries: contract.terms.beneficiaries,
    sumAssured: contract.terms.sumAssured,
    riders: contract.ridersInForce,
    premium: {
      modalPremium: contract.terms.basePremium,
      installmentPremium: contract.installmentPremium,
      frequency: contract.terms.frequency,
      paymentTermYears: state.premium.paymentTermYears,
      paymentMethod: state.premium.paymentMethod,
      installmentCount: installmentCount(state.premium.schedule),
      paidInstallments: state.premium.paidInstallments,
      nextInstallment: next && { installmentNo: next.installmentNo, dueDate: next.dueDate, amount: next.amount },
      lapseEligibleFrom: lapseEligibleFrom(state),
      waiver: state.waiver,
    },
    servicing: {
      ...state.servicing,
      orphaned: (state.awaitingServicingAgent || agentGone) && !isClosed(state),
    },
    lapse: state.lapse && { lapsedOn: state.lapse.lapsedOn, reinstatementDeadline: state.lapse.reinstatementDeadline },
    survivalBenefits: state.survivalBenefits.map((benefit) => ({
      periodNo: benefit.periodNo,
      kind: benefit.kind,
      dueDate: benefit.dueDate,
      amount: benefit.amount,
      paidOn: benefit.payment?.paidOn ?? null,
    })),
    endorsementCount: state.endorsementCount,
    scheduledChanges: [...scheduled.values()],
    effectiveDate: state.effectiveDate,
    maturityDate: state.maturityDate,
    cashValue:
      options.product === undefined ||
      options.product === null ||
      isClosed(state) ||
      options.product.cashValuePpm.length === 0
        ? null
        : cashValueOrZero(state, options.product, effectiveOn),
    automaticPremiumLoan: state.automaticPremiumLoan,
    nonforfeiture: state.nonforfeiture,
    loan: state.loan && {
      balance: state.loan.balance,
      accruedInterest: state.loan.accruedInterest,
      debt: loanDebtOn(state, laterOf(effectiveOn, state.loan.accruedThrough)),
      interestBasisPoints: state.loan.interestBasisPoints,
      nextCapitalizationOn: state.loan.nextCapitalizationOn,
      loans: state.loan.loans,
    },
    payables: state.payables.map((payable) => {
      const status = payableStatusOf(payable);
      return {
        payableId: payable.payableId,
        kind: payable.kind,
        amount: payable.amount,
        payee: payable.payee,
        dueBy: payable.dueBy,
        status,
        overdue: status === 'DUE' && payable.dueBy < effectiveOn,
        paidOn: payable.payout?.paidOn ?? null,
      };
    }),
  };
}
