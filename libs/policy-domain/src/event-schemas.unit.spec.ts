import { UnknownEventTypeError, UnsupportedSchemaVersionError, type JsonObject } from '@lib/event-sourcing';
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
import { type IssuedPolicy } from './policy/policy-state';
import { lapseEligibleFrom } from './policy/premium-installments';

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

  it('writes every event at its current version: PremiumReminderSent v2, everything else v1', () => {
    expect(policyEventSchemas.PremiumReminderSent.currentVersion).toBe(2);
    expect(POLICY_EVENT_TYPES.filter((type) => policyEventSchemas[type].currentVersion !== 1)).toEqual([
      'PremiumReminderSent',
    ]);
    const [lapsed] = eventsOf([lapsePolicy('2025-05-15')], [policyIssued()]);
    expect(policyEventCodec.encode(lapsed!)).toEqual({ type: 'PolicyLapsed', data: lapsed!.data, schemaVersion: 1 });
  });

  it('names every policy and agent event type', () => {
    expect(POLICY_EVENT_TYPES).toHaveLength(14);
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
