/**
 * The per-stream state the projections keep between events, and its stored form (projection_stream_revisions).
 *
 * A policy's full domain state carries parties, beneficiaries, disclosures and the whole payment and reminder
 * history: ~3 KB of JSON that grows with every installment, although no read model ever reads most of it. The
 * projection keeps the domain state less a short denylist of what grows or is large and that no row is derived from,
 * still as an `IssuedPolicy`, so the domain's own `evolvePolicy` and rule functions (schedule, next open installment,
 * lapse-eligible date) keep doing the work:
 *
 * - payments are dropped once projected: a paid installment's row is final when it is paid (payments settle the
 *   next unpaid installment, `paidInstallments` only grows, and a frequency change is refused when installments after
 *   the anniversary are paid in advance), so no later event re-derives it (see `projectPolicyEvent`);
 * - reminders of paid installments are dropped for the same reason; the ones of open installments stay (their counts,
 *   and the overdue notices that bring the lapse date forward);
 * - the parties, beneficiaries (also in the terms history), their designation, disclosures, the payment method and the
 *   suspension history are replaced by neutral values.
 *
 * Every other field is kept as the domain has it, so a new state field reaches the projection with no change here.
 * The terms history (terms at issue and every amendment) stays: a later contract change or cancellation re-derives
 * the premium schedule from it. So the state is bounded by the open installments and the contract, not by the
 * policy's age.
 *
 * The stored form is the domain's codec of that state (policy-state-codec.ts) less the neutral fields, which reading
 * puts back: a state served from memory and one loaded from the table are equal and project the same rows. States
 * stored by earlier versions (the full folded domain state, the v2/v3 short-keyed forms) are read by
 * legacy-projection-state.ts.
 */
import {
  decodePolicyState,
  encodePolicyState,
  type AgentState,
  type IssuedPolicy,
  type Party,
  type PolicyState,
  type PolicyStateData,
  type TermsHistory,
} from '@lib/policy-domain';
import { compactLegacyFullState, decodeLegacyPolicy, type LegacyStoredPolicy } from './legacy-projection-state';

/** The per-stream context projections need: the (compact) policy state, or the agent state. */
export type FoldedState =
  | { readonly category: 'policy'; readonly state: PolicyState }
  | { readonly category: 'agent'; readonly state: AgentState };

const NO_PARTY: Party = Object.freeze({ name: '', gender: 'M', birthDate: '', idType: 'OTHER', idNumber: '' });
const NO_LIST: readonly never[] = Object.freeze([]);

/** The denylist: fields no row is derived from, with the neutral value the compact state holds instead. */
const NOT_PROJECTED = Object.freeze({
  policyholder: NO_PARTY,
  insured: NO_PARTY,
  beneficiaries: NO_LIST,
  beneficiaryDesignation: null,
  disclosures: NO_LIST,
  recordedLapses: NO_LIST,
}) satisfies Partial<IssuedPolicy>;

const NOT_PROJECTED_PREMIUM = Object.freeze({
  paymentMethod: Object.freeze({ type: 'CASH' as const }),
  payments: NO_LIST,
}) satisfies Partial<IssuedPolicy['premium']>;

/**
 * The policy state without what no read model is derived from (see the file comment). Cheap on a state that is
 * already compact (the projection compacts after every event): what needs no change keeps its object.
 */
export function compactPolicyState(policy: IssuedPolicy): IssuedPolicy {
  const paid = policy.premium.paidInstallments;
  const reminders = policy.reminders.some((reminder) => reminder.installmentNo <= paid)
    ? policy.reminders.filter((reminder) => reminder.installmentNo > paid)
    : policy.reminders;
  return {
    ...policy,
    ...NOT_PROJECTED,
    terms: termsWithoutBeneficiaries(policy.terms),
    premium: { ...policy.premium, ...NOT_PROJECTED_PREMIUM },
    reminders,
  };
}

function termsWithoutBeneficiaries(terms: TermsHistory): TermsHistory {
  const { atIssue, amendments } = terms;
  if (atIssue.beneficiaries.length === 0 && amendments.every((amendment) => amendment.beneficiaries === undefined)) {
    return terms;
  }
  return {
    atIssue: { ...atIssue, beneficiaries: NO_LIST },
    amendments: amendments.map((amendment) => {
      if (amendment.beneficiaries === undefined) return amendment;
      const { beneficiaries: _beneficiaries, ...kept } = amendment;
      return kept;
    }),
  };
}

// ---- Stored form ----

type StoredPolicyData = Omit<PolicyStateData, keyof typeof NOT_PROJECTED | 'premium'> & {
  readonly premium: Omit<PolicyStateData['premium'], keyof typeof NOT_PROJECTED_PREMIUM>;
};

/** Version 4: the domain's codec of the compact state, less the neutral fields (1–3: legacy-projection-state.ts). */
interface StoredPolicy {
  readonly v: 4;
  readonly c: 'p';
  readonly s: StoredPolicyData;
}

interface StoredOther {
  readonly v: 2;
  readonly c: 'n' | 'a';
  /** The not-issued policy state, or the agent state (a handful of fields). */
  readonly s: PolicyState | AgentState;
}

function without<T extends object, K extends string>(object: T, keys: Readonly<Record<K, unknown>>): Omit<T, K> {
  // Built field by field rather than copied and `delete`d: an object that lost fields serialises several times slower.
  const kept: Record<string, unknown> = {};
  for (const key in object) if (!Object.hasOwn(keys, key)) kept[key] = object[key];
  return kept as Omit<T, K>;
}

function encodePolicy(policy: IssuedPolicy): StoredPolicy {
  const data = encodePolicyState(compactPolicyState(policy));
  return {
    v: 4,
    c: 'p',
    s: { ...without(data, NOT_PROJECTED), premium: without(data.premium, NOT_PROJECTED_PREMIUM) },
  };
}

function decodePolicy(stored: StoredPolicyData): IssuedPolicy {
  return decodePolicyState({
    ...stored,
    ...NOT_PROJECTED,
    premium: { ...stored.premium, ...NOT_PROJECTED_PREMIUM },
  });
}

/** The stored form of a stream's state (compact JSON). */
export function encodeStreamState(folded: FoldedState): string {
  if (folded.category === 'agent') return JSON.stringify({ v: 2, c: 'a', s: folded.state } satisfies StoredOther);
  const state = folded.state;
  if (state.status === 'NOT_ISSUED') return JSON.stringify({ v: 2, c: 'n', s: state } satisfies StoredOther);
  return JSON.stringify(encodePolicy(state));
}

/** Reads a stored state: the compact form, or a form earlier versions stored (legacy-projection-state.ts). */
export function decodeStreamState(text: string): FoldedState {
  const stored = JSON.parse(text) as StoredPolicy | LegacyStoredPolicy | StoredOther | FoldedState;
  if ('category' in stored) {
    if (stored.category === 'agent' || stored.state.status === 'NOT_ISSUED') return stored;
    return { category: 'policy', state: compactLegacyFullState(stored.state as IssuedPolicy) };
  }
  switch (stored.c) {
    case 'p':
      return { category: 'policy', state: stored.v === 4 ? decodePolicy(stored.s) : decodeLegacyPolicy(stored) };
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
