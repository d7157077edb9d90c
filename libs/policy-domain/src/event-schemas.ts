/**
 * Stored event schemas: every event type's current version and the upcasters from older versions. Stored type names
 * are the plain event types; the version travels in the event metadata (`schemaVersion`).
 *
 * History:
 * - PremiumReminderSent v2 added `kind` (PRE_DUE | OVERDUE_NOTICE) when the statutory overdue-notice rule
 *   (PRC Insurance Law art. 36) was introduced. v1 reminders were courtesy reminders that never started a notice
 *   period, so they read as PRE_DUE: replaying them can never shorten a grace period after the fact.
 * - PolicyIssued v2 added `noticeShortensGrace`, `contestableYears` and `rescissionKnowledgeDays` to the rule
 *   profile. A v1 policy was never sold with the 30-day notice rule agreed in its contract (art. 36 applies it only
 *   "where the contract says so"), so it reads as false; the rescission limits are the law of its jurisdiction.
 * - PolicyIssued v3 added `productVersion`, the catalogue version the policy was sold under (DESIGN 2.8). A v2 policy
 *   was sold before the catalogue existed and reads as null: it keeps working and has no cash value.
 * - ContractChanged v2: PREMIUM_FREQUENCY may carry `riderPremiums`. A v1 change has none (riders were not billed).
 * - PremiumWaived v2 added `refund` (prepaid installments the waiver covers); v1 reads as null.
 * - PolicyTerminated v2 added `ground`, `groundKnownOn` and `refund`; v1 reads with all three null.
 * - Payables (DESIGN 2.9): ContractChanged v3 added `payables` (a sum-assured decrease's partial surrender),
 *   PremiumWaived v3 and PolicyTerminated v3 added `payable` (the refund, tracked to its payout), and
 *   ScheduledChangeCancelled v2 added `withdrawnPayables`. Older events read with none: a refund recorded before
 *   payables existed keeps its amount (`refund`) but was settled outside the system, so no payable is made up for it.
 * - SurvivalBenefitPaid v2 added `loanDeduction` and `loanSettlement` (DESIGN 2.10: the loan debt is deducted from a
 *   benefit); v1 reads with nothing deducted.
 * - PolicyIssued v4 added `automaticPremiumLoan` (elected at issue, DESIGN 2.10); v3 reads as false. ContractChanged
 *   v4 added the APL_ELECTION change kind (a v3 change is a valid v4 change). ContractChanged v5 added `loanSettlement`
 *   (a partial surrender repays its share of the loan); v4 reads with none.
 * - PolicyLapsed v2 added `cause` (PREMIUM_UNPAID or LOAN_EXCEEDS_CASH_VALUE, DESIGN 2.10; a loan lapse has no
 *   installment); v1 reads as PREMIUM_UNPAID.
 * - PolicyTransferred v2 added `awaitingAgent`: a transfer without a target agent now orphans the policy in the new
 *   branch. A v1 transfer without one kept the old agent — that is what happened then — so it reads as false.
 */
import { createEventCodec, type EventCodec, type EventSchemas, type JsonObject } from '@lib/event-sourcing';
import { type AgentEvent, type AgentEventType } from './agent/agent-events';
import { isJurisdiction, RULE_PROFILES } from './rule-profiles';
import { type PolicyEvent, type PolicyEventType } from './policy/policy-events';
import { type ProductEvent, type ProductEventType } from './product/product';

/** PremiumReminderSent v1 → v2: a reminder without `kind` was a PRE_DUE reminder. */
function upcastPremiumReminderSentV1(data: JsonObject): JsonObject {
  return { ...data, kind: 'PRE_DUE' };
}

/** PolicyIssued v1 → v2: the notice rule was never agreed; rescission limits are the jurisdiction's law. */
function upcastPolicyIssuedV1(data: JsonObject): JsonObject {
  const ruleProfile = (data.ruleProfile ?? {}) as JsonObject;
  const law = RULE_PROFILES[isJurisdiction(data.jurisdiction) ? data.jurisdiction : 'CN'];
  return {
    ...data,
    ruleProfile: {
      ...ruleProfile,
      noticeShortensGrace: false,
      contestableYears: law.contestableYears,
      rescissionKnowledgeDays: law.rescissionKnowledgeDays,
    },
  };
}

/** PolicyIssued v2 → v3: sold before the product catalogue existed, so under no recorded version. */
function upcastPolicyIssuedV2(data: JsonObject): JsonObject {
  return { ...data, productVersion: null };
}

/** PolicyIssued v3 → v4: sold before the automatic premium loan could be elected at issue. */
function upcastPolicyIssuedV3(data: JsonObject): JsonObject {
  return { ...data, automaticPremiumLoan: false };
}

/** ContractChanged v3 → v4: every v3 change is a valid v4 change (APL_ELECTION is a new kind). */
function upcastContractChangedV3(data: JsonObject): JsonObject {
  return data;
}

/** ContractChanged v4 → v5: no partial surrender repaid a loan before loans were netted (DESIGN 2.10). */
function upcastContractChangedV4(data: JsonObject): JsonObject {
  return { ...data, loanSettlement: null };
}

/** ContractChanged v1 → v2: the shape of every v1 change is a valid v2 change (riderPremiums is optional). */
function upcastContractChangedV1(data: JsonObject): JsonObject {
  return data;
}

/** PremiumWaived v1 → v2: a v1 waiver covered only unpaid installments, so it refunds nothing. */
function upcastPremiumWaivedV1(data: JsonObject): JsonObject {
  return { ...data, refund: null };
}

/** ContractChanged v2 → v3, PremiumWaived and PolicyTerminated v2 → v3: recorded before payables existed. */
function upcastWithoutPayables(data: JsonObject): JsonObject {
  return { ...data, payables: [] };
}
function upcastWithoutPayable(data: JsonObject): JsonObject {
  return { ...data, payable: null };
}

/** ScheduledChangeCancelled v1 → v2: no change could create a payable then. */
function upcastScheduledChangeCancelledV1(data: JsonObject): JsonObject {
  return { ...data, withdrawnPayables: [] };
}

/** SurvivalBenefitPaid v1 → v2: paid before policy loans existed, so nothing was deducted. */
function upcastSurvivalBenefitPaidV1(data: JsonObject): JsonObject {
  const amount = (data.amount ?? {}) as JsonObject;
  return { ...data, loanDeduction: { amount: 0, currency: amount.currency ?? 'CNY' }, loanSettlement: null };
}

/** PolicyLapsed v1 → v2: every v1 lapse was for an unpaid premium. */
function upcastPolicyLapsedV1(data: JsonObject): JsonObject {
  return { ...data, cause: 'PREMIUM_UNPAID' };
}

/** PolicyTransferred v1 → v2: the policy kept its agent (the rule when it was recorded). */
function upcastPolicyTransferredV1(data: JsonObject): JsonObject {
  return { ...data, awaitingAgent: false };
}

/** PolicyTerminated v1 → v2: no ground, no refund recorded. */
function upcastPolicyTerminatedV1(data: JsonObject): JsonObject {
  return { ...data, ground: null, groundKnownOn: null, refund: null };
}

export const policyEventSchemas: EventSchemas<PolicyEventType> = {
  PolicyIssued: {
    currentVersion: 4,
    upcasters: { 1: upcastPolicyIssuedV1, 2: upcastPolicyIssuedV2, 3: upcastPolicyIssuedV3 },
  },
  ContractChanged: {
    currentVersion: 5,
    upcasters: {
      1: upcastContractChangedV1,
      2: upcastWithoutPayables,
      3: upcastContractChangedV3,
      4: upcastContractChangedV4,
    },
  },
  BeneficiariesChanged: { currentVersion: 1 },
  PremiumReminderSent: { currentVersion: 2, upcasters: { 1: upcastPremiumReminderSentV1 } },
  PremiumReminderDeliveryRecorded: { currentVersion: 1 },
  PremiumPaid: { currentVersion: 1 },
  PolicyLapsed: { currentVersion: 2, upcasters: { 1: upcastPolicyLapsedV1 } },
  PremiumWaived: { currentVersion: 3, upcasters: { 1: upcastPremiumWaivedV1, 2: upcastWithoutPayable } },
  PolicyReinstated: { currentVersion: 1 },
  PolicyTransferred: { currentVersion: 2, upcasters: { 1: upcastPolicyTransferredV1 } },
  SurvivalBenefitPaid: { currentVersion: 2, upcasters: { 1: upcastSurvivalBenefitPaidV1 } },
  PolicyMatured: { currentVersion: 1 },
  OrphanPolicyReassigned: { currentVersion: 1 },
  PolicyTerminated: { currentVersion: 3, upcasters: { 1: upcastPolicyTerminatedV1, 2: upcastWithoutPayable } },
  ScheduledChangeCancelled: { currentVersion: 2, upcasters: { 1: upcastScheduledChangeCancelledV1 } },
  PolicyDelivered: { currentVersion: 1 },
  PolicyCancelledInFreeLook: { currentVersion: 1 },
  PolicySurrendered: { currentVersion: 1 },
  PayoutMade: { currentVersion: 1 },
  PolicyLoanGranted: { currentVersion: 1 },
  PolicyLoanRepaid: { currentVersion: 1 },
  PolicyLoanInterestCapitalized: { currentVersion: 1 },
  AutomaticPremiumLoanApplied: { currentVersion: 1 },
  PolicyConvertedToReducedPaidUp: { currentVersion: 1 },
  PolicyConvertedToExtendedTerm: { currentVersion: 1 },
  LoanWarningSent: { currentVersion: 1 },
};

export const productEventSchemas: EventSchemas<ProductEventType> = {
  ProductVersionPublished: { currentVersion: 1 },
};

export const agentEventSchemas: EventSchemas<AgentEventType> = {
  AgentRegistered: { currentVersion: 1 },
  AgentDeparted: { currentVersion: 1 },
};

export const POLICY_EVENT_TYPES = Object.keys(policyEventSchemas) as PolicyEventType[];
export const AGENT_EVENT_TYPES = Object.keys(agentEventSchemas) as AgentEventType[];

export const policyEventCodec: EventCodec<PolicyEvent> = createEventCodec<PolicyEvent>(policyEventSchemas);
export const agentEventCodec: EventCodec<AgentEvent> = createEventCodec<AgentEvent>(agentEventSchemas);
export const productEventCodec: EventCodec<ProductEvent> = createEventCodec<ProductEvent>(productEventSchemas);
