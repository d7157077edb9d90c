import { TERMINATION_REASONS } from '@lib/policy-domain';
import { DateField, EnumField } from '../../common/dto/fields';

export class TerminatePolicyDto {
  @DateField({ description: 'Not after today' })
  terminatedOn!: string;

  @EnumField(TERMINATION_REASONS, { description: 'LAPSE_EXPIRED is also allowed to the system role' })
  reason!: (typeof TERMINATION_REASONS)[number];
}
