import { WAIVER_REASONS } from '@lib/policy-domain';
import { DateField, EnumField, TextField } from '../../common/dto/fields';
import { REFERENCE_MAX } from '../shared/policy-values.dto';

export class WaivePremiumDto {
  @EnumField(WAIVER_REASONS)
  reason!: (typeof WAIVER_REASONS)[number];

  @DateField({ description: 'The insured event; not after today' })
  eventDate!: string;

  @TextField(REFERENCE_MAX)
  evidenceRef!: string;
}
