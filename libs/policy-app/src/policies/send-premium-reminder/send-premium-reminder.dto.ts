import { REMINDER_CHANNELS, REMINDER_KINDS } from '@lib/policy-domain';
import { DateField, EnumField, IntField } from '../../common/dto/fields';

export class SendPremiumReminderDto {
  @IntField(1, 10_000)
  installmentNo!: number;

  @EnumField(REMINDER_KINDS)
  kind!: (typeof REMINDER_KINDS)[number];

  @EnumField(REMINDER_CHANNELS)
  channel!: (typeof REMINDER_CHANNELS)[number];

  @DateField({ description: 'Not after today' })
  sentOn!: string;
}
