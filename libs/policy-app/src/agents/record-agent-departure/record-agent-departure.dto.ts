import { REASSIGNMENT_STRATEGIES } from '@lib/policy-domain';
import { DateField, EnumField } from '../../common/dto/fields';

export class RecordAgentDepartureDto {
  @DateField({ description: 'Not after today' })
  departedOn!: string;

  @EnumField(REASSIGNMENT_STRATEGIES, {
    optional: true,
    description: 'Default BALANCED; MANUAL leaves the policies orphaned for a supervisor',
  })
  reassignment?: (typeof REASSIGNMENT_STRATEGIES)[number];
}
