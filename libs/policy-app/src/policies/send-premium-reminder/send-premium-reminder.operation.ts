import { readEventMetadata, type AppendedEvent } from '@lib/event-sourcing';
import { policyAggregate, type PolicyEvent } from '@lib/policy-domain';
import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { SendPremiumReminderDto } from './send-premium-reminder.dto';

export const sendPremiumReminder: PolicyOperation<'SendPremiumReminder', SendPremiumReminderDto> = {
  name: 'SendPremiumReminder',
  target: 'policy',
  access: { name: 'policy:send-premium-reminder', roles: ['clerk', 'system'] },
  summary: 'SendPremiumReminder (clerk, system)',
  events: 'PremiumReminderSent',
  dto: SendPremiumReminderDto,
  example: { installmentNo: 2, kind: 'PRE_DUE', channel: 'SMS', sentOn: '2026-12-16' },
  rest: { path: ':id/premium-reminders', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({
    type: 'SendPremiumReminder',
    data: { installmentNo: dto.installmentNo, kind: dto.kind, channel: dto.channel, sentOn: dto.sentOn },
    context: { today: env.today },
  }),
  // The caller needs the id the decider assigned, for POST …/premium-reminders/{reminderId}/delivery.
  reply: (events) => ({ reminderId: sentReminderId(events) }),
};

/** The reminder id of the PremiumReminderSent written (or replayed for the same Idempotency-Key). */
function sentReminderId(events: readonly AppendedEvent[]): string {
  for (const event of events) {
    const decoded: PolicyEvent = policyAggregate.codec.decode({
      type: event.type,
      data: event.data,
      schemaVersion: readEventMetadata(event.metadata).schemaVersion,
    });
    if (decoded.type === 'PremiumReminderSent') return decoded.data.reminderId;
  }
  throw new Error('SendPremiumReminder wrote no PremiumReminderSent event');
}
