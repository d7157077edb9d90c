import { UnknownEventTypeError, UnsupportedSchemaVersionError, type JsonObject } from '@lib/event-sourcing';
import contractChangedV1 from './__fixtures__/contract-changed.v1.json';
import policyIssuedV1 from './__fixtures__/policy-issued.v1.json';
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

// The data every old fixture upcasts to, and the pinned shape of every current one: event-fixtures.unit.spec.ts.
describe('event schemas', () => {
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

  it('a frozen v1 PolicyIssued (no notice rule agreed) lapses only after the full 60 days of grace', () => {
    // Installment 2 (due 2024-06-30) may lapse the policy from 2024-08-30 (60 days of grace, no notice rule).
    expect(lapseEligibleFrom(policyStateAfter([decodeFixture(policyIssuedV1)]) as IssuedPolicy)).toBe('2024-08-30');
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

  // Every type and version is pinned by its frozen fixture (event-fixtures.unit.spec.ts); here, that encoding
  // writes the current version.
  it('writes every event at its current version', () => {
    const [lapsed] = eventsOf([lapsePolicy('2025-05-15')], [policyIssued()]);
    expect(policyEventCodec.encode(lapsed!)).toEqual({
      type: 'PolicyLapsed',
      data: lapsed!.data,
      schemaVersion: policyEventSchemas.PolicyLapsed.currentVersion,
    });
    expect(POLICY_EVENT_TYPES).toContain('PolicyLapsed');
    expect(AGENT_EVENT_TYPES).toEqual(['AgentRegistered', 'AgentDeparted']);
  });

  it('refuses unknown types and versions newer than the code knows', () => {
    expect(() => policyEventCodec.decode({ type: 'PolicyUpdated', data: {}, schemaVersion: 1 })).toThrow(
      UnknownEventTypeError,
    );
    expect(() => policyEventCodec.decode({ type: 'PolicyLapsed', data: {}, schemaVersion: 3 })).toThrow(
      UnsupportedSchemaVersionError,
    );
    expect(() => agentEventCodec.decode({ type: 'PolicyLapsed', data: {}, schemaVersion: 1 })).toThrow(
      UnknownEventTypeError,
    );
  });
});
