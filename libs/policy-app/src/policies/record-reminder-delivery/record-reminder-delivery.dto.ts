import { DELIVERY_OUTCOMES } from '@lib/policy-domain';
import { DateField, EnumField } from '../../common/dto/fields';

export class RecordReminderDeliveryDto {
  @EnumField(DELIVERY_OUTCOMES)
  outcome!: (typeof DELIVERY_OUTCOMES)[number];

  @DateField({ description: 'Not after today' })
  recordedOn!: string;
}
