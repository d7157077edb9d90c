import { UnknownEventTypeError, UnsupportedSchemaVersionError, type JsonObject } from '@lib/event-sourcing';
import contractChangedV1 from './__fixtures__/contract-changed.v1.json';
import policyIssuedV1 from './__fixtures__/policy-issued.v1.json';
import policyTerminatedV1 from './__fixtures__/policy-terminated.v1.json';
import premiumWaivedV1 from './__fixtures__/premium-waived.v1.json';
import reminderSentV1 from './__fixtures__/premium-reminder-sent.v1.json';
import {
  AGENT_EVENT_TYPES,
  agentEventCodec,
  POLICY_EVENT_TYPES,
  policyEventCodec,
  policyEventSchemas,
} from './event-schemas';
import { eventsOf, policyStateAfter } from './testing/decider-specification';
import { lapsePolicy, policyIssued } from './testing/policy-fixtures';
import { type PolicyEvent } from './policy/policy-events';
import { type IssuedPolicy } from './policy/policy-state';
import { lapseEligibleFrom } from './policy/premium-installments';
import { scheduledInstallment } from './policy/premium-schedule';

function decodeFixture(fixture: { type: string; schemaVersion: number; data: unknown }): PolicyEvent {
  return policyEventCodec.decode({
    type: fixture.type,
    data: fixture.data as JsonObject,
    schemaVersion: fixture.schemaVersion,
  });
}

describe('event schemas', () => {
  it('a frozen v1 PremiumReminderSent (no kind) reads as a current v2 PRE_DUE reminder', () => {
    const event = policyEventCodec.decode({
      type: reminderSentV1.type,
      data: reminderSentV1.data as JsonObject,
      schemaVersion: reminderSentV1.schemaVersion,
    });
    expect(event).toEqual({
      type: 'PremiumReminderSent',
      data: {
        reminderId: 'P-2023-0042-R1',
        installmentNo: 2,
        dueDate: '2024-06-30',
        amount: { amount: 250_000, currency: 'CNY' },
        channel: 'SMS',
        kind: 'PRE_DUE',
        sentOn: '2024-06-01',
      },
    });
  });

  it('an upcast v1 reminder after the due date does not start a notice period', () => {
    const issued = policyIssued();
    const v1Reminder = policyEventCodec.decode({
      type: 'PremiumReminderSent',
      schemaVersion: 1,
      data: {
        reminderId: 'P-2024-0001-R1',
        installmentNo: 2,
        dueDate: '2025-03-15',
        amount: { amount: 120_000, currency: 'CNY' },
        channel: 'LETTER',
        sentOn: '2025-03-20',
      },
    });
    expect(lapseEligibleFrom(policyStateAfter([issued, v1Reminder]) as IssuedPolicy)).toBe('2025-05-15');
  });

  it('a frozen v1 PolicyIssued reads as v2: no notice rule agreed, the jurisdiction’s rescission limits', () => {
    const event = decodeFixture(policyIssuedV1);
    expect(event.type).toBe('PolicyIssued');
    expect(event.data).toMatchObject({
      policyId: 'P-2023-0042',
      ruleProfile: {
        graceDays: 60,
        overdueNoticeDays: 30,
        noticeShortensGrace: false,
        reinstatementWindowYears: 2,
        reinstatementInterestBasisPoints: 500,
        waiverWaitingDays: 90,
        contestableYears: 2,
        rescissionKnowledgeDays: 30,
      },
    });
    // Installment 2 (due 2024-06-30) may lapse the policy from 2024-08-30 (60 days of grace, no notice rule).
    expect(lapseEligibleFrom(policyStateAfter([event]) as IssuedPolicy)).toBe('2024-08-30');
  });

  it('a frozen v1 ContractChanged (frequency change without rider premiums) still applies', () => {
    const policy = policyStateAfter([decodeFixture(policyIssuedV1), decodeFixture(contractChangedV1)]) as IssuedPolicy;
    expect(scheduledInstallment(policy.premium.schedule, 2)).toEqual({
      installmentNo: 2,
      dueDate: '2024-06-30',
      amount: { amount: 22_000, currency: 'CNY' },
    });
    expect(policy.policyholder.phone).toBe('+86 139 0000 0042');
  });

  it('a frozen v1 PremiumWaived reads with no refund; a v1 PolicyTerminated with no ground and no refund', () => {
    expect(decodeFixture(premiumWaivedV1).data).toEqual({ ...premiumWaivedV1.data, refund: null });
    expect(decodeFixture(policyTerminatedV1).data).toEqual({
      terminatedOn: '2024-09-01',
      reason: 'SURRENDER',
      ground: null,
      groundKnownOn: null,
      refund: null,
    });
  });

  it('writes every event at its current version', () => {
    expect(
      Object.fromEntries(POLICY_EVENT_TYPES.map((type) => [type, policyEventSchemas[type].currentVersion])),
    ).toEqual({
      PolicyIssued: 2,
      ContractChanged: 2,
      BeneficiariesChanged: 1,
      PremiumReminderSent: 2,
      PremiumReminderDeliveryRecorded: 1,
      PremiumPaid: 1,
      PolicyLapsed: 1,
      PremiumWaived: 2,
      PolicyReinstated: 1,
      PolicyTransferred: 2,
      SurvivalBenefitPaid: 1,
      PolicyMatured: 1,
      OrphanPolicyReassigned: 1,
      PolicyTerminated: 2,
      ScheduledChangeCancelled: 1,
    });
    const [lapsed] = eventsOf([lapsePolicy('2025-05-15')], [policyIssued()]);
    expect(policyEventCodec.encode(lapsed!)).toEqual({ type: 'PolicyLapsed', data: lapsed!.data, schemaVersion: 1 });
  });

  it('names every policy and agent event type', () => {
    expect(POLICY_EVENT_TYPES).toHaveLength(15);
    expect(AGENT_EVENT_TYPES).toEqual(['AgentRegistered', 'AgentDeparted']);
  });

  it('refuses unknown types and versions newer than the code knows', () => {
    expect(() => policyEventCodec.decode({ type: 'PolicyUpdated', data: {}, schemaVersion: 1 })).toThrow(
      UnknownEventTypeError,
    );
    expect(() => policyEventCodec.decode({ type: 'PolicyLapsed', data: {}, schemaVersion: 2 })).toThrow(
      UnsupportedSchemaVersionError,
    );
    expect(() => agentEventCodec.decode({ type: 'PolicyLapsed', data: {}, schemaVersion: 1 })).toThrow(
      UnknownEventTypeError,
    );
  });
});
