/**
 * Reading the stored states of earlier versions (projection_stream_revisions): the full folded domain state (v1) and
 * the short-keyed compact forms v2 and v3 that a hand-kept serialisation wrote, field by field, before the stored form
 * became the domain's own codec (projection-state.ts). Nothing writes these forms any more.
 *
 * A state read here is one a release of the same read-model layout wrote: fields the policy state gained since then
 * feed no read model of that layout (a read model derived from a new field changes the layout, and the tables are
 * rebuilt from the events, states included), so they are left out.
 */
import {
  addMonthsClamped,
  attachedRiders,
  latestTerms,
  RULE_PROFILES,
  type DeliveryOutcome,
  type IssuedPolicy,
  type Jurisdiction,
  type LapseRecord,
  type Party,
  type PolicyStatus,
  type PremiumFrequency,
  type ReminderKind,
  type SurvivalBenefitKind,
  type TerminationRecord,
  type TermsAmendment,
  type TermsHistory,
  type WaiverRecord,
} from '@lib/policy-domain';

const NO_PARTY: Party = Object.freeze({ name: '', gender: 'M', birthDate: '', idType: 'OTHER', idNumber: '' });
const NO_PAYMENT_METHOD = Object.freeze({ type: 'CASH' as const });
const NO_LIST: readonly never[] = Object.freeze([]);

function latestRiders(terms: TermsHistory) {
  return attachedRiders(latestTerms(terms));
}

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

/**
 * Version 3 of a stored policy state (version 1 was the full domain state; version 2 had no `th`, `aw`, and a
 * 5-entry `rp`). Money is in the policy's currency.
 */
export interface LegacyStoredPolicy {
  readonly v: 2 | 3;
  readonly c: 'p';
  readonly id: string;
  readonly st: PolicyStatus;
  readonly pc: string;
  /** The product version (absent in states stored before it existed: null). */
  readonly pv?: number | null;
  readonly cu: string;
  readonly j: Jurisdiction;
  /**
   * graceDays, overdueNoticeDays, reinstatementWindowYears, reinstatementInterestBasisPoints, waiverWaitingDays, then
   * (v3) noticeShortensGrace as 0/1, contestableYears, rescissionKnowledgeDays.
   */
  readonly rp: [number, number | null, number, number, number, (0 | 1)?, number?, (number | null)?];
  /** v3: the terms history without beneficiaries. */
  readonly th?: TermsHistory;
  /** v3: awaiting a servicing agent after a transfer (1) or not (0). */
  readonly aw?: 0 | 1;
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
  readonly tm: (Pick<TerminationRecord, 'terminatedOn' | 'reason'> & Partial<TerminationRecord>) | null;
  readonly mt: { readonly maturityDate: string; readonly paidOn: string } | null;
}

function encodePolicy(policy: IssuedPolicy): LegacyStoredPolicy {
  const { ruleProfile: rules, premium } = policy;
  const { schedule } = premium;
  return {
    v: 3,
    c: 'p',
    id: policy.policyId,
    st: policy.status,
    pc: policy.productCode,
    pv: policy.productVersion ?? null,
    cu: policy.currency,
    j: policy.jurisdiction,
    rp: [
      rules.graceDays,
      rules.overdueNoticeDays,
      rules.reinstatementWindowYears,
      rules.reinstatementInterestBasisPoints,
      rules.waiverWaitingDays,
      rules.noticeShortensGrace ? 1 : 0,
      rules.contestableYears,
      rules.rescissionKnowledgeDays,
    ],
    // A full folded state stored by an earlier version has no terms history: decoding derives it from `sc`.
    th: policy.terms === undefined ? undefined : termsWithoutBeneficiaries(policy.terms),
    aw: policy.awaitingServicingAgent ? 1 : 0,
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

function termsWithoutBeneficiaries(terms: TermsHistory): TermsHistory {
  return {
    atIssue: { ...terms.atIssue, beneficiaries: NO_LIST },
    amendments: terms.amendments.map((amendment) => {
      const { beneficiaries: _beneficiaries, ...kept } = amendment;
      return kept;
    }),
  };
}

/**
 * A v2 state kept only the schedule: its segments and the base premium rates in the order they were recorded (the
 * last applicable one won; riders were not billed). The terms history they imply, one amendment per date.
 */
function termsOfV2Schedule(stored: LegacyStoredPolicy): TermsHistory {
  const currency = stored.cu;
  const [, segments, rates] = stored.sc;
  const baseOn = (date: string): number => {
    let amount = rates[0]![1];
    for (const [from, rate] of rates) if (from <= date) amount = rate;
    return amount;
  };
  const frequencyFrom = new Map(
    segments.slice(1).map(([, months, frequency]) => [addMonthsClamped(stored.ed, months), frequency] as const),
  );
  const dates = [...new Set([...frequencyFrom.keys(), ...rates.slice(1).map(([from]) => from)])].sort();
  return {
    atIssue: {
      sumAssured: { amount: stored.sa, currency },
      frequency: segments[0]![2],
      basePremium: { amount: rates[0]![1], currency },
      riders: NO_LIST,
      beneficiaries: NO_LIST,
    },
    amendments: dates.map((effectiveDate): TermsAmendment => {
      const frequency = frequencyFrom.get(effectiveDate);
      return {
        endorsementNo: '',
        effectiveDate,
        premiumAffecting: true,
        kinds: [],
        basePremium: { amount: baseOn(effectiveDate), currency },
        ...(frequency === undefined ? {} : { frequency }),
      };
    }),
  };
}

/** A v2 or v3 compact state. */
export function decodeLegacyPolicy(stored: LegacyStoredPolicy): IssuedPolicy {
  const currency = stored.cu;
  const money = (amount: number) => ({ amount, currency });
  const [
    graceDays,
    overdueNoticeDays,
    reinstatementWindowYears,
    reinstatementInterestBasisPoints,
    waiverWaitingDays,
    noticeShortensGrace,
    contestableYears,
    rescissionKnowledgeDays,
  ] = stored.rp;
  const law = RULE_PROFILES[stored.j];
  const terms = stored.th ?? termsOfV2Schedule(stored);
  const [modalPremium, frequency, paymentTermYears, paidInstallments] = stored.pr;
  const [schedulePaymentTermYears, segments, rates] = stored.sc;
  const [branchCode, region, agentId] = stored.sv;
  const known: Partial<IssuedPolicy> = {
    status: stored.st,
    policyId: stored.id,
    productCode: stored.pc,
    productVersion: stored.pv ?? null,
    currency,
    jurisdiction: stored.j,
    ruleProfile: {
      jurisdiction: stored.j,
      graceDays,
      overdueNoticeDays,
      reinstatementWindowYears,
      reinstatementInterestBasisPoints,
      waiverWaitingDays,
      // Before v3 (and in full states of earlier versions) these were not recorded: the PolicyIssued v1 upcaster's
      // reading applies — no notice rule agreed, the jurisdiction's rescission limits.
      noticeShortensGrace: noticeShortensGrace === 1,
      contestableYears: typeof contestableYears === 'number' ? contestableYears : law.contestableYears,
      rescissionKnowledgeDays:
        typeof contestableYears === 'number' ? (rescissionKnowledgeDays ?? null) : law.rescissionKnowledgeDays,
    },
    policyholder: NO_PARTY,
    insured: NO_PARTY,
    beneficiaries: NO_LIST,
    beneficiaryDesignation: null,
    sumAssured: money(stored.sa),
    riders: terms.atIssue.riders.length === 0 && terms.amendments.length === 0 ? NO_LIST : latestRiders(terms),
    terms,
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
    waiver: stored.wv === null ? null : { ...stored.wv, refund: stored.wv.refund ?? null },
    // Every lapse before loans could lapse a policy was for an unpaid premium.
    lapse: stored.lp === null ? null : { ...stored.lp, cause: 'PREMIUM_UNPAID' },
    // No row shows the suspension history (the status by law is a query of the policy's own events).
    recordedLapses: NO_LIST,
    reinstatementCount: stored.rc,
    servicing: { branchCode, region, agentId },
    awaitingServicingAgent: stored.aw === 1,
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
    termination:
      stored.tm === null
        ? null
        : {
            terminatedOn: stored.tm.terminatedOn,
            reason: stored.tm.reason,
            ground: stored.tm.ground ?? null,
            groundKnownOn: stored.tm.groundKnownOn ?? null,
            refund: stored.tm.refund ?? null,
          },
    maturity: stored.mt,
    // No row shows it (only the free look, a command on the policy's own events, reads it).
    delivery: null,
    // No row shows it; only TerminatePolicy checks it, on the policy's own events.
    lastTransactionDate: stored.ed,
    // Stored before payables, loans and the automatic premium loan existed: there were none.
    payables: NO_LIST,
    loan: null,
    automaticPremiumLoan: false,
    nonforfeiture: null,
  };
  // The fields of the state as the writing release knew it (see the file comment).
  return known as IssuedPolicy;
}

/** A full folded state stored by v1, as the v3 compact state it reads as. */
export function compactLegacyFullState(policy: IssuedPolicy): IssuedPolicy {
  return decodeLegacyPolicy(encodePolicy(policy));
}
