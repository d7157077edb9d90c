/**
 * Stored event schemas: every event type's current version and the upcasters from older versions. Stored type names
 * are the plain event types; the version travels in the event metadata (`schemaVersion`).
 *
 * History:
 * - PremiumReminderSent v2 added `kind` (PRE_DUE | OVERDUE_NOTICE) when the statutory overdue-notice rule
 *   (PRC Insurance Law art. 36) was introduced. v1 reminders were courtesy reminders that never started a notice
 *   period, so they read as PRE_DUE: replaying them can never shorten a grace period after the fact.
 */
import { createEventCodec, type EventCodec, type EventSchemas, type JsonObject } from '@lib/event-sourcing';
import { type AgentEvent, type AgentEventType } from './agent/agent-events';
import { type PolicyEvent, type PolicyEventType } from './policy/policy-events';

/** PremiumReminderSent v1 → v2: a reminder without `kind` was a PRE_DUE reminder. */
export function upcastPremiumReminderSentV1(data: JsonObject): JsonObject {
  return { ...data, kind: 'PRE_DUE' };
}

export const policyEventSchemas: EventSchemas<PolicyEventType> = {
  PolicyIssued: { currentVersion: 1 },
  ContractChanged: { currentVersion: 1 },
  BeneficiariesChanged: { currentVersion: 1 },
  PremiumReminderSent: { currentVersion: 2, upcasters: { 1: upcastPremiumReminderSentV1 } },
  PremiumReminderDeliveryRecorded: { currentVersion: 1 },
  PremiumPaid: { currentVersion: 1 },
  PolicyLapsed: { currentVersion: 1 },
  PremiumWaived: { currentVersion: 1 },
  PolicyReinstated: { currentVersion: 1 },
  PolicyTransferred: { currentVersion: 1 },
  SurvivalBenefitPaid: { currentVersion: 1 },
  PolicyMatured: { currentVersion: 1 },
  OrphanPolicyReassigned: { currentVersion: 1 },
  PolicyTerminated: { currentVersion: 1 },
};

export const agentEventSchemas: EventSchemas<AgentEventType> = {
  AgentRegistered: { currentVersion: 1 },
  AgentDeparted: { currentVersion: 1 },
};

export const POLICY_EVENT_TYPES = Object.keys(policyEventSchemas) as PolicyEventType[];
export const AGENT_EVENT_TYPES = Object.keys(agentEventSchemas) as AgentEventType[];

export function isPolicyEventType(type: string): type is PolicyEventType {
  return Object.prototype.hasOwnProperty.call(policyEventSchemas, type);
}

export function isAgentEventType(type: string): type is AgentEventType {
  return Object.prototype.hasOwnProperty.call(agentEventSchemas, type);
}

export const policyEventCodec: EventCodec<PolicyEvent> = createEventCodec<PolicyEvent>(policyEventSchemas);
export const agentEventCodec: EventCodec<AgentEvent> = createEventCodec<AgentEvent>(agentEventSchemas);
