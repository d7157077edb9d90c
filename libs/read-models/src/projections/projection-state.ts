/**
 * The per-stream state the projections keep between events, and its stored form (projection_stream_revisions).
 *
 * A policy's full domain state carries parties, beneficiaries, riders, disclosures and the whole payment and reminder
 * history: ~3 KB of JSON that grows with every installment, although no read model ever reads most of it. The
 * projection keeps only what its rows are derived from, still as an `IssuedPolicy` so the domain's own `evolvePolicy`
 * and rule functions (schedule, next open installment, lapse-eligible date) keep doing the work:
 *
 * - payments are dropped once projected: a paid installment's row is final when it is paid (payments settle the
 *   next unpaid installment, `paidInstallments` only grows, and a frequency change is refused when installments after
 *   the anniversary are paid in advance), so no later event re-derives it (see `projectPolicyEvent`);
 * - reminders of paid installments are dropped for the same reason; the ones of open installments stay (their counts,
 *   and the overdue notices that bring the lapse date forward);
 * - parties, beneficiaries, riders, disclosures, the payment method and other facts no row shows are replaced by
 *   neutral placeholders.
 *
 * So the state is bounded by the open installments and the benefit plan, not by the policy's age. The stored form is
 * a short-keyed JSON object (a few hundred bytes); states written by earlier versions (the full folded domain state)
 * are still read and compacted.
 */
import {
  type AgentState,
  type IssuedPolicy,
  type Jurisdiction,
  type LapseRecord,
  type Party,
  type PolicyState,
  type PolicyStatus,
  type PremiumFrequency,
  type ReminderKind,
  type DeliveryOutcome,
  type SurvivalBenefitKind,
  type TerminationReason,
  type WaiverRecord,
} from '@lib/policy-domain';

/** The per-stream context projections need: the (compact) policy state, or the agent state. */
export type FoldedState =
  | { readonly category: 'policy'; readonly state: PolicyState }
  | { readonly category: 'agent'; readonly state: AgentState };

/** What the store keeps per stream (projection_stream_revisions): the last applied revision and the state after it. */
export interface StreamProgress {
  readonly revision: number;
  readonly folded: FoldedState;
}

const NO_PARTY: Party = Object.freeze({ name: '', gender: 'M', birthDate: '', idType: 'OTHER', idNumber: '' });
const NO_PAYMENT_METHOD = Object.freeze({ type: 'CASH' as const });
const NO_LIST: readonly never[] = Object.freeze([]);

/**
 * The policy state without what no read model is derived from (see the file comment). It is exactly what its stored
 * form reads back as, so a state served from memory and one loaded from the table always project the same rows.
 */
export function compactPolicyState(policy: IssuedPolicy): IssuedPolicy {
  return decodePolicy(encodePolicy(policy));
}

// ---- Stored form ----

type StoredReminder = [
  reminderId: string,
  installmentNo: number,
  dueDate: string,
  kind: ReminderKind,
  sentOn: string,
  outcome: DeliveryOutcome | null,
  recordedOn: string | null,
];

type StoredBenefit = [
  periodNo: number,
  kind: SurvivalBenefitKind,
  dueDate: string,
  amount: number,
  paidOn: string | null,
  paymentRef: string | null,
  payeeName: string | null,
];

/** Version 2 of a stored policy state (version 1 was the full domain state). Money is in the policy's currency. */
interface StoredPolicy {
  readonly v: 2;
  readonly c: 'p';
  readonly id: string;
  readonly st: PolicyStatus;
  readonly pc: string;
  readonly cu: string;
  readonly j: Jurisdiction;
  /** graceDays, overdueNoticeDays, reinstatementWindowYears, reinstatementInterestBasisPoints, waiverWaitingDays. */
  readonly rp: [number, number | null, number, number, number];
  readonly sa: number;
  /** modalPremium, frequency, paymentTermYears, paidInstallments. */
  readonly pr: [number, PremiumFrequency, number, number];
  /** Schedule: paymentTermYears, segments [firstInstallmentNo, monthsFromEffective, frequency], rates [from, amount]. */
  readonly sc: [number, [number, number, PremiumFrequency][], [string, number][]];
  readonly rm: StoredReminder[];
  readonly wv: WaiverRecord | null;
  readonly lp: LapseRecord | null;
  readonly rc: number;
  /** branchCode, region, agentId. */
  readonly sv: [string, string, string];
  readonly sb: StoredBenefit[];
  readonly ec: number;
  readonly ed: string;
  readonly md: string;
  readonly tm: { readonly terminatedOn: string; readonly reason: TerminationReason } | null;
  readonly mt: { readonly maturityDate: string; readonly paidOn: string } | null;
}

interface StoredOther {
  readonly v: 2;
  readonly c: 'n' | 'a';
  /** The not-issued policy state, or the agent state (a handful of fields). */
  readonly s: PolicyState | AgentState;
}

function encodePolicy(policy: IssuedPolicy): StoredPolicy {
  const { ruleProfile: rules, premium } = policy;
  const { schedule } = premium;
  return {
    v: 2,
    c: 'p',
    id: policy.policyId,
    st: policy.status,
    pc: policy.productCode,
    cu: policy.currency,
    j: policy.jurisdiction,
    rp: [
      rules.graceDays,
      rules.overdueNoticeDays,
      rules.reinstatementWindowYears,
      rules.reinstatementInterestBasisPoints,
      rules.waiverWaitingDays,
    ],
    sa: policy.sumAssured.amount,
    pr: [premium.modalPremium.amount, premium.frequency, premium.paymentTermYears, premium.paidInstallments],
    sc: [
      schedule.paymentTermYears,
      schedule.segments.map((segment) => [segment.firstInstallmentNo, segment.monthsFromEffective, segment.frequency]),
      schedule.rates.map((rate) => [rate.effectiveFrom, rate.modalPremium.amount]),
    ],
    rm: policy.reminders
      .filter((reminder) => reminder.installmentNo > premium.paidInstallments)
      .map((reminder) => [
        reminder.reminderId,
        reminder.installmentNo,
        reminder.dueDate,
        reminder.kind,
        reminder.sentOn,
        reminder.delivery?.outcome ?? null,
        reminder.delivery?.recordedOn ?? null,
      ]),
    wv: policy.waiver,
    lp: policy.lapse,
    rc: policy.reinstatementCount,
    sv: [policy.servicing.branchCode, policy.servicing.region, policy.servicing.agentId],
    sb: policy.survivalBenefits.map((benefit) => [
      benefit.periodNo,
      benefit.kind,
      benefit.dueDate,
      benefit.amount.amount,
      benefit.payment?.paidOn ?? null,
      benefit.payment?.paymentRef ?? null,
      benefit.payment?.payee.name ?? null,
    ]),
    ec: policy.endorsementCount,
    ed: policy.effectiveDate,
    md: policy.maturityDate,
    tm: policy.termination,
    mt: policy.maturity,
  };
}

function decodePolicy(stored: StoredPolicy): IssuedPolicy {
  const currency = stored.cu;
  const money = (amount: number) => ({ amount, currency });
  const [graceDays, overdueNoticeDays, reinstatementWindowYears, reinstatementInterestBasisPoints, waiverWaitingDays] =
    stored.rp;
  const [modalPremium, frequency, paymentTermYears, paidInstallments] = stored.pr;
  const [schedulePaymentTermYears, segments, rates] = stored.sc;
  const [branchCode, region, agentId] = stored.sv;
  return {
    status: stored.st,
    policyId: stored.id,
    productCode: stored.pc,
    currency,
    jurisdiction: stored.j,
    ruleProfile: {
      jurisdiction: stored.j,
      graceDays,
      overdueNoticeDays,
      reinstatementWindowYears,
      reinstatementInterestBasisPoints,
      waiverWaitingDays,
    },
    policyholder: NO_PARTY,
    insured: NO_PARTY,
    beneficiaries: NO_LIST,
    beneficiaryDesignation: null,
    sumAssured: money(stored.sa),
    riders: NO_LIST,
    premium: {
      modalPremium: money(modalPremium),
      frequency,
      paymentTermYears,
      paymentMethod: NO_PAYMENT_METHOD,
      schedule: {
        effectiveDate: stored.ed,
        paymentTermYears: schedulePaymentTermYears,
        segments: segments.map(([firstInstallmentNo, monthsFromEffective, segmentFrequency]) => ({
          firstInstallmentNo,
          monthsFromEffective,
          frequency: segmentFrequency,
        })),
        rates: rates.map(([effectiveFrom, amount]) => ({ effectiveFrom, modalPremium: money(amount) })),
      },
      paidInstallments,
      payments: NO_LIST,
    },
    reminders:
      stored.rm.length === 0
        ? NO_LIST
        : stored.rm.map(([reminderId, installmentNo, dueDate, kind, sentOn, outcome, recordedOn]) => ({
            reminderId,
            installmentNo,
            dueDate,
            // No row shows a reminder's amount or channel.
            amount: money(0),
            kind,
            channel: 'LETTER' as const,
            sentOn,
            delivery: outcome === null ? null : { outcome, recordedOn: recordedOn! },
          })),
    waiver: stored.wv,
    lapse: stored.lp,
    reinstatementCount: stored.rc,
    servicing: { branchCode, region, agentId },
    survivalBenefits: stored.sb.map(([periodNo, kind, dueDate, amount, paidOn, paymentRef, payeeName]) => ({
      periodNo,
      kind,
      dueDate,
      amount: money(amount),
      payment:
        paidOn === null
          ? null
          : { paidOn, paymentRef: paymentRef!, payee: { name: payeeName!, accountRef: '' }, lifeConfirmationRef: '' },
    })),
    benefitOption: null,
    disclosures: NO_LIST,
    endorsementCount: stored.ec,
    effectiveDate: stored.ed,
    maturityDate: stored.md,
    termination: stored.tm,
    maturity: stored.mt,
  };
}

/** The stored form of a stream's state (compact JSON). */
export function encodeStreamState(folded: FoldedState): string {
  if (folded.category === 'agent') return JSON.stringify({ v: 2, c: 'a', s: folded.state } satisfies StoredOther);
  const state = folded.state;
  if (state.status === 'NOT_ISSUED') return JSON.stringify({ v: 2, c: 'n', s: state } satisfies StoredOther);
  return JSON.stringify(encodePolicy(state));
}

/** Reads a stored state: the compact form, or the full folded state that earlier versions stored (compacted). */
export function decodeStreamState(text: string): FoldedState {
  const stored = JSON.parse(text) as StoredPolicy | StoredOther | FoldedState;
  if ('category' in stored) {
    if (stored.category === 'agent' || stored.state.status === 'NOT_ISSUED') return stored;
    return { category: 'policy', state: compactPolicyState(stored.state as IssuedPolicy) };
  }
  switch (stored.c) {
    case 'p':
      return { category: 'policy', state: decodePolicy(stored) };
    case 'n':
      return { category: 'policy', state: stored.s as PolicyState };
    case 'a':
      return { category: 'agent', state: stored.s as AgentState };
    default: {
      const _exhaustive: never = stored;
      throw new Error(`Unknown stored stream state ${JSON.stringify(_exhaustive)}`);
    }
  }
}
