import { ReminderIdPipe } from '../../common/id-params';
import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { RecordReminderDeliveryDto } from './record-reminder-delivery.dto';

export const recordReminderDelivery: PolicyOperation<
  'RecordReminderDelivery',
  RecordReminderDeliveryDto,
  'policyId' | 'reminderId'
> = {
  name: 'RecordReminderDelivery',
  target: 'policy',
  access: { name: 'policy:record-reminder-delivery', roles: ['clerk', 'system'] },
  summary: 'RecordReminderDelivery (clerk, system)',
  events: 'PremiumReminderDeliveryRecorded',
  dto: RecordReminderDeliveryDto,
  example: { outcome: 'DELIVERED', recordedOn: '2026-12-17' },
  rest: {
    path: ':id/premium-reminders/:reminderId/delivery',
    ids: { policyId: POLICY_ID, reminderId: { pipe: ReminderIdPipe, description: 'Reminder id {policyId}-R{n}' } },
  },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, ids, env }) => ({
    type: 'RecordReminderDelivery',
    data: { reminderId: ids.reminderId, outcome: dto.outcome, recordedOn: dto.recordedOn },
    context: { today: env.today },
  }),
};
